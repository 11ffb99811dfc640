"""Find incidents in an article: triggers, places, dates, actors, claims and casualties per sentence.

Rules are about language (verbs, prepositions, speech attribution, quantities), never about one
article. Vocabulary comes from ``geo/data`` through ``geo.lexicon``.
"""
from __future__ import annotations

import hashlib
import re
from datetime import date

from .. import dates
from ..lexicon import Lexicon, Theatre, Trigger, load
from ..prefilter import screen
from ..records import Article, Incident, Mention, Source
from .clauses import blank, clauses, foreign_spans, own_clause

_MONTH_NEXT = re.compile(r"(?:^\s*(?:of\s+)?|\b)(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
                         r"\b", re.I)
MAX_GAP = 150  # characters between a trigger and a place of the same clause
_YEAR_LIKE = re.compile(r"(?:19|20)\d\d")
_CLAUSE_END = re.compile(r"[;:()]|\d")
_EDGE_PUNCT = re.compile(r"^\W+|\W+$")


def _number(tok: str, words: dict) -> int | None:
    t = tok.lower().replace(",", "")
    if t.isdigit():
        return int(t)
    return words.get(t)


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
        if n is None or _YEAR_LIKE.fullmatch(m.group(0)) or _MONTH_NEXT.search(
                sentence[max(0, m.start() - 12):m.start()]) or _MONTH_NEXT.match(sentence[m.end():m.end() + 12]):
            continue  # 'on September 27 left three dead': a day of the month, not a toll
        if rx["age_after"].match(sentence[m.end():m.end() + 16]) or rx["age_before"].search(sentence[max(0, m.start() - 30):m.start()]):
            continue  # 'a two-year-old girl', 'aged 60 and 72': an age, not a toll
        before = sentence[max(0, m.start() - 40):m.start()]
        cls = ("killed" if "casualty_lead_killed" in may and rx["casualty_lead_killed"].search(before) else
               "injured" if "casualty_lead_injured" in may and rx["casualty_lead_injured"].search(before) else None)
        if cls is None:
            after = _CLAUSE_END.split(sentence[m.end():m.end() + 80])[0]
            for w in after.split()[:6]:
                w = _EDGE_PUNCT.sub("", w)
                if rx["killed"].fullmatch(w):
                    cls = "killed"
                elif rx["injured"].fullmatch(w):
                    cls = "injured"
                if cls:
                    break
        if cls and cls not in found:
            found[cls] = n
    for m in rx["single_casualty"].finditer(sentence) if "single_casualty" in may else ():  # 'a woman was killed'
        cls = "killed" if rx["killed"].fullmatch(m.group("cls")) else "injured"
        found.setdefault(cls, 1)
    return found.get("killed"), found.get("injured")


def _actor_at(text: str, lex: Lexicon, kinds=("state", "adjective", "metonym")) -> list[tuple[int, int, str, str]]:
    """(start, end, actor, alias kind) of every actor alias in the text."""
    amap = lex.alias_map
    return [(m.start(), m.end(), amap[m.group(1)].actor, amap[m.group(1)].kind)
            for m in lex.alias_re.finditer(text) if amap[m.group(1)].kind in kinds]


def _belligerent(actor: str | None, lex: Lexicon) -> bool:
    return actor in lex.opponents


