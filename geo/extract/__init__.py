"""Find incidents in an article: a pipeline of named steps over the article's sentences.

Each step is a module that does one thing to a sentence or a clause: ``clauses`` (where a clause
starts and whether it is subordinate), ``triggers`` (event words, without negated, aimed or planned
ones), ``when`` (the date of the trigger's own clause), ``speech`` (who claims, who denies),
``places`` (where it happened and how precisely), ``actors`` (who acted), ``tolls`` (casualties),
``reasons`` (why). Below, the article-level steps run over each event frame of each sentence in
order (frame, time, speech, places, date, actor, event type, incidents), sharing one ``Discourse``
state: the paragraph's last date, the speaker who goes on speaking, the last town named, the
incidents just told (for denials, 'also' and a toll in the next sentence) and a trigger carried to
the next sentence. Rules are about language, never about one article; vocabulary comes from
``geo/data`` through ``geo.lexicon``.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date

from .. import dates
from ..lexicon import Lexicon, Theatre, load
from ..merge import TERRITORY, VIOLENT, absorb, merge_class, merge_within  # noqa: F401 - importable from here too
from ..records import Article, Incident, Mention, Source
from .actors import actor_at, attacker, belligerent, downed_side, victim_side
from .clauses import Clause, blank, frame_regions, own_clause, turns
from .places import MAX_GAP, default_theatre, mentions_per_sentence, objects_of_change, pick_places, place_ok
from .reasons import reason
from .speech import attributions, dateline_party, pronoun_speaker, speakers, unique
from .tolls import casualties
from .triggers import cause_first, main_first, trigger_spans
from .when import date_of, dates_of_antecedents, days_before_main, days_from_told, in_period

__all__ = ["extract", "casualties", "speakers", "incident_id", "merge_class", "merge_within", "absorb",
           "VIOLENT", "TERRITORY"]


def incident_id(file: str, place_key: str, day: str, category: str) -> str:
    return hashlib.sha1(f"{file}|{place_key}|{day}|{category}".encode()).hexdigest()[:16]


def _lead_sentences(article: Article) -> list[str]:
    """Plain-format titles are often the article's lead sentence: read them too."""
    t = article.title.strip()
    if len(t.split()) >= 12 and re.search(r"[.!?]$", t):
        from ..reader import split_sentences
        return split_sentences(t)
    return []


def _frames(s: str, mentions: list[Mention], lex: Lexicon, theatre) -> list[tuple[str, list[Mention], bool]]:
    """(text, mentions, partial) per event frame of a sentence: the other frames blanked, offsets kept."""
    trigs = [m.start() for t, m in trigger_spans(s, lex) if t.kind != "casualty"]
    precise = [m.start for m in mentions if m.place.geo_precision <= 2 and place_ok(s, m, lex, theatre)]
    regions = frame_regions(s, trigs, precise, lex) if len(trigs) > 1 and len(precise) > 1 \
        else [(0, len(s))]
    if len(regions) == 1:
        turn = _turn_with_places(s, [m for m in mentions if m.start in precise], trigs, lex)
        regions = [turn] if turn else regions
    if regions == [(0, len(s))]:
        return [(s, mentions, False)]
    return [(blank(s, [(0, a), (b, len(s))]), [m for m in mentions if a <= m.start < b], True) for a, b in regions]


def _turn_with_places(s: str, mentions: list[Mention], trig_starts: list[int], lex: Lexicon):
    """When a sentence gives two sides their turns ('X said A and B had come under attack while Y said it had foiled
    offensives') and only one turn names places and an event, that turn is the frame: the other side's words are
    no claim of it."""
    spans = turns(s, lex)
    if len(spans) < 2 or not mentions:
        return None
    spans = [(a, b) for a, b in spans if any(a <= m.start < b for m in mentions)]
    if len(spans) != 1 or not any(spans[0][0] <= t < spans[0][1] for t in trig_starts):
        return None
    return spans[0]


def _last_town(named: list[tuple[str, list[Mention]]], lex: Lexicon, theatre) -> Mention | None:
    """The settlement named last before a sentence, not as a venue: looked for only when 'the town' asks."""
    for s, mentions in reversed(named):
        for m in reversed(mentions):
            if m.place.feature_class == "P" and m.place.geo_precision == 1 and place_ok(s, m, lex, theatre):
                return m
    return None


