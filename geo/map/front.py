"""The front line and the control areas (held solid, claimed hatched), each a toggleable layer."""
from __future__ import annotations

from datetime import date

from ..records import Incident
from .html import COLOR_RE, NAME_RE

__all__ = ["CLAIMED", "front_features", "front_steps", "front_data", "control_evidence"]


CLAIMED = "claimed"


def front_features(incidents: list[Incident], day: str | date, frontline=None) -> list[dict]:
    """Control areas and the front line as of ``day`` from geo.frontline; [] while that module is absent.

    Only the incidents that can weigh on control are handed over (the capture reports and the attacks on the
    places they are about, `frontline.relevant`): the same control as from all, as the export draws it, for a
    fraction of the cost.
    """
    if frontline is None:
        try:
            from .. import frontline
        except ImportError:
            return []
    relevant = getattr(frontline, "relevant", None)
    if relevant is not None:
        incidents = relevant(incidents)
    return list(frontline.features(frontline.snapshot(incidents, day)))


def front_steps(incidents: list[Incident], start: str | date, end: str | date,
                frontline=None) -> list[tuple[str, list[dict]]]:
    """The front through [start, end], for playback: (day, features) at ``start`` and on each day it changed, as
    the reports up to ``end`` date the changes (geo.frontline.steps); [] without geo.frontline."""
    if frontline is None:
        try:
            from .. import frontline
        except ImportError:
            return []
    if not hasattr(frontline, "steps"):
        return []
    relevant = getattr(frontline, "relevant", None)
    incidents = relevant(incidents) if relevant is not None else list(incidents)
    return [(snap.day.isoformat(), list(frontline.features(snap))) for snap in frontline.steps(incidents, start, end)]


def control_evidence(features: list[dict], frontline=None) -> tuple[list[dict], list[dict]]:
    """For a reader beside the map: one row per place whose holder the reports moved (who holds it, since when,
    its history, the weight for and against) and one row per report behind it; ([], []) without geo.frontline."""
    if frontline is None:
        try:
            from .. import frontline
        except ImportError:
            return [], []
    return frontline.evidence_rows(features)


def _side_color(sides: dict, key: str) -> str:
    color = (sides.get(key) or {}).get("color", "#555555")
    return color if COLOR_RE.match(color) else "#555555"


def front_data(features: list[dict], sides: dict, day: str | None, steps: list[tuple[str, list[dict]]] = ()) -> dict:
    """Control areas (held solid, claimed hatched) and the front line as the data geo.map.layers draws, each
    a toggleable layer with its style in its properties, an area with the places the reports moved into it
    ([place, since, reports], for its popup); {} when there are none. With ``steps`` (front_steps'),
    ``steps`` holds each day's own, which the playback control shows as it goes through the days."""
    out = _front_layers(features, sides, day)
    shown = [[d, _front_layers(f, sides, d)] for d, f in steps]
    if any(layers for _, layers in shown):
        hatches = {tuple(h) for _, layers in shown for h in layers.pop("hatches", [])}
        out["hatches"] = [list(h) for h in sorted(hatches | {tuple(h) for h in out.get("hatches", [])})]
        out["steps"] = shown
    return out


def _front_layers(features: list[dict], sides: dict, day: str | None) -> dict:
    control = [f for f in features if (f.get("properties") or {}).get("layer") == "control"]
    line = [f for f in features if (f.get("properties") or {}).get("layer") == "front_line"]
    if not control and not line:
        return {}
    suffix = f" as of {day}" if day else ""
    out: dict = {}
    if control:
        feats, patterns = [], set()
        for f in control:
            p = f["properties"]
            side = NAME_RE.sub("", str(p.get("controller", "")))
            name = p.get("controller_name") or (sides.get(side) or {}).get("label") or side
            color = _side_color(sides, side)
            patterns.add(side)
            if p.get("status") == CLAIMED:
                status, style = CLAIMED, {"color": color, "weight": 1.5, "dashArray": "5 4",
                                          "fillColor": f"url(#hatch-{side})", "fillOpacity": 1}
            else:
                status, style = "confirmed", {"color": color, "weight": 1, "fillColor": color, "fillOpacity": 0.22}
            moved = sorted(([str(e.get("place", "")), e.get("since") or "", len(e.get("reports") or [])]
                            for e in p.get("evidence") or []), key=lambda x: (x[1], x[0]))
            feats.append({"type": "Feature", "geometry": f["geometry"],
                          "properties": {"label": f"{name}: {status}", "style": style, "places": moved}})
        out["hatches"] = [[f"hatch-{p}", _side_color(sides, p)] for p in sorted(patterns)]
        out["control"] = {"name": f"Control areas{suffix}", "data": {"type": "FeatureCollection", "features": feats}}
    if line:
        style = {"color": "#111111", "weight": 3, "opacity": 0.9}
        feats = [{"type": "Feature", "geometry": f["geometry"], "properties": {"label": f"Front line{suffix}",
                                                                               "style": style}} for f in line]
        out["line"] = {"name": f"Front line{suffix}", "data": {"type": "FeatureCollection", "features": feats}}
    return out
