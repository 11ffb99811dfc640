"""Who holds a place over time, decided by the weight of the reports rather than by the last one.

News extraction misreads sentences: a capture put at the wrong noun phrase, a date from another paragraph,
a plan read as a handover. So no single report decides. Every report of a capture, handover, denial,
concession or attack becomes, per outlet (source file or URL), a `Report` that says which side holds one
place from one day, with a weight (the theatre file's `control.evidence`, documented there). A place
passes to the other side on the first day that side's weight reaches the threshold and exceeds the
holder's; since weights only add up, undoing a change needs more than the change had.

What a report means, besides its weight:
* a capture is for actor1's side; a handover whose actor1 is unknown, or held every place it names before
  the war (a side withdrawing), is for the other side. A claimant on the losing side makes it a concession.
  A report about a district is about the places of the side that loses it (see `_district`), not about the
  places of the district that the gaining side held already.
* a report that the pre-war holder took the place, dated before the other side's first claim to it (on the
  same day or earlier), does not weigh: the place never left it, so the report is a misread or no change.
* a denial by the losing side weighs for the holder; so does an attack by a side on a place it claims,
  reported after its first claim there ("fighting goes on in X").
* a capture by force dated from the theatre's `ceasefire` day (the truce that held) is a past capture: it
  is dated to the eve of the ceasefire and weighed as retrospective.
* an incident with `status: "planned"` and the theatre's `scheduled` transfers are plans: they count as one
  report on their day unless the holder has more, and the holding they give is `scheduled` until a report
  says it happened. A scheduled transfer is about the district's places its side did not hold before the
  war: the others are not handed over, so it is no evidence about them. A report of the scheduled side
  taking a place of the district between the agreement and the due day is read as the plan (weight 0).
* a `protected` place (theatre data: a capital) moves only on precision-1 reports from a sentence that
  names it and reports the capture of no other place; others are kept with weight 0 and a note.

Status of a holding: `confirmed` when some report for it is a concession, independent (Media, an actor of
no side, or the journalist's own narrative) or not denied by the losing side; `claimed` while every report
for it is one side's claim that the other denies; `scheduled` while only plans support it.

The functions take incidents as geo.records.Incident or the store's merged events (anything with the same
attributes) and a `setup` that maps a report to places (geo.frontline's: `targets`, `side_of`, `other`,
`places` with `.side` and `.geonameid`); they do not depend on the extractor.
"""
from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

TRANSFER = "Non-violent transfer of territory"
CAPTURES = frozenset({"Government regains territory", "Non-state actor overtakes territory", TRANSFER})
VIOLENT = frozenset({"Battles", "Explosions/Remote violence"})
CONFIRMED, CLAIMED, SCHEDULED = "confirmed", "claimed", "scheduled"
CLAIM_ROLES = ("capture", "concession", "scheduled")  # reports that say the place changed hands


class EvidenceRulesError(ValueError):
    """The theatre file's control rules are unusable; the message names the file and the key."""


@dataclass(frozen=True)
class Schedule:
    """A transfer an agreement schedules, from the theatre file: `geonameid` (a district) passes to `to` on `due`."""

    geonameid: int
    name: str
    to: str
    agreed: date
    due: date
    source: str


@dataclass(frozen=True)
class Rules:
    threshold: float
    precision: dict
    time_precision: dict
    retro_days: int
    retro_factor: float
    denial_factor: float
    presence_factor: float
    ceasefire: date | None  # the first day of the truce that held
    protected: dict  # geonameid -> compiled pattern of its names
    scheduled: tuple[Schedule, ...]
    start: date | None

    @classmethod
    def from_theatre(cls, theatre: dict, path) -> Rules:
        """Read `control.evidence`, `protected`, `scheduled` and `ceasefire` of a theatre file (`path` names it in
        errors)."""
        c = theatre.get("control", {})
        where = "control.evidence"
        try:
            ev = c["evidence"]
            where = "ceasefire"
            ceasefire = date.fromisoformat(theatre["ceasefire"]) if theatre.get("ceasefire") else None
            where = "control.protected"
            protected = {int(p["geonameid"]): re.compile(
                r"(?<!\w)(?:" + "|".join(re.escape(n) for n in p["names"]) + r")(?!\w)", re.I)
                for p in c.get("protected", [])}
            where = "control.scheduled"
            scheduled = tuple(Schedule(int(s["geonameid"]), s["name"], s["to"], date.fromisoformat(s["agreed"]),
                                       date.fromisoformat(s["due"]), s["source"]) for s in c.get("scheduled", []))
            bad = [s.to for s in scheduled if s.to not in theatre["sides"]]
            if bad:
                raise ValueError(f"unknown side {bad[0]!r}")
            where = "control.evidence"
            rules = cls(float(ev["threshold"]), {int(k): float(v) for k, v in ev["precision"].items()},
                        {int(k): float(v) for k, v in ev["time_precision"].items()}, int(ev["retrospective_days"]),
                        float(ev["retrospective_factor"]), float(ev["denial_factor"]), float(ev["presence_factor"]),
                        ceasefire, protected, scheduled,
                        date.fromisoformat(theatre["start"]) if theatre.get("start") else None)
        except (KeyError, TypeError, ValueError) as e:
            raise EvidenceRulesError(f"{path}: {where}: {type(e).__name__}: {e}") from None
        if not 0 < rules.threshold:
            raise EvidenceRulesError(f"{path}: control.evidence.threshold must be positive")
        return rules