@dataclass
class Discourse:
    """What the article has told so far, shared by the steps over its sentences: the speaker who goes on speaking,
    the settlements 'the town' may refer to, the paragraph's last date and the article's, the incidents just told
    (for 'it denied', 'also' and a toll in the next sentence) and a trigger whose place the next sentence may name."""
    published: date
    theatre: Theatre | None
    src: Source
    as_written: list[str]
    attribution: dict[int, str]
    last_speakers: list[str] = field(default_factory=list)
    named_towns: list[tuple[str, list[Mention]]] = field(default_factory=list)
    deniers: list[str] = field(default_factory=list)
    out: list[Incident] = field(default_factory=list)
    prev: list[Incident] = field(default_factory=list)
    pending: tuple | None = None
    anchor: dates.When | None = None
    anchor_rule: str = ""
    told: dates.When | None = None
    home: str | None = None


@dataclass
class Frame:
    """One event frame of a sentence: its text (the sentence's other frames blanked), the whole sentence, the
    quotation's attribution if any, the triggers outside a summary of the war, main clause first, and the clause of
    the wounding a death is told after, if any."""
    k: int
    s: str
    whole: str
    mentions: list[Mention]
    partial: bool
    said: str | None
    ref: date
    said_day: bool
    body: str
    whole_body: str
    trigs: list
    summary: list[tuple[int, int]]
    towns_before: int
    cause: Clause | None = None


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
    datelines = {k: d.group(0) for k, x in enumerate(sentences) if (d := lex.rx["dateline"].match(x))}
    sentences = [blank(x, [(0, len(datelines[k]))]) if k in datelines else x for k, x in enumerate(sentences)]
    all_mentions = mentions_per_sentence(sentences, gazetteer)
    theatre = default_theatre(lex, [m for ms in all_mentions for m in ms])
    d = Discourse(published, theatre, Source(article.file, article.url, article.title, published.isoformat()),
                  as_written, attributions(sentences))
    for k, (s, mentions) in enumerate(zip(sentences, all_mentions)):
        if k in starts:
            d.anchor, d.anchor_rule = None, ""
        if k in datelines:  # a new dispatch: its unnamed ministry is that of the party whose seat datelines it
            d.home, d.last_speakers = dateline_party(datelines[k], lex, theatre), []
        towns_before = len(d.named_towns)
        if any(m.place.feature_class == "P" for m in mentions):
            d.named_towns.append((s, mentions))
        for text, frame_mentions, partial in _frames(s, mentions, lex, theatre):
            _read_frame(_frame(k, text, s, frame_mentions, partial, towns_before, d, lex), d, lex)
    for inc in d.out:  # a side that denies in the article denies the attacks it is accused of there
        if merge_class(inc.event_type, inc.sub_event_type) == "violent":
            inc.denied_by += [x for x in d.deniers if x not in inc.denied_by and x not in inc.claimed_by
                              and inc.actor1 and lex.side(x) == lex.side(inc.actor1)]
    return merge_within(_fighting_goes_on(d.out, lex), lex.sub_event_ranks)


def _frame(k: int, s: str, whole: str, mentions: list[Mention], partial: bool, towns_before: int, d: Discourse,
           lex: Lexicon) -> Frame:
    """Step 1, the frame: a quotation's own day and speaker, the triggers outside a summary of the war."""
    said = d.attribution.get(k)
    ref, said_day = d.published, False
    if said:  # a quotation: its 'this morning' is the speaker's, its speaker is named after it
        sw = dates.resolve(said, d.published)
        said_day = sw is not None and sw.explicit and not sw.background
        ref = sw.day if said_day else d.published
    trigs = trigger_spans(s, lex)
    summary = _summary_scopes(s, lex)
    if summary:  # 'the truce that ended six weeks of fighting': the war told as a whole is no incident
        trigs = [t for t in trigs if not any(a <= t[1].start() < b for a, b in summary)]
    body = s if not said else s.replace(said, " " * len(said))
    whole_body = whole if not said else whole.replace(said, " " * len(said))
    cause = None
    if trigs:
        trigs, cause = cause_first(body, main_first(body, trigs, lex), lex)
    return Frame(k, s, whole, mentions, partial, said, ref, said_day, body, whole_body, trigs, summary, towns_before,
                 cause)


