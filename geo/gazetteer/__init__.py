"""Place-name resolution over data/places.geojson: normalisation, ranked lookup and mention finding.

Three levels of lookup keep loading fast: an exact index of case/diacritic-folded names (theatre
features with every name, world cities with name and asciiname) that also feeds the mention index
(`mention_index`); a lazily built index of all world-city alternate names; and lazily built normalised and
phonetic-key indexes used for spelling variants and fuzzy matching.
"""
from __future__ import annotations

import argparse
import functools
import gc
import json
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from geo.records import Mention, Place

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "places.geojson"
STOPWORDS_PATH = Path(__file__).resolve().parent / "data" / "place_stopwords.txt"

#: Countries of the current theatre: preferred among homonyms. A setting, not an assumption of the logic.
DEFAULT_THEATRE: tuple[str, ...] = ("AZ", "AM")
#: Centre of the current theatre's fighting (lat, lon): a weak default context for homonyms. A setting too.
DEFAULT_FOCUS: tuple[float, float] | None = (39.85, 46.75)

#: Homonym preference by feature code/class: countries, then towns, landmarks, regions.
_CLASS_WEIGHT = {"PCLI": 25, "P": 15, "S": 10, "L": 5, "A": 0}
FUZZY_THRESHOLD = 88.0
FUZZY_MIN_LEN = 5
MIN_MENTION_LEN = 4
VARIANT_MIN_KEY = 7
_VARIANT = "\x00variant:"
_ALNUM_RUN = re.compile(r"[^\W_]+")  # a run of characters for which str.isalnum() holds (tested on all code points)
_CAP_WORD_RE = re.compile(r"(?<![\w-])[A-ZÀ-ÖØ-ÞƏ][a-zà-öø-ÿəğışçü]{5,}(?![\w-])")


def _build_fold_table() -> dict[int, str]:
    from unidecode import unidecode

    table: dict[int, str] = {}
    for cp in list(range(0xC0, 0x250)) + list(range(0x1E00, 0x1F00)):
        ch = chr(cp)
        u = unidecode(ch).lower()
        if len(u) == 1 and u.isalpha():
            table[cp] = u
    for ch in "əƏǝƎ":
        table[ord(ch)] = "a"
    for ch in "’‘ʼʻ`´ʹ′":
        table[ord(ch)] = "'"
    for ch in "-‐‑‒–—":
        table[ord(ch)] = " "
    return table


_FOLD = _build_fold_table()
_SPACE_RE = re.compile(r"\s+")
_PARTS_RE = re.compile(r"[()/,;]")
_QUOTES_RE = re.compile(r"['`\"]")
_NON_ALNUM_RE = re.compile(r"[^a-z0-9]+")


def fold_text(text: str) -> str:
    """Length-preserving fold (lower case, Latin diacritics off, hyphens to spaces) so offsets stay valid."""
    out = text.translate(_FOLD).lower()
    if len(out) != len(text):
        out = "".join(c if len(c) == 1 else ch for ch, c in ((ch, ch.translate(_FOLD).lower()) for ch in text))
    return out


def fold(name: str) -> str:
    """The exact-index key of a name: fold_text with runs of spaces collapsed."""
    return _SPACE_RE.sub(" ", fold_text(name)).strip()


def normalize(s: str) -> str:
    """Casefold, transliterate any script (unidecode), fold Azerbaijani letters, drop apostrophes."""
    s = s.translate(_FOLD)
    if not s.isascii():
        from unidecode import unidecode

        s = unidecode(s)
    s = _QUOTES_RE.sub("", s.lower())
    return _NON_ALNUM_RE.sub(" ", s).strip()


_KEY_MAP = {"dzh": "c", "tch": "c", "dj": "c", "zh": "c", "j": "c", "ch": "c", "kh": "x", "gh": "g", "sh": "s",
            "q": "g", "w": "v", "ou": "u", "oo": "u", "ee": "i", "y": "i", "e": "a", "h": "", " ": ""}
_KEY_RE = re.compile("|".join(sorted(_KEY_MAP, key=len, reverse=True)))
_DOUBLE_RE = re.compile(r"(.)\1+")
MIN_KEY_LEN = 4


def key(s: str, normalized: str | None = None) -> str:
    """A loose phonetic key so transliteration variants (Xankəndi/Khankendi, Gəncə/Ganja) meet."""
    k = normalize(s) if normalized is None else normalized
    k = _KEY_RE.sub(lambda m: _KEY_MAP[m.group(0)], k)
    return _DOUBLE_RE.sub(r"\1", k)


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


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


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


