"""Find incidents in an article: triggers, places, dates, actors, claims and casualties per sentence.

Rules are about language (verbs, prepositions, speech attribution, quantities), never about one
article. Vocabulary comes from ``geo/data`` through ``geo.lexicon``.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date

from . import dates
from .lexicon import Lexicon, Theatre, Trigger, load
from .records import Article, Incident, Mention, Source

_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)"


@dataclass
class Clue:
    """What one sentence says, before places turn it into incidents."""

    trigger: Trigger
    when: dates.When
    claimed_by: list[str] = field(default_factory=list)
    denied_by: list[str] = field(default_factory=list)
    actor1: str | None = None
    actor2: str | None = None
    fatalities: int | None = None
    injured: int | None = None


def _number(tok: str, words: dict) -> int | None:
    t = tok.lower().replace(",", "")
    if t.isdigit():
        return int(t)
    return words.get(t)


def casualties(sentence: str, lex: Lexicon) -> tuple[int | None, int | None]:
    """(fatalities, injured) this sentence reports for one incident; cumulative tolls give (None, None)."""
    rx = lex.rx
    if rx["no_casualties"].search(sentence):
        return 0, None
    if rx["cumulative"].search(sentence):
        return None, None
    words = lex.rules["number_words"]
    num = rf"(?P<n>{_NUM}|{'|'.join(sorted((re.escape(w) for w in words), key=len, reverse=True))})"
    out = {"killed": None, "injured": None}
    for cls in ("killed", "injured"):
        verb = rx[cls].pattern
        pats = [
            rf"\b{num}\s+(?:\w+[\s-]+){{0,4}}?(?:(?:were|have been|had been|was|are|being|got|reportedly)\s+)?{verb}",
            rf"\b(?:killing|killed|leaving|left|claimed the lives of|wounding|injuring|injured|wounded)\s+(?:at least\s+|some\s+|about\s+|around\s+|nearly\s+|more than\s+)?{num}\s+(?:\w+\s+){{0,2}}?(?:{lex.rules['people_nouns']})?",
        ]
        for p in pats:
            for m in re.finditer(p, sentence, re.I):
                if cls == "killed" and re.search(rx["injured"].pattern, m.group(0), re.I) and not re.search(
                        verb, m.group(0)[:m.end("n") - m.start() + 25], re.I):
                    continue
                if p is pats[1]:
                    lead = m.group(0).split()[0].lower()
                    if (cls == "killed") != (lead in ("killing", "killed", "claimed") or
                                             (lead in ("leaving", "left") and re.search(verb, m.group(0), re.I))):
                        continue
                n = _number(m.group("n"), words)
                if n is not None and n < 100000 and not re.match(r"(?:19|20)\d\d$", m.group("n")):
                    out[cls] = n
                    break
            if out[cls] is not None:
                break
    return out["killed"], out["injured"]


def _actor_at(text: str, lex: Lexicon, kinds=("state", "adjective", "metonym")) -> list[tuple[int, int, str, str]]:
    """(start, end, actor, alias kind) of every actor alias in the text."""
    amap = {a.text: a for a in lex.aliases}
    return [(m.start(), m.end(), amap[m.group(1)].actor, amap[m.group(1)].kind)
            for m in lex.alias_re.finditer(text) if amap[m.group(1)].kind in kinds]


def _belligerent(actor: str | None, lex: Lexicon) -> bool:
    return actor in lex.opponents


def speakers(sentence: str, lex: Lexicon) -> list[str]:
    """Who reports what the sentence says: the subject of a speech verb, 'according to X', a reporter."""
    rx = lex.rx
    found: list[str] = []
    if rx["media"].search(sentence):
        found.append("Media")
    verbs = list(rx["speech_verbs"].finditer(sentence))
    actors = [a for a in _actor_at(sentence, lex) if lex.actors[a[2]]["type"] in ("state", "non_state")]
    for v in verbs:
        if v.group(0).lower() == "according to":
            after = [a for a in actors if 0 <= a[0] - v.end() <= 30]
            found += [a[2] for a in after[:1]]
            continue
        before = [a for a in actors if 0 <= v.start() - a[1] <= 70
                  and not re.search(r"[\"”“]", sentence[a[1]:v.start()])]
        if before:
            found.append(before[-1][2] if v.group(0).lower() not in ("accused", "accuses", "accusing", "blamed")
                         else before[0][2])
            continue
        after = [a for a in actors if 0 <= a[0] - v.end() <= 40 and re.match(
            r"^[\s,]*(?:the|a|an)?\s*$", sentence[v.end():a[0]]) is not None]
        after = after or [a for a in actors if 0 <= a[0] - v.end() <= 25 and re.search(
            rx["speaker_nouns"].pattern, sentence[a[1]:a[1] + 40], re.I)]
        found += [a[2] for a in after[:1]]
    seen, out = set(), []
    for f in found:
        if f not in seen:
            seen.add(f)
            out.append(f)
    return out


def denials(sentence: str, lex: Lexicon, claimed: list[str]) -> list[str]:
    """Who denies: an actor that is the subject of a denial word, or the other side of a denied claim."""
    m = lex.rx["denial"].search(sentence)
    if not m:
        return []
    actors = [a for a in _actor_at(sentence, lex) if _belligerent(a[2], lex)]
    before = [a[2] for a in actors if a[1] <= m.start() and m.start() - a[1] <= 60]
    if before:
        return [before[-1]]
    after = [a[2] for a in actors if a[0] >= m.end() and a[0] - m.end() <= 15]
    return after[:1]


def attacker(sentence: str, trig_span: tuple[int, int], lex: Lexicon, claimed: list[str]) -> str | None:
    """Who acted: 'by X forces', 'X shelled', 'accused X of', 'X's artillery', an adjective before the trigger."""
    actors = [a for a in _actor_at(sentence, lex) if _belligerent(a[2], lex) or lex.actors[a[2]]["type"] == "state"
              and lex.actors[a[2]]["side"] not in ("mediator", "neutral")]
    t0, t1 = trig_span
    for a in actors:
        gap = sentence[t1:a[0]]
        if 0 <= a[0] - t1 <= 40 and re.match(r"^\s+(?:\w+\s+){0,3}?by\s+(?:the\s+)?(?:\w+\s+)?$", gap + " ",
                                               re.I) and re.search(r"\bby\b", gap):
            return a[2]
    for a in actors:
        pre = sentence[max(0, a[0] - 20):a[0]]
        if re.search(r"(?:accus\w+|blam\w+)\s+(?:the\s+)?$", pre, re.I):
            return a[2]
    for a in reversed(actors):
        gap = sentence[a[1]:t0]
        if 0 <= t0 - a[1] <= 45 and not lex.rx["speech_verbs"].search(gap) and not re.search(r"[,;:\"”]", gap):
            if re.search(r"\b(?:of|in|on|at|against|into|near|to)\s*$", sentence[max(0, a[0] - 12):a[0]], re.I):
                continue
            return a[2]
    return None