def _frame_time(f: Frame, d: Discourse, lex: Lexicon):
    """Step 2, time: the trigger's own clause, else a span before the main clause's day, else the sentence's; a
    quotation's day; a day told against the last date told; the paragraph's anchor moves to an explicit date."""
    w, rule = date_of(f.body, f.trigs, f.ref, d.theatre, lex)
    before_main = days_before_main(f.whole_body, own_clause(f.whole_body, f.trigs[0][1].start(), lex).start, f.ref,
                                   lex) if f.trigs and w is not None and not w.explicit else None
    if before_main:  # '... came six days after a missile struck Y': the main clause's day less six
        w, rule = before_main
    elif f.partial and w is not None and not w.explicit:  # a frame with no time of its own: the sentence's
        w, rule = date_of(f.whole_body, main_first(f.whole, trigger_spans(f.whole, lex), lex) or f.trigs, f.ref,
                          d.theatre, lex)
    if f.said_day and w is not None and not w.explicit:
        w, rule = dates.When(w.day, w.precision, explicit=True), "the quoted speaker's day"
    told = days_from_told(f.body, d.told, lex) if f.trigs and w is not None and d.told else None
    if told:  # 'on the same day', 'the next day': against the last date told, not the report's
        w, rule = told
    if w is not None and w.explicit and not w.background:
        d.anchor, d.anchor_rule, d.told = w, rule, w
    return w, rule


def _frame_speakers(f: Frame, w, d: Discourse, lex: Lexicon):
    """Step 3, speech: (claim, deny, occasion): the frame's speakers, else the quotation's, the last speaker ('it
    said') or the report just told ('also'); a speaker calling a report a lie denies it."""
    s = f.s
    occasion = d.prev if d.prev and f.trigs and (w is None or not w.explicit) and \
        lex.rx["same_occasion"].search(s) else None  # 'X was also shelled': the same report as just before
    claim, deny = speakers(s, lex)
    if f.partial and not (claim or deny):
        claim, deny = speakers(f.whole, lex)
    inherited = False
    if f.said and not (claim or deny):
        claim, deny = speakers(f.said, lex)
    if claim or deny:
        d.last_speakers = [x for x in claim + deny if x != "Media"] or d.last_speakers
    elif d.home and not d.last_speakers and lex.rx["home_speaker"].search(s):
        claim, inherited = [d.home], True  # BAKU (Reuters) - '..., the defence ministry said': Azerbaijan's
        d.last_speakers = list(claim)
    elif pronoun_speaker(s):
        claim, inherited = list(d.last_speakers), True
    elif occasion:
        claim = unique([c for i in occasion for c in i.claimed_by])
    may = lex.may_match(s)
    if "denial" in may and lex.rx["denial"].search(s) and not re.search(r"\b(?:accus|blam)\w*", s, re.I) and (
            inherited or not f.trigs or all((m.place.feature_code or "").startswith("PCL") for m in f.mentions)):
        # 'Baku called the report fake', '... a lie, it added', 'the aircraft crashed for technical reasons': the
        # speaker denies (a trigger word in a sentence that names no place but countries tells no new event)
        deny, claim = unique(deny + [c for c in claim if c != "Media"]), []
    deny += [x for x in _counter_turns(f, lex) if x not in claim and x not in deny]
    d.deniers += [x for x in deny if x not in d.deniers]
    return claim, deny, occasion


def _counter_turns(f: Frame, lex: Lexicon) -> list[str]:
    """The speakers of the sentence's other turns that deny the frame's event or say the place is still theirs
    ('X said it had captured A, but Y insisted the village remained under their control')."""
    spans = turns(f.whole, lex) if f.partial else []
    if len(spans) < 2:
        return []
    out = []
    for a, b in spans:
        turn = f.whole[a:b]
        if not f.s[a:b].strip() and (lex.rx["denial"].search(turn) or lex.rx["ongoing"].search(turn)):
            out += [x for x in sum(speakers(turn, lex), []) if belligerent(x, lex)]
    return unique(out)


