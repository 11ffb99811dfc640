"""The offline vector basemap, the map's default layer: borders, the disputed region, country labels, and
settlement names by zoom (towns from zoom 8, then larger villages, every village from zoom 12)."""
from __future__ import annotations

import functools
import json
from pathlib import Path

from .. import paths
from .html import Script

__all__ = ["BASEMAP", "add_basemap"]


BASEMAP = paths.BASEMAP
_LABELS_JS = """
data.forEach(function (d) {
    var span = document.createElement('span');
    span.textContent = d[2];
    L.marker([d[0], d[1]], {pane: 'basemap', interactive: false, keyboard: false,
        icon: L.divIcon({className: 'basemap-label', html: span, iconSize: null})}).addTo(map);
});
"""


_SETTLEMENTS_JS = """
var layer = L.layerGroup().addTo(map), shown = {};
var rankAt = function (z) { return z >= 12 ? 3 : z >= 10 ? 2 : z >= 8 ? 1 : 0; };
function draw() {
    var rank = rankAt(map.getZoom()), view = map.getBounds().pad(0.2), n = 0, keep = {};
    for (var k = 0; k < data.ranks.length && n < data.limit; k++) {
        if (data.ranks[k] > rank) break;
        var ll = L.latLng(data.coords[k][1], data.coords[k][0]);
        if (!view.contains(ll)) continue;
        n++;
        keep[k] = true;
        if (shown[k]) continue;
        var span = document.createElement('span');
        span.textContent = data.names[k];
        shown[k] = L.marker(ll, {pane: 'basemap', interactive: false, keyboard: false,
            icon: L.divIcon({className: 'settlement-label rank-' + data.ranks[k], html: span, iconSize: null})
        }).addTo(layer);
    }
    Object.keys(shown).forEach(function (k) { if (!keep[k]) { layer.removeLayer(shown[k]); delete shown[k]; } });
}
map.on('zoomend moveend', draw);
map.whenReady(draw);
"""
SETTLEMENT_LIMIT = 400  # labels drawn at once: the largest places in view first


@functools.lru_cache(maxsize=4)
def _basemap(path: str) -> dict | None:
    p = Path(path)
    return json.loads(p.read_text(encoding="utf-8")) if p.exists() else None


def _basemap_style(feature: dict) -> dict:
    if feature["properties"].get("kind") == "region":
        return {"color": "#7a5c3a", "weight": 1.5, "dashArray": "5 4", "fill": False}
    return {"color": "#8c8c8c", "weight": 1, "fillColor": "#f3f0e8", "fillOpacity": 1}


def add_basemap(m, path: str | Path = BASEMAP) -> bool:
    """Borders and the region in a pane under the markers, and the labels; False when the file is absent.

    Settlement names are drawn in the browser for the view only, towns first and at most SETTLEMENT_LIMIT,
    so that a page holding thousands of villages stays quick to pan."""
    import folium

    fc = _basemap(str(path))
    if not fc:
        return False
    folium.map.CustomPane("basemap", z_index=150).add_to(m)
    shapes = [f for f in fc["features"] if f["properties"].get("kind") in ("country", "region")]
    folium.GeoJson({"type": "FeatureCollection", "features": shapes}, name="Borders (offline basemap)",
                   style_function=_basemap_style, control=False, interactive=False, pane="basemap").add_to(m)
    labels = [[f["geometry"]["coordinates"][1], f["geometry"]["coordinates"][0], f["properties"]["name"]]
              for f in fc["features"] if f["properties"].get("kind") == "label"]
    m.add_child(Script(_LABELS_JS, labels, "BasemapLabels"))
    for f in fc["features"]:
        if f["properties"].get("kind") == "settlements":
            p = f["properties"]
            m.add_child(Script(_SETTLEMENTS_JS, {"coords": f["geometry"]["coordinates"], "names": p["names"],
                                                 "ranks": p["ranks"], "limit": SETTLEMENT_LIMIT}, "Settlements"))
    return True
