"""Resolve the time expressions of a sentence against the article's publication date.

ACLED's time precision: 1 the day is known, 2 within a week, 3 within a month or vaguer.
Background history (a year other than the article's, a decade) is flagged so that it never
becomes a current incident.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from unidecode import unidecode

from .prefilter import screen

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december"]
_MON = r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_MONTH_DAY = re.compile(rf"\b{_MON}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>\d{{4}}))?", re.I)
_DAY_MONTH = re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MON}(?:,?\s+(?P<year>\d{{4}}))?\b", re.I)
_ISO = re.compile(r"\b(?P<year>\d{4})-(?P<m>\d{2})-(?P<day>\d{2})\b")
_DOTTED = re.compile(r"\b(?P<day>\d{1,2})\.(?P<m>\d{1,2})\.(?P<year>\d{4})\b")  # 14.10.2020, as ministries write
_WEEKDAY = re.compile(r"\b(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?\b", re.I)
_MONTH_ONLY = re.compile(r"\b(?P<rel>(?:early|late|mid|end of|beginning of|start of)[- ]+)?(?:in\s+|of\s+|since\s+|during\s+)?(?:the\s+month\s+of\s+)?(?P<mon>january|february|march|april|may|june|july|august|september|october|november|december)\b(?:\s+(?P<year>\d{4}))?", re.I)
_MON1 = _MON.replace("?P<mon>", "?P<mon1>")
_TO = r"\s*(?:to|into|-|\u2013|/|and)\s*(?:the\s+)?"
# A night told by the two days it spans: 'the night of 20 to 21 October', 'the night from October 21 to 22'.
_NIGHT_SPAN = [re.compile(rf"\bnight\s+(?:of|from)\s+(?:the\s+)?(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?"
                          rf"(?:\s+(?:of\s+)?{_MON1})?{_TO}(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MON}", re.I),
               re.compile(rf"\bnight\s+(?:of|from)\s+(?:the\s+)?{_MON1}\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?"
                          rf"{_TO}(?:{_MON}\s+)?(?P<day>\d{{1,2}})\b", re.I)]
_YEAR = re.compile(r"\b(?P<year>1[89]\d\d|20\d\d)(?P<s>s)?\b")
_DECADE_WORDS = re.compile(r"\b(?:nineties|eighties|soviet (?:era|times)|collapse of the soviet union)\b", re.I)
_RELATIVE = [
    (re.compile(r"\b(?:the )?day before yesterday\b", re.I), -2, 1),
    (re.compile(r"\byesterday\b", re.I), -1, 1),
    (re.compile(r"\b(?:overnight|last night|during the night|in the night)\b", re.I), -1, 1),
    (re.compile(r"\b(?:today|this morning|this afternoon|this evening|tonight|earlier in the day|on the same day)\b", re.I), 0, 1),
    (re.compile(r"\b(?:last|past) week(?:end)?\b", re.I), -7, 2),
    (re.compile(r"\b(?:this|the) weekend\b", re.I), None, 2),
    (re.compile(r"\b(?:this|earlier this|past few|last few|recent) (?:week|days)\b", re.I), -3, 2),
    (re.compile(r"\b(?:late|early|earlier|end of)? ?last month\b", re.I), "last_month", 3),
    (re.compile(r"\b(?:earlier this|this) month\b", re.I), -10, 3),
]
_MAY_VERB = re.compile(r"\bmay\s+(?:be|have|not|also|still|well|soon|never|\w+ed|\w+)\b", re.I)
_DIGIT = re.compile(r"\d")
_SINCE = re.compile(r"\b(?:since|until|till)\s+(?:last\s+)?$", re.I)
# Which of the patterns with words may match: without a digit, and none of these, nothing dates a sentence.
_MAY_DATE = screen({"decade": _DECADE_WORDS, "weekday": _WEEKDAY, "month": _MONTH_ONLY, "month_day": _MONTH_DAY,
                    "day_month": _DAY_MONTH, **{i: p for i, (p, _, _) in enumerate(_RELATIVE)}})


@dataclass(frozen=True)
class When:
    day: date
    precision: int
    background: bool = False
    explicit: bool = False


def _ascii(name: str) -> str:
    """A matched day or month name in plain lower case: case-insensitive patterns also match 'ſ' for
    's' and a dotless 'ı' for 'i' ('ſunday'), which no list of names holds."""
    return unidecode(name).lower()


def _month(name: str) -> int:
    name = _ascii(name).rstrip(".")
    return next(i + 1 for i, m in enumerate(MONTHS) if m.startswith(name[:3]))


def _infer_year(month: int, day: int, published: date) -> date | None:
    """A date written without its year: the one nearest before (or a few days after) publication; one that
    falls within four months after it is a date to come ('by 20 November'), never last year's."""
    try:
        d = date(published.year, month, day)
    except ValueError:
        d = None
    if d is not None and d <= published + timedelta(days=120):
        return d
    try:
        return date(published.year - 1, month, day)
    except ValueError:
        return None