def _frame_when(f: Frame, w, rule: str, occasion, d: Discourse, lex: Lexicon):
    """Step 5, the event's date: None for an earlier event the sentence refers to with no time of its own ('after
    the capture of X, ...', 'soldiers who died in the clashes'); else the day of the report just told ('also') or
    the paragraph's last date for a clause with no time."""
    if w is not None and not w.explicit and own_clause(f.body, f.trigs[0][1].start(), lex).subordinate:
        return None, rule
    if w is not None and not w.explicit and occasion:
        w = dates.When(date.fromisoformat(occasion[0].event_date), occasion[0].time_precision, explicit=True)
        rule = "'also', with no time of its own: the day of the incident told just before"
    if w is not None and not w.explicit and d.anchor is not None:
        w = d.anchor  # a sentence with no time of its own speaks of the paragraph's last date
        rule = f"no time in its clause: the paragraph's last date ({d.anchor_rule})"
    return w, rule


def _frame_places(f: Frame, d: Discourse, lex: Lexicon) -> list[Mention]:
    """Step 4, candidate places: near a trigger (a place far from every trigger belongs to another clause) and not
    in a clause of another event; for a death told after its wounding, the wounding's own."""
    mentions = f.mentions
    if f.trigs:
        mentions = [m for m in mentions if any(min(abs(m.start - t.end()), abs(t.start() - m.end)) <= MAX_GAP
                                               for _, t in f.trigs)]
        if not own_clause(f.body, f.trigs[0][1].start(), lex).subordinate:
            mentions = [m for m in mentions if not _in_other_event(f.body, m.start, lex)]
    if f.cause:  # 'died in hospital in Y two days after he was wounded in X': X is where it happened
        mentions = [m for m in mentions if f.cause.start <= m.start < f.cause.end] or mentions
    return mentions


