"""Which vocabulary patterns can match a text, from one Aho-Corasick pass over words they cannot do without.

Python's ``re`` tries every alternative of a vocabulary pattern at every position of a sentence, and
most sentences of an article hold no trigger, speech verb or date: running the patterns on them was
most of the extraction's time. `factors` reads a pattern's parsed form and returns lower-case strings
one of which every match must contain ('shell', 'artillery', ... for the shelling trigger); `screen`
builds one automaton over the strings of many patterns. A pattern it leaves out cannot match the
text, so skipping it changes no result; a pattern with no such strings (one that can match a digit
or any word alone) is always kept.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable
from functools import lru_cache

try:
    from re import _constants as C, _parser as P
except ImportError:  # Python < 3.11
    import sre_constants as C
    import sre_parse as P

_CAP = 256  # strings kept per expansion: past it a part of a pattern is not spelled out

# Under IGNORECASE an ASCII letter also matches these, which str.lower() does not turn into it.
_FOLD = {0x130: "i", 0x131: "i", 0x17F: "s"}


def fold(text: str) -> str:
    """The text as the strings of `factors` are written: an ASCII letter any case of which matches is lower case."""
    return text.translate(_FOLD).lower() if not text.isascii() else text.lower()


def _product(a: set[str], b: set[str]) -> set[str] | None:
    out = {x + y for x in a for y in b}
    return out if len(out) <= _CAP else None


def _lang_seq(items) -> set[str] | None:
    """Every string the sequence can match (lower case), or None when infinite, too many or not plain ASCII."""
    out = {""}
    for op, av in items:
        one = _lang(op, av)
        out = _product(out, one) if one is not None else None
        if out is None:
            return None
    return out


def _lang(op, av) -> set[str] | None:
    if op is C.LITERAL:
        return {chr(av).lower()} if av < 128 else None
    if op is C.IN:
        if all(o is C.LITERAL and a < 128 for o, a in av):
            return {chr(a).lower() for _, a in av}
        return None
    if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
        return {""}  # consumes nothing; ignoring the condition only lets more texts through
    if op is C.SUBPATTERN:
        return _lang_seq(av[-1])
    if op is C.BRANCH:
        out = _union(av[1], _lang_seq)
        return out if out is not None and len(out) <= _CAP else None
    if op in (C.MAX_REPEAT, C.MIN_REPEAT):
        lo, hi, body = av
        one = _lang_seq(body)
        if one is None or hi > 8:
            return None
        out, cur = set(), {""}
        for k in range(hi + 1):
            if k >= lo:
                out |= cur
            if k < hi:
                cur = _product(cur, one)
                if cur is None:
                    return None
        return out if len(out) <= _CAP else None
    return None


def _union(alternatives, of) -> set[str] | None:
    """The union of `of` over a branch's alternatives; None when one of them has no answer."""
    out: set[str] = set()
    for alt in alternatives:
        one = of(alt)
        if one is None:
            return None
        out |= one
    return out


def _better(a: set[str] | None, b: set[str] | None) -> bool:
    """Longer shortest string first (fewer chance hits), then fewer strings."""
    if not a or "" in a:
        return False
    if b is None:
        return True
    return (min(map(len, a)), -len(a)) > (min(map(len, b)), -len(b))


def _factors_seq(items) -> set[str] | None:
    """Strings one of which every match of the sequence contains: the best found, or None."""
    best, run = None, {""}
    for op, av in items:
        one = _lang(op, av)
        if one is not None:
            more = _product(run, one)
            if more is not None:
                run = more
                continue
            best = run if _better(run, best) else best
            run = one  # a run too long to spell out: start again here
            continue
        best = run if _better(run, best) else best
        run = {""}
        inner = _factors(op, av)
        best = inner if _better(inner, best) else best
    return run if _better(run, best) else best


def _factors(op, av) -> set[str] | None:
    if op is C.SUBPATTERN:
        return _factors_seq(av[-1])
    if op is C.BRANCH:
        return _union(av[1], _factors_seq)
    if op in (C.MAX_REPEAT, C.MIN_REPEAT) and av[0] >= 1:
        return _factors_seq(av[2])
    return None


def factors(pattern: re.Pattern | str) -> frozenset[str] | None:
    """Lower-case strings one of which is in (`fold`ed) every text the pattern matches, or None if none is known."""
    p = pattern.pattern if isinstance(pattern, re.Pattern) else pattern
    if not isinstance(p, str):
        return None
    found = _factors_seq(P.parse(p, pattern.flags if isinstance(pattern, re.Pattern) else 0))
    return frozenset(found) if found else None


def screen(patterns: dict[Hashable, re.Pattern | str],
           always: Iterable[Hashable] = ()) -> Callable[[str], frozenset]:
    """A function: text -> the names in `patterns` of those that may match it (all that do, maybe more),
    and the names in `always` (patterns not worth screening, reported whatever the text).

    Kept for the last few texts: extraction asks about the same sentence from several places.
    """
    import ahocorasick

    found = {name: factors(p) for name, p in patterns.items()}
    screened = [name for name, words in found.items() if words is not None]
    base = frozenset(always) | {name for name, words in found.items() if words is None}
    bits: dict[str, int] = {}  # word -> the bits of the patterns it may belong to
    for i, name in enumerate(screened):
        for w in found[name]:
            bits[w] = bits.get(w, 0) | 1 << i
    auto = ahocorasick.Automaton()
    for w, b in bits.items():
        auto.add_word(w, b)
    if bits:
        auto.make_automaton()
    sets: dict[int, frozenset] = {0: base}  # the few combinations that occur, built once each

    @lru_cache(maxsize=8)
    def may_match(text: str) -> frozenset:
        mask = 0
        if bits:
            for _, b in auto.iter(fold(text)):
                mask |= b
        got = sets.get(mask)
        if got is None:
            if len(sets) > 4096:
                sets.clear()
            got = sets[mask] = base | {name for i, name in enumerate(screened) if mask >> i & 1}
        return got

    return may_match
