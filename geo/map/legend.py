"""The map's legend: event types with their counts, what sizes and rings mean, each side's areas."""
from __future__ import annotations

from .cells import MARKER_LIMIT
from .html import COLOR_RE, esc
from .selection import Selection
from .style import OTHER_STYLE, SHORT_TYPE, TYPE_STYLE

__all__ = ["legend_html"]


def legend_html(sel: Selection, mode: str, size_deg: float, sides: dict | None, front_day: str | None,
                has_front: bool) -> str:
    """A compact legend (short labels, ACLED's names on hover) so it hides little of the map."""
    counts = sel.counts()["by_event_type"]
    types = []
    for name, (color, icon) in TYPE_STYLE.items():
        types.append(f"<div title='{esc(name)}'><span class='sym' style='background:{color}'>"
                     f"<i class='fa-solid fa-{icon}'></i></span>{esc(SHORT_TYPE[name])} {counts.get(name, 0):,}</div>")
    other = sum(v for k, v in counts.items() if k not in TYPE_STYLE)
    if other:
        types.append(f"<div><span class='sym' style='background:{OTHER_STYLE[0]}'></span>Other {other:,}</div>")
    if mode == "cells":
        km = "place" if size_deg == 0 else f"~{size_deg * 111:.0f} km cell"
        note = (f"Circles: incidents per {km}, coloured by the commonest type; "
                f"narrow the filters to {MARKER_LIMIT:,} or fewer to see each one.")
    else:
        note = "Size: casualties. Dashed ring: approximate place. Bubbles: clusters."
    parts = [f"<div class='grid'>{''.join(types)}</div>", f"<div class='note'>{note}</div>"]
    if has_front and sides:
        front = []
        for key, side in sides.items():
            color = side.get("color", "#555")
            if not COLOR_RE.match(color):
                continue
            front.append(f"<div><span class='area' style='background:{color};opacity:.45'></span>"
                         f"<span class='area' style='background:repeating-linear-gradient(45deg,{color} 0 3px,"
                         f"transparent 3px 7px);border:1px dashed {color}'></span>"
                         f"{esc(side.get('label', key))}: held, claimed</div>")
        as_of = f" as of {esc(front_day)}" if front_day else ""
        front.append(f"<div><span class='line'></span>Front line{as_of}</div>")
        parts.append(f"<div>{''.join(front)}</div>")
    return "<details open><summary>Legend</summary>" + "".join(parts) + "</details>"
