"""geo.view without a browser: filters, escaping, the map handed to st_folium, aggregation, exports, basemap."""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT, SHARED
from geo.records import Incident, Source
from geo.view import (ACLED_COLUMNS, BASEMAP, EXTRA_COLUMNS, MARKER_LIMIT, Filters, IncidentTable, aggregate,
                      as_selection, build_map, esc, filter_incidents, front_features, js_json, popup_html, table_rows,
                      timeline_chart, to_csv, to_geojson, to_gpkg, tooltip_html)

HOSTILE = ["{{ 6*7 }}{% for x in [1, 2] %}X{% endfor %}", "<script>alert(1)</script>", "<img src=x onerror=alert(2)>",
           "${alert(3)}", "\\`);alert(4);//",
           "'); alert(5); ('", "</script><script>alert(6)</script>", '"><svg onload=alert(7)>']


def _incident(**kw):
    base = dict(id="x1", event_date="2020-10-01", time_precision=1, event_type="Battles",
                sub_event_type="Armed clash", actor1="Azerbaijan", actor2="Armenia", location="Tartar",
                country="AZ", admin1=None, lat=40.34, lon=46.93, geo_precision=1,
                sources=[Source("f.txt", "https://example.org/a", "T", "2020-10-01")], evidence=["E."])
    base.update(kw)
    return Incident(**base)


def _many(n: int, seed: int = 1) -> list[Incident]:
    import random
    rnd = random.Random(seed)
    types = ["Battles", "Explosions/Remote violence", "Strategic developments"]
    return [_incident(id=f"i{k}", event_date=f"2020-10-{1 + k % 28:02d}", event_type=rnd.choice(types),
                      lat=39 + rnd.random() * 2, lon=45.5 + rnd.random() * 3, fatalities=rnd.choice([None, 0, 3]),
                      location=f"Place {k % 40}") for k in range(n)]


def _render(m) -> str:
    return m.get_root().render()


def _rows(html: str) -> list[list]:
    """The rows IncidentLayer hands to the browser, parsed back from the rendered page."""
    match = re.search(r"var rows = (\[.*?\]);\n", html, re.S)
    return json.loads(match.group(1))


# --- filters ---------------------------------------------------------------------------------

def test_filter_by_date_actor_type():
    a = _incident(id="a")
    b = _incident(id="b", event_date="2020-10-05", actor1="Armenia", actor2="Azerbaijan", event_type="Protests")
    assert [i.id for i in filter_incidents([a, b], Filters(start="2020-10-02"))] == ["b"]
    assert [i.id for i in filter_incidents([a, b], Filters(end="2020-10-01"))] == ["a"]
    assert [i.id for i in filter_incidents([a, b], Filters(event_types=("Battles",)))] == ["a"]
    assert len(filter_incidents([a, b], Filters(actors=("Armenia",)))) == 2
    assert filter_incidents([a, b], Filters(actors=("Turkey",))) == []


def test_filter_by_claimant_casualties_and_place():
    a = _incident(id="a", claimed_by=["Azerbaijan"], fatalities=2, location="Tǝrtǝr")
    b = _incident(id="b", claimed_by=["Armenia", "Nagorno-Karabakh"], injured=1, location="Stepanakert")
    c = _incident(id="c", claimed_by=[], location="Ganja")
    incs = [a, b, c]
    assert [i.id for i in filter_incidents(incs, Filters(claimants=("Nagorno-Karabakh",)))] == ["b"]
    assert [i.id for i in filter_incidents(incs, Filters(claimants=("Armenia", "Azerbaijan")))] == ["a", "b"]
    assert [i.id for i in filter_incidents(incs, Filters(casualties_only=True))] == ["a", "b"]
    assert [i.id for i in filter_incidents(incs, Filters(place="TARTAR"))] == ["a"]  # folded: ǝ→a, case
    assert [i.id for i in filter_incidents(incs, Filters(place="tərtər"))] == ["a"]
    assert [i.id for i in filter_incidents(incs, Filters(place="step"))] == ["b"]
    assert filter_incidents(incs, Filters(place="Moscow")) == []


