"""Mention finding: the place names a text holds, word by word, and which place each one means.

A name is a mention when it stands as whole words, is not a stopword out of a place context, and is
capitalised (unless lower case is allowed for it); spelling variants no list has are found by the
phonetic key of the theatre's places. Homonyms are ranked with the text's unambiguous places as context.
"""
from __future__ import annotations

import re

from geo.records import Mention, Place

from .normalize import fold, fold_text, key
from .rank import class_weight

MIN_MENTION_LEN = 4
VARIANT_MIN_KEY = 7
_VARIANT = "\x00variant:"
_ALNUM_RUN = re.compile(r"[^\W_]+")  # a run of characters for which str.isalnum() holds (tested on all code points)
_CAP_WORD_RE = re.compile(r"(?<![\w-])[A-ZÀ-ÖØ-ÞƏ][a-zà-öø-ÿəğışçü]{5,}(?![\w-])")

_PLACE_BEFORE_RE = re.compile(
    r"\b(?:town|village|city|settlement|district|region|province|capital)\s+of\s+(?:the\s+)?$", re.I)
_SOFT_BEFORE_RE = re.compile(r"\b(?:in|at|near|outside|from|towards|toward|into)\s+$", re.I)
_PLACE_AFTER_RE = re.compile(r"^\s+(?:district|region|province|rayon|village|town|city|settlement)\b", re.I)


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
                lst.sort(key=lambda i: (-class_weight("", self.places[i].feature_class),
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

