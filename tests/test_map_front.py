"""geo.map.front: control areas and the front line."""
from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

import json

from geo.map import build_map, filter_layers, front_data, front_features, front_steps
from map_util import STUB_FEATURES, fixture_incident, render


def test_front_features_come_from_the_frontline_module():
    calls = []
    stub = SimpleNamespace(
        snapshot=lambda incs, day: calls.append((len(incs), day)) or SimpleNamespace(day=day, control=[], line=None),
        features=lambda snap: STUB_FEATURES)
    assert front_features([fixture_incident()], date(2020, 10, 5), frontline=stub) == STUB_FEATURES
    assert calls == [(1, date(2020, 10, 5))]


def test_map_draws_control_areas_and_front_line_as_layers():
    html = render(build_map([fixture_incident()], front=STUB_FEATURES, front_day="2020-10-05",
                             sides={"armenian": {"label": "Armenian side", "color": "#c0392b"},
                                    "azerbaijani": {"label": "Azerbaijani side", "color": "#2471a3"}}))
    assert "Control areas as of 2020-10-05" in html and "Front line as of 2020-10-05" in html
    assert "url(#hatch-azerbaijani)" in html and "hatch-armenian" in html  # claimed areas hatched
    assert "Azerbaijani side: held, claimed" in html  # legend
    assert "<b>x</b>" not in html  # labels reach the page as JSON and textContent


def test_playback_gets_the_front_of_each_day_it_changed():
    held = STUB_FEATURES[:1]
    stub = SimpleNamespace(relevant=lambda incs: incs[:1],
                           steps=lambda incs, start, end: [SimpleNamespace(day=date(2020, 10, 1), f=held),
                                                           SimpleNamespace(day=date(2020, 10, 9), f=STUB_FEATURES)],
                           features=lambda snap: snap.f)
    steps = front_steps([fixture_incident(), fixture_incident()], "2020-10-01", "2020-10-20", frontline=stub)
    assert steps == [("2020-10-01", held), ("2020-10-09", STUB_FEATURES)]
    sides = {"armenian": {"color": "#c0392b"}, "azerbaijani": {"color": "#2471a3"}}
    data = json.loads(filter_layers([fixture_incident()], front=held, front_day="2020-10-20", sides=sides,
                                    front_steps=steps).data_json)
    assert [d for d, _ in data["steps"]] == ["2020-10-01", "2020-10-09"]
    first, second = (layers for _, layers in data["steps"])
    assert first["control"]["name"] == "Control areas as of 2020-10-01" and "line" not in first
    assert second["line"]["name"] == "Front line as of 2020-10-09"
    assert data["control"]["name"] == "Control areas as of 2020-10-20"  # the end date's, shown when not playing
    assert data["hatches"] == [["hatch-armenian", "#c0392b"], ["hatch-azerbaijani", "#2471a3"]]  # every day's
    assert "steps" not in json.loads(filter_layers([fixture_incident()], front=held, sides=sides).data_json)


def test_a_control_area_lists_the_places_the_reports_moved_into_it():
    area = {**STUB_FEATURES[1], "properties": {**STUB_FEATURES[1]["properties"], "evidence": [
        {"place": "Shusha", "since": "2020-11-08", "reports": [{}, {}, {}]},
        {"place": "Fuzuli", "since": "2020-10-17", "reports": [{}]}]}}
    data = front_data([STUB_FEATURES[0], area], {}, "2020-11-20")
    held, claimed = (f["properties"]["places"] for f in data["control"]["data"]["features"])
    assert held == [] and claimed == [["Fuzuli", "2020-10-17", 1], ["Shusha", "2020-11-08", 3]]


def test_real_frontline_module_when_present():
    pytest.importorskip("geo.frontline")
    from geo.frontline import snapshot
    feats = front_features([fixture_incident()], date(2020, 10, 5))
    assert {f["properties"]["layer"] for f in feats} <= {"control", "front_line"}
    assert callable(snapshot)


def test_the_map_front_weighs_the_attacks_the_export_weighs(tmp_path):
    """A claim undone by the claimant's own later attacks on the town: the map's control is the export's."""
    import io
    from conftest import ROOT
    from geo import frontline, store
    from geo.ingest import ingest
    db = tmp_path / "front.gpkg"
    ingest([str(ROOT / "tests" / "fixtures" / "front")], str(db), out=io.StringIO(), progress=False)
    incs = store.load_events(db)
    day = max(i.event_date for i in incs)
    assert front_features(incs, date.fromisoformat(day)) == frontline.features(frontline.snapshot(incs, day))
