"""Mention finding: the place names a text holds, word by word, and which place each one means.

A name is a mention when it stands as whole words, is not a stopword out of a place context, and is
capitalised (unless lower case is allowed for it); spelling variants no list has are found by the
phonetic key of the theatre's places. Homonyms are ranked with the text's unambiguous places as context.
"""
from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

from geo.records import Mention, Place

from .normalize import fold, fold_text, key
from .names import Stopwords
from .rank import class_weight

MIN_MENTION_LEN = 4
VARIANT_MIN_KEY = 7
_VARIANT = "\x00variant:"
_SMALL_VARIANT = "\x00small:"
#: A small place's spelling variant (Gapanli for Qapanlı) is looked for in runs of one or two capitalised words
#: whose phonetic key has at least this many letters.
SMALL_VARIANT_MIN_KEY = 5
_CAP_WORD = r"[A-ZÀ-ÖØ-ÞƏ][a-zà-öø-ÿəğışçü'’]{2,}"
_CAP_RUN_RE = re.compile(rf"(?<![\w-])(?=({_CAP_WORD}(?:[ -]{_CAP_WORD})?)(?![\w-]))")  # at every capitalised word
_ALNUM_RUN = re.compile(r"[^\W_]+")  # a run of characters for which str.isalnum() holds (tested on all code points)
_CAP_WORD_RE = re.compile(r"(?<![\w-])[A-ZÀ-ÖØ-ÞƏ][a-zà-öø-ÿəğışçü]{5,}(?![\w-])")

_PLACE_BEFORE_RE = re.compile(
    r"\b(?:town|village|city|settlement|district|region|province|capital)\s+of\s+(?:the\s+)?$", re.I)
_SOFT_BEFORE_RE = re.compile(r"\b(?:in|at|near|outside|from|towards|toward|into)\s+$", re.I)
_PLACE_AFTER_RE = re.compile(r"^\s+(?:district|region|province|rayon|village|town|city|settlement)\b", re.I)
MARKS_PATH = Path(__file__).resolve().parents[1] / "data" / "place_marks.json"
#: How far before and after a name its marks are looked for (characters).
MARK_WINDOW = 60
_CAP_BEFORE_RE = re.compile(r"[A-ZÀ-ÖØ-ÞƏ][\w'’-]*\s+$")
_CAP_AFTER_RE = re.compile(r"^\s+[A-ZÀ-ÖØ-ÞƏ]")
#: What may follow a small place that only a preposition marks: the end of the clause or a word that cannot
#: make the name a person's or a thing's ("in Baker's house", "from Baker company" are not places).
_CLAUSE_END_RE = re.compile(r"^(?:\s*(?:[,.;:!?)]|$)|\s+(?:and|or|on|in|at|near|after|before|during|since|from|to|"
                            r"of|which|where|when|with|was|were|is|are|came|has|had)\b)")


class SpanKey(str):
    """The index key of a span that says more than its name: how the text marks it as a place (`how`:
    "noun", "district", "landmark", "preposition", "list") and the admin-1 region named beside it (`district`)."""

    __slots__ = ("how", "district")

    def __new__(cls, key: str, how: str | None = None, district: str | None = None):
        obj = super().__new__(cls, key)
        obj.how = how
        obj.district = district
        return obj

    def __reduce__(self):
        return SpanKey, (str(self), self.how, self.district)


@dataclass(frozen=True)
class Marks:
    """The compiled place marks of geo/data/place_marks.json."""

    before_noun: re.Pattern
    after_noun: re.Pattern
    qualifier: re.Pattern
    preposition: re.Pattern
    separator: re.Pattern
    qualifier_link: re.Pattern
    in_district: re.Pattern
    name_nouns: frozenset[str]


