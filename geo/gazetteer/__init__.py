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

from geo.records import Mention, Place

from .cli import add_resolve_args, main_resolve, match_record, run_resolve
from .display import display_name, english_name, name_incidents  # noqa: F401 - importable from here
from .mentions import MIN_MENTION_LEN, VARIANT_MIN_KEY, Mentions, SpanKey, load_marks
from .names import FUZZY_MIN_LEN, FUZZY_THRESHOLD, MIN_KEY_LEN, Match, Names, Stopwords, load_stopwords, loose_key
from .normalize import fold, fold_text, haversine_km, key, normalize
from .online import geocode_online
from .rank import Ranker

__all__ = ["DEFAULT_FOCUS", "DEFAULT_PATH", "DEFAULT_THEATRE", "FUZZY_MIN_LEN", "FUZZY_THRESHOLD", "Gazetteer",
           "MIN_KEY_LEN", "MIN_MENTION_LEN", "Match", "Stopwords", "VARIANT_MIN_KEY", "add_resolve_args", "data_files",
           "find_mentions", "fold", "fold_text", "geocode_online", "haversine_km", "key", "load_stopwords",
           "main_resolve", "match_record", "normalize", "resolve", "run_resolve", "SpanKey"]


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
        self._small = None
        self._districts: dict[str, str] | None = None
        self._stkeys: dict[str, list[int]] | None = None
        self._small_variants: dict[str, str | None] = {}  # capitalised run -> its small-variant span key, or None
        self._gid_index: dict[int, int] | None = None  # geonameid -> index of its first place
        super().__init__(features)

    @classmethod
    def load(cls, path: str | Path | None = None, theatre: tuple[str, ...] = DEFAULT_THEATRE,
             focus: tuple[float, float] | None = DEFAULT_FOCUS) -> "Gazetteer":
        """Load (cached per path and settings) the built GeoJSON."""
        return _load_cached(str(Path(path) if path else DEFAULT_PATH), tuple(theatre),
                            tuple(focus) if focus is not None else None)

    def resolve(self, name: str, context_countries=None, context_places=None, district: str | None = None
                ) -> Match | None:
        """Best place for a name, or None. Context countries/places break ties between homonyms; a district
        (`district="Tartar"`, or in the name: "Gapanli of Tartar district", "Gapanli (Tartar region)")
        decides among the places of that name, and finds a spelling of one of its villages."""
        found = self.resolve_all(name, context_countries, context_places, district)
        return found[0] if found else None

    def resolve_all(self, name: str, context_countries=None, context_places=None, district: str | None = None
                    ) -> list[Match]:
        """Every candidate for a name, best first (see `resolve`)."""
        if not name or not name.strip():
            return []
        admin1 = None
        if district is not None:
            admin1 = self.district_admin1(district)
        else:
            m = load_marks().in_district.match(name.strip())
            if m and self.district_admin1(m["district"]) is not None:
                name, admin1 = m["name"], self.district_admin1(m["district"])
        cands, score, method, form = self.candidates_form(name)
        qkey = key(form)
        named = frozenset(cands) if method in ("exact", "normalized") else None
        if cands and all(self.is_small(i) for i in cands):  # the other spellings of small places compete
            cands = list(dict.fromkeys(cands + self._small_tkeys().get(qkey, [])))
        if admin1 is not None:
            inside = [i for i in cands if self.all_places[i].admin1 == admin1]
            if not inside:
                inside = [i for i in self._small_tkeys().get(qkey, ()) if self.all_places[i].admin1 == admin1]
                score, method = (92.0, "key") if inside else (score, method)
            cands = inside or cands
        ranked = self._rank(cands, fold(form), context_countries, context_places, qkey, named, loose_key(form))
        return [Match(self.all_places[i], score, name, method) for _, i in ranked]

    def district_admin1(self, district: str) -> str | None:
        """The admin-1 name of a district as written ("Tartar", "Tartar district", "Syunik province"), or None."""
        f = fold(district)
        return self._district_of(f) or self._district_of(f + " district")

    def display_name(self, place: Place) -> str:
        """The name to show for a place, one per place whatever an article called it (geo.gazetteer.display). The
        village dump's official names are often Russian transliterations: their own orthography's name is
        looked for among their alternate names."""
        i = self._index_of().get(place.geonameid)
        return display_name(place, self._names[i][2:] if i is not None and self.is_small(i) else ())

    def place_of(self, geonameid: int) -> Place | None:
        i = self._index_of().get(geonameid)
        return None if i is None else self.all_places[i]

    def _index_of(self) -> dict[int, int]:
        if self._gid_index is None:
            self._gid_index = {}
            for i, p in enumerate(self.all_places):
                self._gid_index.setdefault(p.geonameid, i)
        return self._gid_index

    def search(self, query: str) -> list[Place]:
        """The places a reader's query may mean, in every spelling the gazetteer knows (for a place search:
        "Stepanakert" finds the incidents at Khankendi); best first."""
        return [m.place for m in self.resolve_all(query)]


def data_files(path: str | Path | None = None) -> list[Path]:
    """The files a gazetteer file is read from: itself and the companions its metadata names (villages.geojson)."""
    path = Path(path) if path else DEFAULT_PATH
    with open(path, encoding="utf-8") as fh:
        head = fh.readline()
    try:
        companions = json.loads(head.split(', "features": [', 1)[0] + "}").get("metadata", {}).get("companions", {})
    except ValueError:  # not one of the files build writes (a hand-made fixture): read it whole
        with open(path, encoding="utf-8") as fh:
            companions = json.load(fh).get("metadata", {}).get("companions", {})
    return [path, *(path.parent / name for name in companions)]


def _read_features(path: Path) -> list[dict]:
    features: list[dict] = []
    for f in data_files(path):
        try:
            with open(f, encoding="utf-8") as fh:
                features += json.load(fh)["features"]
        except FileNotFoundError:
            raise FileNotFoundError(f"{f}: missing; {path} names it as a companion file "
                                    f"(rebuild with `python -m geo gazetteer build`)") from None
        except (ValueError, KeyError, TypeError) as e:
            raise ValueError(f"{f}: not a gazetteer GeoJSON file ({type(e).__name__}: {e})") from None
    return features


@functools.lru_cache(maxsize=4)
def _load_cached(path: str, theatre: tuple[str, ...] = DEFAULT_THEATRE,
                 focus: tuple[float, float] | None = DEFAULT_FOCUS) -> Gazetteer:
    # The cyclic GC would rescan the ~1M freshly allocated objects several times; pausing it halves load time.
    # Frozen afterwards (a gazetteer lives as long as its process), the collector never scans them again,
    # and a forked worker does not copy the pages it would have touched doing so.
    enabled = gc.isenabled()
    gc.disable()
    try:
        features = _read_features(Path(path))
        g = Gazetteer(features, theatre=theatre, focus=focus)
        del features
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
