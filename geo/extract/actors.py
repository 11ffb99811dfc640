"""Actors: who acted in a clause (by X, X shelled, accused X of, an adjective before the trigger)."""
from __future__ import annotations

import re

from ..lexicon import Lexicon


def actor_at(text: str, lex: Lexicon, kinds=("state", "adjective", "metonym")) -> list[tuple[int, int, str, str]]:
    """(start, end, actor, alias kind) of every actor alias in the text."""
    amap = lex.alias_map
    return [(m.start(), m.end(), amap[m.group(1)].actor, amap[m.group(1)].kind)
            for m in lex.alias_re.finditer(text) if amap[m.group(1)].kind in kinds]


def belligerent(actor: str | None, lex: Lexicon) -> bool:
    return actor in lex.opponents


def attacker(sentence: str, trig_span: tuple[int, int], lex: Lexicon, claimed: list[str]) -> str | None:
    """Who acted: 'by X forces', 'X shelled', 'accused X of', 'X's artillery', an adjective before the trigger."""
    actors = [a for a in actor_at(sentence, lex) if belligerent(a[2], lex) or lex.actors[a[2]]["type"] == "state"
              and lex.actors[a[2]]["side"] not in ("mediator", "neutral")]
    t0, t1 = trig_span
    if sentence[t0:t1].lower().endswith(" by"):  # 'was taken by X'
        after = [a for a in actors if re.fullmatch(r"\s+(?:the\s+)?", sentence[t1:a[0]])]
        if after:
            return after[0][2]
    for a in actors:
        gap = sentence[t1:a[0]]
        if 0 <= a[0] - t1 <= 40 and re.match(r"^[\s,]+(?:\w+[\s,]+){0,3}?by\s+(?:the\s+)?(?:\w+\s+)?$", gap + " ",
                                               re.I) and not re.search(r"\b(?:shot|downed|intercepted|neutrali[sz]ed|"
                                                                       r"destroyed|repelled|stopped)\b", gap, re.I):
            return a[2]
    for a in actors:
        pre = sentence[max(0, a[0] - 20):a[0]]
        if re.search(r"(?:accus\w+|blam\w+)\s+(?:the\s+)?$", pre, re.I):
            return a[2]
    for a in reversed(actors):
        gap = sentence[a[1]:t0]
        if 0 <= t0 - a[1] <= 45 and not lex.rx["speech_verbs"].search(gap) and not re.search(r"[,;:]", gap):
            if lex.rx["victim_after"].match(sentence, a[1]):
                continue  # 'soldiers of the X army were killed in fighting': X's side was hit
            if re.search(r"\b(?:of|in|on|at|against|into|near|to)\s*$", sentence[max(0, a[0] - 12):a[0]], re.I) \
                    and not re.search(r"\b(?:forces|army|troops|units|military|side)\s+of\s*$",
                                      sentence[max(0, a[0] - 20):a[0]], re.I):
                continue  # 'the armed forces of X shelled' names the actor
            return a[2]
    return None


def victim_side(sentence: str, trig_span: tuple[int, int], lex: Lexicon) -> str | None:
    """The side that was hit, named with the trigger: before victims or targets told as hit ('X soldiers were killed',
    'in the battles, the X side lost 15 servicemen') or after a verb of harm ('drones destroying X positions'); its
    opponent acted."""
    t0, t1 = trig_span
    for a in actor_at(sentence, lex):
        if not belligerent(a[2], lex):
            continue
        near = a[1] <= t0 and t0 - a[1] <= 80 and not re.search(r"[;:]", sentence[a[1]:t0]) or \
            t1 <= a[0] <= t1 + 80 and not re.search(r"[;:]", sentence[t1:a[0]])
        if near and lex.rx["victim_after"].match(sentence, a[1]):
            return a[2]
        if t0 <= a[0] <= t1 + 60 and not re.search(r"[,;:]", sentence[t1:a[0]]) \
                and lex.rx["victim_before"].search(sentence[max(t0, a[0] - 40):a[0]]) \
                and lex.rx["victim_noun_after"].match(sentence, a[1]):
            return a[2]
    return None


def downed_side(sentence: str, trig_span: tuple[int, int], lex: Lexicon) -> tuple[str | None, str]:
    """(actor, rule) of a craft shot down ('X shot down a Y drone'): the side the craft is named for, else the
    opponent of the side that downed it; the air strike is the downed craft's side's."""
    t0, t1 = trig_span
    after = [a for a in actor_at(sentence[t1:t1 + 40], lex) if belligerent(a[2], lex)]
    gap = sentence[t1:t1 + after[0][0]] if after else ""
    if after and re.fullmatch(r"\s+by\s+(?:the\s+)?", gap) and lex.opponents.get(after[0][2]):
        return lex.opponents[after[0][2]], f"the opponent of {after[0][2]}, which shot the craft down"
    if after and re.fullmatch(r"\s+(?:(?!by\b)\w+\s+){0,2}", gap):
        return after[0][2], "the side whose craft was shot down"
    before = [a for a in actor_at(sentence[:t0], lex) if belligerent(a[2], lex)]
    if before and t0 - before[-1][1] <= 45 and not lex.rx["speech_verbs"].search(sentence[before[-1][1]:t0]) \
            and not re.search(r"[,;:]", sentence[before[-1][1]:t0]) and lex.opponents.get(before[-1][2]):
        return lex.opponents[before[-1][2]], f"the opponent of {before[-1][2]}, which shot the craft down"
    return None, "unknown"
