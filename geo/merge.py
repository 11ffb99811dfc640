"""Merge incidents told by several sentences or articles into one, keeping every source and claimant.

The rules need only the incidents and the sub-event ranks (`geo.lexicon.sub_event_ranks`: the lower,
the more specific), not the lexicon, so the store refreshes its merged incidents without loading
the extraction vocabulary.
"""
from __future__ import annotations

from collections.abc import Mapping

from .records import Incident

__all__ = ["VIOLENT", "TERRITORY", "UNRANKED", "merge_class", "merge_key", "absorb", "merge_within", "merge"]

VIOLENT = {"Battles", "Explosions/Remote violence", "Violence against civilians", "Riots"}
TERRITORY = {"Government regains territory", "Non-state actor overtakes territory", "Non-violent transfer of territory"}
UNRANKED = 99  # the rank of a sub-event type no rule names: any ranked one is more specific


def merge_class(event_type: str, sub_event_type: str) -> str:
    """Reports merge only within a class: a change of hands is never folded into the fighting around it."""
    if sub_event_type in TERRITORY:
        return "territory"
    return "violent" if event_type in VIOLENT else "other"


def merge_key(inc: Incident) -> str:
    """The place, day and class an incident merges on, as a string the store indexes.

    Merging is independent per key, so the store keeps each key's merged incident up to date when an
    article is saved and an export of a million incidents only streams them.
    """
    # + 0.0 makes -0.0 (a point just south or west of zero) the same key as 0.0
    place = inc.geonameid if inc.geonameid is not None else f"{round(inc.lat, 2) + 0.0},{round(inc.lon, 2) + 0.0}"
    return f"{place}|{inc.event_date}|{merge_class(inc.event_type, inc.sub_event_type)}"


def absorb(cur: Incident, inc: Incident, ranks: Mapping[str, int], held: dict | None = None) -> None:
    """Fold `inc` into `cur`, keeping every source, claimant and sentence and the most specific fields.

    `held` (kept by `merge` for each incident it folds into) holds what `cur`'s lists hold as sets, so
    that folding many reports into one costs each report its own size, not the size of all before it."""
    if ranks.get(inc.sub_event_type, UNRANKED) < ranks.get(cur.sub_event_type, UNRANKED):
        cur.event_type, cur.sub_event_type = inc.event_type, inc.sub_event_type
    if inc.time_precision < cur.time_precision:
        cur.event_date = inc.event_date  # the report that knows the day sets it
    cur.actor1 = cur.actor1 or inc.actor1
    cur.actor2 = cur.actor2 or inc.actor2
    cur.time_precision = min(cur.time_precision, inc.time_precision)
    cur.geo_precision = min(cur.geo_precision, inc.geo_precision)
    for k in ("fatalities", "injured"):  # reports that disagree: the lower figure, as ACLED does
        a, b = getattr(cur, k), getattr(inc, k)
        setattr(cur, k, a if b is None else b if a is None else min(a, b))
    held = held if held is not None else {}
    for k in ("claimed_by", "denied_by", "evidence"):
        lst = getattr(cur, k)
        if k not in held:
            held[k] = set(lst)
        have = held[k]
        for x in getattr(inc, k):
            if x not in have:
                have.add(x)
                lst.append(x)
    if cur.denied_by and any(d in held["claimed_by"] for d in cur.denied_by):
        cur.denied_by = [d for d in cur.denied_by if d not in held["claimed_by"]]
        held["denied_by"] = set(cur.denied_by)
    if "sources" not in held:
        held["sources"] = {s.key() for s in cur.sources}
    keys = held["sources"]
    for s in inc.sources:
        if s.key() not in keys:
            keys.add(s.key())
            cur.sources.append(s)


def merge_within(incidents: list[Incident], ranks: Mapping[str, int]) -> list[Incident]:
    """One incident per place, day and category of one article: the same event told in several sentences."""
    by_key: dict[str, Incident] = {}
    for inc in incidents:
        cur = by_key.get(inc.id)
        if cur is None:
            by_key[inc.id] = inc
            continue
        absorb(cur, inc, ranks)
    return list(by_key.values())


def merge(incidents: list[Incident], ranks: Mapping[str, int]) -> list[Incident]:
    """One incident per place, day and class (fighting, change of hands, other) across articles.

    Reports of neighbouring days stay apart: a 'Sunday night' report moved onto another article's
    Saturday loses its own day, and the benchmark corpus showed such moves were all wrong. Each
    incident is looked up by key, so the merge is linear in the number of incidents.
    """
    out: list[Incident] = []
    seen: dict[str, tuple[Incident, set, dict]] = {}  # key: (incident folded into, its source articles, its sets)
    for inc in sorted(incidents, key=lambda i: (i.event_date, i.id)):
        key = merge_key(inc)
        target = seen.get(key)
        files = inc.source_files()
        if target is None or target[1] & files:
            seen[key] = (inc, set(files), {})
            out.append(inc)
        else:
            absorb(target[0], inc, ranks, target[2])
            target[1].update(files)
    return out
