"""The gazetteer, in the stages a place name goes through (as Mordecai's are):

`normalize` (folding, distance) → `names` (the indexes and a name's candidates) → `rank` (which homonym)
→ `mentions` (the names in a text); `build` makes data/places.geojson, `cli` runs the commands, `online`
is the opt-in Nominatim fallback. `Gazetteer` puts the stages together over one loaded file.
"""
from __future__ import annotations

import functools
import gc
import json
from pathlib import Path

from geo.records import Mention

from .cli import add_resolve_args, main_resolve, match_record, run_resolve
from .mentions import MIN_MENTION_LEN, VARIANT_MIN_KEY, Mentions
from .names import FUZZY_MIN_LEN, FUZZY_THRESHOLD, MIN_KEY_LEN, Match, Names, Stopwords, load_stopwords
from .normalize import fold, fold_text, haversine_km, key, normalize
from .online import geocode_online
from .rank import Ranker

__all__ = ["DEFAULT_FOCUS", "DEFAULT_PATH", "DEFAULT_THEATRE", "FUZZY_MIN_LEN", "FUZZY_THRESHOLD", "Gazetteer",
           "MIN_KEY_LEN", "MIN_MENTION_LEN", "Match", "Stopwords", "VARIANT_MIN_KEY", "add_resolve_args",
           "find_mentions", "fold", "fold_text", "geocode_online", "haversine_km", "key", "load_stopwords",
           "main_resolve", "match_record", "normalize", "resolve", "run_resolve"]

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "data" / "places.geojson"

#: Countries of the current theatre: preferred among homonyms. A setting, not an assumption of the logic.
DEFAULT_THEATRE: tuple[str, ...] = ("AZ", "AM")
#: Centre of the current theatre's fighting (lat, lon): a weak default context for homonyms. A setting too.
DEFAULT_FOCUS: tuple[float, float] | None = (39.85, 46.75)


class Gazetteer(Names, Ranker, Mentions):
    """Loaded gazetteer: Place objects plus name indexes; build with Gazetteer.load()."""

    def __init__(self, features: list[dict], theatre: tuple[str, ...] = DEFAULT_THEATRE,
                 stopwords: Stopwords | None = None, focus: tuple[float, float] | None = DEFAULT_FOCUS):
        self.theatre = tuple(theatre)
        self.focus = focus
        self.stopwords = stopwords if stopwords is not None else load_stopwords()
        self._mention_idx = None
        self._tkeys: dict[str, list[int]] | None = None
        self._variants: dict[str, str | None] = {}  # capitalised word -> its variant span key, or None
        self._rank_terms: dict[int, tuple[str, str, float | None]] = {}  # place -> folded names, focus term
        super().__init__(features)

    @classmethod
    def load(cls, path: str | Path | None = None, theatre: tuple[str, ...] = DEFAULT_THEATRE,
             focus: tuple[float, float] | None = DEFAULT_FOCUS) -> "Gazetteer":
        """Load (cached per path and settings) the built GeoJSON."""
        return _load_cached(str(Path(path) if path else DEFAULT_PATH), tuple(theatre),
                            tuple(focus) if focus is not None else None)

    def resolve(self, name: str, context_countries=None, context_places=None) -> Match | None:
        """Best place for a name, or None. Context countries/places break ties between homonyms."""
        if not name or not name.strip():
            return None
        cands, score, method = self.candidates(name)
        if not cands:
            return None
        ranked = self._rank(cands, fold(name), context_countries, context_places)
        return Match(self.places[ranked[0][1]], score, name, method)

    def resolve_all(self, name: str, context_countries=None, context_places=None) -> list[Match]:
        """Every candidate for a name, best first."""
        cands, score, method = self.candidates(name)
        ranked = self._rank(cands, fold(name), context_countries, context_places)
        return [Match(self.places[i], score, name, method) for _, i in ranked]


@functools.lru_cache(maxsize=4)
def _load_cached(path: str, theatre: tuple[str, ...] = DEFAULT_THEATRE,
                 focus: tuple[float, float] | None = DEFAULT_FOCUS) -> Gazetteer:
    # The cyclic GC would rescan the ~1M freshly allocated objects several times; pausing it halves load time.
    # Frozen afterwards (a gazetteer lives as long as its process), the collector never scans them again,
    # and a forked worker does not copy the pages it would have touched doing so.
    enabled = gc.isenabled()
    gc.disable()
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        g = Gazetteer(data["features"], theatre=theatre, focus=focus)
        del data
        gc.freeze()
        return g
    finally:
        if enabled:
            gc.enable()


def find_mentions(text: str, gazetteer: Gazetteer | None = None, context_countries=None,
                  context_places=None) -> list[Mention]:
    """Module-level convenience: mentions in text with the default gazetteer."""
    return (gazetteer or Gazetteer.load()).find_mentions(text, context_countries, context_places)


def resolve(name: str, context_countries=None, context_places=None, gazetteer: Gazetteer | None = None) -> Match | None:
    """Module-level convenience: the best place for a name with the default gazetteer."""
    return (gazetteer or Gazetteer.load()).resolve(name, context_countries, context_places)
