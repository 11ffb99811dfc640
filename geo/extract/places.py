"""Places: which of a sentence's mentions are where the event happened, and how precisely (venues,
observers, reference points, lists)."""
from __future__ import annotations

import re

from ..lexicon import Lexicon, Theatre
from ..records import Mention
from .triggers import trigger_spans


MAX_GAP = 150  # characters between a trigger and a place of the same clause


_DISTANCE = re.compile(r"\d+\s*(?:km|kilomet\w+|miles?)\s+(?:\w+\s+)?(?:from|of)\s+(?:the\s+)?$", re.I)


_LOCATIVE = re.compile(r"\b(?:in|inside|into|across|throughout|along|on|near|at|areas? of|parts? of|"
                       r"villages? of|towns? of|outskirts of|direction of|north of|south of|east of|west of)\s+"
                       r"(?:the\s+)?(?:[\w-]+\s+){0,2}$", re.I)


def place_ok(sentence: str, m: Mention, lex: Lexicon, theatre: Theatre | None) -> bool:
    """A place the incident happened at: not a venue of talks or statements, not an actor's name."""
    p = m.place
    if p.feature_code.startswith("PCL"):
        return False  # a country is a party or a venue far more often than a place of fighting
    before = sentence[max(0, m.start - 80):m.start]
    after = sentence[m.end:m.end + 60]
    may = lex.may_match(sentence)  # these parts of the sentence cannot match what the whole cannot
    venue = lex.rx["venue_before"].search(before) if "venue_before" in may else None
    if venue and not _DISTANCE.search(before) and not lex.rx["departure_before"].search(before) \
            and not trigger_spans(venue.group(0), lex):
        return False  # but '20 km from X' places the event by X, 'withdrew from X' at X, 'says 21 killed in X' at X
    subject = not re.search(r"\b(?:of|in|near|from|at|on|to|into)\s+(?:the\s+)?$", before[-15:], re.I)
    possessive = re.match(r"\s*['’]s\b", after)
    if (subject or possessive) and ("venue_after" in may and lex.rx["venue_after"].search(after)
                                    or "actor_use_after" in may and lex.rx["actor_use_after"].search(after)):
        return False  # 'Baku said', 'Yerevan's defence ministry': the capital stands for the government
    if "infrastructure_after" in lex.rx and lex.rx["infrastructure_after"].match(
            sentence[m.end:m.end + 80]) or re.search(r"[A-Z][\w’']*-$", before):
        if lex.rx["infrastructure_after"].match(re.sub(r"^(?:-[A-Z][\w’']*)*", "", sentence[m.end:m.end + 80])):
            return False  # 'the Baku-Tbilisi-Ceyhan pipeline': a name of a line, not a place of the event
    aliases = lex.place_aliases
    if p.geo_precision >= 3 and not _LOCATIVE.search(before[-40:]):
        return False  # a region named as a topic ('the conflict over X'), not as where it happened
    if (m.text in aliases or m.text.rstrip("'s’") in aliases) and not re.search(
            r"\b(?:in|on|at|near|of|hit|struck|shelled|targeted|outside|around|toward|towards)\s+"
            r"(?:the\s+)?(?:[\w-]+\s+)?$", before, re.I):
        return False
    return theatre is not None and theatre.contains(p.lon, p.lat, p.country)


