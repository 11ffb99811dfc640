"""geo.map.front: control areas and the front line."""
from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from geo.map import build_map, front_features
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
