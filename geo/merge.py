"""Merge incidents told by several articles into one, keeping every source and claimant."""
from __future__ import annotations

from datetime import date

from .extract import absorb, merge_class
from .lexicon import Lexicon, load
from .records import Incident


def _km(a: Incident, b: Incident) -> float:
    from geopy.distance import great_circle
    return great_circle((a.lat, a.lon), (b.lat, b.lon)).km


def compatible(a: Incident, b: Incident, max_days: int = 1, max_km: float = 2.0) -> bool:
    """Same place, a date within a day, same class (fighting, change of hands, other), other articles."""
    if merge_class(a.event_type, a.sub_event_type) != merge_class(b.event_type, b.sub_event_type):
        return False
    if a.geonameid != b.geonameid and _km(a, b) > max_km:
        return False
    days = abs((date.fromisoformat(a.event_date) - date.fromisoformat(b.event_date)).days)
    if days > max_days or (days and a.time_precision == 1 and b.time_precision == 1):
        return False  # two reports that each know the day and disagree are two days of shelling
    return not (a.source_files() & b.source_files())


def merge(incidents: list[Incident], lex: Lexicon | None = None) -> list[Incident]:
    """Greedy merge in date order; an incident joins the first earlier compatible one from other articles."""
    lex = lex or load()
    out: list[Incident] = []
    by_place: dict[object, list[Incident]] = {}
    for inc in sorted(incidents, key=lambda i: (i.event_date, i.id)):
        key = inc.geonameid if inc.geonameid is not None else (round(inc.lat, 2), round(inc.lon, 2))
        target = next((c for c in by_place.get(key, []) if compatible(c, inc)), None)
        if target is None:
            by_place.setdefault(key, []).append(inc)
            out.append(inc)
        else:
            absorb(target, inc, lex)
    return out