def _trigger_spans(sentence: str, lex: Lexicon) -> list[tuple[Trigger, re.Match]]:
    out = []
    for t in lex.triggers:
        for m in t.pattern.finditer(sentence):
            pre = sentence[max(0, m.start() - 45):m.start()]
            if lex.hypothetical.search(pre) and not re.search(r"[.;]", pre[-20:]):
                continue
            if re.search(r"\b(?:no|not|without|nor|never|any)\s+(?:\w+\s+)?$", pre, re.I):
                continue
            out.append((t, m))
    out.sort(key=lambda x: (x[0].rank, x[1].start()))
    return out


def _place_ok(sentence: str, m: Mention, lex: Lexicon, theatre: Theatre | None) -> bool:
    """A place the incident happened at: not a venue of talks or statements, not an actor's name."""
    p = m.place
    before = sentence[max(0, m.start - 80):m.start]
    after = sentence[m.end:m.end + 60]
    if lex.rx["venue_before"].search(before):
        return False
    if lex.rx["venue_after"].search(after) or lex.rx["actor_use_after"].search(after):
        return False
    aliases = {a.text for a in lex.aliases if a.kind in ("metonym", "state")}
    if m.text in aliases or m.text.rstrip("'s’") in aliases:
        if p.feature_code.startswith("PCL") or p.geo_precision >= 3:
            if not re.search(r"\b(?:in|inside|into|on|across|over|of)\s+(?:the\s+)?(?:\w+\s+)?$", before, re.I) \
                    or re.search(r"\bover\s+(?:the\s+)?(?:\w+\s+)?$", before, re.I):
                return False
        elif not re.search(r"\b(?:in|on|at|near|of|hit|struck|shelled|targeted|outside|around|toward|towards)\s+"
                           r"(?:the\s+)?(?:\w+\s+)?$", before, re.I):
            return False
    if theatre is not None and not theatre.contains(p.lon, p.lat, p.country):
        return False
    return True