def _alt(words) -> str:
    return "|".join(re.escape(w).replace("\\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


@functools.lru_cache(maxsize=4)
def load_marks(path: Path = MARKS_PATH) -> Marks:
    try:
        d = json.loads(Path(path).read_text(encoding="utf-8"))
        settle, district, landmark = d["settlement_nouns"], d["district_nouns"], d["landmark_nouns"]
        prep, seps, openers = d["place_prepositions"], d["list_separators"], d["list_openers"]
    except (OSError, ValueError, KeyError) as e:
        raise ValueError(f"{path}: not a place-marks file ({type(e).__name__}: {e})") from None
    cap = r"[A-ZÀ-ÖØ-ÞƏ][\w'’-]*"
    return Marks(
        before_noun=re.compile(rf"\b(?:{_alt(settle)})(?:\s+(?:of\s+)?(?:the\s+)?|\s*[,:]?\s+(?:{_alt(openers)})\s+|"
                               rf"\s*:\s*)$", re.I),
        after_noun=re.compile(rf"^\s+(?:{_alt(settle + district + landmark)})\b", re.I),
        qualifier=re.compile(rf"^\s*,?\s*(?:\(\s*|(?:of|in)\s+(?:the\s+)?)(?:{cap}\s+){{1,3}}(?i:{_alt(district)})\b"),
        preposition=re.compile(rf"\b(?:{_alt(prep)})\s+(?:the\s+)?$", re.I),
        separator=re.compile(rf"^\)?(?:\s+(?:{_alt(district + settle)}))?\)?\s*(?:{_alt(seps)})\s*(?:the\s+)?$",
                             re.I),
        qualifier_link=re.compile(r"^\s*,?\s*(?:\(\s*|(?:of|in)\s+(?:the\s+)?)$", re.I),
        in_district=re.compile(rf"^(?P<name>.+?)\s*(?:,|\(|\s(?:of|in)\s)\s*(?:the\s+)?"
                               rf"(?P<district>[^,()]+?\s+(?:{_alt(district)}))\s*\)?$", re.I),
        name_nouns=frozenset(w.lower() for w in settle + landmark))


class Mentions:
    """The mention finding of `Gazetteer`: needs the indexes of `Names`, `_rank` and `stopwords`."""

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
                lst.sort(key=lambda i: (-class_weight("", self.all_places[i].feature_class),
                                        -self.all_places[i].population))
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

    def find_mentions(self, text: str, context_countries=None, context_places=None,
                      triggered: bool = False) -> list[Mention]:
        """Place names in text: word-bounded, longest first, non-overlapping, stopwords and lower case skipped,
        small places only where the text marks them (`spans`).

        Homonyms are ranked with the unambiguous places found in the same text as context.
        """
        if not text:
            return []
        return self.mentions_at(text, self.spans(text, triggered), context_countries, context_places)

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

    def spans(self, text: str, triggered: bool = False) -> list[tuple[int, int, str]]:
        """(start, end, index key) of the names `find_mentions` keeps, in text order; no context needed,
        so a caller that ranks the same text twice (with and without context) finds them once.

        A small place's name is kept only where the text marks it as a place (see geo/data/place_marks.json);
        `triggered` says the text reports an event, which lets a preposition of place mark one ("shelled in
        X"). Keys of small places and of names qualified by a district are `SpanKey`s saying how and which.
        """
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
        pending = []
        stop = self.stopwords
        gated = self._small_keys()[1]
        for start, end, k in spans:
            if any(taken[start:end]):
                continue
            if k in blockers:
                taken[start:end] = b"\x01" * (end - start)
                continue
            if k in stop.strict or k in stop.soft:
                if not self._place_context(text, start, end, k in stop.strict):
                    continue
            if k in gated:
                how = self._mark(text, start, end, k, triggered)
                if how is None:
                    pending.append((start, end, k))
                    continue
                k = SpanKey(k, how)
            taken[start:end] = b"\x01" * (end - start)
            chosen.append((start, end, k))
        for start, end, k in self._variant_spans(text, taken):
            taken[start:end] = b"\x01" * (end - start)
            chosen.append((start, end, k))
        pending += self._small_variant_spans(text, taken, triggered, chosen)
        if pending:
            chosen += self._listed(text, chosen, pending, taken)
        chosen.sort()
        return self._qualified(text, chosen)

    def _small_tkeys(self) -> dict[str, list[int]]:
        """Phonetic keys of the small places' names, for the spellings of news (Shukurbayli, Jojug Marjanli)."""
        if self._stkeys is None:
            tk: dict[str, list[int]] = {}
            for i in range(self.n_big, len(self.all_places)):
                for nm in self._names[i]:
                    k = key(nm)
                    if len(k) >= SMALL_VARIANT_MIN_KEY and i not in tk.setdefault(k, []):
                        tk[k].append(i)
            self._stkeys = tk
        return self._stkeys

    def _small_variant_spans(self, text: str, taken: bytearray, triggered: bool, chosen: list) -> list:
        """Capitalised words no kept name covers whose phonetic key is a small place's: marked ones go to
        `chosen` (as SpanKeys), the others are returned, pending a list."""
        tk = self._small_tkeys()
        if not tk:
            return []
        stop = self.stopwords
        pending = []
        for m in _CAP_RUN_RE.finditer(text):
            start = m.start()
            if taken[start]:
                continue
            run = m.group(1)
            cut = max(run.find(" "), run.find("-"))
            ends = [start + len(run), start + cut] if cut > 0 else [start + len(run)]  # two words, then the first
            for end in ends:
                if not any(taken[start:end]):
                    sk = self._small_variant(text[start:end], tk, stop)
                    if sk is not None:
                        break
            else:
                continue
            how = self._mark(text, start, end, sk, triggered)
            if how is None:
                pending.append((start, end, sk))
            else:
                taken[start:end] = b"\x01" * (end - start)
                chosen.append((start, end, SpanKey(sk, how)))
        return pending

    def _small_variant(self, word: str, tk: dict, stop: Stopwords) -> str | None:
        """The span key of a run of capitalised words when it spells a small place's name, else None."""
        sk = self._small_variants.get(word, "")
        if sk == "":
            f = fold(word)
            k = None if f in stop.strict or f in stop.soft or f in stop.blockers or f in self._primary_idx \
                else key(word)
            sk = _SMALL_VARIANT + k if k in tk else None
            if len(self._small_variants) >= 100_000:  # the same words come back in every article: kept, boundedly
                self._small_variants.clear()
            self._small_variants[word] = sk
        return sk

    def _cands(self, k: str) -> list[int]:
        """Every place a kept span's key may mean, before district and marks narrow them."""
        if k.startswith(_SMALL_VARIANT):
            return self._small_tkeys()[k[len(_SMALL_VARIANT):]]
        return self._primary_idx[k]

    def _mark(self, text: str, start: int, end: int, k: str, triggered: bool) -> str | None:
        """How the text around text[start:end] marks it as a place, or None."""
        marks = load_marks()
        before = text[max(0, start - MARK_WINDOW):start]
        after = text[end:end + MARK_WINDOW]
        if k.rsplit(" ", 1)[-1] in marks.name_nouns and " " in k:
            return "landmark"
        if marks.before_noun.search(before) or marks.after_noun.match(after):
            return "noun"
        if marks.qualifier.match(after):
            return "district"
        if triggered and marks.preposition.search(before) and _CLAUSE_END_RE.match(after):
            return "preposition"
        return None

    def _listed(self, text: str, chosen: list, pending: list, taken: bytearray) -> list[tuple[int, int, str]]:
        """The pending small places that stand in one list with a place already kept ("Fuzuli, X and Y")."""
        marks = load_marks()
        picked = []
        for start, end, k in pending:  # longest first, as the spans came
            if any(taken[start:end]) or _CAP_BEFORE_RE.search(text[max(0, start - 40):start]) \
                    or _CAP_AFTER_RE.match(text[end:end + 3]):
                continue
            taken[start:end] = b"\x01" * (end - start)
            picked.append((start, end, k))
        if not picked:
            return []
        items = sorted([(s, e, k, True) for s, e, k in chosen] + [(s, e, k, False) for s, e, k in picked])
        admitted = []
        chain = [items[0]]
        for item in items[1:] + [None]:
            if item is not None:
                between = text[chain[-1][1]:item[0]]
                if marks.separator.match(between) or marks.qualifier_link.match(between):
                    chain.append(item)
                    continue
            if any(it[3] for it in chain):
                admitted += [(s, e, SpanKey(k, "list")) for s, e, k, kept in chain if not kept]
            chain = [item]
        for s, e, k, kept in items:
            if not kept and not any(a[0] == s for a in admitted):
                taken[s:e] = b"\x00" * (e - s)
        return admitted

    def _district_of(self, k: str) -> str | None:
        """The admin-1 name of a span that names an admin-1 (or -2) region, else None."""
        return self._district_keys().get(k)

    def _district_keys(self) -> dict[str, str]:
        """Every key that names an admin-1 (or -2) region, with that region's admin-1 name; computed once."""
        if self._districts is None:
            d = {}
            for i, p in enumerate(self.places):
                if p.feature_class == "A" and p.feature_code in ("ADM1", "ADM2"):
                    for nm in self._names[i]:
                        d.setdefault(fold(nm), p.admin1)
            self._districts = {k: v for k, v in d.items() if k in self._primary_idx}
        return self._districts

    def _qualified(self, text: str, chosen: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
        """Give each place of a list the district named after it ("A of X district, B and C of Y district":
        A in X, B and C in Y), for the names that have homonyms."""
        districts = self._district_keys()
        marks = load_marks()
        if not any(k in districts and marks.qualifier_link.match(text[chosen[j - 1][1]:chosen[j][0]])
                   for j, (_, _, k) in enumerate(chosen) if j):  # no "A of X district", "A (X region)"
            return chosen
        out = list(chosen)
        chain: list[int] = []
        for j in range(len(out) + 1):
            if j < len(out) and chain:
                between = text[out[chain[-1]][1]:out[j][0]]
                if not (marks.separator.match(between) or marks.qualifier_link.match(between)):
                    chain = []
            if j == len(out):
                break
            k = out[j][2]
            district = districts.get(k)
            if district is not None and chain and \
                    marks.qualifier_link.match(text[out[chain[-1]][1]:out[j][0]]):
                for c in chain:
                    s, e, ck = out[c]
                    if getattr(ck, "district", None) is None:
                        out[c] = (s, e, SpanKey(ck, getattr(ck, "how", None) or "district", district))
                chain = []
                continue
            if district is None:
                chain.append(j)
        return out

    def _small_keys(self) -> tuple[dict[str, list[int]], frozenset[str]]:
        """For the names that small places have: their other places (`big`), and the names only small places
        have (`gated`); computed once."""
        if self._small is None:
            n = self.n_big
            big = {}
            for k, lst in self._primary_idx.items():
                if lst[-1] >= n:  # small places were indexed last
                    big[k] = [i for i in lst if i < n]
            self._small = (big, frozenset(k for k, v in big.items() if not v))
        return self._small

    def _effective(self, k: str) -> list[int]:
        """The places a kept span may mean: a district named beside it decides; a name that is also a big
        place's, not marked, means only those."""
        if type(k) is str and not k.startswith(_SMALL_VARIANT):
            big = self._small_keys()[0].get(k)
            return big if big else self._primary_idx[k]
        cands = self._cands(k)
        district = getattr(k, "district", None)
        if district is not None:
            inside = [i for i in cands if self.all_places[i].admin1 == district]
            if not inside and not k.startswith(_SMALL_VARIANT):  # another spelling of a place of that district
                inside = [i for i in self._small_tkeys().get(key(k), ()) if self.all_places[i].admin1 == district]
            if inside:
                return inside
        big = self._small_keys()[0].get(k)
        if big and not isinstance(k, SpanKey):
            return big
        return cands

    def _variant_place(self, k: str) -> int:
        """The place a spelling variant means: of the theatre's places with its key, the one in the district named
        beside it ('Garadaghli of the Terter district'), small places of that district included, else the first."""
        vk = k[len(_VARIANT):]
        cands = self._theatre_keys()[vk]
        district = getattr(k, "district", None)
        if district is None:
            return cands[0]
        inside = [i for i in (*cands, *self._small_tkeys().get(vk, ())) if self.all_places[i].admin1 == district]
        return inside[0] if inside else cands[0]

    def has_homonyms(self, chosen: list[tuple[int, int, str]]) -> bool:
        """Whether a name of `spans(text)` has several places: only then can context change `mentions_at`."""
        return any(not k.startswith(_VARIANT) and len(self._effective(k)) > 1 for _, _, k in chosen)

    def mentions_at(self, text: str, chosen: list[tuple[int, int, str]], context_countries=None,
                    context_places=None) -> list[Mention]:
        """The places of `spans(text)`, homonyms ranked with the context and the text's unambiguous places."""
        places = self.all_places
        effective = {}
        for _, _, k in chosen:
            ek = (k, k.district, True) if type(k) is SpanKey else k
            if ek not in effective and not k.startswith(_VARIANT):
                effective[ek] = self._effective(k)
        context = list(context_places or [])
        context += [places[c[0]] for c in effective.values() if len(c) == 1 and places[c[0]].feature_code != "PCLI"]
        context = list({p.geonameid: p for p in context}.values())  # distances per distinct place, not per mention
        ranked: dict[object, Place] = {}
        mentions = []
        for start, end, k in chosen:
            if k.startswith(_VARIANT):
                place = places[self._variant_place(k)]
                mentions.append(Mention(start, end, text[start:end], place, 92.0))
                continue
            ek = (k, k.district, True) if type(k) is SpanKey else k
            cands = effective[ek]
            if len(cands) == 1:
                place = places[cands[0]]
            else:
                place = ranked.get(ek)
                if place is None:
                    place = ranked[ek] = places[self._rank(cands, str(k), context_countries, context)[0][1]]
            mentions.append(Mention(start, end, text[start:end], place, 100.0))
        return mentions