def speakers(sentence: str, lex: Lexicon) -> tuple[list[str], list[str]]:
    """(claimants, deniers): subjects of speech verbs, 'according to X', a reporter who saw it."""
    rx = lex.rx
    may = lex.may_match(sentence)
    claim: list[str] = []
    deny: list[str] = []
    if "media" in may and rx["media"].search(sentence) or "media_reported" in may and rx["media_reported"].search(
            sentence):
        claim.append("Media")
    if "aliases" not in may or "speech_verbs" not in may:
        return _unique(claim), []  # no party, or no verb of speech: only the media can claim
    actors = [a for a in _actor_at(sentence, lex, ("state", "adjective", "metonym", "person"))
              if lex.actors[a[2]]["type"] in ("state", "non_state")]
    if not actors:
        return _unique(claim), []
    for v in rx["speech_verbs"].finditer(sentence):
        verb = v.group(0).lower()
        into = deny if rx["denial_verbs"].fullmatch(verb) else claim
        by = re.match(r"\s+by\s+(?:the\s+)?", sentence[v.end():])
        if by:  # passive: 'a claim denied by Armenian officials'
            agent = [a for a in actors if a[0] == v.end() + by.end()]
            into += [a[2] for a in agent]
            if agent:
                continue
        if verb == "according to":
            claim += [a[2] for a in actors if 0 <= a[0] - v.end() <= 30][:1]
            continue
        before = [a for a in actors if 0 <= v.start() - a[1] <= 70
                  and not re.search(r"[\"”“]", sentence[a[1]:v.start()])
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
        into += [a[2] for a in after[:1]]
    return _unique(claim), _unique([d for d in deny if d not in claim])


def _unique(xs: list[str]) -> list[str]:
    return list(dict.fromkeys(xs))


def attacker(sentence: str, trig_span: tuple[int, int], lex: Lexicon, claimed: list[str]) -> str | None:
    """Who acted: 'by X forces', 'X shelled', 'accused X of', 'X's artillery', an adjective before the trigger."""
    actors = [a for a in _actor_at(sentence, lex) if _belligerent(a[2], lex) or lex.actors[a[2]]["type"] == "state"
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
            if re.search(r"\b(?:of|in|on|at|against|into|near|to)\s*$", sentence[max(0, a[0] - 12):a[0]], re.I) \
                    and not re.search(r"\b(?:forces|army|troops|units|military|side)\s+of\s*$",
                                      sentence[max(0, a[0] - 20):a[0]], re.I):
                continue  # 'the armed forces of X shelled' names the actor
            return a[2]
    return None


def _trigger_spans(sentence: str, lex: Lexicon) -> list[tuple[Trigger, re.Match]]:
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
            if t.kind in ("capture", "transfer") and _planned(sentence, m, lex):
                continue
            out.append((t, m))
    out.sort(key=lambda x: (x[0].rank, x[1].start()))
    return out


def _planned(sentence: str, m: re.Match, lex: Lexicon) -> bool:
    """A change of hands its own clause tells as a plan ('will be handed over', 'is due to withdraw from'), or the
    content of a deal told without a past verb ('agreed the deal, handing over X'): a schedule, not an event."""
    c = own_clause(sentence, m.start(), lex)
    if lex.rx["planned_before"].search(sentence[max(c.start, m.start() - 60):m.start()]):
        return True
    return bool(lex.rx["deal_content_trigger"].fullmatch(m.group(0)) and lex.rx["deal_word"].search(sentence))


_DISTANCE = re.compile(r"\d+\s*(?:km|kilomet\w+|miles?)\s+(?:\w+\s+)?(?:from|of)\s+(?:the\s+)?$", re.I)
_LOCATIVE = re.compile(r"\b(?:in|inside|into|across|throughout|along|on|near|at|areas? of|parts? of|"
                       r"villages? of|towns? of|outskirts of|direction of|north of|south of|east of|west of)\s+"
                       r"(?:the\s+)?(?:[\w-]+\s+){0,2}$", re.I)


def _place_ok(sentence: str, m: Mention, lex: Lexicon, theatre: Theatre | None) -> bool:
    """A place the incident happened at: not a venue of talks or statements, not an actor's name."""
    p = m.place
    if p.feature_code.startswith("PCL"):
        return False  # a country is a party or a venue far more often than a place of fighting
    before = sentence[max(0, m.start - 80):m.start]
    after = sentence[m.end:m.end + 60]
    may = lex.may_match(sentence)  # these parts of the sentence cannot match what the whole cannot
    if "venue_before" in may and lex.rx["venue_before"].search(before) and not _DISTANCE.search(before) \
            and not lex.rx["departure_before"].search(before):
        return False  # but '20 km from X' places the event by X, and 'withdrew from X' at X
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


def _pick_places(sentence: str, mentions: list[Mention], lex: Lexicon, theatre,
                 trigs: list | None = None) -> list[tuple[Mention, int]]:
    """The places of the sentence's incident with their geo precision: observers yield to the direction they face.

    `trigs` is `_trigger_spans(sentence, lex)` when the caller has it already.
    """
    if not mentions:
        return []
    ok = [m for m in mentions if _place_ok(sentence, m, lex, theatre)]
    heard = re.search(r"\b(?:heard|saw|witnessed|could hear)\b", sentence, re.I)
    ok = [m for m in ok if not lex.rx["observer_at"].search(sentence[max(0, m.start - 60):m.start])
          or (heard and any(t.kind == "attack" for t, _ in (
              _trigger_spans(sentence, lex) if trigs is None else trigs)))]
    directed = [m for m in ok if lex.rx["observer_direction"].search(sentence[max(0, m.start - 60):m.start])]
    if directed:
        return [(m, max(2, m.place.geo_precision)) for m in directed]
    precise = [m for m in ok if m.place.geo_precision == 1]
    if precise:
        near = [m for m in precise if re.search(r"\b(?:near|outside|around|close to|outskirts of|vicinity of)\s+"
                                                r"(?:the\s+)?(?:[\w-]+\s+){0,2}$",
                                                sentence[max(0, m.start - 40):m.start], re.I)
                or _DISTANCE.search(sentence[max(0, m.start - 40):m.start])]
        area = [m for m in precise if lex.rx["area_after"].search(sentence[m.end:m.end + 40])
                or lex.rx["area_before"].search(sentence[max(0, m.start - 50):m.start])]
        run = [precise[0]]
        for a, b in zip(precise, precise[1:]):  # 'the Tartar, Aghdam and Aghjabadi districts': all districts
            if re.fullmatch(r"\s*(?:,|,?\s+and|,?\s+or)\s+", sentence[a.end:b.start]):
                run.append(b)
            else:
                run = [b]
            if len(run) > 1 and re.match(r"\s*(?:districts|regions|provinces|rayons)\b", sentence[b.end:]):
                area += run
        listed = [m for m in ok if m.place.geo_precision == 2 and m not in precise and any(
            _LISTED.fullmatch(_between(sentence, a, m)) for a in precise)]
        return [(m, 2 if m in near or m in area else 1) for m in precise] + [(m, 2) for m in listed]
    return [(m, m.place.geo_precision) for m in ok[:1]]


_LISTED = re.compile(r"\s*(?:,|,?\s+and|,?\s+or|,?\s+as well as)\s+(?:the\s+)?(?:(?:town|city|village|district|"
                     r"region)s?\s+of\s+)?", re.I)


def _between(sentence: str, a: Mention, b: Mention) -> str:
    """The text between two mentions, in either order."""
    return sentence[a.end:b.start] if a.end <= b.start else sentence[b.end:a.start]


def _objects_of_change(sentence: str, places: list[tuple[Mention, int]], lex: Lexicon) -> list[tuple[Mention, int]]:
    """The places that changed hands: a place named as a reference point ('a highland above X', 'within striking
    distance of X') is not taken; if every place is one, the change is near them (precision 2)."""
    ref = [(m, pr) for m, pr in places if lex.rx["reference_before"].search(sentence[max(0, m.start - 50):m.start])]
    if len(ref) == len(places):
        return [(m, max(2, pr)) for m, pr in places]
    return [x for x in places if x not in ref]


def _default_theatre(lex: Lexicon, mentions: list[Mention]) -> Theatre | None:
    """The theatre whose area holds most of the article's places."""
    best, score = None, 0
    for t in lex.theatres:
        n = sum(t.contains(m.place.lon, m.place.lat, m.place.country) for m in mentions)
        if n > score:
            best, score = t, n
    return best


def _main_first(body: str, trigs: list, lex: Lexicon) -> list:
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


def _in_period(day: date, published: date, theatre: Theatre | None) -> bool:
    """An event date is never after the article, nor before the theatre's stated background period
    ('on 9999-12-31' or '0001-01-01' in a text is a typo or a trap, not an incident)."""
    earliest = theatre.background_from if theatre is not None and theatre.background_from else None
    return day <= published and day.isoformat() >= (earliest or f"{published.year - 100:04d}-01-01")


def _truce_day(theatre: Theatre, ref) -> str | None:
    """The day the latest truce of the theatre took effect, on or before `ref`."""
    days = [t[:10] for t in theatre.truces if t[:10] <= ref.isoformat()]
    return max(days) if days else None


def _when(body: str, trigs: list, ref, theatre: Theatre | None, lex: Lexicon):
    """(date, rule): the time of the trigger's own clause and the main clause, never of another event's clause;
    an event told against a truce takes the truce's start."""
    if not trigs:
        w = dates.resolve(body, ref)
        return w, "a time expression in the sentence" if w is not None and w.explicit else "the publication day"
    foreign = foreign_spans(body, trigs[0][1].span(), lex)
    w = dates.resolve(blank(body, foreign), ref)
    if w is None:
        return None, ""
    if foreign and own_clause(body, trigs[0][1].start(), lex).subordinate:
        whole = dates.resolve(body, ref)
        if whole is not None and whole.background:  # a secondary event of a past one ('after the war of 1994')
            return whole, "a past year of the sentence: background"
    if w.explicit:
        left = f"; times of {len(foreign)} other clause(s) left to their events" if foreign else ""
        return w, f"a time expression of its clause{left}"
    t = lex.rx["truce_anchor"].search(body) if theatre is not None and theatre.truces else None
    day = _truce_day(theatre, ref) if t else None
    if day:
        return dates.When(date.fromisoformat(day), 1, explicit=True), f"'{t.group(0).strip()}': the truce's start"
    return w, "no time in the sentence: the publication day"


def _reason(trig: Trigger, tm: re.Match, sub: str, when, when_rule: str, m: Mention, prec: int,
            a1: str | None, actor_rule: str) -> str:
    """Why the incident is what it is: trigger, date rule, place and actor, for the analyst who checks it."""
    return (f"trigger '{tm.group(0)}' ({trig.kind}: {sub}); date {when.day.isoformat()} from {when_rule}; "
            f"place '{m.text}' = {m.place.name} (gazetteer {m.place.geonameid}), precision {prec}; "
            f"actor1 {a1 or 'unknown'} ({actor_rule})")


def incident_id(file: str, place_key: str, day: str, category: str) -> str:
    return hashlib.sha1(f"{file}|{place_key}|{day}|{category}".encode()).hexdigest()[:16]


def _lead_sentences(article: Article) -> list[str]:
    """Plain-format titles are often the article's lead sentence: read them too."""
    t = article.title.strip()
    if len(t.split()) >= 12 and re.search(r"[.!?]$", t):
        from ..reader import split_sentences
        return split_sentences(t)
    return []


_PRONOUN_SAID = re.compile(r"\b(?:it|he|she|they|the (?:\w+ )?ministry|officials|the army|the military|"
                           r"the (?:\w+ )?(?:statement|spokes\w+))\s+(?:\w+\s+)?(?:said|says|added|claimed|"
                           r"reported|stated|wrote|noted)\b", re.I)
_MAY_PRONOUN_SAID = screen({"said": _PRONOUN_SAID})
_QUOTED = re.compile(r"^[\"“]|[\"”]\s*$")


def _pronoun_speaker(s: str) -> bool:
    """'it said', 'the ministry added', or a quotation: the last named speaker goes on speaking."""
    return bool(_MAY_PRONOUN_SAID(s) and _PRONOUN_SAID.search(s) or _QUOTED.search(s))


_OPEN_Q, _CLOSE_Q = "\"“«", "\"”»"


def _attributions(sentences: list[str], max_len: int = 6) -> dict[int, str]:
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


def _mentions(article_sentences: list[str], gazetteer) -> list[list[Mention]]:
    """Mentions per sentence; homonyms resolved near the article's unambiguous places."""
    spans = [gazetteer.spans(s) for s in article_sentences]
    first = [gazetteer.mentions_at(s, sp) if sp else [] for s, sp in zip(article_sentences, spans)]
    ctx = list({m.place.geonameid: m.place for ms in first for m in ms if m.place.geo_precision == 1}.values())
    if not ctx:
        return first
    return [gazetteer.mentions_at(s, sp, context_places=ctx) if ms and gazetteer.has_homonyms(sp) else ms
            for s, sp, ms in zip(article_sentences, spans, first)]


def extract(article: Article, gazetteer, lex: Lexicon | None = None) -> list[Incident]:
    """All incidents an article reports, merged within the article."""
    lex = lex or load()
    published = article.published
    if published is None:
        return []
    from ..reader import split_sentences
    lead = _lead_sentences(article)
    sentences, starts = list(lead), {0}
    for para in article.paragraphs:
        starts.add(len(sentences))
        sentences += split_sentences(para)
    as_written = list(sentences)  # as written, for the evidence; the dateline of agency copy is no part of the event
    sentences = [blank(x, [d.span()]) if (d := lex.rx["dateline"].match(x)) else x for x in sentences]
    all_mentions = _mentions(sentences, gazetteer)
    theatre = _default_theatre(lex, [m for ms in all_mentions for m in ms])
    src = Source(article.file, article.url, article.title, published.isoformat())
    last_speakers: list[str] = []
    last_town: Mention | None = None  # the last settlement named: what 'the city' or 'the town' refers to
    deniers: list[str] = []
    out: list[Incident] = []
    prev: list[Incident] = []
    pending = None  # a trigger whose sentence named no precise place: the next sentence may name it
    anchor, anchor_rule = None, ""
    attribution = _attributions(sentences)
    for k, (s, mentions) in enumerate(zip(sentences, all_mentions)):
        if k in starts:
            anchor, anchor_rule = None, ""
        town_before = last_town
        last_town = next((m for m in reversed(mentions) if m.place.feature_class == "P" and m.place.geo_precision == 1
                          and _place_ok(s, m, lex, theatre)), last_town)
        said = attribution.get(k)
        ref, said_day = published, False
        if said:  # a quotation: its 'this morning' is the speaker's, its speaker is named after it
            sw = dates.resolve(said, published)
            said_day = sw is not None and sw.explicit and not sw.background
            ref = sw.day if said_day else published
        trigs = _trigger_spans(s, lex)
        body = s if not said else s.replace(said, " " * len(said))
        if trigs:
            trigs = _main_first(body, trigs, lex)
        w, date_rule = _when(body, trigs, ref, theatre, lex)
        if said_day and w is not None and not w.explicit:
            w, date_rule = dates.When(w.day, w.precision, explicit=True), "the quoted speaker's day"
        if w is not None and w.explicit and not w.background:
            anchor, anchor_rule = w, date_rule
        claim, deny = speakers(s, lex)
        inherited = False
        if said and not (claim or deny):
            claim, deny = speakers(said, lex)
        if claim or deny:
            last_speakers = [x for x in claim + deny if x != "Media"] or last_speakers
        elif _pronoun_speaker(s):
            claim, inherited = list(last_speakers), True
        may = lex.may_match(s)
        if "denial" in may and lex.rx["denial"].search(s) and not re.search(r"\b(?:accus|blam)\w*", s, re.I) and (
                inherited or not trigs):
            # 'Baku called the report fake', '... a lie, it added': the speaker denies
            deny, claim = _unique(deny + [c for c in claim if c != "Media"]), []
        deniers += [d for d in deny if d not in deniers]
        carried, prev_now = prev, []
        prev = []
        if deny and carried and not _pick_places(s, mentions, lex, theatre, trigs):
            for inc in carried:  # 'Yerevan denies it.': a denial of what was just reported
                inc.denied_by += [d for d in deny if d not in inc.denied_by and d not in inc.claimed_by]
        if s.rstrip().endswith("?") or "summary" in may and lex.rx["summary"].search(s):
            pending = None
            continue
        if trigs:  # in a long sentence a place far from every trigger belongs to another clause
            mentions = [m for m in mentions if any(min(abs(m.start - t.end()), abs(t.start() - m.end)) <= MAX_GAP
                                                   for _, t in trigs)]
        elif not (pending and "continuation" in may and lex.rx["continuation"].search(s)):
            pending = None  # no event here, and none carried on: the common sentence stops here
            continue
        places_here = _pick_places(s, mentions, lex, theatre, trigs)
        if not trigs:
            if places_here:
                trig, tm, when, claim0, a1_0, rule0 = pending
                trigs = [(trig, tm)]
                claim = claim or claim0
                when_rule = f"{rule0}, carried from the sentence before, which named no precise place"
            else:
                pending = None
                continue
        else:
            when, when_rule = w, date_rule
            if when is not None and not when.explicit and own_clause(body, trigs[0][1].start(), lex).subordinate:
                pending = None  # 'after the capture of X, ...', 'soldiers who died in the clashes': an earlier event
                continue        # the sentence refers to, with no time of its own
            if when is not None and not when.explicit and anchor is not None:
                when = anchor  # a sentence with no time of its own speaks of the paragraph's last date
                when_rule = f"no time in its clause: the paragraph's last date ({anchor_rule})"
            a1_0 = None
        pending = None
        if when is None or when.background or not _in_period(when.day, published, theatre):
            continue
        trig, tm = trigs[0]
        fat, inj = casualties(s, lex)
        if trig.kind == "casualty" and fat is None and inj is None:
            continue  # 'death' or 'killed' with no toll: a figure of speech or a reference, not a report
        places = places_here
        if trig.kind in ("capture", "transfer"):
            places = _objects_of_change(s, places, lex)
        if not places and town_before is not None and trig.kind != "casualty":
            ref = lex.rx["settlement_anaphor"].search(s)
            if ref:  # 'the city was shelled again': the settlement named last
                places = [(Mention(ref.start(), ref.end(), ref.group(0), town_before.place), 1)]
        if not any(pr == 1 for _, pr in places):
            pending = (trig, tm, when, claim, None, when_rule)
        if not places:
            if len(carried) == 1 and (fat is not None or inj is not None) and trig.kind == "casualty":
                for inc in carried:
                    inc.fatalities = inc.fatalities if inc.fatalities is not None else fat
                    inc.injured = inc.injured if inc.injured is not None else inj
                    inc.evidence.append(as_written[k])
            continue
        a1 = attacker(s, (tm.start(), tm.end()), lex, claim) if tm.string == s else a1_0
        actor_rule = "named with the trigger" if a1 else "unknown"
        bel = [c for c in claim if _belligerent(c, lex)]
        if a1 is None and trig.kind in ("attack", "clash", "casualty") and bel:
            a1 = lex.opponents.get(bel[0])
            actor_rule = f"the opponent of {bel[0]}, who reports it"
        if a1 is None and trig.kind == "attack" and theatre and len(places) == 1 and places[0][1] == 1:
            held = theatre.holder(places[0][0].place.lon, places[0][0].place.lat, places[0][0].place.country)
            other = [v.get("default_actor") for k, v in theatre.sides.items() if held and k != held]
            a1 = other[0] if len(other) == 1 else None  # a town is shelled by the side that does not hold it
            actor_rule = "the side that did not hold the place before the period" if a1 else actor_rule
        to = re.match(r"\s+(?:\w+\s+){0,4}?to\s+(?:the\s+)?", s[tm.end():]) if trig.kind == "transfer" else None
        if to:  # 'handed over X to Azerbaijan': the recipient is the one that takes control
            rec = [a for a in _actor_at(s[tm.end() + to.end():tm.end() + to.end() + 30], lex) if _belligerent(a[2], lex)]
            if rec and rec[0][0] == 0:
                a1, actor_rule = rec[0][2], "the recipient of the handover"
        if a1 is None and trig.kind in ("capture", "transfer"):
            subj = [a for a in _actor_at(s[:tm.start()], lex) if _belligerent(a[2], lex)
                    and not re.search(r"\b(?:of|from|to|by|against|with|between|and)\s+(?:the\s+)?$",
                                      s[max(0, a[0] - 15):a[0]], re.I)]
            a1 = subj[0][2] if subj else (bel[0] if bel else None)
            actor_rule = ("the subject before the trigger" if subj else "the side that reports it" if bel
                          else actor_rule)
        if trig.kind in ("capture", "transfer") and actor_rule in ("named with the trigger", "the subject before the "
                "trigger") and lex.rx["loss_trigger"].fullmatch(tm.group(0)) and lex.opponents.get(a1):
            a1, actor_rule = lex.opponents[a1], f"the opponent of {a1}, which gave the place up"
        event_type, sub = trig.event_type, trig.sub_event_type
        if sub == "@capture":
            sub = (lex.actors.get(a1, {}).get("capture_sub_event") if a1 else None) or "Armed clash"
            if theatre and theatre.ceasefire and when.day.isoformat() >= theatre.ceasefire and not any(
                    t.kind in ("clash", "attack") for t, _ in trigs):
                event_type, sub = "Strategic developments", "Non-violent transfer of territory"
        a2 = lex.opponents.get(a1) if a1 else None
        if re.search(r"\bcivilian", s, re.I) and trig.kind in ("attack", "casualty"):
            a2 = "Civilians"
        claimed = [c for c in claim if c == "Media" or _belligerent(c, lex)]
        if deny and not claimed:
            told = [i for i in out if i.geonameid in {m.place.geonameid for m, _ in places}]
            for i in told:  # a denial of what the article already reported, not a new incident
                i.denied_by += [d for d in deny if d not in i.denied_by and d not in i.claimed_by]
                i.evidence.append(as_written[k])
            if told:
                continue
        for m, prec in places:
            p = m.place
            inc = Incident(
                id=incident_id(article.file, str(p.geonameid), when.day.isoformat(),
                               merge_class(event_type, sub)),
                event_date=when.day.isoformat(), time_precision=when.precision,
                event_type=event_type, sub_event_type=sub, actor1=a1, actor2=a2,
                location=p.name, country=p.country, admin1=p.admin1, lat=p.lat, lon=p.lon,
                geo_precision=prec, fatalities=fat if len(places) == 1 else None,
                injured=inj if len(places) == 1 else None, claimed_by=list(claimed),
                denied_by=[d for d in deny if d not in claimed],
                sources=[src], evidence=[as_written[k]], geonameid=p.geonameid,
                notes=_reason(trig, tm, sub, when, when_rule, m, prec, a1, actor_rule))
            prev_now.append(inc)
            out.append(inc)
        prev = prev_now
    for inc in out:  # a side that denies in the article denies the attacks it is accused of there
        if merge_class(inc.event_type, inc.sub_event_type) == "violent":
            inc.denied_by += [d for d in deniers if d not in inc.denied_by and d not in inc.claimed_by
                              and inc.actor1 and lex.side(d) == lex.side(inc.actor1)]
    return merge_within(out, lex)


VIOLENT = {"Battles", "Explosions/Remote violence", "Violence against civilians", "Riots"}
TERRITORY = {"Government regains territory", "Non-state actor overtakes territory", "Non-violent transfer of territory"}


def merge_class(event_type: str, sub_event_type: str) -> str:
    """Reports merge only within a class: a change of hands is never folded into the fighting around it."""
    if sub_event_type in TERRITORY:
        return "territory"
    return "violent" if event_type in VIOLENT else "other"


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
    if inc.time_precision < cur.time_precision:
        cur.event_date = inc.event_date  # the report that knows the day sets it
    cur.actor1 = cur.actor1 or inc.actor1
    cur.actor2 = cur.actor2 or inc.actor2
    cur.time_precision = min(cur.time_precision, inc.time_precision)
    cur.geo_precision = min(cur.geo_precision, inc.geo_precision)
    for k in ("fatalities", "injured"):  # reports that disagree: the lower figure, as ACLED does
        a, b = getattr(cur, k), getattr(inc, k)
        setattr(cur, k, a if b is None else b if a is None else min(a, b))
    for k in ("claimed_by", "denied_by", "evidence"):
        lst = getattr(cur, k)
        lst += [x for x in getattr(inc, k) if x not in lst]
    cur.denied_by = [d for d in cur.denied_by if d not in cur.claimed_by]
    keys = {(s.file, s.url) for s in cur.sources}
    cur.sources += [s for s in inc.sources if (s.file, s.url) not in keys]
