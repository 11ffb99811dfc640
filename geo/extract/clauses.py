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

_COORDINATED = re.compile(r"\s*(?:and|but|while|whereas|yet|then)\b", re.I)  # a clause of its own, not a list item
_PUNCT = re.compile(r"(?<!\d),|,(?!\d)|[;:()\u2013\u2014]|\s-\s")  # not the comma of '30,000'


@dataclass(frozen=True)
class Clause:
    start: int
    end: int
    subordinate: bool  # opened by a subordinating word or a word that links to another event


def clauses(sentence: str, lex: Lexicon) -> tuple[Clause, ...]:
    """The sentence cut at punctuation and before every subordinating word, in order."""
    return _clauses(sentence, lex.rx["subordinate_opener"], lex.rx["speaker_turn"])


@lru_cache(maxsize=256)
def _clauses(sentence: str, opener: re.Pattern, turn: re.Pattern) -> tuple[Clause, ...]:
    """Cached: the steps of one sentence ask for its clauses several times."""
    cuts = {0, len(sentence)}
    opener_at: set[int] = set()
    for m in _PUNCT.finditer(sentence):
        cuts.add(m.end())
    for m in turn.finditer(sentence):
        cuts.add(m.start())
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


def turns(sentence: str, lex: Lexicon) -> list[tuple[int, int]]:
    """The spans of a sentence that give each side its turn ('X said A was shelled, while Y said it had repelled
    an attack'): cut before each coordinated clause with a speaker of its own; one span when there is none."""
    bounds = [0, *(m.start() for m in lex.rx["speaker_turn"].finditer(sentence)), len(sentence)]
    return list(zip(bounds, bounds[1:]))


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


def frame_regions(sentence: str, trig_starts: list[int], place_starts: list[int], lex: Lexicon) -> list[tuple[int, int]]:
    """The spans of a sentence that tell events of their own: 'On Tuesday they entered X, and on Thursday the army had
    taken Y' is two frames, each with its trigger, place and time. A region is cut at the clause of each later
    trigger; a region without both a trigger and a place stays with its neighbour (a leading time or speaker with
    the first frame)."""
    heads = sorted({0} | {c.start for c in (own_clause(sentence, t, lex) for t in trig_starts) if c.start == 0
                    or c.subordinate or _COORDINATED.match(sentence, c.start)
                    or sentence[:c.start].rstrip().endswith(";")})
    if len(heads) < 2:
        return [(0, len(sentence))]
    cuts = [0, *heads[1:], len(sentence)]
    regions: list[tuple[int, int]] = []
    for a, b in zip(cuts, cuts[1:]):
        full = any(a <= t < b for t in trig_starts) and any(a <= p < b for p in place_starts)
        if regions and (not full or not regions[-1][2]):
            regions[-1] = (regions[-1][0], b, regions[-1][2] or full)
        else:
            regions.append((a, b, full))
    return [(a, b) for a, b, _ in regions]