def _reference(incs, f: Filters):
    out = []
    for i in incs:
        if (f.start and i.event_date < f.start) or (f.end and i.event_date > f.end):
            continue
        if f.actors and i.actor1 not in f.actors and i.actor2 not in f.actors:
            continue
        if f.event_types and i.event_type not in f.event_types:
            continue
        if f.claimants and not set(i.claimed_by) & set(f.claimants):
            continue
        if f.casualties_only and not ((i.fatalities or 0) > 0 or (i.injured or 0) > 0):
            continue
        if f.place and f.place.casefold() not in i.location.casefold():
            continue
        out.append(i.id)
    return out


_names = st.sampled_from(["Armenia", "Azerbaijan", "Turkey", None])
_inc = st.builds(lambda d, a1, a2, t, c, fat, inj, loc: _incident(
    event_date=f"2020-10-{d:02d}", actor1=a1, actor2=a2, event_type=t, claimed_by=c, fatalities=fat, injured=inj,
    location=loc), st.integers(1, 9), _names, _names, st.sampled_from(["Battles", "Protests", "Riots"]),
    st.lists(st.sampled_from(["Armenia", "Azerbaijan", "Media"]), max_size=2), st.sampled_from([None, 0, 2]),
    st.sampled_from([None, 0, 1]), st.sampled_from(["Tartar", "Ganja", "Barda"]))
_filters = st.builds(
    Filters, st.sampled_from([None, "2020-10-03"]), st.sampled_from([None, "2020-10-06"]),
    st.lists(st.sampled_from(["Armenia", "Turkey"]), max_size=2, unique=True).map(tuple),
    st.lists(st.sampled_from(["Battles", "Riots"]), max_size=2, unique=True).map(tuple),
    st.lists(st.sampled_from(["Azerbaijan", "Media"]), max_size=2, unique=True).map(tuple),
    st.booleans(), st.sampled_from(["", "ar", "GAN"]))


@settings(max_examples=150, deadline=None)
@given(st.lists(_inc, max_size=12), _filters)
def test_columnar_filter_matches_the_plain_definition(incs, f):
    for k, i in enumerate(incs):
        i.id = str(k)
    assert [i.id for i in filter_incidents(incs, f)] == _reference(incs, f)


def test_table_lists_widget_options_and_range():
    t = IncidentTable([_incident(id="a", claimed_by=["Media"]), _incident(id="b", event_date="2020-10-09",
                                                                           actor2=None, event_type="Riots")])
    assert t.actors() == ["Armenia", "Azerbaijan"]
    assert t.event_types() == ["Battles", "Riots"]
    assert t.claimants() == ["Media"]
    assert t.date_range() == (date(2020, 10, 1), date(2020, 10, 9))
    assert IncidentTable([]).date_range() is None


# --- escaping ------------------------------------------------------------------------------------

def test_esc_neutralises_html_and_js_template_syntax():
    for s in HOSTILE:
        out = esc(s)
        for c in '<>`$\\"\'{}':
            assert c not in out, (s, c)


def test_js_json_round_trips_without_markup_or_template_syntax():
    data = {"rows": [[1.5, "</script><b>'&'</b>", "{{ 6*7 }}", "{% if 1 %}", "{# c #}"]], "n": {"m": None}}
    out = js_json(data)
    assert json.loads(out) == data
    for bad in ("<", ">", "&", "'", "{{", "{%", "{#"):
        assert bad not in out, bad


def test_article_text_is_not_evaluated_as_a_template_on_the_server():
    html = _render(build_map([_incident(location="{{ 6*7 }}", evidence=["{% for x in [1, 2] %}X{% endfor %}"])]))
    row = _rows(html)[0]
    assert "&#123;&#123; 6*7 &#125;&#125;" in row[7] and "42" not in row[7]
    assert "&#123;% for x in [1, 2] %&#125;X" in row[8] and "XX" not in row[8]


