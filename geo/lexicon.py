"""Load the data files that drive extraction: triggers, actors, language rules, theatres.

Everything a reader of news would call vocabulary lives in ``geo/data/*.json``; this module
only compiles it once.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from types import MappingProxyType

from . import paths, theatre

DATA = paths.VOCABULARY
NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)"  # a figure as written in news: 7, 120, 1,200


@dataclass(frozen=True)
class Trigger:
    kind: str
    rank: int
    event_type: str
    sub_event_type: str
    pattern: re.Pattern


@dataclass(frozen=True)
class Alias:
    text: str
    actor: str
    kind: str  # state | adjective | metonym


@dataclass(frozen=True)
class Theatre:
    name: str
    countries: tuple[str, ...]
    bbox: tuple[float, float, float, float]
    sides: dict
    start: str | None
    end: str | None
    ceasefire: str | None = None
    baseline: str | None = None
    country_sides: tuple[tuple[str, str], ...] = ()
    truces: tuple[str, ...] = ()  # ISO local times each truce took effect, in order
    background_from: str | None = None  # no incident of the theatre is dated before this day
    seats: tuple[tuple[str, tuple[str, ...]], ...] = ()  # party -> the places its government sits (datelines)

    def contains(self, lon: float, lat: float, country: str | None) -> bool:
        x0, y0, x1, y1 = self.bbox
        return x0 <= lon <= x1 and y0 <= lat <= y1 and (country is None or country in self.countries)

    def holder(self, lon: float, lat: float, country: str | None) -> str | None:
        """The side that held a place before the period (the baseline control areas), else by country."""
        from shapely import Point
        for side, area in _baseline_areas(self.baseline):
            if area.covers(Point(lon, lat)):
                return side
        return dict(self.country_sides).get(country)


@lru_cache(maxsize=8)
def _baseline_areas(path: str | None) -> tuple:
    if not path:
        return ()
    import shapely
    from shapely.geometry import shape
    p = Path(path) if Path(path).is_absolute() else DATA.parent.parent / path
    try:
        fc = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ()
    areas = tuple((f["properties"]["controller"], shape(f["geometry"])) for f in fc["features"])
    for _, g in areas:
        shapely.prepare(g)
    return areas


@dataclass(frozen=True)
class Lexicon:
    triggers: tuple[Trigger, ...]
    actors: dict
    aliases: tuple[Alias, ...]
    alias_re: re.Pattern
    alias_map: dict  # alias text -> Alias (the last of equal texts, as alias_re's match is looked up)
    place_aliases: frozenset  # texts of state and metonym aliases: names that stand for a party
    number_re: re.Pattern  # a figure or a number word
    opponents: dict
    rules: dict
    rx: dict  # compiled rule patterns by name
    hypothetical: re.Pattern
    negation: re.Pattern
    theatres: tuple[Theatre, ...]
    # text -> the names of `rx`, "hypothetical", "aliases" and the trigger indexes that may match in it or in a
    # part of it: one left out cannot (only the names in _SCREENED are ever left out)
    may_match: Callable[[str], frozenset]

    def side(self, actor: str | None) -> str | None:
        return self.actors.get(actor, {}).get("side") if actor else None

    @cached_property
    def sub_event_ranks(self) -> Mapping[str, int]:
        """What `geo.merge` ranks reports by, from these triggers (as `sub_event_ranks` from the file)."""
        return ranks_of((t.sub_event_type, t.rank) for t in self.triggers)


CAPTURES = ("Government regains territory", "Non-state actor overtakes territory")  # what a '@capture' rule gives


def ranks_of(rules: Iterable[tuple[str, int]]) -> Mapping[str, int]:
    """Each sub-event type's rank: that of the first trigger rule giving it, the strongest in a sentence
    being the most specific when reports merge ('@capture' gives either side's capture)."""
    ranks: dict[str, int] = {}
    for sub, rank in rules:
        for s in (sub, *CAPTURES) if sub == "@capture" else (sub,):
            ranks.setdefault(s, rank)
    return MappingProxyType(ranks)


@lru_cache(maxsize=4)
def sub_event_ranks(data_dir: str | None = None) -> Mapping[str, int]:
    """The sub-event ranks of `events.json`, read without compiling the lexicon: what the store merges by."""
    return ranks_of((r["sub_event_type"], r["rank"]) for r in _json(data_dir, "events.json")["rules"])


def _json(data_dir: str | None, name: str):
    return json.loads(((Path(data_dir) if data_dir else DATA) / name).read_text(encoding="utf-8"))


# The patterns extraction runs on every sentence, or on every number or place of a sentence with an event:
# worth a screen. The others run a few times on sentences with an event.
_SCREENED = ("media", "media_reported", "speech_verbs", "denial", "summary", "continuation", "no_casualties",
             "cumulative", "casualty_lead_killed", "casualty_lead_injured", "single_casualty", "venue_before",
             "venue_after", "actor_use_after")
_WORDY = {"speech_verbs", "denial_verbs", "denial", "killed", "injured", "speaker_nouns", "people_nouns"}


def _compile(p: str) -> re.Pattern:
    return re.compile(p, re.I)


@lru_cache(maxsize=4)
def load(data_dir: str | None = None) -> Lexicon:
    from .prefilter import screen  # here: what only needs the ranks (the store) never imports extraction
    d = Path(data_dir) if data_dir else DATA
    ev, ac, ru = (_json(data_dir, n) for n in ("events.json", "actors.json", "rules.json"))
    triggers = tuple(Trigger(r["kind"], r["rank"], r["event_type"], r["sub_event_type"],
                             re.compile(rf"\b{r['pattern']}\b", re.I)) for r in ev["rules"])
    aliases = []
    for name, a in ac["actors"].items():
        for kind, words in a["aliases"].items():
            aliases += [Alias(w, name, kind) for w in words]
    aliases.sort(key=lambda a: -len(a.text))
    alias_re = re.compile(r"(?<![\w-])(" + "|".join(re.escape(a.text) for a in aliases) + r")(?![\w-])")
    rx = {k: _compile(rf"\b{v}\b" if k in _WORDY else v) for k, v in ru.items()
          if isinstance(v, str) and not k.startswith("_")}
    rx["summary"] = _compile(ev["summary"])
    words = ru["number_words"]
    number_re = re.compile(rf"\b(?:{NUM}|{'|'.join(sorted(map(re.escape, words), key=len, reverse=True))})\b", re.I)
    theatres = []
    for t in theatre.load_all(d / paths.THEATRES.relative_to(paths.VOCABULARY) if data_dir else None):
        theatres.append(Theatre(t["name"], tuple(t["countries"]), tuple(t["bbox"]), t["sides"],
                                t.get("start"), t.get("end"), t.get("ceasefire"), t.get("baseline"),
                                tuple(sorted(t.get("country_sides", {}).items())), tuple(t.get("truces", ())),
                                t.get("background_from"),
                                tuple((p, tuple(names)) for p, names in t.get("seats", {}).items())))
    hypothetical = _compile(rf"\b{ev['hypothetical']}\b")
    may_match = screen({**{k: rx[k] for k in _SCREENED}, "hypothetical": hypothetical, "aliases": alias_re,
                        **{i: t.pattern for i, t in enumerate(triggers)}}, always=rx.keys() - set(_SCREENED))
    return Lexicon(triggers, ac["actors"], tuple(aliases), alias_re, {a.text: a for a in aliases},
                   frozenset(a.text for a in aliases if a.kind in ("metonym", "state")), number_re,
                   ac.get("opponents", {}), ru, rx, hypothetical, re.compile(r"\b" + ev["negations"], re.I),
                   tuple(theatres), may_match)
