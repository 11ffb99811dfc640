"""Triggers: the words of an event in a sentence, without negated, hypothetical, aimed or planned ones,
main clause first."""
from __future__ import annotations

import re

from ..lexicon import Lexicon, Trigger
from .clauses import clauses, own_clause


def trigger_spans(sentence: str, lex: Lexicon) -> list[tuple[Trigger, re.Match]]:
    out = []
    may = lex.may_match(sentence)
    for i, t in enumerate(lex.triggers):
        if i not in may:
            continue
        for m in t.pattern.finditer(sentence):
            pre = sentence[max(0, m.start() - 45):m.start()]
            if "hypothetical" in may and lex.hypothetical.search(sentence, max(0, m.start() - 45), m.start()) \
                    and not re.search(r"[.;]", pre[-20:]):  # searched in place: a slice would cut words
                continue
            if re.search(r"\b(?:no|not|without|nor|never|any)\s+(?:\w+\s+)?$", pre, re.I):
                continue
            if re.search(r"\bto\s+$", pre) and lex.rx["aim_verbs"].fullmatch(m.group(0).split()[0]) \
                    and not lex.rx["real_to"].search(pre):
                continue  # 'sending troops to capture X' is an aim, not an event
            if t.kind in ("capture", "transfer") and lex.rx["attempt_to"].search(pre):
                out.append((_clash(lex), m))  # 'tried to retake X but were pushed back': fighting, no change of hands
                continue
            if t.kind in ("capture", "transfer") and _planned(sentence, m, lex):
                continue
            out.append((t, m))
    out.sort(key=lambda x: (x[0].rank, x[1].start()))
    return out


def _clash(lex: Lexicon) -> Trigger:
    return next(t for t in lex.triggers if t.kind == "clash")


def _planned(sentence: str, m: re.Match, lex: Lexicon) -> bool:
    """A change of hands its own clause tells as a plan ('will be handed over', 'is due to withdraw from'), or the
    content of a deal told without a past verb ('agreed the deal, handing over X'): a schedule, not an event."""
    c = own_clause(sentence, m.start(), lex)
    if lex.rx["planned_before"].search(sentence[max(c.start, m.start() - 60):m.start()]):
        return True
    return bool(lex.rx["deal_content_trigger"].fullmatch(m.group(0)) and lex.rx["deal_word"].search(sentence))


def main_first(body: str, trigs: list, lex: Lexicon) -> list:
    """The strongest trigger of a main clause first: 'after yesterday's attack, X struck Y' is dated and
    read by 'struck', not by the event it follows (only among triggers of the same strength)."""
    cs = clauses(body, lex)

    def sub(m) -> bool:
        return next((c.subordinate for c in cs if c.start <= m.start() < c.end), False)

    if not sub(trigs[0][1]):
        return trigs
    for i, (t, m) in enumerate(trigs):
        if t.rank == trigs[0][0].rank and not sub(m):
            return [trigs[i], *trigs[:i], *trigs[i + 1:]]
    return trigs


def cause_first(body: str, trigs: list, lex: Lexicon):
    """(triggers, clause of the cause or None): a death in the main clause told 'N days after' the wounding or the
    strike that caused it ('died on Tuesday, two days after he was wounded in X'): that cause is the event, read
    first, in its own clause; the death is its toll."""
    if not lex.rx["death_of_wounds"].fullmatch(trigs[0][1].group(0)):
        return trigs, None
    for i, (_, m) in enumerate(trigs):
        c = own_clause(body, m.start(), lex)
        after = re.match(r"\s*(?:after|since)\b", body[c.start:], re.I)
        if c.subordinate and after and m.start() > trigs[0][1].start() \
                and lex.rx["relative_span"].search(body[max(0, c.start - 40):c.start]):
            return [trigs[i], *trigs[:i], *trigs[i + 1:]], c
    return trigs, None