def test_popup_escapes_hostile_text_and_drops_javascript_links():
    evil = _incident(location=HOSTILE[2], evidence=HOSTILE, actor1=HOSTILE[3], claimed_by=[HOSTILE[5]],
                     denied_by=[HOSTILE[6]], sub_event_type=HOSTILE[7],
                     sources=[Source("f.txt", "javascript:alert(3)", "<b onmouseover=alert(4)>t</b>", "2020-10-01"),
                              Source("g.txt", " JavaScript:alert(8)", "x", None),
                              Source("h.txt", "https://example.org/ok?a=1&b=\"2\"", "fine", None)])
    h = popup_html(evil)
    for tag in ("<script", "<img", "<b onmouseover", "<svg", "javascript:", "JavaScript:", "${", "`", "{{", "{%"):
        assert tag not in h
    assert "&lt;script&gt;" in h
    assert h.count("<a ") == 1 and 'href="https://example.org/ok?a=1&amp;b=&quot;2&quot;"' in h
    assert 'rel="noopener noreferrer"' in h


def test_popup_shows_every_field_and_every_source():
    i = _incident(denied_by=["Armenia"], claimed_by=["Azerbaijan"], fatalities=3, injured=None, time_precision=2,
                  geo_precision=2, evidence=["One.", "Two.", "Three.", "Four."],
                  sources=[Source(f"{k}.txt", f"https://example.org/{k}", f"Title {k}", "2020-10-02")
                           for k in range(4)])
    h = popup_html(i)
    for text in ("Armed clash", "Battles", "2020-10-01", "precision: week", "Tartar", "approximate",
                 "Azerbaijan &rarr; Armenia", "Reported by: Azerbaijan", "Denied by: Armenia",
                 "3 killed, ? injured", "One.", "Three.", "+1 more", "Title 3"):
        assert text in h, text
    assert h.count("<a ") == 4
    assert "Casualties: not reported" in popup_html(_incident())


def test_rendered_map_never_carries_raw_hostile_text():
    evil = _incident(location=HOSTILE[1], evidence=HOSTILE, sub_event_type=HOSTILE[6], actor1=HOSTILE[7],
                     sources=[Source("f", "javascript:alert(1)", HOSTILE[1], None)])
    html = _render(build_map([evil]))
    body = html.split("<body>", 1)[1]
    for s in HOSTILE:
        assert s not in body
    assert "onerror=alert(2)>" not in body and "<img" not in body and "</script><script>" not in body
    assert "42" not in _rows(html)[0][8]
    assert "javascript:" not in body
    assert "L.popup(" not in html and "bindTooltip(`" not in html  # no folium Popup/Tooltip template literals
    row = _rows(html)[0]
    assert "&lt;script&gt;" in row[8] and row[7] == tooltip_html(evil)


# --- the map ---------------------------------------------------------------------------------------

def test_map_draws_one_marker_per_incident_with_legend_basemap_and_controls():
    incs = [_incident(id=str(k), lat=40 + k / 100, fatalities=k, event_type=t)
            for k, t in enumerate(["Battles", "Protests", "Riots", "Battles", "Unknown type"])]
    html = _render(build_map(incs))
    rows = _rows(html)
    assert len(rows) == 5 and all(r[2] == 1 for r in rows)
    assert {r[3] for r in rows} == {"#c0392b", "#27ae60", "#f39c12", "#7f8c8d"}  # coloured by type
    assert rows[4][4] == "circle-info" and rows[0][4] == "crosshairs"  # iconed by type
    assert rows[4][5] > rows[0][5]  # sized by casualties
    assert "map-legend" in html and "Battles 2" in html
    for js in ("L.markerClusterGroup(", "L.heatLayer(", "L.control.layers(", "L.control.fullscreen(",
               "L.control.scale("):
        assert js in html, js
    assert '"pane": "basemap"' in html and "Azerbaijan" in html  # offline vector basemap
    assert "GeoNames" in html
    assert not re.findall(r'<(?:script|link)[^>]+(?:src|href)="https?://', html)  # localized: nothing remote


