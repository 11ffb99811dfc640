"""Candidates for a name: the feature list, its name indexes and the lookup order (exact, normalised,
phonetic key, parts, stems, fuzzy).

Three levels keep loading fast: an exact index of folded names (theatre features with every name, world
cities with name and asciiname) that also feeds the mention index; a lazily built index of all world-city
alternate names; and lazily built normalised and phonetic-key indexes for spelling variants and fuzzy
matching.
"""
from __future__ import annotations

import functools
import gc
import json
import re
from dataclasses import dataclass
from pathlib import Path

from geo.records import Place

from .normalize import fold, key, normalize

STOPWORDS_PATH = Path(__file__).resolve().parents[1] / "data" / "place_stopwords.txt"
VARIANTS_PATH = Path(__file__).resolve().parents[1] / "data" / "name_variants.json"

#: Sources of the small places (settlements under population 500, landmarks: the village-level build), which
#: mention finding admits only where the text marks them as places.
SOURCE_DUMP = "geonames:country dump"
SOURCE_WOF = "whosonfirst:locality"
SMALL_SOURCES = (SOURCE_DUMP, SOURCE_WOF)

FUZZY_THRESHOLD = 88.0
FUZZY_MIN_LEN = 5
MIN_KEY_LEN = 4
_PARTS_RE = re.compile(r"[()/,;]")

_GENERIC_RE = re.compile(r"\s+(?:city|town|village|settlement|(?:city|town) cent(?:er|re))$", re.I)
_CYRILLIC_CASE_RE = re.compile(r"(?<=[\u0400-\u04ff]{3})(?:ом|ем|ой|ей|ах|ях|у|ю|а|я|е|и|ы)$")


def _stems(name: str) -> list[str]:
    """Forms to try when a name as written is unknown: without a generic noun ('Shusha city'),
    without a Russian case ending ('Гянджу', 'Степанакерта')."""
    out = []
    n = name.strip()
    g = _GENERIC_RE.sub("", n)
    if g != n:
        out.append(g)
    c = _CYRILLIC_CASE_RE.sub("", n)
    if c != n:
        out += [c + "и", c + "а", c + "я", c]
    return out


@functools.lru_cache(maxsize=4)
def load_loose_rules(path: Path = VARIANTS_PATH) -> tuple[tuple[re.Pattern, str], ...]:
    """The rewrites of the loose lookup (geo/data/name_variants.json), compiled."""
    try:
        rules = json.loads(Path(path).read_text(encoding="utf-8"))["loose"]
        return tuple((re.compile(pattern), repl) for pattern, repl, _why in rules)
    except (OSError, ValueError, KeyError, TypeError, re.error) as e:
        raise ValueError(f"{path}: not a name-variants file ({type(e).__name__}: {e})") from None


def loosen(normalized: str) -> str:
    """A normalised name after the loose rewrites."""
    for pattern, repl in load_loose_rules():
        normalized = pattern.sub(repl, normalized)
    return normalized


def loose_key(s: str, normalized: str | None = None, k: str | None = None) -> str:
    """The phonetic key after the loose rewrites: Zilanlu, Zilanly and Zilanlı, Kyurdlyar and Kürdlər meet.
    `k`, the name's phonetic key when known, is the answer when the rewrites change nothing."""
    n = normalize(s) if normalized is None else normalized
    ln = loosen(n)
    return k if k is not None and ln == n else key(s, ln)


@dataclass(frozen=True)
class Match:
    """A resolved name: the place, how well the name matched (0-100) and how it was found."""

    place: Place
    score: float
    matched: str = ""
    method: str = "exact"

    @property
    def geo_precision(self) -> int:
        return self.place.geo_precision


@dataclass(frozen=True)
class Stopwords:
    """Names that are usually not places (see geo/data/place_stopwords.txt for the syntax)."""

    soft: frozenset[str] = frozenset()
    strict: frozenset[str] = frozenset()
    blockers: frozenset[str] = frozenset()