def last_weekday(name: str, published: date) -> date:
    """The latest day with that weekday on or before publication: news speaks of the past week."""
    back = (published.weekday() - WEEKDAYS.index(_ascii(name))) % 7
    return published - timedelta(days=back)


def resolve(sentence: str, published: date | None) -> When | None:
    """The date a sentence speaks of, or None when it names no time and there is no publication date."""
    if published is None:
        return None
    s = sentence
    may = _MAY_DATE(s)  # a pattern left out of it cannot match: it is not run
    digits = _DIGIT.search(s) is not None
    if not digits and not may:
        return When(published, 2)  # no year, day, weekday, month or relative time: the branches below agree
    years = [m for m in (_YEAR.finditer(s) if digits else ()) if not _is_number_context(s, m)
             and not re.search(r"\b(?:since|than(?: in)?|until|before|after)\s+(?:the\s+)?(?:early\s+|late\s+)?$",
                               s[max(0, m.start() - 25):m.start()], re.I)
             and not re.search(r"\bborn\s+(?:in\s+)?$", s[max(0, m.start() - 12):m.start()], re.I)]  # a birth year
    past_years = [m for m in years if int(m.group("year")) < published.year or m.group("s")]
    if "decade" in may and _DECADE_WORDS.search(s) or past_years:
        y = int((past_years[0].group("year")) if past_years else published.year - 30)
        m = _MONTH_ONLY.search(s) if "month" in may else None
        month = _month(m.group("mon")) if m and m.group("year") and int(m.group("year")) == y else 7
        return When(date(y, month, 1 if month != 7 else 1), 3, background=True, explicit=True)
    for pat in (_ISO, _DOTTED) if digits else ():
        m = pat.search(s)
        if m:
            try:
                return When(date(int(m.group("year")), int(m.group("m")), int(m.group("day"))), 1, explicit=True)
            except ValueError:
                pass
    night = _night_span(s, published) if digits and "night" in s.lower() else None
    if night:
        return night
    for name, pat in (("month_day", _MONTH_DAY), ("day_month", _DAY_MONTH)):
        if name not in may:
            continue
        m = next((x for x in pat.finditer(s) if not _names_a_document(s, x)), None)
        if m and not (m.group("mon").lower() == "may" and _MAY_VERB.match(s, m.start())):
            day = int(m.group("day"))
            month = _month(m.group("mon"))
            if m.group("year"):
                try:
                    return When(date(int(m.group("year")), month, day), 1, explicit=True)
                except ValueError:
                    continue
            d = _infer_year(month, day, published)
            if d:
                return When(d, 1, explicit=True)
    days = list(_WEEKDAY.finditer(s)) if "weekday" in may else []
    m = next((d for d in days if not _SINCE.search(s, max(0, d.start() - 12), d.start())), None)
    if m is None and days and not any(i in may and pat.search(s) for i, (pat, _, _) in enumerate(_RELATIVE)):
        m = days[0]  # 'since Sunday' dates only a sentence with no other time ('for the first time since Sunday')
    if m:
        d = last_weekday(m.group("wd"), published)
        night = re.search(rf"\b{m.group('wd')}\s+night\b|\bnight\s+(?:of|to)\s+{m.group('wd')}|overnight", s, re.I)
        return When(d, 2 if night else 1, explicit=True)
    for i, (pat, delta, prec) in enumerate(_RELATIVE):
        if i in may and pat.search(s):
            if delta == "last_month":
                first = published.replace(day=1)
                prev = first - timedelta(days=1)
                day = 25 if re.search(r"\b(?:late|end of) last month", s, re.I) else 15
                return When(prev.replace(day=min(day, prev.day)), 3, explicit=True)
            if delta is None:
                sat = last_weekday("saturday", published)
                return When(sat, prec, explicit=True)
            return When(published + timedelta(days=delta), prec, explicit=True)
    m = _MONTH_ONLY.search(s) if "month" in may else None
    if m and not (m.group("mon").lower() == "may" and _MAY_VERB.match(s, m.end("mon") - 3)):
        month = _month(m.group("mon"))
        year = int(m.group("year")) if m.group("year") else (published.year if month <= published.month
                                                              else published.year - 1)
        if (year, month) != (published.year, published.month) and 1 <= year <= 9999:
            rel = (m.group("rel") or "").lower()
            day = 5 if rel.startswith(("early", "beginning", "start")) else 25 if rel.startswith(("late", "end")) else 15
            return When(date(year, month, day), 3, explicit=True)
    return When(published, 2)