def test_map_aggregates_above_the_marker_limit():
    incs = _many(600)
    html = _render(build_map(incs, marker_limit=100, max_cells=50))
    rows = _rows(html)
    assert 0 < len(rows) <= 50
    assert sum(r[2] for r in rows) == 600 and all(r[4] == "" for r in rows)
    assert "aggregated" in html and "Narrow the filters" in html


def test_aggregate_coarsens_until_the_cell_budget_holds():
    sel = as_selection(_many(2000))
    cells, size = aggregate(sel, max_cells=100)
    assert len(cells) <= 100 and size > 0
    assert sum(c.count for c in cells) == 2000
    assert sum(c.fatalities for c in cells) == sum(i.fatalities or 0 for i in sel.incidents)
    same_place = as_selection([_incident(id=str(k)) for k in range(7)])
    cells, size = aggregate(same_place, max_cells=100)
    assert size == 0 and len(cells) == 1 and cells[0].count == 7 and cells[0].places == [("Tartar", 7)]


def test_marker_limit_is_the_documented_threshold():
    assert MARKER_LIMIT == 5000


# --- front line -------------------------------------------------------------------------------------

_STUB_FEATURES = [
    {"type": "Feature",
     "geometry": {"type": "Polygon", "coordinates": [[[46.5, 39.5], [47, 39.5], [47, 40], [46.5, 39.5]]]},
     "properties": {"layer": "control", "controller": "armenian", "controller_name": "Armenian side",
                    "status": "confirmed"}},
    {"type": "Feature",
     "geometry": {"type": "Polygon", "coordinates": [[[47, 39.5], [47.5, 39.5], [47.5, 40], [47, 39.5]]]},
     "properties": {"layer": "control", "controller": "azerbaijani", "controller_name": "<b>x</b>",
                    "status": "claimed"}},
    {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[47, 39.5], [47, 40]]},
     "properties": {"layer": "front_line"}},
]


def test_front_features_come_from_the_frontline_module():
    calls = []
    stub = SimpleNamespace(
        snapshot=lambda incs, day: calls.append((len(incs), day)) or SimpleNamespace(day=day, control=[], line=None),
        features=lambda snap: _STUB_FEATURES)
    assert front_features([_incident()], date(2020, 10, 5), frontline=stub) == _STUB_FEATURES
    assert calls == [(1, date(2020, 10, 5))]


def test_map_draws_control_areas_and_front_line_as_layers():
    html = _render(build_map([_incident()], front=_STUB_FEATURES, front_day="2020-10-05",
                             sides={"armenian": {"label": "Armenian side", "color": "#c0392b"},
                                    "azerbaijani": {"label": "Azerbaijani side", "color": "#2471a3"}}))
    assert "Control areas as of 2020-10-05" in html and "Front line as of 2020-10-05" in html
    assert "url(#hatch-azerbaijani)" in html and "hatch-armenian" in html  # claimed areas hatched
    assert "Azerbaijani side: held, claimed" in html  # legend
    assert "<b>x</b>" not in html  # labels reach the page as JSON and textContent


def test_real_frontline_module_when_present():
    pytest.importorskip("geo.frontline")
    from geo.frontline import snapshot
    feats = front_features([_incident()], date(2020, 10, 5))
    assert {f["properties"]["layer"] for f in feats} <= {"control", "front_line"}
    assert callable(snapshot)


# --- timeline, table, exports -------------------------------------------------------------------------

def test_timeline_counts_per_day_and_type():
    sel = as_selection([_incident(id="a"), _incident(id="b"), _incident(id="c", event_date="2020-10-03",
                                                                         event_type="Riots")])
    assert sel.per_day() == [{"day": "2020-10-01", "event_type": "Battles", "incidents": 2},
                             {"day": "2020-10-03", "event_type": "Riots", "incidents": 1}]
    spec = timeline_chart(sel).to_dict()
    assert spec["mark"]["type"] == "bar" and spec["encoding"]["color"]["scale"]["domain"] == ["Battles", "Riots"]


def test_table_rows_newest_first_and_capped():
    sel = as_selection([_incident(id=str(k), event_date=f"2020-10-{k + 1:02d}") for k in range(5)])
    rows = table_rows(sel, limit=2)
    assert [r["date"] for r in rows] == ["2020-10-05", "2020-10-04"]