@dataclass(frozen=True)
class Report:
    """One outlet's word that `side` holds place `place` (an index into setup.places) from `day`."""

    day: date
    place: int
    side: str
    weight: float
    role: str  # capture | concession | denial | presence | scheduled | plan
    outlet: str
    incident_id: str
    denied: bool = False
    independent: bool = False
    note: str = ""

    def as_dict(self, counted: bool) -> dict:
        return {"incident": self.incident_id, "day": self.day.isoformat(), "side": self.side, "role": self.role,
                "weight": round(self.weight, 3), "counted": counted, "outlet": self.outlet, "note": self.note}


@dataclass(frozen=True)
class Holding:
    """Who holds a place from `since` (None: the baseline), with the status as of the day asked."""

    since: date | None
    holder: str
    status: str
    by: str | None  # the incident of the first report of the change
    confirmed_on: date | None = None


@dataclass(frozen=True)
class PlaceHistory:
    place: int
    timeline: tuple[Holding, ...]  # the first is the baseline
    reports: tuple[Report, ...] = field(default=())
    counted: frozenset = frozenset()  # indexes into `reports` that weighed

    @property
    def now(self) -> Holding:
        return self.timeline[-1]


def _day(text) -> date | None:
    try:
        return date.fromisoformat(str(text)[:10])
    except ValueError:
        return None


def _outlets(inc) -> list[tuple[str, date | None]]:
    """(outlet, publication day) per source; an incident without sources is its own outlet."""
    out = {}
    for s in inc.sources or []:
        key = getattr(s, "url", None) or getattr(s, "file", None) or str(inc.id)
        out.setdefault(key, _day(getattr(s, "published", None)))
    return list(out.items()) or [(f"incident:{inc.id}", None)]


def _claim(setup, inc, side: str) -> tuple[bool, bool, bool]:
    """(concession, independent, denied) of a report that `side` gained a place."""
    loser = setup.other(side)
    claimants = list(inc.claimed_by or [])
    sides = [setup.side_of(c) for c in claimants]
    concession = loser is not None and loser in sides
    independent = not claimants or "Media" in claimants or any(s is None for c, s in zip(claimants, sides)
                                                                  if c != "Media")
    denied = any(setup.side_of(d) == loser for d in inc.denied_by or [])
    return concession, independent, denied


def _weight(rules: Rules, inc) -> float:
    return rules.precision.get(inc.geo_precision or 3, 0.0) * rules.time_precision.get(inc.time_precision or 3, 0.0)


def reports(incidents, setup, rules: Rules, day: date) -> list[Report]:
    """Every report dated up to `day` (inclusive), per outlet and place, with its weight and role."""
    upto = day.isoformat()
    incidents = [i for i in incidents if i.event_date and str(i.event_date)[:10] <= upto and _day(i.event_date)]
    captures = [i for i in incidents if i.sub_event_type in CAPTURES]
    targets = {id(i): setup.targets_of(i) for i in captures}
    by_sentence: dict[tuple, set[int]] = defaultdict(set)  # (outlet, sentence) -> places it reports captured
    for i in captures:
        for outlet, _ in _outlets(i):
            for text in i.evidence or []:
                by_sentence[(outlet, text)].update(targets[id(i)])
    plans = _plan_windows(setup, rules)
    out: list[Report] = [Report(sch.due, t, sch.to, rules.threshold, "scheduled", "theatre file",
                                f"scheduled:{sch.geonameid}", note=sch.source)
                         for sch in rules.scheduled if sch.due <= day
                         for t in setup.district(sch.geonameid, moved_only=True) if setup.places[t].side != sch.to]
    for inc in captures:
        if not (rules.start and _day(inc.event_date) < rules.start):
            out += _capture_reports(inc, targets[id(inc)], setup, rules, plans, by_sentence)
    claimed = {r.place for r in out if r.role in CLAIM_ROLES}  # an attack weighs only against a claim
    for inc in attacks(incidents, setup, claimed):
        other = setup.other(setup.side_of(inc.actor1))
        if other is None or (rules.start and str(inc.event_date) < rules.start.isoformat()):
            continue
        d = _day(inc.event_date)
        for t in setup.targets_of(inc):
            if t not in claimed:
                continue
            w = rules.presence_factor * rules.time_precision.get(inc.time_precision or 3, 0.0)
            for outlet, _ in _outlets(inc):
                out.append(Report(d, t, other, w, "presence", outlet, str(inc.id),
                                  note=f"{inc.actor1} attacks it: held by the other side"))
    return out