def _night_span(s: str, published: date) -> When | None:
    """A night told by the two days it spans is dated by the first, the evening it began, as 'overnight' in a
    report is the night before it: not by the second day, which a plain day-and-month search would find."""
    for pat in _NIGHT_SPAN:
        m = pat.search(s)
        if m is None:
            continue
        mon = m.group("mon1") or m.group("mon")
        end_mon = m.group("mon") or mon
        if not mon or not end_mon:
            continue
        first, last = _infer_year(_month(mon), int(m.group("d1")), published), \
            _infer_year(_month(end_mon), int(m.group("day")), published)
        if first and last and timedelta(0) < last - first <= timedelta(days=1):
            return When(first, 1, explicit=True)
    return None


_SHARED_MONTH = re.compile(rf"\b(?P<days>\d{{1,2}}(?:(?:st|nd|rd|th)?\s*(?:,|and|&)\s*\d{{1,2}})+)(?:st|nd|rd|th)?\s+"
                           rf"(?:of\s+)?{_MON}", re.I)


def days_named(text: str, published: date) -> list[date]:
    """Every day and month a text names, in order ('on October 17 and October 20', 'on 17 and 20 October'),
    each in the year nearest before publication."""
    found: list[tuple[int, date]] = []
    for m in _SHARED_MONTH.finditer(text):
        month = _month(m.group("mon"))
        for d in re.findall(r"\d{1,2}", m.group("days")):
            day = _infer_year(month, int(d), published)
            if day:
                found.append((m.start(), day))
    taken = [(m.start(), m.end()) for m in _SHARED_MONTH.finditer(text)]
    for pat in (_MONTH_DAY, _DAY_MONTH):
        for m in pat.finditer(text):
            if any(a <= m.start() < b for a, b in taken) or _names_a_document(text, m):
                continue
            year = int(m.group("year")) if m.group("year") else None
            try:
                day = date(year, _month(m.group("mon")), int(m.group("day"))) if year else \
                    _infer_year(_month(m.group("mon")), int(m.group("day")), published)
            except ValueError:
                day = None
            if day:
                found.append((m.start(), day))
                taken.append((m.start(), m.end()))
    return [d for _, d in sorted(found)]


_DOC_BEFORE = re.compile(r"\b(?:deal|agreement|accord|cease-?fire|truce|statement|declaration|treaty|pact)\s+"
                         r"(?:\w+\s+){0,3}?(?:on|of|dated)\s+$", re.I)
_DOC_AFTER = re.compile(r"^\s*(?:,\s*\d{4},?\s*)?(?:\w+\s+)?(?:deal|agreement|accord|cease-?fire|truce|statement|"
                        r"declaration|treaty|pact|peace)\b", re.I)


def _names_a_document(s: str, m: re.Match) -> bool:
    """'the November 10 agreement', 'the deal signed on 10 November': the date of a text, not of an event."""
    return bool(_DOC_BEFORE.search(s[max(0, m.start() - 50):m.start()]) or _DOC_AFTER.match(s[m.end():m.end() + 30]))


def _is_number_context(s: str, m: re.Match) -> bool:
    """'2,300 troops' or '1000 people' are counts, not years."""
    if m.group("s") or re.search(r"(?:\b(?:in|of|since|year|spring|summer|autumn|fall|winter)|" + _MON + r")\s+$",
                                 s[max(0, m.start() - 12):m.start()], re.I):
        return False
    before = s[max(0, m.start() - 1):m.start()]
    after = s[m.end():m.end() + 12].lower()
    if before in (",", ".") or s[m.end():m.end() + 1] in (",",) and s[m.end() + 1:m.end() + 2].isdigit():
        return True
    return bool(re.match(r"\s*(?:people|troops|soldiers|civilians|km|kilometers|kilometres|meters|metres|"
                         r"residents|homes|buildings|dead|killed|wounded|casualties|deaths|fighters|mercenaries)",
                         after))
