"""Speakers: who claims and who denies, across quotations and pronouns ('it said')."""
from __future__ import annotations

import re

from ..lexicon import Lexicon, Theatre
from ..prefilter import screen
from .actors import actor_at


def speakers(sentence: str, lex: Lexicon) -> tuple[list[str], list[str]]:
    """(claimants, deniers): subjects of speech verbs, 'according to X', a reporter who saw it."""
    rx = lex.rx
    may = lex.may_match(sentence)
    claim: list[str] = []
    deny: list[str] = []
    if "media" in may and rx["media"].search(sentence) or "media_reported" in may and rx["media_reported"].search(
            sentence):
        claim.append("Media")
    colon = rx["colon_speaker"].match(sentence) if "aliases" in may else None
    if "aliases" not in may or "speech_verbs" not in may and not colon:
        return unique(claim), []  # no party, or no verb of speech: only the media can claim
    actors = [a for a in actor_at(sentence, lex, ("state", "adjective", "metonym", "person"))
              if lex.actors[a[2]]["type"] in ("state", "non_state")]
    if not actors:
        return unique(claim), []
    if colon:  # 'Armenian MoD: enemy drones struck X'
        claim += [a[2] for a in actors if a[1] <= colon.end()][:1]
    claim += [a[2] for a in actors if _CLAIM_NOUN.match(sentence, a[1])]  # "Baku's accusation that ..."
    for v in rx["speech_verbs"].finditer(sentence):
        verb = v.group(0).lower()
        into = deny if rx["denial_verbs"].fullmatch(verb) else claim
        by = re.match(r"\s+by\s+(?:the\s+)?", sentence[v.end():])
        if by:  # passive: 'a claim denied by Armenian officials'
            at = v.end() + by.end()
            noun = rx["speaker_nouns"].match(sentence, at)
            if noun:  # 'as reported by the ombudsman of X'
                of = re.match(r"\s+(?:of|in|for)\s+(?:the\s+)?", sentence[noun.end():])
                at = noun.end() + (of.end() if of else 0)
            agent = [a for a in actors if a[0] in (v.end() + by.end(), at)]
            into += [a[2] for a in agent]
            if agent:
                continue
        if verb == "according to":  # not past a comma: 'according to the prosecutors, X's saboteurs ...' is the tale
            claim += [a[2] for a in actors if 0 <= a[0] - v.end() <= 30 and not re.search(r"[,;:]", sentence[
                v.end():a[0]])][:1]
            continue
        before = [a for a in actors if 0 <= v.start() - a[1] <= 70
                  and not re.search(r"[\"”“]", sentence[a[1]:v.start()]) and not _own_speaker(sentence[a[1]:v.start()], rx)
                  and not re.search(r"\b(?:accus\w*|blam\w*)\s+(?:the\s+)?$", sentence[max(0, a[0] - 20):a[0]], re.I)]
        if before:
            into.append(before[0][2] if verb.startswith(("accus", "blam")) else before[-1][2])
            continue
        if verb.startswith(("accus", "blam", "citing", "quot")):
            continue
        if not re.search(r"[,\"”’']\s*(?:\w+\s+)?$", sentence[max(0, v.start() - 25):v.start()]):
            continue  # a speaker after its verb only in '..., said the ministry'
        after = [a for a in actors if 0 <= a[0] - v.end() <= 40 and re.match(
            r"^[\s,]*(?:the|a|an)?\s*$", sentence[v.end():a[0]]) is not None]
        after = after or [a for a in actors if 0 <= a[0] - v.end() <= 25 and rx["speaker_nouns"].search(
            sentence[a[1]:a[1] + 40])]
        after = after or [a for a in actors if 0 <= a[0] - v.end() <= 90 and rx["appositive_speaker"].fullmatch(
            sentence, v.end(), a[0])]  # '..., said NAME, an adviser to X's president'
        into += [a[2] for a in after[:1]]
    return unique(claim), unique([d for d in deny if d not in claim])


_NOUN_PHRASE_END = re.compile(r",\s+(?:(?:the|a|an|its|their)\s+)?(?:[\w'’-]+\s+){0,3}?$", re.I)


def _own_speaker(between: str, rx) -> bool:
    """'... in an Azerbaijani drone attack, the local emergencies ministry said', '..., Barda's governor told
    reporters': the verb has a subject of its own after the comma, which names no party; the actor before it is
    the attack's, not the speaker."""
    np = _NOUN_PHRASE_END.search(between)
    return bool(np and rx["speaker_nouns"].search(np.group(0)))


_CLAIM_NOUN = re.compile(r"(?:['’]s)?\s+(?:\w+\s+)?(?:accusations?|allegations?|charges?|assertions?)\s+(?:that|of)\b",
                         re.I)


def dateline_party(dateline: str, lex: Lexicon, theatre: Theatre | None) -> str | None:
    """The party whose seat or country datelines agency copy ('BAKU (Reuters) -', 'TARTAR, Azerbaijan, Oct 5 -'):
    a ministry the copy quotes without naming its party is most likely that party's."""
    city = re.split(r"[,(\-\u2013\u2014:]", dateline.strip(), maxsplit=1)[0].strip().casefold()
    seats = theatre.seats if theatre else ()
    party = next((a for a, names in seats if city in {n.casefold() for n in names}), None)
    if party is None:
        party = next((lex.alias_map[m.group(0)].actor for m in lex.alias_re.finditer(dateline)
                      if lex.alias_map[m.group(0)].kind == "state"), None)
    return party or next((a.actor for a in lex.aliases if a.kind == "metonym" and a.text.casefold() == city), None)


def unique(xs: list[str]) -> list[str]:
    return list(dict.fromkeys(xs))


_PRONOUN_SAID = re.compile(r"\b(?:it|he|she|they|the (?:\w+ )?ministry|officials|the army|the military|"
                           r"the (?:\w+ )?(?:statement|spokes\w+))\s+(?:\w+\s+)?(?:said|says|added|claimed|"
                           r"reported|stated|wrote|noted)\b|\baccording to (?:the|its|their) (?:\w+ )?(?:ministry|"
                           r"prosecutors?|officials|army|military|statement|spokes\w+|authorities)\b", re.I)


_MAY_PRONOUN_SAID = screen({"said": _PRONOUN_SAID})


_QUOTED = re.compile(r"^[\"“]|[\"”]\s*$")


def pronoun_speaker(s: str) -> bool:
    """'it said', 'the ministry added', or a quotation: the last named speaker goes on speaking."""
    return bool(_MAY_PRONOUN_SAID(s) and _PRONOUN_SAID.search(s) or _QUOTED.search(s))


_OPEN_Q, _CLOSE_Q = "\"“«", "\"”»"


def attributions(sentences: list[str], max_len: int = 6) -> dict[int, str]:
    """For sentences inside a quotation, the words after it that say who spoke and when ('..., X said on Sunday')."""
    out: dict[int, str] = {}
    start = None
    for k, s in enumerate(sentences):
        t = s.strip()
        if start is None:
            if t[:1] not in _OPEN_Q:
                continue
            end = max(t.rfind(c, 1) for c in _CLOSE_Q)
            if end <= 0:
                start = k  # the quotation goes on in the next sentences
            elif end < len(t) - 2:
                out[k] = t[end:]
            continue
        end = max(t.rfind(c) for c in _CLOSE_Q)
        if end >= 0:
            if end < len(t) - 2:
                out.update({j: t[end:] for j in range(start, k + 1)})
            start = None
        elif k - start >= max_len:
            start = None
    return out
