"""Merge incidents told by several articles into one, keeping every source and claimant."""
from __future__ import annotations

from .extract import absorb, merge_class
from .lexicon import Lexicon, load
from .records import Incident


def merge_key(inc: Incident) -> str:
    """The place, day and class an incident merges on, as a string the store indexes.

    Merging is independent per key, so the store keeps each key's merged incident up to date when an
    article is saved and an export of a million incidents only streams them.
    """
    # + 0.0 makes -0.0 (a point just south or west of zero) the same key as 0.0
    place = inc.geonameid if inc.geonameid is not None else f"{round(inc.lat, 2) + 0.0},{round(inc.lon, 2) + 0.0}"
    return f"{place}|{inc.event_date}|{merge_class(inc.event_type, inc.sub_event_type)}"


def merge(incidents: list[Incident], lex: Lexicon | None = None) -> list[Incident]:
    """One incident per place, day and class (fighting, change of hands, other) across articles.

    Reports of neighbouring days stay apart: a 'Sunday night' report moved onto another article's
    Saturday loses its own day, and the benchmark corpus showed such moves were all wrong. Each
    incident is looked up by key, so the merge is linear in the number of incidents.
    """
    lex = lex or load()
    out: list[Incident] = []
    seen: dict[str, Incident] = {}
    for inc in sorted(incidents, key=lambda i: (i.event_date, i.id)):
        key = merge_key(inc)
        target = seen.get(key)
        if target is None or target.source_files() & inc.source_files():
            seen[key] = inc
            out.append(inc)
        else:
            absorb(target, inc, lex)
    return out