_PLACE_BEFORE_RE = re.compile(
    r"\b(?:town|village|city|settlement|district|region|province|capital)\s+of\s+(?:the\s+)?$", re.I)
_SOFT_BEFORE_RE = re.compile(r"\b(?:in|at|near|outside|from|towards|toward|into)\s+$", re.I)
_PLACE_AFTER_RE = re.compile(r"^\s+(?:district|region|province|rayon|village|town|city|settlement)\b", re.I)


class Gazetteer:
    """Loaded gazetteer: Place objects plus name indexes; build with Gazetteer.load()."""

    def __init__(self, features: list[dict], theatre: tuple[str, ...] = DEFAULT_THEATRE,
                 stopwords: Stopwords | None = None, focus: tuple[float, float] | None = DEFAULT_FOCUS):
        self.theatre = tuple(theatre)
        self.focus = focus
        self.stopwords = stopwords if stopwords is not None else load_stopwords()
        self.places: list[Place] = []
        self._names: list[list[str]] = []
        self._curated: list[bool] = []
        self._primary_idx: dict[str, list[int]] = {}
        self._lower_ok: set[str] = set()
        self._world: list[int] = []
        self._all_idx: dict[str, list[int]] | None = None
        self._norm_idx: dict[str, list[int]] | None = None
        self._key_idx: dict[str, list[int]] | None = None
        self._fuzzy_list: list[str] | None = None
        self._mention_idx = None
        self._tkeys: dict[str, list[int]] | None = None
        self._variants: dict[str, str | None] = {}  # capitalised word -> its variant span key, or None
        self._rank_terms: dict[int, tuple[str, str, float | None]] = {}  # place -> folded names, focus term
        idx = self._primary_idx
        for i, f in enumerate(features):
            p = f["properties"]
            lon, lat = f["geometry"]["coordinates"]
            self.places.append(Place(
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

    @classmethod
    def load(cls, path: str | Path | None = None, theatre: tuple[str, ...] = DEFAULT_THEATRE,
             focus: tuple[float, float] | None = DEFAULT_FOCUS) -> "Gazetteer":
        """Load (cached per path and settings) the built GeoJSON."""
        return _load_cached(str(Path(path) if path else DEFAULT_PATH), tuple(theatre),
                            tuple(focus) if focus is not None else None)

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
        world = set(self._world)
        seen: dict[str, tuple[str, str]] = {}
        for i, names in enumerate(self._names):
            for n in set(names[:2] if i in world else names):
                pair = seen.get(n)
                if pair is None:
                    nn = normalize(n)
                    pair = seen[n] = (nn, key(n, nn))
                nn, kk = pair
                if nn:
                    lst = norm.setdefault(nn, [])
                    if i not in lst:
                        lst.append(i)
                if len(kk) >= MIN_KEY_LEN:
                    lst = keys.setdefault(kk, [])
                    if i not in lst:
                        lst.append(i)
        self._norm_idx, self._key_idx = norm, keys

    # ---- ranking ---------------------------------------------------------------------------
    def _rank(self, cands: list[int], query_fold: str, context_countries=None,
              context_places=None) -> list[tuple[float, int]]:
        ctx_c = {c.upper() for c in (context_countries or [])}
        ctx_p = [p for p in (context_places or []) if p is not None]
        ranked = []
        for i in cands:
            p = self.places[i]
            s = 0.0
            if p.country in ctx_c:
                s += 30
            own = self._rank_terms.get(i)
            if own is None:  # what depends on the place alone, worked out once per place
                names = self._names[i]
                focus = (15 * math.exp(-haversine_km(p.lat, p.lon, *self.focus) / 150.0)
                         if self.focus is not None else None)
                own = self._rank_terms[i] = (fold(names[0]), fold(names[1]), focus)
            current = self._curated[i] or query_fold in own[:2]
            if current:
                s += 15
            if p.country in self.theatre:
                s += 20 if current else 10
            s += _CLASS_WEIGHT.get(p.feature_code, _CLASS_WEIGHT.get(p.feature_class, 0))
            if p.feature_class != "A" or p.feature_code == "PCLI":
                s += 3 * math.log10(p.population + 1)
            if ctx_p:
                d = min(haversine_km(p.lat, p.lon, c.lat, c.lon) for c in ctx_p)
                s += 50 * math.exp(-d / 100.0)
            if own[2] is not None:
                s += own[2]
            ranked.append((s, i))
        ranked.sort(key=lambda t: (-t[0], self.places[t[1]].geonameid))
        return ranked

    def candidates(self, name: str) -> tuple[list[int], float, str]:
        """Candidate feature indexes for a name, with the match score (0-100) and method.

        Order: exact folded name, normalised name, phonetic key, the parts of "X (Y)" / "X/Y", then fuzzy.
        """
        found = self._lookup(name)
        if found[0]:
            return found
        parts = [p.strip() for p in _PARTS_RE.split(name) if p.strip()]
        if len(parts) > 1:
            for part in parts:
                cands, score, method = self._lookup(part)
                if cands:
                    return cands, min(score, 90.0), method
        for stem in _stems(name):
            cands, score, method = self._lookup(stem)
            if cands:
                return cands, min(score, 90.0), method
        return self._fuzzy(name)

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
        if len(k) >= MIN_KEY_LEN and k in keys:
            return keys[k], 92.0, "key"
        return [], 0.0, "none"

    def _fuzzy(self, name: str) -> tuple[list[int], float, str]:
        """rapidfuzz ratio over normalised names of theatre features and of world cities over 100,000 people."""
        n = normalize(name)
        if len(n.replace(" ", "")) < FUZZY_MIN_LEN:
            return [], 0.0, "none"
        norm, _ = self._variant_indexes()
        if self._fuzzy_list is None:
            world = set(self._world)
            self._fuzzy_list = [nn for nn, idxs in norm.items() if len(nn) >= FUZZY_MIN_LEN - 1 and any(
                i not in world or self.places[i].population >= 100_000 for i in idxs)]
        from rapidfuzz import fuzz, process

        hit = process.extractOne(n, self._fuzzy_list, scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD)
        if hit is None or hit[0][0] != n[0]:
            return [], 0.0, "none"
        return norm[hit[0]], round(float(hit[1]) * 0.9, 1), "fuzzy"

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

    # ---- mentions --------------------------------------------------------------------------
    def mention_index(self) -> tuple[dict[str, tuple[int, ...]], dict[str, tuple[int, ...]], frozenset[str],
                                     object]:
        """How `keys_in` finds the mention keys (built once, on first use): the folded names of at least
        MIN_MENTION_LEN characters that are not numbers, and the stopword blockers.

        A key that starts with a letter or digit can only start where a word of the text does, and that
        word is the key's first word: so the lengths of the keys by first word, looked up word by word,
        give every key a character automaton over the whole text would (one lookup per word instead of
        a walk of a large automaton per character); the same for the keys a lower-case word may start
        (lower-case names, blockers). The few keys that start with a sign ('s Gravenzande) go through a
        small Aho-Corasick automaton (None when there are none).
        """
        if self._mention_idx is None:
            import ahocorasick

            keys = {k for k in self._primary_idx if len(k) >= MIN_MENTION_LEN and not k.isdigit()}
            keys |= self.stopwords.blockers
            lower = self._lower_ok | self.stopwords.blockers
            lengths: dict[str, set[int]] = {}
            lower_lengths: dict[str, set[int]] = {}
            odd = ahocorasick.Automaton()
            for k in keys:
                m = _ALNUM_RUN.match(k)
                if m:
                    lengths.setdefault(m.group(0), set()).add(len(k))
                    if k in lower:
                        lower_lengths.setdefault(m.group(0), set()).add(len(k))
                else:
                    odd.add_word(k, k)
            if len(odd):
                odd.make_automaton()
            self._mention_idx = ({w: tuple(sorted(ls)) for w, ls in lengths.items()},
                                 {w: tuple(sorted(ls)) for w, ls in lower_lengths.items()}, frozenset(keys),
                                 odd if len(odd) else None)
        return self._mention_idx

    def _theatre_keys(self) -> dict[str, list[int]]:
        """Phonetic keys of the theatre's places, for spellings no list has (Stephanakert, Mingecevir)."""
        if self._tkeys is None:
            tk: dict[str, list[int]] = {}
            for i, p in enumerate(self.places):
                if p.country in self.theatre and p.feature_class in ("P", "A", "L", "S"):
                    for nm in self._names[i]:
                        k = key(nm)
                        if len(k) >= VARIANT_MIN_KEY and i not in tk.setdefault(k, []):
                            tk[k].append(i)
            for k, lst in tk.items():
                lst.sort(key=lambda i: (-_CLASS_WEIGHT.get(self.places[i].feature_class, 0),
                                        -self.places[i].population))
            self._tkeys = tk
        return self._tkeys

    def _variant_spans(self, text: str, taken: bytearray) -> list[tuple[int, int, str]]:
        """Capitalised words no indexed name covers whose phonetic key is a theatre place's."""
        out = []
        for m in _CAP_WORD_RE.finditer(text):
            if any(taken[m.start():m.end()]):
                continue
            word = m.group(0)
            v = self._variants.get(word, "")
            if v == "":
                v = self._variant(word)
                if len(self._variants) >= 100_000:  # the same words come back in every article: kept, boundedly
                    self._variants.clear()
                self._variants[word] = v
            if v is not None:
                out.append((m.start(), m.end(), v))
        return out

    def _variant(self, word: str) -> str | None:
        """The span key of a capitalised word when it is a spelling variant of a theatre place, else None."""
        stop = self.stopwords
        f = fold(word)
        if f in stop.strict or f in stop.soft or f in stop.blockers:
            return None
        k = key(word)
        if len(k) >= VARIANT_MIN_KEY and k in self._theatre_keys():
            return _VARIANT + k
        return None

    def _place_context(self, text: str, start: int, end: int, strict: bool) -> bool:
        before = text[max(0, start - 40):start]
        if _PLACE_BEFORE_RE.search(before) or _PLACE_AFTER_RE.match(text[end:end + 20]):
            return True
        return not strict and bool(_SOFT_BEFORE_RE.search(before))

    def find_mentions(self, text: str, context_countries=None, context_places=None) -> list[Mention]:
        """Place names in text: word-bounded, longest first, non-overlapping, stopwords and lower case skipped.

        Homonyms are ranked with the unambiguous places found in the same text as context.
        """
        if not text:
            return []
        return self.mentions_at(text, self.spans(text), context_countries, context_places)

    def keys_in(self, folded: str, text: str | None = None) -> list[tuple[int, int, str]]:
        """(start, end, key) of every mention key in a folded text that stands as whole words, not inside a
        longer word; in no particular order.

        Given `text` (the text before folding), a key that starts with a letter that is lower case there
        is looked for only when lower case is allowed for it (`_lower_ok`, blockers): the only ones `spans`
        would keep; most words of a sentence are lower case.
        """
        lengths, lower_lengths, keys, odd = self.mention_index()
        n = len(folded)
        found = []
        for m in _ALNUM_RUN.finditer(folded):
            lower = text is not None and text[m.start()].islower()
            lens = (lower_lengths if lower else lengths).get(m.group(0))
            if lens:
                start = m.start()
                for ln in lens:
                    end = start + ln
                    if end <= n and (end == n or not folded[end].isalnum()) and folded[start:end] in keys:
                        found.append((start, end, folded[start:end]))
        if odd is not None:
            for end_idx, k in odd.iter(folded):
                start = end_idx - len(k) + 1
                end = end_idx + 1
                if not ((start > 0 and folded[start - 1].isalnum()) or (end < n and folded[end].isalnum())):
                    found.append((start, end, k))
        return found

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, index key) of the names `find_mentions` keeps, in text order; no context needed,
        so a caller that ranks the same text twice (with and without context) finds them once."""
        if not text:
            return []
        folded = fold_text(text)
        n = len(folded)
        lower_ok = self._lower_ok
        blockers = self.stopwords.blockers
        spans = [(start, end, k) for start, end, k in self.keys_in(folded, text)
                 if not (text[start].islower() and k not in lower_ok and k not in blockers)]
        spans.sort(key=lambda t: (t[0] - t[1], t[0]))
        taken = bytearray(n)
        chosen = []
        stop = self.stopwords
        for start, end, k in spans:
            if any(taken[start:end]):
                continue
            if k in blockers:
                taken[start:end] = b"\x01" * (end - start)
                continue
            if k in stop.strict or k in stop.soft:
                if not self._place_context(text, start, end, k in stop.strict):
                    continue
            taken[start:end] = b"\x01" * (end - start)
            chosen.append((start, end, k))
        chosen += self._variant_spans(text, taken)
        chosen.sort()
        return chosen

    def has_homonyms(self, chosen: list[tuple[int, int, str]]) -> bool:
        """Whether a name of `spans(text)` has several places: only then can context change `mentions_at`."""
        idx = self._primary_idx
        return any(not k.startswith(_VARIANT) and len(idx[k]) > 1 for _, _, k in chosen)

    def mentions_at(self, text: str, chosen: list[tuple[int, int, str]], context_countries=None,
                    context_places=None) -> list[Mention]:
        """The places of `spans(text)`, homonyms ranked with the context and the text's unambiguous places."""
        places = self.places
        idx = self._primary_idx
        context = list(context_places or [])
        context += [places[idx[k][0]] for _, _, k in chosen
                    if k in idx and len(idx[k]) == 1 and places[idx[k][0]].feature_code != "PCLI"]
        context = list({p.geonameid: p for p in context}.values())  # distances per distinct place, not per mention
        ranked: dict[str, Place] = {}
        mentions = []
        for start, end, k in chosen:
            if k.startswith(_VARIANT):
                place = places[self._theatre_keys()[k[len(_VARIANT):]][0]]
                mentions.append(Mention(start, end, text[start:end], place, 92.0))
                continue
            cands = idx[k]
            if len(cands) == 1:
                place = places[cands[0]]
            else:
                place = ranked.get(k)
                if place is None:
                    place = ranked[k] = places[self._rank(cands, k, context_countries, context)[0][1]]
            mentions.append(Mention(start, end, text[start:end], place, 100.0))
        return mentions


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
    return (gazetteer or Gazetteer.load()).resolve(name, context_countries, context_places)


# ---- optional online fallback -------------------------------------------------------------
def geocode_online(name: str, cache_dir: str | Path, user_agent: str = "geo-incident-map/0.1",
                   geocoder_factory=None) -> dict | None:
    """Nominatim lookup (1 request/s), cached in cache_dir/nominatim.json. Only called when --online is given."""
    cache_dir = Path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    cache_file = cache_dir / "nominatim.json"
    cache = json.loads(cache_file.read_text(encoding="utf-8")) if cache_file.exists() else {}
    if name in cache:
        return cache[name]
    if geocoder_factory is None:
        from geopy.geocoders import Nominatim

        geocoder_factory = Nominatim
    from geopy.extra.rate_limiter import RateLimiter

    geocoder = geocoder_factory(user_agent=user_agent)
    geocode = RateLimiter(geocoder.geocode, min_delay_seconds=1)
    loc = geocode(name)
    result = None
    if loc is not None:
        result = {"query": name, "name": loc.address, "lat": loc.latitude, "lon": loc.longitude,
                  "country": None, "admin1": None, "geonameid": None, "feature_code": None,
                  "geo_precision": 2, "score": None, "source": "nominatim"}
    cache[name] = result
    cache_file.write_text(json.dumps(cache, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    return result


# ---- CLI ----------------------------------------------------------------------------------
def add_resolve_args(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("names", nargs="+", metavar="NAME", help="place names; '-' reads one per line from stdin")
    parser.add_argument("--json", action="store_true", help="one JSON object per name")
    parser.add_argument("--gazetteer", type=Path, default=None, help="places.geojson (default: data/places.geojson)")
    parser.add_argument("--country", action="append", default=[], help="context country code (repeatable)")
    parser.add_argument("--online", action="store_true", help="fall back to Nominatim (network) for unresolved names")
    parser.add_argument("--cache-dir", type=Path, default=Path(".cache/geocode"), help="online lookup cache")
    return parser


def match_record(query: str, m: Match | None) -> dict:
    if m is None:
        return {"query": query, "match": None}
    p = m.place
    return {"query": query, "name": p.name, "lat": p.lat, "lon": p.lon, "country": p.country, "admin1": p.admin1,
            "geonameid": p.geonameid, "feature_code": p.feature_code, "geo_precision": p.geo_precision,
            "score": m.score}


def run_resolve(args: argparse.Namespace, stdin=None, stdout=None) -> int:
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    names: list[str] = []
    for n in args.names:
        if n == "-":
            names.extend(line.strip() for line in stdin if line.strip())
        else:
            names.append(n)
    gaz = Gazetteer.load(args.gazetteer)
    for name in names:
        rec = match_record(name, gaz.resolve(name, context_countries=args.country or None))
        if rec.get("match", True) is None and args.online:
            rec = geocode_online(name, args.cache_dir) or rec
        if args.json:
            print(json.dumps(rec, ensure_ascii=False), file=stdout)
        elif rec.get("match", True) is None:
            print(f"{name}\t-", file=stdout)
        else:
            print(f"{name}\t{rec['name']}\t{rec['lat']:.4f},{rec['lon']:.4f}\t{rec['country']}\t{rec['admin1']}\t"
                  f"{rec['feature_code']}\tprec={rec['geo_precision']}\tscore={rec['score']}", file=stdout)
    return 0


def main_resolve(argv: list[str] | None = None) -> int:
    parser = add_resolve_args(argparse.ArgumentParser(prog="geo gazetteer resolve"))
    return run_resolve(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main_resolve())
