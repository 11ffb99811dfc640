"""The front line and the control areas (held solid, claimed hatched), each a toggleable layer."""
from __future__ import annotations

from datetime import date

from ..records import Incident
from .html import COLOR_RE, NAME_RE, Script

__all__ = ["CLAIMED", "front_features", "add_front_layers"]


CLAIMED = "claimed"
_HATCH_JS = """
var ns = 'http://www.w3.org/2000/svg';
var svg = document.getElementById('map-patterns');
if (!svg) {
    svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('id', 'map-patterns');
    svg.setAttribute('width', '0'); svg.setAttribute('height', '0');
    svg.style.position = 'absolute';
    svg.appendChild(document.createElementNS(ns, 'defs'));
    document.body.appendChild(svg);
}
data.forEach(function (d) {
    var p = document.createElementNS(ns, 'pattern');
    p.setAttribute('id', d[0]); p.setAttribute('patternUnits', 'userSpaceOnUse');
    p.setAttribute('width', '8'); p.setAttribute('height', '8');
    p.setAttribute('patternTransform', 'rotate(45)');
    var bg = document.createElementNS(ns, 'rect');
    bg.setAttribute('width', '8'); bg.setAttribute('height', '8');
    bg.setAttribute('fill', d[1]); bg.setAttribute('fill-opacity', '0.08');
    var line = document.createElementNS(ns, 'rect');
    line.setAttribute('width', '3'); line.setAttribute('height', '8');
    line.setAttribute('fill', d[1]); line.setAttribute('fill-opacity', '0.45');
    p.appendChild(bg); p.appendChild(line);
    svg.firstChild.appendChild(p);
});
"""
_TEXT_TOOLTIP_JS = """function (feature, layer) {
    var label = feature.properties && feature.properties.label;
    if (label) {
        var span = document.createElement('span');
        span.textContent = label;
        layer.bindTooltip(span, {sticky: true});
    }
}"""


def front_features(incidents: list[Incident], day: str | date, frontline=None) -> list[dict]:
    """Control areas and the front line as of ``day`` from geo.frontline; [] while that module is absent.

    Only capture reports move control, so only they are handed over (at 100k incidents: 20 ms, not 1 s).
    """
    if frontline is None:
        try:
            from .. import frontline
        except ImportError:
            return []
    captures = getattr(frontline, "CAPTURES", None)
    if captures:
        incidents = [i for i in incidents if i.sub_event_type in captures]
    return list(frontline.features(frontline.snapshot(incidents, day)))


def _side_color(sides: dict, key: str) -> str:
    color = (sides.get(key) or {}).get("color", "#555555")
    return color if COLOR_RE.match(color) else "#555555"


def add_front_layers(m, features: list[dict], sides: dict, day: str | None) -> bool:
    """Control areas (held solid, claimed hatched) and the front line, each a toggleable layer."""
    import folium

    control = [f for f in features if (f.get("properties") or {}).get("layer") == "control"]
    line = [f for f in features if (f.get("properties") or {}).get("layer") == "front_line"]
    if not control and not line:
        return False
    suffix = f" as of {day}" if day else ""
    if control:
        patterns = sorted({NAME_RE.sub("", str(f["properties"].get("controller", ""))) for f in control})
        m.add_child(Script(_HATCH_JS, [[f"hatch-{p}", _side_color(sides, p)] for p in patterns], "Hatches"))
        feats = []
        for f in control:
            p = f["properties"]
            side = NAME_RE.sub("", str(p.get("controller", "")))
            name = p.get("controller_name") or (sides.get(side) or {}).get("label") or side
            status = CLAIMED if p.get("status") == CLAIMED else "confirmed"
            feats.append({"type": "Feature", "geometry": f["geometry"],
                          "properties": {"label": f"{name}: {status}", "_side": side, "status": status}})

        def style(feature):
            p = feature["properties"]
            color = _side_color(sides, p["_side"])
            if p["status"] == CLAIMED:
                return {"color": color, "weight": 1.5, "dashArray": "5 4", "fillColor": f"url(#hatch-{p['_side']})",
                        "fillOpacity": 1}
            return {"color": color, "weight": 1, "fillColor": color, "fillOpacity": 0.22}

        folium.GeoJson({"type": "FeatureCollection", "features": feats}, name=f"Control areas{suffix}",
                       style_function=style, interactive=False).add_to(m)
    if line:
        feats = [{"type": "Feature", "geometry": f["geometry"], "properties": {"label": f"Front line{suffix}"}}
                 for f in line]
        folium.GeoJson({"type": "FeatureCollection", "features": feats}, name=f"Front line{suffix}",
                       style_function=lambda _f: {"color": "#111111", "weight": 3, "opacity": 0.9},
                       on_each_feature=_js(_TEXT_TOOLTIP_JS)).add_to(m)
    return True


def _js(code: str):
    from folium.utilities import JsCode
    return JsCode(code)
