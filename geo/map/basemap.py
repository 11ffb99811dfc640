"""The offline vector basemap drawn under the tiles: borders, the disputed region, place labels."""
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


@functools.lru_cache(maxsize=4)
def _basemap(path: str) -> dict | None:
    p = Path(path)
    return json.loads(p.read_text(encoding="utf-8")) if p.exists() else None


def _basemap_style(feature: dict) -> dict:
    if feature["properties"].get("kind") == "region":
        return {"color": "#7a5c3a", "weight": 1.5, "dashArray": "5 4", "fill": False}
    return {"color": "#8c8c8c", "weight": 1, "fillColor": "#f3f0e8", "fillOpacity": 1}


def add_basemap(m, path: str | Path = BASEMAP) -> bool:
    """Borders and the region in a pane under the markers, and the labels; False when the file is absent."""
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
    return True