def _capture_reports(inc, targets: tuple[int, ...], setup, rules: Rules, plans, by_sentence) -> list[Report]:
    """The reports of one capture or handover: per place it is about and per outlet, and the denials."""
    transfer = inc.sub_event_type == TRANSFER
    actor = setup.side_of(inc.actor1)
    if actor is None and not transfer:
        return []
    reported = d = _day(inc.event_date)
    note, w0 = "", _weight(rules, inc)
    if not transfer and rules.ceasefire and d >= rules.ceasefire:
        d = rules.ceasefire - timedelta(days=1)
        w0, note = w0 * rules.retro_factor, "capture by force after the ceasefire: a past capture"
    planned = getattr(inc, "status", "reported") == "planned"
    withdrawal = transfer and all(setup.places[t].side == actor for t in targets)
    if len(targets) > 1:
        targets, withdrawal = _district(setup, inc, targets, actor)
    out = []
    for t in targets:
        base = setup.places[t].side
        side = setup.other(base) if actor is None or withdrawal else actor
        if side is None:
            continue
        concession, independent, denied = _claim(setup, inc, side)
        for outlet, published in _outlets(inc):
            w, why = w0, note
            if published and (published - reported).days > rules.retro_days:
                w, why = w * rules.retro_factor, why or f"published {published.isoformat()}: retrospective"
            role = "scheduled" if planned else "concession" if concession else "capture"
            if planned:
                w, why = rules.threshold, "planned transfer"
            elif any(s.to == side and s.agreed <= d < s.due for s, places in plans if t in places):
                w, role, why = 0.0, "plan", "before the day the agreement schedules: the plan, not the handover"
            elif side != base and setup.places[t].geonameid in rules.protected:
                why = _protected_reason(rules, setup, inc, outlet, t, by_sentence) or why
                w = 0.0 if why.startswith("protected") else w
            out.append(Report(d, t, side, w, role, outlet, str(inc.id), denied, independent, why))
            if denied and role != "plan":
                out.append(Report(d, t, setup.other(side), w * rules.denial_factor, "denial", outlet, str(inc.id),
                                  note="the losing side denies"))
    return out


def _district(setup, inc, targets: tuple[int, ...], actor: str | None) -> tuple[tuple[int, ...], bool]:
    """The places a report about a district hands over, and whether it is a withdrawal. A district may have
    places of both sides: the side that loses it is the holder of its seat (the place nearest the report)
    when the actor is unknown or holds the seat (a withdrawal), else the actor's rival; only the loser's places
    change hands, so the report is no evidence about the others."""
    scale = math.cos(math.radians(inc.lat))

    def far(t):
        return (setup.places[t].lat - inc.lat) ** 2 + ((setup.places[t].lon - inc.lon) * scale) ** 2
    seat = setup.places[min(targets, key=far)].side
    withdrawal = actor is not None and actor == seat
    loser = seat if actor is None or withdrawal else setup.other(actor)
    return tuple(t for t in targets if setup.places[t].side == loser), withdrawal


def attacks(incidents, setup, places) -> list:
    """The attacks (battles, shelling, strikes at precision 1) by a side on one of `places` (indexes)."""
    return [i for i in incidents if i.event_type in VIOLENT and i.sub_event_type not in CAPTURES
            and (i.geo_precision or 3) == 1 and setup.side_of(i.actor1) is not None
            and any(t in places for t in setup.targets_of(i))]


def relevant(incidents, setup) -> list:
    """The incidents that can weigh on control: the capture reports and the attacks on the places they are
    about (a caller with many incidents hands over only these; the control is the same)."""
    captures = [i for i in incidents if i.sub_event_type in CAPTURES]
    return captures + attacks(incidents, setup, {t for i in captures for t in setup.targets_of(i)})


def _plan_windows(setup, rules: Rules) -> list[tuple[Schedule, frozenset]]:
    """Each schedule with every place of its district (the exempt ones too: a report of them is the plan)."""
    return [(s, frozenset(setup.district(s.geonameid, moved_only=False))) for s in rules.scheduled]


def _protected_reason(rules: Rules, setup, inc, outlet: str, t: int, by_sentence) -> str:
    """Why a report cannot move a protected place ("protected: ..."), or "" when it may."""
    if (inc.geo_precision or 3) != 1:
        return "protected: not precision 1"
    names = rules.protected[setup.places[t].geonameid]
    own = [s for s in inc.evidence or [] if names.search(s) and by_sentence[(outlet, s)] <= {t}]
    if own:
        return ""
    if any(names.search(s) for s in inc.evidence or []):
        return "protected: its sentence reports the capture of another place"
    return "protected: its sentence does not name it"