def _pick_places(sentence: str, mentions: list[Mention], lex: Lexicon, theatre) -> list[tuple[Mention, int]]:
    """The places of the sentence's incident with their geo precision: observers yield to the direction they face."""
    ok = [m for m in mentions if _place_ok(sentence, m, lex, theatre)]
    directed = [m for m in ok if lex.rx["observer_direction"].search(sentence[max(0, m.start - 60):m.start])]
    if directed:
        return [(m, max(2, m.place.geo_precision)) for m in directed]
    precise = [m for m in ok if m.place.geo_precision == 1]
    if precise:
        return [(m, 1) for m in precise]
    return [(m, m.place.geo_precision) for m in ok[:1]]


def _default_theatre(lex: Lexicon, mentions: list[Mention]) -> Theatre | None:
    """The theatre whose area holds most of the article's places."""
    best, score = None, 0
    for t in lex.theatres:
        n = sum(t.contains(m.place.lon, m.place.lat, m.place.country) for m in mentions)
        if n > score:
            best, score = t, n
    return best


def incident_id(file: str, place_key: str, day: str, category: str) -> str:
    return hashlib.sha1(f"{file}|{place_key}|{day}|{category}".encode()).hexdigest()[:16]


def _lead_sentences(article: Article) -> list[str]:
    """Plain-format titles are often the article's lead sentence: read them too."""
    t = article.title.strip()
    if len(t.split()) >= 12 and re.search(r"[.!?]$", t):
        from .reader import split_sentences
        return split_sentences(t)
    return []


