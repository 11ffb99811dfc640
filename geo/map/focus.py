"""A link to one incident (?incident=ID): where the map opens and which incident it shows first."""
from __future__ import annotations

from dataclasses import dataclass

from .selection import IncidentTable, Selection

__all__ = ["FOCUS_ZOOM", "Focus", "find_focus", "in_selection"]

FOCUS_ZOOM = 13  # a town's streets: close enough to tell the incident from its neighbours' clusters


@dataclass(frozen=True)
class Focus:
    """The incident a link or a table click points at: its id, its index in the table, and the view on it."""

    id: str
    index: int
    lat: float
    lon: float
    zoom: int = FOCUS_ZOOM

    @property
    def view(self) -> tuple[float, float, int]:
        return self.lat, self.lon, self.zoom


def find_focus(table: IncidentTable, incident_id: str) -> Focus | None:
    """The incident with that id (the merged incident's, as in the table and the exports), or None."""
    incident_id = incident_id.strip()
    for k, i in enumerate(table.incidents):
        if i.id == incident_id:
            return Focus(i.id, k, round(float(table.lat[k]), 5), round(float(table.lon[k]), 5))
    return None


def in_selection(focus: Focus, sel: Selection) -> bool:
    return bool((sel.idx == focus.index).any())
