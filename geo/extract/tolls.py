"""Tolls: the number of killed and injured a sentence reports for one incident, never a cumulative figure or an age."""
from __future__ import annotations

import re

from ..lexicon import Lexicon


_MONTH_NEXT = re.compile(r"(?:^\s*(?:of\s+)?|\b)(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
                         r"\b", re.I)


_MONTH_BEFORE = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+$", re.I)


_YEAR_LIKE = re.compile(r"(?:19|20)\d\d")


_CLAUSE_END = re.compile(r"[;:()]|\d")


_EDGE_PUNCT = re.compile(r"^\W+|\W+$")


_CLOCK_AFTER = re.compile(r"[:.]\d{2}\b|\s*(?:a\.?m\b|p\.?m\b|hours?\b|GMT\b|UTC\b)", re.I)
_CLOCK_BEFORE = re.compile(r"\b\d{1,2}[:.]$")


_AGES = re.compile(r",?\s*\b(?:aged|ages?)\s+\d+(?:\s*(?:,|and|or|to)\s*\d+)*\s*,?|\s*\(\s*\d{1,3}\s*\)", re.I)


def _number(tok: str, words: dict) -> int | None:
    t = tok.lower().replace(",", "")
    if t.isdigit():
        return int(t)
    return words.get(t)


def _people_next(sentence: str, at: int, rx) -> bool:
    """Whether the number at `at` counts people ('lost 15 servicemen'), not things ('lost two tanks')."""
    return any(rx["people_nouns"].fullmatch(_EDGE_PUNCT.sub("", w)) for w in sentence[at:at + 30].split()[:2])


def casualties(sentence: str, lex: Lexicon) -> tuple[int | None, int | None]:
    """(fatalities, injured) this sentence reports for one incident; cumulative tolls give (None, None).

    Each number is read with the casualty word it governs: the verb before it ('killing 12') or
    the first casualty word in the few words after it ('seven people dead and 33 wounded').
    """
    rx = lex.rx
    may = lex.may_match(sentence)
    if "no_casualties" in may and rx["no_casualties"].search(sentence):
        return 0, None
    if "cumulative" in may and rx["cumulative"].search(sentence):
        return None, None
    words = lex.rules["number_words"]
    found: dict[str, int] = {}
    for m in lex.number_re.finditer(sentence):
        n = _number(m.group(0), words)
        if n is None or _YEAR_LIKE.fullmatch(m.group(0)) or _MONTH_BEFORE.search(
                sentence[max(0, m.start() - 12):m.start()]) or _MONTH_NEXT.match(sentence[m.end():m.end() + 12]):
            continue  # 'on September 27 left three dead': a day of the month, not a toll
        if _CLOCK_AFTER.match(sentence, m.end()) or _CLOCK_BEFORE.search(sentence[max(0, m.start() - 3):m.start()]):
            continue  # '09:40 - A soldier died', 'at 6 am': a time of day, not a toll
        if rx["age_after"].match(sentence[m.end():m.end() + 16]) or rx["age_before"].search(
                sentence[max(0, m.start() - 30):m.start()]):
            continue  # 'a two-year-old girl', 'aged 60 and 72': an age, not a toll
        if rx["population_before"].search(sentence[max(0, m.start() - 30):m.start()]):
            continue  # 'a town of about 20,000': its people, not its dead
        before = sentence[max(0, m.start() - 40):m.start()]
        cls = ("killed" if "casualty_lead_killed" in may and rx["casualty_lead_killed"].search(before) else
               "injured" if "casualty_lead_injured" in may and rx["casualty_lead_injured"].search(before) else
               "killed" if rx["casualty_lead_lost"].search(before) and _people_next(sentence, m.end(), rx) else None)
        if cls is None:
            after = _CLAUSE_END.split(_AGES.sub(" ", sentence[m.end():m.end() + 80]))[0]  # 'three, aged 45 and 62, were killed
            for w in after.split()[:8]:  # 'four servicemen of the Azerbaijani army were killed'
                w = _EDGE_PUNCT.sub("", w)
                if rx["materiel_nouns"].fullmatch(w) or rx["time_units"].fullmatch(w):
                    break  # 'destroyed four tanks and killed dozens', 'two days after': it counts tanks, days
                if rx["killed"].fullmatch(w):
                    cls = "killed"
                elif rx["injured"].fullmatch(w):
                    cls = "injured"
                if cls:
                    break
        if cls and rx["combined_toll"].match(sentence, m.end(), m.end() + 80):
            continue  # '2,300 killed and wounded': one figure for both, a toll of neither
        if cls and cls not in found:
            found[cls] = n
    singles = [*(rx["single_casualty"].finditer(sentence) if "single_casualty" in may else ()),
               *rx["single_casualty_after"].finditer(sentence), *rx["single_casualty_far"].finditer(sentence)]
    for m in singles:
        cls = "killed" if rx["killed"].fullmatch(m.group("cls")) or m.group("cls").lower() == "killing" else "injured"
        if cls == "injured" and rx["death_of_wounds"].search(m.group(0)):
            continue  # 'a man died two days after he was wounded': the wounded is the dead
        found.setdefault(cls, 1)
    return found.get("killed"), found.get("injured")
