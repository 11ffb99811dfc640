"""The incident layer's rows: one JSON array the browser turns into clustered markers (geo.map.layers)."""
from __future__ import annotations

import math

from .popups import popup_html, tooltip_html
from .selection import Selection
from .style import style_of

__all__ = ["marker_size", "incident_rows"]


def marker_size(casualties: int) -> int:
    """Icon diameter in pixels: grows with the square root of the toll, capped."""
    return int(22 + min(22, 4 * math.sqrt(max(0, casualties))))


def incident_rows(sel: Selection) -> list[list]:
    """One row per incident of the selection; each made once per table (its popup is most of a redraw's time)."""
    memo = sel.table.memo("incident_rows")
    incs = sel.table.incidents
    rows = []
    for k in sel.idx.tolist():
        row = memo.get(k)
        if row is None:
            row = memo[k] = _row(incs[k])
        rows.append(row)
    return rows


def _row(i) -> list:
    color, icon = style_of(i.event_type)
    size = marker_size((i.fatalities or 0) + (i.injured or 0))
    return [round(i.lat, 5), round(i.lon, 5), 1, color, icon, size, int(i.geo_precision > 1),
            tooltip_html(i), popup_html(i), i.event_date[:10], i.id]