def pick_places(sentence: str, mentions: list[Mention], lex: Lexicon, theatre,
                 trigs: list | None = None) -> list[tuple[Mention, int]]:
    """The places of the sentence's incident with their geo precision: observers yield to the direction they face.

    `trigs` is `trigger_spans(sentence, lex)` when the caller has it already.
    """
    if not mentions:
        return []
    ok = [m for m in mentions if place_ok(sentence, m, lex, theatre) and not _qualifier(sentence, m, mentions)
          and not _alias(sentence, m, mentions, lex)]
    heard = re.search(r"\b(?:heard|saw|witnessed|could hear)\b", sentence, re.I)
    hit = lex.rx["observers_hit"].search(sentence)  # 'journalists in X were wounded': the observers are the victims
    ok = [m for m in ok if not lex.rx["observer_at"].search(sentence[max(0, m.start - 60):m.start]) or hit
          or (heard and any(t.kind == "attack" for t, _ in (
              trigger_spans(sentence, lex) if trigs is None else trigs)))]
    witnesses = [m for m in ok if lex.rx["witness_at"].search(sentence[max(0, m.start - 60):m.start])]
    if witnesses and len(witnesses) < len(ok):  # 'residents of X said they heard missiles strike Y': Y
        ok = [m for m in ok if m not in witnesses]
    directed = [m for m in ok if lex.rx["observer_direction"].search(sentence[max(0, m.start - 60):m.start])]
    directed += [b for a, b in zip(ok, ok[1:]) if a in directed and b not in directed  # 'direction of A and B'
                 and _LISTED.fullmatch(sentence[a.end:b.start])]
    if directed and (heard or len(directed) == len(ok)):  # 'fired on X from the direction of Y': Y is the origin
        return [(m, max(2, m.place.geo_precision)) for m in directed]
    ok = [m for m in ok if m not in directed]
    precise = [m for m in ok if m.place.geo_precision == 1]
    refs = [m for m in precise if lex.rx["reference_point"].search(sentence[max(0, m.start - 50):m.start])]
    if refs and len(refs) < len(precise):  # 'Shusha, which lies 15 km south of X': X only situates Shusha
        ok = [m for m in ok if m not in refs]
        precise = [m for m in precise if m not in refs]
    if precise:
        near = [m for m in precise if re.search(r"\b(?:near|outside|around|close to|outskirts of|vicinity of|between)\s+"
                                                r"(?:the\s+)?(?:[\w-]+\s+){0,2}$",
                                                sentence[max(0, m.start - 40):m.start], re.I)
                or _DISTANCE.search(sentence[max(0, m.start - 40):m.start])]
        near += [b for a, b in zip(precise, precise[1:]) if a in near and re.fullmatch(  # 'between A and B'
            r"\s+and\s+", sentence[a.end:b.start]) and re.search(r"\bbetween\s+(?:the\s+)?(?:[\w-]+\s+){0,2}$",
                                                                 sentence[max(0, a.start - 40):a.start], re.I)]
        area = [m for m in precise if lex.rx["area_after"].search(sentence[m.end:m.end + 40])
                or _area_before(sentence, m, lex)]
        run = [precise[0]]
        for a, b in zip(precise, precise[1:]):  # 'the Tartar, Aghdam and Aghjabadi districts': all districts
            if re.fullmatch(r"\s*(?:,|,?\s+and|,?\s+or)\s+", sentence[a.end:b.start]):
                run.append(b)
            else:
                run = [b]
            if len(run) > 1 and re.match(r"\s*(?:districts|regions|provinces|rayons|directions|sectors)\b", sentence[b.end:]):
                area += run
        listed = [m for m in ok if m.place.geo_precision == 2 and m not in precise and any(
            _LISTED.fullmatch(_between(sentence, a, m)) for a in precise)]
        return [(m, 2 if m in near or m in area else 1) for m in precise] + [(m, 2) for m in listed]
    if trigs and len(ok) > 1:  # no settlement: the area nearest the event's trigger, not the first named
        t = trigs[0][1]
        ok = sorted(ok, key=lambda m: min(abs(m.start - t.end()), abs(t.start() - m.end)))
    return [(m, m.place.geo_precision) for m in ok[:1]]


_QUALIFIER_GAP = re.compile(r"\s*(?:,|\s+of|\s+in)\s+(?:the\s+)?", re.I)
_QUALIFIER_NOUN = re.compile(r"\s+(?:district|region|rayon|province|marz|municipality)\b(?!\s+of\b)", re.I)


def _qualifier(sentence: str, m: Mention, mentions: list[Mention]) -> bool:
    """'A of the X district', 'A, X district', 'A in the X region': X says where A is, it is no place of its own
    (the gazetteer has already read it to pick A among its homonyms)."""
    return bool(_QUALIFIER_NOUN.match(sentence, m.end) or _QUALIFIER_NOUN.search(" " + m.text.split()[-1])) and any(
        p.end <= m.start and _QUALIFIER_GAP.fullmatch(sentence, p.end, m.start) for p in mentions)