def extract(article: Article, gazetteer, lex: Lexicon | None = None) -> list[Incident]:
    """All incidents an article reports, merged within the article."""
    lex = lex or load()
    published = article.published
    if published is None:
        return []
    sentences = _lead_sentences(article) + article.sentences
    all_mentions = [gazetteer.find_mentions(s) for s in sentences]
    theatre = _default_theatre(lex, [m for ms in all_mentions for m in ms])
    src = Source(article.file, article.url, article.title, published.isoformat())
    last_speakers: list[str] = []
    out: list[Incident] = []
    prev: list[Incident] = []
    for s, mentions in zip(sentences, all_mentions):
        spk = speakers(s, lex)
        if spk:
            last_speakers = [x for x in spk if x != "Media"] or last_speakers
        elif re.search(r"\b(?:it|he|she|they|the (?:\w+ )?ministry|officials|the ministry|the army|the military)"
                       r"\s+(?:\w+\s+)?(?:said|says|added|claimed|reported|stated)\b", s, re.I):
            spk = list(last_speakers)
        trigs = _trigger_spans(s, lex)
        fat, inj = casualties(s, lex)
        if not trigs:
            continue
        when = dates.resolve(s, published)
        if when is None or when.background:
            continue
        trig, tm = trigs[0]
        places = _pick_places(s, mentions, lex, theatre)
        if not places:
            if prev and (fat is not None or inj is not None) and trig.kind == "casualty":
                for inc in prev:
                    inc.fatalities = inc.fatalities if inc.fatalities is not None else fat
                    inc.injured = inc.injured if inc.injured is not None else inj
                    inc.evidence.append(s)
            continue
        if trig.kind in ("agreement", "protest", "transfer") and not places:
            continue
        a1 = attacker(s, (tm.start(), tm.end()), lex, spk)
        claim = [c for c in spk if c == "Media" or _belligerent(c, lex)]
        if a1 is None and trig.kind in ("attack", "clash", "casualty"):
            bel = [c for c in claim if _belligerent(c, lex)]
            if bel:
                a1 = lex.opponents.get(bel[0])
        if a1 is None and trig.kind == "capture":
            bel = [c for c in claim if _belligerent(c, lex)]
            a1 = bel[0] if bel else None
        denied = [d for d in denials(s, lex, claim) if d not in claim]
        sub = trig.sub_event_type
        if sub == "@capture":
            sub = (lex.actors.get(a1, {}).get("capture_sub_event") if a1 else None) or "Armed clash"
        a2 = lex.opponents.get(a1) if a1 else None
        if re.search(r"\bcivilian", s, re.I) and trig.kind in ("attack", "casualty"):
            a2 = "Civilians"
        prev = []
        for m, prec in places:
            p = m.place
            inc = Incident(
                id=incident_id(article.file, str(p.geonameid), when.day.isoformat(),
                               "v" if trig.event_type in VIOLENT else "n"),
                event_date=when.day.isoformat(), time_precision=when.precision,
                event_type=trig.event_type, sub_event_type=sub, actor1=a1, actor2=a2,
                location=p.name, country=p.country, admin1=p.admin1, lat=p.lat, lon=p.lon,
                geo_precision=prec, fatalities=fat if len(places) == 1 else None,
                injured=inj if len(places) == 1 else None, claimed_by=claim, denied_by=denied,
                sources=[src], evidence=[s], geonameid=p.geonameid)
            prev.append(inc)
            out.append(inc)
    return merge_within(out, lex)


VIOLENT = {"Battles", "Explosions/Remote violence", "Violence against civilians", "Riots"}


def _rank(lex: Lexicon, sub: str) -> int:
    for t in lex.triggers:
        if t.sub_event_type == sub or (t.sub_event_type == "@capture" and sub in (
                "Government regains territory", "Non-state actor overtakes territory")):
            return t.rank
    return 99


def merge_within(incidents: list[Incident], lex: Lexicon) -> list[Incident]:
    """One incident per place, day and category: the same event told in several sentences."""
    by_key: dict[str, Incident] = {}
    for inc in incidents:
        cur = by_key.get(inc.id)
        if cur is None:
            by_key[inc.id] = inc
            continue
        absorb(cur, inc, lex)
    return list(by_key.values())


def absorb(cur: Incident, inc: Incident, lex: Lexicon) -> None:
    """Fold `inc` into `cur`, keeping every source, claimant and sentence and the most specific fields."""
    if _rank(lex, inc.sub_event_type) < _rank(lex, cur.sub_event_type):
        cur.event_type, cur.sub_event_type = inc.event_type, inc.sub_event_type
    cur.actor1 = cur.actor1 or inc.actor1
    cur.actor2 = cur.actor2 or inc.actor2
    cur.time_precision = min(cur.time_precision, inc.time_precision)
    cur.geo_precision = min(cur.geo_precision, inc.geo_precision)
    for k in ("fatalities", "injured"):
        a, b = getattr(cur, k), getattr(inc, k)
        setattr(cur, k, a if b is None else b if a is None else max(a, b))
    for k in ("claimed_by", "denied_by", "evidence"):
        lst = getattr(cur, k)
        lst += [x for x in getattr(inc, k) if x not in lst]
    cur.denied_by = [d for d in cur.denied_by if d not in cur.claimed_by]
    keys = {(s.file, s.url) for s in cur.sources}
    cur.sources += [s for s in inc.sources if (s.file, s.url) not in keys]


def as_date(s: str) -> date:
    return date.fromisoformat(s)