def test_geojson_snapshot_holds_incidents_front_and_metadata():
    sel = IncidentTable([_incident(id="a"), _incident(id="b", actor1="Armenia")]).select(Filters(actors=("Armenia",)))
    meta = {"filters": sel.filters.as_dict(), "counts": sel.counts()}
    fc = json.loads(to_geojson(sel, meta, _STUB_FEATURES))
    assert fc["type"] == "FeatureCollection"
    assert [f["id"] for f in fc["features"] if f["properties"]["layer"] == "incident"] == ["a", "b"]
    assert sum(f["properties"]["layer"] == "front_line" for f in fc["features"]) == 1
    assert fc["metadata"]["filters"]["actors"] == ["Armenia"] and fc["metadata"]["counts"]["incidents"] == 2


def test_csv_has_acled_columns_and_is_spreadsheet_safe():
    i = _incident(location="=HYPERLINK(\"http://x\")", fatalities=None, injured=4, claimed_by=["Azerbaijan"],
                  denied_by=["Armenia"], evidence=["A sentence."])
    rows = list(csv.DictReader(io.StringIO(to_csv(as_selection([i])).decode("utf-8"))))
    assert list(rows[0]) == ACLED_COLUMNS + EXTRA_COLUMNS
    r = rows[0]
    assert r["event_id_cnty"] == "x1" and r["year"] == "2020" and r["country"] == "Azerbaijan"
    assert r["location"].startswith("'=") and r["fatalities"] == "" and r["injured"] == "4"
    assert r["source"] == "example.org" and r["notes"] == "A sentence." and r["claimed_by"] == "Azerbaijan"
    assert r["latitude"] == "40.34" and r["geo_precision"] == "1"


def test_geopackage_has_incident_and_front_layers(tmp_path):
    import geopandas as gpd
    import pyogrio

    path = tmp_path / "x.gpkg"
    path.write_bytes(to_gpkg(as_selection([_incident(), _incident(id="y", fatalities=2)]), _STUB_FEATURES))
    assert [name for name, _ in pyogrio.list_layers(path)] == ["incidents", "control", "front_line"]
    gdf = gpd.read_file(path, layer="incidents")
    assert len(gdf) == 2 and list(gdf.columns[:3]) == ACLED_COLUMNS[:3] and gdf.crs.to_epsg() == 4326
    assert gdf["fatalities"].tolist()[1] == 2
    empty = tmp_path / "empty.gpkg"
    empty.write_bytes(to_gpkg(as_selection([])))
    assert len(gpd.read_file(empty, layer="incidents")) == 0


# --- basemap -------------------------------------------------------------------------------------------

def test_basemap_is_small_and_holds_borders_and_region():
    assert BASEMAP.exists() and BASEMAP.stat().st_size < 1_000_000
    fc = json.loads(BASEMAP.read_text(encoding="utf-8"))
    kinds = {(f["properties"]["kind"], f["properties"]["name"]) for f in fc["features"]}
    assert {("country", "Armenia"), ("country", "Azerbaijan"), ("region", "Nagorno-Karabakh")} <= kinds
    assert all(s["sha256"] and s["file"].startswith("shared/data/boundaries/") for s in fc["metadata"]["sources"])
    assert "Natural Earth" in fc["metadata"]["licence"]


def test_basemap_rebuilds_identically_from_shared(tmp_path):
    boundaries = SHARED / "data" / "boundaries"
    if not (boundaries / "ne_10m_breakaway_caucasus.geojson").exists():
        pytest.skip("../shared boundaries not present")
    from geo.basemap_build import main
    out = tmp_path / "basemap.geojson"
    assert main(["--boundaries", str(boundaries), "--out", str(out)]) == 0
    assert json.loads(out.read_text()) == json.loads(BASEMAP.read_text())


def test_sample_and_paths_exist():
    assert (ROOT / "data" / "sample_incidents.geojson").exists() and Path(BASEMAP).parent == ROOT / "data"