def _alias(sentence: str, m: Mention, mentions: list[Mention], lex: Lexicon) -> bool:
    """'Sugovushan, which Armenians call Madagiz': the second name is the first place's, no place of its own."""
    return bool(lex.rx["alias_before"].search(sentence[max(0, m.start - 40):m.start])) and any(
        p.end <= m.start and m.start - p.end <= 60 for p in mentions)


def _area_before(sentence: str, m: Mention, lex: Lexicon) -> bool:
    """'villages in the X district', 'positions near X': somewhere in the area of X; but 'the village of X' is X."""
    a = lex.rx["area_before"].search(sentence[max(0, m.start - 50):m.start])
    return bool(a) and not (m.place.feature_code == "PPL" and re.match(r"(?:villages?|settlements?)\s+of\b",
                                                                       a.group(0), re.I))


_LISTED = re.compile(r"\s*(?:,|,?\s+and|,?\s+or|,?\s+as well as)\s+(?:the\s+)?(?:(?:town|city|village|district|"
                     r"region)s?\s+of\s+)?", re.I)


def _between(sentence: str, a: Mention, b: Mention) -> str:
    """The text between two mentions, in either order."""
    return sentence[a.end:b.start] if a.end <= b.start else sentence[b.end:a.start]


_OF_OBJECT = re.compile(r"(?:\s+of)?\s+(?:the\s+)?(?:[\w’'-]+\s+){0,3}?(?:(?:town|city|village|settlement|district|"
                        r"region|capital)s?\s+of\s+)?(?:the\s+)?$", re.I)


def objects_of_change(sentence: str, places: list[tuple[Mention, int]], lex: Lexicon,
                      trigger: re.Match | None = None) -> list[tuple[Mention, int]]:
    """The places that changed hands: a place named as a reference point ('a highland above X', 'within striking
    distance of X') is not taken; if every place is one, the change is near them (precision 2). After a noun of
    change ('celebrated the capture of X', 'the liberation of X and Y') or a verb with its preposition ('retreated
    from X', 'flies over X') only its object and the places listed with it changed hands."""
    if trigger is not None and (re.search(r"\s(?:of|from|over|into)$", trigger.group(0), re.I)
                                or re.match(r"\s+of\s", sentence[trigger.end():])):
        ordered = sorted(places, key=lambda x: x[0].start)
        first = next((x for x in ordered if x[0].start >= trigger.end()
                      and _OF_OBJECT.fullmatch(sentence[trigger.end():x[0].start])), None)
        if first is not None:
            kept, last = [first], first[0]
            for x in ordered[ordered.index(first) + 1:]:
                if not _LISTED.fullmatch(sentence[last.end:x[0].start]):
                    break
                kept.append(x)
                last = x[0]
            return kept  # the object itself, never a reference point
    ref = [(m, pr) for m, pr in places if lex.rx["reference_before"].search(sentence[max(0, m.start - 50):m.start])]
    if len(ref) == len(places):
        return [(m, max(2, pr)) for m, pr in places]
    return [x for x in places if x not in ref]


def default_theatre(lex: Lexicon, mentions: list[Mention]) -> Theatre | None:
    """The theatre whose area holds most of the article's places."""
    best, score = None, 0
    for t in lex.theatres:
        n = sum(t.contains(m.place.lon, m.place.lat, m.place.country) for m in mentions)
        if n > score:
            best, score = t, n
    return best


def mentions_per_sentence(article_sentences: list[str], gazetteer) -> list[list[Mention]]:
    """Mentions per sentence; homonyms resolved near the article's unambiguous places."""
    spans = [gazetteer.spans(s) for s in article_sentences]
    first = [gazetteer.mentions_at(s, sp) if sp else [] for s, sp in zip(article_sentences, spans)]
    ctx = list({m.place.geonameid: m.place for ms in first for m in ms if m.place.geo_precision == 1}.values())
    if not ctx:
        return first
    return [gazetteer.mentions_at(s, sp, context_places=ctx) if ms and gazetteer.has_homonyms(sp) else ms
            for s, sp, ms in zip(article_sentences, spans, first)]
