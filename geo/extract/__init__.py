"""Find incidents in an article: a pipeline of named steps over the article's sentences.

Each step is a module that does one thing to a sentence or a clause: ``clauses`` (where a clause
starts and whether it is subordinate), ``triggers`` (event words, without negated, aimed or planned
ones), ``when`` (the date of the trigger's own clause), ``speech`` (who claims, who denies),
``places`` (where it happened and how precisely), ``actors`` (who acted), ``tolls`` (casualties),
``reasons`` (why). ``extract`` below is the article-level step over them: paragraph dates, quotations,
the last speaker and the last town named, denials of what was just reported, a trigger carried to
the next sentence. Rules are about language, never about one article; vocabulary comes from
``geo/data`` through ``geo.lexicon``.
"""
from __future__ import annotations

import hashlib
import re
from datetime import date

from .. import dates
from ..lexicon import Lexicon, load
from ..merge import TERRITORY, VIOLENT, absorb, merge_class, merge_within  # noqa: F401 - importable from here too
from ..records import Article, Incident, Mention, Source
from .actors import actor_at, attacker, belligerent
from .clauses import blank, frame_regions, own_clause
from .places import MAX_GAP, default_theatre, mentions_per_sentence, objects_of_change, pick_places, place_ok
from .reasons import reason
from .speech import attributions, pronoun_speaker, speakers, unique
from .tolls import casualties
from .triggers import main_first, trigger_spans
from .when import date_of, dates_of_antecedents, days_before_main, in_period

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
        return [(s, mentions, False)]
    return [(blank(s, [(0, a), (b, len(s))]), [m for m in mentions if a <= m.start < b], True) for a, b in regions]