def _actor1(s: str, trig, tm, claim: list[str], places, a1_0, theatre, lex: Lexicon) -> tuple[str | None, str]:
    """Step 6, who acted, and by which rule: named with the trigger; the opponent of the side that reports an
    attack; the side that did not hold a shelled town; the recipient of a handover; the subject of a capture; the
    opponent of a side that gave a place up."""
    own = tm.string == s
    down = next((m for m in lex.rx["shot_down"].finditer(s, max(0, tm.start() - 40), tm.end()) if m.end() == tm.end()
                 or re.fullmatch(r"\s+(?:[\w-]+\s+){0,3}", s[m.end():tm.start()])), None) if own else None
    if down:  # 'X shot down a Y drone': the downed craft's side struck
        a1, rule = downed_side(s, down.span(), lex)
    else:
        a1 = attacker(s, tm.span(), lex, claim) if own else a1_0
        rule = "named with the trigger" if a1 else "unknown"
    bel = [c for c in claim if belligerent(c, lex)]
    enemy = next((e for e in lex.rx["enemy_subject"].finditer(s, max(0, tm.start() - 60)) if e.end() <= tm.start()
                  and not re.search(r"[;:]", s[e.end():tm.start()])), None) if own and not down and bel else None
    if enemy and lex.opponents.get(bel[0]):  # 'the enemy, using Turkish jets, struck X', told by one side
        a1, rule = lex.opponents[bel[0]], f"the enemy of {bel[0]}, who reports it"
    hit = victim_side(s, tm.span(), lex) if own and a1 is None and trig.kind in ("attack", "clash", "casualty") \
        else None
    if hit and lex.opponents.get(hit):
        a1, rule = lex.opponents[hit], f"the opponent of {hit}, the side that was hit"
    if a1 is None and not down and trig.kind in ("attack", "clash", "casualty") and bel and lex.rx["own_forces"].search(
            s[max(0, tm.start() - 60):tm.start()]) and not lex.rx["defensive_trigger"].fullmatch(tm.group(0)):
        a1, rule = bel[0], f"the forces of {bel[0]}, who reports it"  # 'X said its forces had killed ...'
    if a1 is None and trig.kind in ("attack", "clash", "casualty") and bel:
        a1 = lex.opponents.get(bel[0])
        rule = f"the opponent of {bel[0]}, who reports it"
    if a1 is None and trig.kind == "attack" and theatre and len(places) == 1 and places[0][1] == 1:
        held = theatre.holder(places[0][0].place.lon, places[0][0].place.lat, places[0][0].place.country)
        other = [v.get("default_actor") for k, v in theatre.sides.items() if held and k != held]
        a1 = other[0] if len(other) == 1 else None  # a town is shelled by the side that does not hold it
        rule = "the side that did not hold the place before the period" if a1 else rule
    to = re.match(r"\s+(?:\w+\s+){0,4}?to\s+(?:the\s+)?", s[tm.end():]) if trig.kind == "transfer" else \
        re.match(r"\s+(?:the\s+)?", s[tm.end():]) if trig.kind == "capture" and re.search(
            r"\bto$", tm.group(0), re.I) else None
    if to:  # 'handed over X to Azerbaijan', 'X fell to the Y army': the recipient is the one that takes control
        rec = [a for a in actor_at(s[tm.end() + to.end():tm.end() + to.end() + 30], lex) if belligerent(a[2], lex)]
        if rec and rec[0][0] == 0:
            a1, rule = rec[0][2], "the side the place went to"
    if a1 is None and trig.kind in ("capture", "transfer"):
        subj = [a for a in actor_at(s[:tm.start()], lex) if belligerent(a[2], lex)
                and not re.search(r"\b(?:of|from|to|by|against|with|between|and)\s+(?:the\s+)?$",
                                  s[max(0, a[0] - 15):a[0]], re.I)]
        held = theatre.holder(places[0][0].place.lon, places[0][0].place.lat, places[0][0].place.country) \
            if theatre and not subj and len(places) == 1 and lex.rx["loss_trigger"].fullmatch(tm.group(0)) else None
        gainer = [v.get("default_actor") for k, v in theatre.sides.items() if k != held] if held else []
        if len(gainer) == 1 and gainer[0]:  # 'X has fallen', told by either side: the side that did not hold X
            a1, rule = gainer[0], "the side that did not hold the place before the period, to which it was lost"
        else:
            a1 = subj[0][2] if subj else (bel[0] if bel else None)
            rule = "the subject before the trigger" if subj else "the side that reports it" if bel else rule
    if trig.kind in ("capture", "transfer") and (rule in ("named with the trigger", "the subject before the trigger")
                                                 or enemy) \
            and lex.rx["loss_trigger"].fullmatch(tm.group(0)) and lex.opponents.get(a1):
        a1, rule = lex.opponents[a1], f"the opponent of {a1}, which gave the place up"
    return a1, rule


def _event_types(s: str, trig, tm, trigs, a1: str | None, when, theatre, lex: Lexicon) -> tuple[str, str]:
    """Step 7, ACLED's event and sub-event type: a capture is the actor's kind of capture, and after the theatre's
    ceasefire a transfer, unless told in the past perfect or beside fighting."""
    event_type, sub = trig.event_type, trig.sub_event_type
    if sub == "@capture":
        sub = (lex.actors.get(a1, {}).get("capture_sub_event") if a1 else None) or "Armed clash"
        past_perfect = re.search(r"\bhad\s+(?:\w+\s+)?$", s[max(0, tm.start() - 20):tm.start()], re.I)
        if theatre and theatre.ceasefire and when.day.isoformat() >= theatre.ceasefire and not past_perfect \
                and not any(t.kind in ("clash", "attack") for t, _ in trigs):  # 'had captured': before, by force
            event_type, sub = "Strategic developments", "Non-violent transfer of territory"
    return event_type, sub


