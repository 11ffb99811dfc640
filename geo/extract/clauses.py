"""Clauses of a sentence, found by punctuation and subordinating words, and the scope of a trigger.

A sentence often tells two events: the incident and another one it is dated against ('after
yesterday's attack', 'the fighting that has raged since September', 'followed a call on
Wednesday'). A time expression belongs to the clause it stands in; these helpers find the clause
of a trigger and blank out the subordinate clauses that do not hold it, so that the date resolver
reads only the trigger's own clause and the main clause around it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..lexicon import Lexicon

_PUNCT = re.compile(r"(?<!\d),|,(?!\d)|[;:()\u2013\u2014]|\s-\s")  # not the comma of '30,000'


@dataclass(frozen=True)
class Clause:
    start: int
    end: int
    subordinate: bool  # opened by a subordinating word or a word that links to another event


def clauses(sentence: str, lex: Lexicon) -> tuple[Clause, ...]:
    """The sentence cut at punctuation and before every subordinating word, in order."""
    return _clauses(sentence, lex.rx["subordinate_opener"])


@lru_cache(maxsize=256)
def _clauses(sentence: str, opener: re.Pattern) -> tuple[Clause, ...]:
    """Cached: the steps of one sentence ask for its clauses several times."""
    cuts = {0, len(sentence)}
    opener_at: set[int] = set()
    for m in _PUNCT.finditer(sentence):
        cuts.add(m.end())
    for m in opener.finditer(sentence):
        cuts.add(m.start())
        opener_at.add(m.start())
    bounds = sorted(cuts)
    out = []
    for a, b in zip(bounds, bounds[1:]):
        if not sentence[a:b].strip():
            continue
        lead = len(sentence[a:b]) - len(sentence[a:b].lstrip())
        out.append(Clause(a, b, a + lead in opener_at))
    return tuple(out)


def foreign_spans(sentence: str, trig: tuple[int, int], lex: Lexicon) -> list[tuple[int, int]]:
    """Subordinate clauses that do not hold the trigger: their times are another event's."""
    return [(c.start, c.end) for c in clauses(sentence, lex)
            if c.subordinate and not (c.start <= trig[0] < c.end)]


def own_clause(sentence: str, pos: int, lex: Lexicon) -> Clause:
    """The clause holding character `pos`."""
    for c in clauses(sentence, lex):
        if c.start <= pos < c.end:
            return c
    return Clause(0, len(sentence), False)


def blank(sentence: str, spans: list[tuple[int, int]]) -> str:
    """The sentence with those spans replaced by spaces: offsets stay valid for every other pattern."""
    if not spans:
        return sentence
    chars = list(sentence)
    for a, b in spans:
        chars[a:b] = " " * (b - a)
    return "".join(chars)
