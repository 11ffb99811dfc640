"""geo.map.figure: the map put together."""
from __future__ import annotations

import json
import re

from geo.map import build_map
from map_util import fixture_incident, many_incidents, page_rows, render


def test_map_draws_one_marker_per_incident_with_legend_basemap_and_controls():
    incs = [fixture_incident(id=str(k), lat=40 + k / 100, fatalities=k, event_type=t)
            for k, t in enumerate(["Battles", "Protests", "Riots", "Battles", "Unknown type"])]
    html = render(build_map(incs))
    rows = page_rows(html)
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


def test_the_layers_carry_each_incident_s_day_and_the_range_the_playback_steps_through():
    from geo.map import Filters, IncidentTable, filter_layers
    incs = [fixture_incident(id=str(k), event_date=f"2020-10-0{1 + k}") for k in range(3)]
    sel = IncidentTable(incs).select(Filters("2020-09-30", "2020-10-02"))
    layers = filter_layers(sel, sides={})
    assert sorted(r[9] for r in layers.rows) == ["2020-10-01", "2020-10-02"]
    data = json.loads(layers.data_json)
    assert (data["start"], data["end"], data["play_note"]) == ("2020-09-30", "2020-10-02", "")
    cells = json.loads(filter_layers(many_incidents(60), marker_limit=10, max_cells=5, sides={}).data_json)
    assert "narrow the filters to play" in cells["play_note"]


def test_the_playback_control_is_served_by_the_app_and_inlined_in_a_standalone_page():
    from geo.map.offline import inline_html
    html = render(build_map([fixture_incident()]))
    assert re.search(r'<script src="/component/[^"]+/leaflet-playback\.js"></script>', html)
    assert "L.control.playback(" in html
    standalone = inline_html(build_map([fixture_incident()]))
    assert "L.Control.Playback = L.Control.extend(" in standalone and "leaflet-playback.js\"" not in standalone
