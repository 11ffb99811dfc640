"""Time: the date of a trigger's own clause, a truce it is dated against, and the bounds of an event date."""
from __future__ import annotations

import re
from datetime import date, timedelta

from .. import dates
from ..lexicon import Lexicon, Theatre
from .clauses import blank, clauses, foreign_spans, own_clause
from .triggers import trigger_spans


def in_period(day: date, published: date, theatre: Theatre | None) -> bool:
    """An event date is never after the article, nor before the theatre's stated background period
    ('on 9999-12-31' or '0001-01-01' in a text is a typo or a trap, not an incident)."""
    earliest = theatre.background_from if theatre is not None and theatre.background_from else None
    return day <= published and day.isoformat() >= (earliest or f"{published.year - 100:04d}-01-01")


def _truce_day(theatre: Theatre, ref) -> str | None:
    """The day the latest truce of the theatre took effect, on or before `ref`."""
    days = [t[:10] for t in theatre.truces if t[:10] <= ref.isoformat()]
    return max(days) if days else None


def days_before_main(whole: str, clause_start: int, ref, lex: Lexicon):
    """(date, rule) of an event told in a clause 'N days after ...' against the main clause's time ('the strike on
    X on Tuesday came six days after a missile struck Y'): the main clause's day less N; None when the clause is
    no such clause or the main clause names no time."""
    span = lex.rx["relative_span"].search(whole[max(0, clause_start - 40):clause_start])
    if not span or not re.match(r"(?:after|since)\b", whole[clause_start:], re.I):
        return None
    main = dates.resolve(blank(whole, [(clause_start, len(whole))]), ref)
    if main is None or not main.explicit or main.background:
        return None
    unit, n = span.group("unit").lower(), (span.group("n") or "").lower()
    count = int(n) if n.isdigit() else 1 if n in ("a", "an") or n == "the" and unit == "day" \
        else lex.rules["number_words"].get(n)
    if unit.startswith(("hour", "minute")):
        days = 0
    elif count is None:
        return None
    else:
        days = count * 7 if unit.startswith("week") else count
    precision = max(main.precision, 2 if unit.startswith("week") else 1)
    return (dates.When(main.day - timedelta(days=days), precision, explicit=True),
            f"'{span.group(0).strip()} after' the main clause's day ({main.day.isoformat()})")


_PASSIVE_EVENT = re.compile(r"\b(?:was|were|had been|has been)\s+(?:taken|captured|liberated|retaken|seized|freed|"
                            r"struck|hit|shelled|bombed)\b", re.I)  # 'X, which it said was taken on 9 October'


def dates_of_antecedents(body: str, places: list, ref, lex: Lexicon) -> dict:
    """'... in Barda and Tartar, which were struck on October 17 and October 20': a relative clause right after a
    list of places that tells their event with its own days dates each place, in order (one day dates all);
    'Hadrut, which it said was taken on October 9' dates the flag raised there by the capture."""
    if not places:
        return {}
    last = max(m.end for m, _ in places)
    rel = next((c for c in clauses(body, lex) if c.start >= last and c.subordinate), None)
    if rel is None or not re.fullmatch(r"[\s,]*", body[last:rel.start]) or not re.match(
            r"\s*(?:which|where|that)\b", body[rel.start:rel.end], re.I):
        return {}
    text = body[rel.start:rel.end]
    if not trigger_spans(text, lex) and not _PASSIVE_EVENT.search(text):
        return {}
    days = dates.days_named(text, ref)
    ordered = sorted((m for m, _ in places), key=lambda m: m.start)
    if len(days) == 1 or len(days) == len(ordered):
        return {m.start: dates.When(days[0] if len(days) == 1 else days[i], 1, explicit=True)
                for i, m in enumerate(ordered)}
    return {}


def days_from_told(text: str, told, lex: Lexicon):
    """(date, rule) of a day told against the last date the article gave ('on the same day', 'the next day', 'two
    days later'): that date or so many days after it; None when the text names a time of its own."""
    m = lex.rx["told_day_relative"].search(text)
    if not m:
        return None
    other = dates.resolve(blank(text, [m.span()]), told.day)
    if other is None or other.explicit:
        return None
    n = (m.group("n") or "").lower()
    days = 0 if m.group("same") else 1 if m.group("next") or n in ("a", "one") else \
        int(n) if n.isdigit() else lex.rules["number_words"].get(n, 0)
    return (dates.When(told.day + timedelta(days=days), told.precision, explicit=True),
            f"'{m.group(0)}': the last date told ({told.day.isoformat()}) and {days} day(s)")


def _ongoing_since(text: str, w, ref, lex: Lexicon):
    """(date, rule) of an event told as going on since the clause's only time ('under fire since Sunday'): the day of
    the report, within a week or a month of that start; None when the clause names another time."""
    m = lex.rx["ongoing_since"].search(text)
    if not m or w.background or w.day > ref:
        return None
    other = dates.resolve(blank(text, [m.span()]), ref)
    if other is None or other.explicit:
        return None
    return (dates.When(ref, 2 if (ref - w.day).days <= 7 else 3, explicit=True),
            f"'{m.group(0)}': going on to the report's day, from {w.day.isoformat()}")


def date_of(body: str, trigs: list, ref, theatre: Theatre | None, lex: Lexicon):
    """(date, rule): the time of the trigger's own clause and the main clause, never of another event's clause;
    an event told against a truce takes the truce's start."""
    if not trigs:
        w = dates.resolve(body, ref)
        return w, "a time expression in the sentence" if w is not None and w.explicit else "the publication day"
    own = own_clause(body, trigs[0][1].start(), lex)
    if own.subordinate:  # 'soldiers who died in the clashes', 'after the capture of X': only its own time dates it
        whole = dates.resolve(body, ref)
        if whole is not None and whole.background:  # a secondary event of a past one ('after the war of 1994')
            return whole, "a past year of the sentence: background"
        foreign = [(0, own.start), (own.end, len(body))]
    else:
        foreign = foreign_spans(body, trigs[0][1].span(), lex)
    w = dates.resolve(blank(body, foreign), ref)
    if w is None:
        return None, ""
    ongoing = _ongoing_since(blank(body, foreign), w, ref, lex) if w.explicit else None
    if ongoing:
        return ongoing
    if w.explicit:
        left = f"; times of {len(foreign)} other clause(s) left to their events" if foreign else ""
        return w, f"a time expression of its clause{left}"
    eve = next((c for c in foreign if lex.rx["eve_opener"].match(body, c[0])), None)
    if eve is not None:  # 'on the eve of talks on Friday, X shelled Y': the day before that event
        other = dates.resolve(body[eve[0]:eve[1]], ref)
        if other is not None and other.explicit and not other.background:
            return (dates.When(other.day - timedelta(days=1), other.precision, explicit=True),
                    f"the eve of another event of its sentence ({other.day.isoformat()})")
    t = lex.rx["truce_anchor"].search(body) if theatre is not None and theatre.truces else None
    day = _truce_day(theatre, ref) if t else None
    if day:
        return dates.When(date.fromisoformat(day), 1, explicit=True), f"'{t.group(0).strip()}': the truce's start"
    return w, "no time in the sentence: the publication day"