def load_stopwords(path: Path = STOPWORDS_PATH) -> Stopwords:
    soft, strict, blockers = set(), set(), set()
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            if line.startswith("!"):
                strict.add(fold(line[1:]))
            elif line.startswith("~"):
                blockers.add(fold(line[1:]))
            else:
                soft.add(fold(line))
    return Stopwords(frozenset(soft), frozenset(strict), frozenset(blockers))


class Names:
    """Place objects plus name indexes; the base of `Gazetteer`.

    `places` holds what every caller has always iterated (towns, regions, countries, curated entries);
    the small places follow them in `all_places` (indexes past `len(places)`), indexed by name like the rest.
    """

    def __init__(self, features: list[dict]):
        features = ([f for f in features if f["properties"].get("source") not in SMALL_SOURCES]
                    + [f for f in features if f["properties"].get("source") in SMALL_SOURCES])
        self.all_places: list[Place] = []
        self._names: list[list[str]] = []
        self._curated: list[bool] = []
        self._primary_idx: dict[str, list[int]] = {}
        self._lower_ok: set[str] = set()
        self._world: list[int] = []
        self._all_idx: dict[str, list[int]] | None = None
        self._norm_idx: dict[str, list[int]] | None = None
        self._key_idx: dict[str, list[int]] | None = None
        self._loose_idx: dict[str, list[int]] | None = None
        self._world_set: frozenset[int] = frozenset()
        self._fuzzy_list: list[str] | None = None
        idx = self._primary_idx
        for i, f in enumerate(features):
            p = f["properties"]
            lon, lat = f["geometry"]["coordinates"]
            self.all_places.append(Place(
                geonameid=p["geonameid"], name=p["name"], lat=lat, lon=lon, country=p.get("country"),
                admin1=p.get("admin1"), feature_class=p["feature_class"], feature_code=p["feature_code"],
                population=p.get("population") or 0, geo_precision=p.get("geo_precision", 1)))
            alts = p.get("alternatenames") or []
            self._curated.append("curated" in p.get("source", ""))
            self._names.append([p["name"], p.get("asciiname") or p["name"], *alts])
            source = p.get("source", "")
            # World cities (cities15000 only) are indexed by name and asciiname; the detailed extracts,
            # curated entries, regions and countries by every name.
            detailed = "curated" in source or not source.startswith("geonames:cities15000")
            names = self._names[i] if detailed else self._names[i][:2]
            if not detailed:
                self._world.append(i)
            for n in dict.fromkeys(names):  # a name twice (name = asciiname) would index the same key again
                k = fold(n)
                if not k:
                    continue
                lst = idx.get(k)
                if lst is None:
                    idx[k] = [i]
                elif lst[-1] != i:
                    lst.append(i)
                if p["feature_class"] == "L" and n == n.lower():
                    self._lower_ok.add(k)
        self.n_big = sum(1 for f in features if f["properties"].get("source") not in SMALL_SOURCES)
        self.places: list[Place] = self.all_places[:self.n_big]

    def is_small(self, i: int) -> bool:
        """Whether place i is a small place (admitted in a text only where the text marks it as a place)."""
        return i >= self.n_big

    def __len__(self) -> int:
        return len(self.places)

    # ---- indexes built on first need -------------------------------------------------------
    def _all_index(self) -> dict[str, list[int]]:
        if self._all_idx is None:
            idx: dict[str, list[int]] = {}
            for i in self._world:
                for n in self._names[i][2:]:
                    idx.setdefault(fold(n), []).append(i)
            self._all_idx = idx
        return self._all_idx

    def _variant_indexes(self) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
        if self._norm_idx is None:
            enabled = gc.isenabled()
            gc.disable()
            try:
                self._build_variant_indexes()
            finally:
                if enabled:
                    gc.enable()
        return self._norm_idx, self._key_idx

    def _build_variant_indexes(self) -> None:
        norm: dict[str, list[int]] = {}
        keys: dict[str, list[int]] = {}
        loose: dict[str, list[int]] = {}
        world = set(self._world)
        seen: dict[str, tuple[str, str, str]] = {}
        for i, names in enumerate(self._names):
            for n in set(names[:2] if i in world else names):
                forms = seen.get(n)
                if forms is None:
                    nn = normalize(n)
                    kk = key(n, nn)
                    forms = seen[n] = (nn, kk, loose_key(n, nn, kk))
                nn, kk, lk = forms
                if nn:
                    lst = norm.setdefault(nn, [])
                    if i not in lst:
                        lst.append(i)
                for idx, k in ((keys, kk), (loose, lk)):
                    if len(k) >= MIN_KEY_LEN:
                        lst = idx.setdefault(k, [])
                        if i not in lst:
                            lst.append(i)
        self._norm_idx, self._key_idx, self._loose_idx = norm, keys, loose
        self._world_set = frozenset(world)

    def candidates(self, name: str) -> tuple[list[int], float, str]:
        """Candidate feature indexes for a name, with the match score (0-100) and method.

        Order: exact folded name, normalised name, phonetic key (when only world cities have it, the places
        of the loose key join them and the ranking decides), loose key (geo/data/name_variants.json),
        the parts of "X (Y)" / "X/Y", the stems ("X village"), then fuzzy.
        """
        return self.candidates_form(name)[:3]

    def candidates_form(self, name: str) -> tuple[list[int], float, str, str]:
        """`candidates`, and the form of the name that found them (a part, a stem, else the name): what the
        ranking compares with the places' own names, so "Sarvanlar village" ranks as "Sarvanlar" does."""
        found = self._lookup(name)
        if found[0]:
            return (*found, name)
        parts = [p.strip() for p in _PARTS_RE.split(name) if p.strip()]
        if len(parts) > 1:
            for part in parts:
                cands, score, method = self._lookup(part)
                if cands:
                    return cands, min(score, 90.0), method, part
        for stem in _stems(name):
            cands, score, method = self._lookup(stem)
            if cands:
                return cands, min(score, 90.0), method, stem
        return (*self._fuzzy(name), name)

    def _lookup(self, name: str) -> tuple[list[int], float, str]:
        f = fold(name)
        if f in self._primary_idx:
            return self._primary_idx[f], 100.0, "exact"
        if f in self._all_index():
            return self._all_idx[f], 100.0, "exact"
        norm, keys = self._variant_indexes()
        n = normalize(name)
        if n in norm:
            return norm[n], 96.0, "normalized"
        k = key(name, n)
        lk = loose_key(name, n, k)
        if len(k) >= MIN_KEY_LEN and k in keys:
            cands = keys[k]
            if all(i in self._world_set for i in cands):  # only far cities sound alike: the ranking weighs them
                near = [i for i in self._loose_idx.get(lk, ()) if i not in self._world_set]  # with a near village
                if near:
                    return cands + near, 90.0, "loose"
            return cands, 92.0, "key"
        if len(lk) >= MIN_KEY_LEN and lk in self._loose_idx:
            return self._loose_idx[lk], 90.0, "loose"
        return [], 0.0, "none"

    def _fuzzy(self, name: str) -> tuple[list[int], float, str]:
        """rapidfuzz ratio over normalised names of theatre features and of world cities over 100,000 people."""
        n = normalize(name)
        if len(n.replace(" ", "")) < FUZZY_MIN_LEN:
            return [], 0.0, "none"
        norm, _ = self._variant_indexes()
        if self._fuzzy_list is None:
            world = self._world_set
            self._fuzzy_list = [nn for nn, idxs in norm.items() if len(nn) >= FUZZY_MIN_LEN - 1 and any(
                i not in world or self.all_places[i].population >= 100_000 for i in idxs)]
        from rapidfuzz import fuzz, process

        hit = process.extractOne(n, self._fuzzy_list, scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD)
        if hit is None or hit[0][0] != n[0]:
            return [], 0.0, "none"
        return norm[hit[0]], round(float(hit[1]) * 0.9, 1), "fuzzy"