def _read_frame(f: Frame, d: Discourse, lex: Lexicon) -> None:
    """The steps over one frame, in order; a step that finds no incident ends the frame."""
    w, date_rule = _frame_time(f, d, lex)
    claim, deny, occasion = _frame_speakers(f, w, d, lex)
    s, trigs, theatre = f.s, f.trigs, d.theatre
    carried, d.prev = d.prev, []
    if deny and carried and not pick_places(s, f.mentions, lex, theatre, trigs):
        for inc in carried:  # 'Yerevan denies it.': a denial of what was just reported
            inc.denied_by += [x for x in deny if x not in inc.denied_by and x not in inc.claimed_by]
    may = lex.may_match(s)
    if s.rstrip().endswith("?") or f.summary and not trigs or not trigs and not (
            d.pending and "continuation" in may and lex.rx["continuation"].search(s)):
        d.pending = None  # a question, a summary, or no event and none carried on: the common sentence stops here
        return
    places_here = pick_places(s, _frame_places(f, d, lex), lex, theatre, trigs)
    if not trigs:
        if not places_here:
            d.pending = None
            return
        trig, tm, when, claim0, a1_0, rule0 = d.pending
        trigs = [(trig, tm)]
        claim = claim or claim0
        when_rule = f"{rule0}, carried from the sentence before, which named no precise place"
    else:
        when, when_rule = _frame_when(f, w, date_rule, occasion, d, lex)
        if when is None and w is not None:
            d.pending = None
            return
        a1_0 = None
    d.pending = None
    if when is None or when.background or not in_period(when.day, d.published, theatre):
        return
    trig, tm = trigs[0]
    fat, inj = casualties(s, lex)
    if trig.kind == "casualty" and fat is None and inj is None and not lex.rx["vague_toll"].search(s):
        return  # 'death' or 'killed' with no toll: a figure of speech or a reference, not a report
    places = places_here
    if trig.kind in ("capture", "transfer"):
        places = objects_of_change(s, places, lex, tm)
    if not places and f.towns_before and trig.kind != "casualty":
        anaphor = lex.rx["settlement_anaphor"].search(s)
        town = _last_town(d.named_towns[:f.towns_before], lex, theatre) if anaphor else None
        if town is not None:  # 'the city was shelled again': the settlement named last
            places = [(Mention(anaphor.start(), anaphor.end(), anaphor.group(0), town.place), 1)]
    if not any(pr == 1 for _, pr in places):
        d.pending = (trig, tm, when, claim, None, when_rule)
    if not places:
        refers = trig.kind == "casualty" or re.search(r"\b(?:the|this|that)\s+(?:[\w-]+\s+)?$",
                                                       s[max(0, tm.start() - 25):tm.start()], re.I)
        if len(carried) == 1 and (fat is not None or inj is not None) and refers:
            for inc in carried:  # 'Two people died.', '... as a result of the attack' after the strike just told
                inc.fatalities = inc.fatalities if inc.fatalities is not None else fat
                inc.injured = inc.injured if inc.injured is not None else inj
                inc.evidence.append(d.as_written[f.k])
        return
    a1, actor_rule = _actor1(s, trig, tm, claim, places, a1_0, theatre, lex)
    accused = [x for x in deny if belligerent(x, lex) and lex.side(x) != lex.side(a1)] if a1 in claim else []
    if accused and trig.kind in ("attack", "clash", "casualty"):  # "X rejected Baku's accusation that it fired"
        a1, actor_rule = accused[0], f"the side that denies it, accused by {a1}"
    event_type, sub = _event_types(s, trig, tm, trigs, a1, when, theatre, lex)
    a2 = lex.opponents.get(a1) if a1 else None
    if re.search(r"\bcivilian", s, re.I) and trig.kind in ("attack", "casualty"):
        a2 = "Civilians"
    claimed = [c for c in claim if c == "Media" or belligerent(c, lex)]
    if deny and not claimed:
        told = [i for i in d.out if i.geonameid in {m.place.geonameid for m, _ in places}]
        for i in told:  # a denial of what the article already reported, not a new incident
            i.denied_by += [x for x in deny if x not in i.denied_by and x not in i.claimed_by]
            i.evidence.append(d.as_written[f.k])
        if told:
            return
    own_days = dates_of_antecedents(f.body, places, f.ref, lex)
    own_tolls = _tolls_per_place(s, places, lex) if len(places) > 1 else {}
    for m, prec in places:  # step 8, the incidents
        p = m.place
        day = own_days.get(m.start)
        if day is not None and not in_period(day.day, d.published, theatre):
            continue
        w_m, rule_m = (day, "the days of the relative clause after its list of places") if day else (when, when_rule)
        inc = Incident(
            id=incident_id(d.src.file, str(p.geonameid), w_m.day.isoformat(), merge_class(event_type, sub)),
            event_date=w_m.day.isoformat(), time_precision=w_m.precision,
            event_type=event_type, sub_event_type=sub, actor1=a1, actor2=a2,
            location=p.name, country=p.country, admin1=p.admin1, lat=p.lat, lon=p.lon,
            geo_precision=prec, fatalities=fat if len(places) == 1 else own_tolls.get(m.start, (None, None))[0],
            injured=inj if len(places) == 1 else own_tolls.get(m.start, (None, None))[1], claimed_by=list(claimed),
            denied_by=[x for x in deny if x not in claimed],
            sources=[d.src], evidence=[d.as_written[f.k]], geonameid=p.geonameid,
            notes=reason(trig, tm, sub, w_m, rule_m, m, prec, a1, actor_rule))
        d.prev.append(inc)
        d.out.append(inc)


