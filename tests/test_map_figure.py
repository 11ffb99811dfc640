"""geo.map.figure: the map put together."""
from __future__ import annotations

import re

from geo.map import build_map
from map_util import fixture_incident, page_rows, render


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