_UNHELD = "a change of hands to the side that holds it: no change to weigh"


def _claimed_from(reps: list[Report]) -> dict[str, date]:
    """Per side, the day of its first weighing report that the place changed hands to it."""
    out: dict[str, date] = {}
    for r in reps:
        if r.role in CLAIM_ROLES and r.weight > 0:
            out.setdefault(r.side, r.day)
    return out


def _unheld(reps: list[Report], baseline: str, other) -> list[Report]:
    """The reports with a note on those that cannot weigh because the place never left that side: a report of
    the pre-war holder taking a place before the other side's first claim to it is a misread or no change."""
    rival = _claimed_from(reps).get(other(baseline))
    return [replace(r, note=_UNHELD)
            if r.side == baseline and r.role in CLAIM_ROLES and r.weight > 0 and (rival is None or r.day <= rival)
            else r for r in reps]


def _weighing(reps: list[Report], other) -> list[int]:
    """Indexes of the reports that weigh. An attack counts for the defender only after the attacker's first
    claim to the place: before it, the attack is the fighting that leads to a capture, not evidence against one.
    A change of hands to the side that holds the place (marked by `_unheld`) does not weigh."""
    claimed_from = _claimed_from(reps)
    return [n for n, r in enumerate(reps) if r.weight > 0 and r.note != _UNHELD and (
        r.role != "presence" or (claimed_from.get(other(r.side)) or r.day) < r.day)]


class _Tally:
    """Per side, as reports come in date order: the weight (each outlet's heaviest report) and what the
    reports that say the place changed hands are (for the status)."""

    def __init__(self):
        self.best: dict[tuple[str, str], tuple[float, int]] = {}
        self.score: dict[str, float] = defaultdict(float)
        self.kinds: dict[str, set] = defaultdict(set)

    def add(self, n: int, r: Report) -> None:
        k = (r.side, r.outlet)
        old = self.best.get(k, (0.0, -1))[0]
        if r.weight > old:
            self.best[k] = (r.weight, n)
            self.score[r.side] += r.weight - old
        if r.role in CLAIM_ROLES:
            kinds = self.kinds[r.side]
            kinds.add("scheduled" if r.role == "scheduled" else "said")
            if r.role != "scheduled":
                kinds.add("sure" if r.role == "concession" or r.independent or not r.denied else "denied")

    def status(self, side: str) -> str:
        kinds = self.kinds[side]
        if "said" not in kinds:
            return SCHEDULED if "scheduled" in kinds else CONFIRMED
        return CONFIRMED if "sure" in kinds else CLAIMED


def history(place: int, place_reports: list[Report], baseline: str, rules: Rules, other, day: date) -> PlaceHistory:
    """The holdings of one place from the baseline to `day` (see the module docstring for the rule)."""
    reps = sorted((r for r in place_reports if r.day <= day), key=lambda r: (r.day, r.incident_id, r.outlet, r.role))
    reps = _unheld(reps, baseline, other)
    weighing = _weighing(reps, other)
    tally = _Tally()
    timeline = [Holding(None, baseline, CONFIRMED, None)]
    k = 0
    while k < len(weighing):
        d = reps[weighing[k]].day
        while k < len(weighing) and reps[weighing[k]].day == d:
            tally.add(weighing[k], reps[weighing[k]])
            k += 1
        now = timeline[-1]
        rival = other(now.holder)
        if rival is not None and tally.score[rival] >= rules.threshold and tally.score[rival] > tally.score[now.holder]:
            by = next(r.incident_id for r in reps if r.side == rival and r.weight > 0 and r.note != _UNHELD)
            now = Holding(d, rival, CONFIRMED, by)
        status = tally.status(now.holder) if now.since else CONFIRMED
        confirmed_on = now.confirmed_on or (d if status == CONFIRMED and now.since else None)
        h = Holding(now.since, now.holder, status, now.by, confirmed_on if status == CONFIRMED else None)
        if (h.holder, h.since, h.status) != (timeline[-1].holder, timeline[-1].since, timeline[-1].status):
            timeline.append(h)
    return PlaceHistory(place, tuple(timeline), tuple(reps), frozenset(n for _, n in tally.best.values()))


def histories(incidents, setup, rules: Rules, day: date) -> dict[int, PlaceHistory]:
    """Every place with a report up to `day`: its history. Places without reports keep their baseline holder."""
    by_place: dict[int, list[Report]] = defaultdict(list)
    for r in reports(incidents, setup, rules, day):
        by_place[r.place].append(r)
    return {t: history(t, reps, setup.places[t].side, rules, setup.other, day) for t, reps in by_place.items()}