_TOLL_AT = re.compile(r"\b(?:in|at)\s+(?:the\s+)?(?:(?:village|town|city|settlement)\s+of\s+)?$", re.I)


def _tolls_per_place(s: str, places, lex: Lexicon) -> dict[int, tuple[int | None, int | None]]:
    """'killed a woman in Martakert and wounded two men in Martuni': each place's own toll, told just before it
    ('... in X'); only when every place of the list has one, else none is its own."""
    out = {}
    last = 0
    for m, _ in sorted(places, key=lambda x: x[0].start):
        seg = s[last:m.start]
        toll = casualties(seg, lex) if _TOLL_AT.search(seg) else (None, None)
        if toll == (None, None):
            return {}
        out[m.start] = toll
        last = m.end
    return out


def _in_other_event(body: str, pos: int, lex: Lexicon) -> bool:
    """Whether `pos` lies in a clause that tells another event ('after Shusha fell on Sunday, the prime minister
    signed the deal'): its places are that event's, not those of the main clause's trigger."""
    c = own_clause(body, pos, lex)
    return c.subordinate and bool(lex.rx["other_event_opener"].match(body, c.start))


def _summary_scopes(s: str, lex: Lexicon) -> list[tuple[int, int]]:
    """The spans that tell the war as a whole ('six weeks of fighting', 'the conflict has killed'), each to the end
    of its clause: the triggers there are the summary's, those of the sentence's other clauses are events."""
    if "summary" not in lex.may_match(s):
        return []
    out = []
    for m in lex.rx["summary"].finditer(s):
        if lex.rx["summary_over"].search(s[max(0, m.start() - 30):m.start()]):
            return [(0, len(s))]  # 'in 44 days of fighting, troops shelled X': the whole sentence tells the war
        start = max((c.end() for c in lex.rx["summary_scope_end"].finditer(s, 0, m.start())), default=0)
        end = lex.rx["summary_scope_end"].search(s, m.end())
        out.append((start, end.start() if end else len(s)))
    return out


def _fighting_goes_on(out: list[Incident], lex: Lexicon) -> list[Incident]:
    """'Fighting goes on in X' told by the side that lost X, after the other side's claim to have taken it, is that
    side's denial of the capture, not a new clash: the clash is folded into the capture as `denied_by`."""
    captures = [i for i in out if merge_class(i.event_type, i.sub_event_type) == "territory" and i.actor1]
    if not captures:
        return out
    keep = []
    for inc in out:
        cap = next((c for c in captures if c.geonameid == inc.geonameid and c is not inc
                    and inc.sub_event_type == "Armed clash" and c.event_date <= inc.event_date
                    and inc.claimed_by and all(lex.side(x) not in (None, lex.side(c.actor1)) for x in inc.claimed_by)
                    and any(lex.rx["ongoing"].search(e) for e in inc.evidence)), None)
        if cap is None:
            keep.append(inc)
            continue
        cap.denied_by += [x for x in inc.claimed_by if x not in cap.denied_by and x not in cap.claimed_by]
        cap.evidence += [e for e in inc.evidence if e not in cap.evidence]
        cap.notes += f"; denied by {', '.join(inc.claimed_by)}: fighting said to go on there"
    return keep