def _last_town(named: list[tuple[str, list[Mention]]], lex: Lexicon, theatre) -> Mention | None:
    """The settlement named last before a sentence, not as a venue: looked for only when 'the town' asks."""
    for s, mentions in reversed(named):
        for m in reversed(mentions):
            if m.place.feature_class == "P" and m.place.geo_precision == 1 and place_ok(s, m, lex, theatre):
                return m
    return None


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
    all_mentions = mentions_per_sentence(sentences, gazetteer)
    theatre = default_theatre(lex, [m for ms in all_mentions for m in ms])
    src = Source(article.file, article.url, article.title, published.isoformat())
    last_speakers: list[str] = []
    named_towns: list[tuple[str, list[Mention]]] = []  # sentences naming settlements: what 'the town' may refer to
    deniers: list[str] = []
    out: list[Incident] = []
    prev: list[Incident] = []
    pending = None  # a trigger whose sentence named no precise place: the next sentence may name it
    anchor, anchor_rule = None, ""
    attribution = attributions(sentences)
    for k, (s, mentions) in enumerate(zip(sentences, all_mentions)):
        if k in starts:
            anchor, anchor_rule = None, ""
        towns_before = len(named_towns)
        if any(m.place.feature_class == "P" for m in mentions):
            named_towns.append((s, mentions))
        whole_s, whole_mentions = s, mentions
        for s, mentions, partial in _frames(whole_s, whole_mentions, lex, theatre):
            said = attribution.get(k)
            ref, said_day = published, False
            if said:  # a quotation: its 'this morning' is the speaker's, its speaker is named after it
                sw = dates.resolve(said, published)
                said_day = sw is not None and sw.explicit and not sw.background
                ref = sw.day if said_day else published
            trigs = trigger_spans(s, lex)
            summary = _summary_scopes(s, lex)
            if summary:  # 'the truce that ended six weeks of fighting': the war told as a whole is no incident
                trigs = [t for t in trigs if not any(a <= t[1].start() < b for a, b in summary)]
            body = s if not said else s.replace(said, " " * len(said))
            if trigs:
                trigs = main_first(body, trigs, lex)
            w, date_rule = date_of(body, trigs, ref, theatre, lex)
            whole_body = whole_s if not said else whole_s.replace(said, " " * len(said))
            before_main = days_before_main(whole_body, own_clause(whole_body, trigs[0][1].start(), lex).start, ref,
                                           lex) if partial and trigs and w is not None and not w.explicit else None
            if before_main:  # '... came six days after a missile struck Y': the main clause's day less six
                w, date_rule = before_main
            elif partial and w is not None and not w.explicit:  # a frame with no time of its own: the sentence's
                w, date_rule = date_of(whole_body,
                                       main_first(whole_s, trigger_spans(whole_s, lex), lex) or trigs, ref, theatre, lex)
            if said_day and w is not None and not w.explicit:
                w, date_rule = dates.When(w.day, w.precision, explicit=True), "the quoted speaker's day"
            if w is not None and w.explicit and not w.background:
                anchor, anchor_rule = w, date_rule
            occasion = prev if prev and trigs and (w is None or not w.explicit) and \
                lex.rx["same_occasion"].search(s) else None  # 'X was also shelled': the same report as just before
            claim, deny = speakers(s, lex)
            if partial and not (claim or deny):
                claim, deny = speakers(whole_s, lex)
            inherited = False
            if said and not (claim or deny):
                claim, deny = speakers(said, lex)
            if claim or deny:
                last_speakers = [x for x in claim + deny if x != "Media"] or last_speakers
            elif pronoun_speaker(s):
                claim, inherited = list(last_speakers), True
            elif occasion:
                claim = unique([c for i in occasion for c in i.claimed_by])
            may = lex.may_match(s)
            if "denial" in may and lex.rx["denial"].search(s) and not re.search(r"\b(?:accus|blam)\w*", s, re.I) and (
                    inherited or not trigs):
                # 'Baku called the report fake', '... a lie, it added': the speaker denies
                deny, claim = unique(deny + [c for c in claim if c != "Media"]), []
            deniers += [d for d in deny if d not in deniers]
            carried, prev_now = prev, []
            prev = []
            if deny and carried and not pick_places(s, mentions, lex, theatre, trigs):
                for inc in carried:  # 'Yerevan denies it.': a denial of what was just reported
                    inc.denied_by += [d for d in deny if d not in inc.denied_by and d not in inc.claimed_by]
            if s.rstrip().endswith("?") or summary and not trigs:
                pending = None
                continue
            if trigs:  # in a long sentence a place far from every trigger belongs to another clause
                mentions = [m for m in mentions if any(min(abs(m.start - t.end()), abs(t.start() - m.end)) <= MAX_GAP
                                                       for _, t in trigs)]
            elif not (pending and "continuation" in may and lex.rx["continuation"].search(s)):
                pending = None  # no event here, and none carried on: the common sentence stops here
                continue
            if trigs and not own_clause(body, trigs[0][1].start(), lex).subordinate:
                mentions = [m for m in mentions if not _in_other_event(body, m.start, lex)]
            places_here = pick_places(s, mentions, lex, theatre, trigs)
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
                if when is not None and not when.explicit and occasion:
                    when = dates.When(date.fromisoformat(occasion[0].event_date), occasion[0].time_precision,
                                      explicit=True)
                    when_rule = "'also', with no time of its own: the day of the incident told just before"
                if when is not None and not when.explicit and anchor is not None:
                    when = anchor  # a sentence with no time of its own speaks of the paragraph's last date
                    when_rule = f"no time in its clause: the paragraph's last date ({anchor_rule})"
                a1_0 = None
            pending = None
            if when is None or when.background or not in_period(when.day, published, theatre):
                continue
            trig, tm = trigs[0]
            fat, inj = casualties(s, lex)
            if trig.kind == "casualty" and fat is None and inj is None and not lex.rx["vague_toll"].search(s):
                continue  # 'death' or 'killed' with no toll: a figure of speech or a reference, not a report
            places = places_here
            if trig.kind in ("capture", "transfer"):
                places = objects_of_change(s, places, lex, tm)
            if not places and towns_before and trig.kind != "casualty":
                ref = lex.rx["settlement_anaphor"].search(s)
                town = _last_town(named_towns[:towns_before], lex, theatre) if ref else None
                if town is not None:  # 'the city was shelled again': the settlement named last
                    places = [(Mention(ref.start(), ref.end(), ref.group(0), town.place), 1)]
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
            bel = [c for c in claim if belligerent(c, lex)]
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
                rec = [a for a in actor_at(s[tm.end() + to.end():tm.end() + to.end() + 30], lex) if belligerent(a[2], lex)]
                if rec and rec[0][0] == 0:
                    a1, actor_rule = rec[0][2], "the recipient of the handover"
            if a1 is None and trig.kind in ("capture", "transfer"):
                subj = [a for a in actor_at(s[:tm.start()], lex) if belligerent(a[2], lex)
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
                past_perfect = re.search(r"\bhad\s+(?:\w+\s+)?$", s[max(0, tm.start() - 20):tm.start()], re.I)
                if theatre and theatre.ceasefire and when.day.isoformat() >= theatre.ceasefire and not past_perfect \
                        and not any(t.kind in ("clash", "attack") for t, _ in trigs):  # 'had captured': before, by force
                    event_type, sub = "Strategic developments", "Non-violent transfer of territory"
            a2 = lex.opponents.get(a1) if a1 else None
            if re.search(r"\bcivilian", s, re.I) and trig.kind in ("attack", "casualty"):
                a2 = "Civilians"
            claimed = [c for c in claim if c == "Media" or belligerent(c, lex)]
            if deny and not claimed:
                told = [i for i in out if i.geonameid in {m.place.geonameid for m, _ in places}]
                for i in told:  # a denial of what the article already reported, not a new incident
                    i.denied_by += [d for d in deny if d not in i.denied_by and d not in i.claimed_by]
                    i.evidence.append(as_written[k])
                if told:
                    continue
            own_days = dates_of_antecedents(body, places, ref, lex)
            for m, prec in places:
                p = m.place
                day = own_days.get(m.start)
                if day is not None and not in_period(day.day, published, theatre):
                    continue
                w_m, rule_m = (day, "the days of the relative clause after its list of places") if day else \
                    (when, when_rule)
                inc = Incident(
                    id=incident_id(article.file, str(p.geonameid), w_m.day.isoformat(),
                                   merge_class(event_type, sub)),
                    event_date=w_m.day.isoformat(), time_precision=w_m.precision,
                    event_type=event_type, sub_event_type=sub, actor1=a1, actor2=a2,
                    location=p.name, country=p.country, admin1=p.admin1, lat=p.lat, lon=p.lon,
                    geo_precision=prec, fatalities=fat if len(places) == 1 else None,
                    injured=inj if len(places) == 1 else None, claimed_by=list(claimed),
                    denied_by=[d for d in deny if d not in claimed],
                    sources=[src], evidence=[as_written[k]], geonameid=p.geonameid,
                    notes=reason(trig, tm, sub, w_m, rule_m, m, prec, a1, actor_rule))
                prev_now.append(inc)
                out.append(inc)
            prev = prev_now
    for inc in out:  # a side that denies in the article denies the attacks it is accused of there
        if merge_class(inc.event_type, inc.sub_event_type) == "violent":
            inc.denied_by += [d for d in deniers if d not in inc.denied_by and d not in inc.claimed_by
                              and inc.actor1 and lex.side(d) == lex.side(inc.actor1)]
    return merge_within(_fighting_goes_on(out, lex), lex.sub_event_ranks)


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
