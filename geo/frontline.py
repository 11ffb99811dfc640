"""Front line: the territory each side holds on a given day, and the line between, from capture reports.

Surface. The pre-war baseline (`data/control_baseline.geojson`, see geo.build.control) gives each side's
area exactly. Every populated place of the theatre (gazetteer class P, in the theatre's
`control.place_countries`, inside its bbox) starts with the side whose baseline area holds it and owns
a Voronoi cell. Cells are built from that side's places only, per part of its area (an exclave with no
place never changes hands), so each baseline area is tiled by its own places. A day's surface is the
baseline with the cells of the places whose control differs carved out and given to their new holder:
the pre-war line stays exact, and a capture only turns land that the loser held before the war.
Armenia proper is not part of the surface. It was never at stake, and including it would draw the
international border as front line.

Which places a report is about. The rule is conservative: no report flips a whole region.
* geo_precision 1: the place itself (by geonameid), else the nearest place within `town_radius_km`; a
  capture of a landmark (a church, a height) is about no town.
* geo_precision 2, a non-violent transfer of a district: the district's places (same admin1) within
  `district_radius_km` of the report, except `district_exempt` (Lachin town stayed in the corridor: a
  handover naming it is about the district and moves no town).
* Any other precision 2 ("near X", fighting somewhere in a district) and all of precision 3: the report
  is listed in `changes` with no places and moves nothing.
Reports dated before the theatre's start are ignored, because the baseline already holds them.

Who holds each place, and with which status (`confirmed`, `claimed`, `scheduled`), is decided by the
weight of all its reports up to the day (geo.frontline_evidence), never by the last one alone.

The front line is where the two sides' areas meet. Claimed and scheduled gains count for their side (drawn
with their status), so the line runs where the colours meet. The export uses every report up to its day,
whatever the incident filters, because control does not depend on what one is looking at; each control
area lists, in `evidence`, the places in it that changed hands or that a report said did, with their
holdings and the reports for and against.
"""
from __future__ import annotations

import functools
import json
import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import NamedTuple

from .geometry import GRID, geojson_geometry, polygons
from .paths import ROOT
from . import theatre as theatres
from .theatre import DEFAULT_THEATRE, theatre_file

from . import frontline_evidence as ev
from .frontline_evidence import CAPTURES, CLAIMED, CONFIRMED, SCHEDULED, TRANSFER, EvidenceRulesError

__all__ = ["CAPTURES", "CLAIMED", "CONFIRMED", "SCHEDULED", "TRANSFER", "FrontLineError", "FrontSnapshot",
           "TerritorialChange", "evidence_rows", "export_layers", "features", "relevant", "snapshot"]


class FrontLineError(RuntimeError):
    """The theatre has no usable baseline; the message names the file."""


@dataclass(frozen=True)
class TerritorialChange:
    """A reported change of hands. `status` and `confirmed_on` are as of the snapshot's day."""

    day: date
    side: str
    status: str
    location: str
    lat: float
    lon: float
    geonameid: int | None
    geo_precision: int
    sub_event_type: str
    actor: str | None
    claimed_by: tuple[str, ...]
    denied_by: tuple[str, ...]
    places: tuple[int, ...]  # geonameids of the populated places it hands over (empty: listed, not mapped)
    incident_id: str
    confirmed_on: date | None = None


class ControlArea(NamedTuple):
    """One side's area of one status: a (controller, status, geometry) tuple with names."""

    controller: str
    status: str
    geometry: object


@dataclass(frozen=True)
class FrontSnapshot:
    """Control and front line on `day`: one confirmed area per side, plus each side's claimed and scheduled
    gains if any."""

    day: date
    theatre: str  # theatre file stem
    control: tuple[ControlArea, ...]
    line: object  # LineString or MultiLineString, empty when the sides do not touch
    changes: tuple[TerritorialChange, ...]
    places: tuple[ev.PlaceHistory, ...] = ()  # every place a report is about, with its holdings and reports


@dataclass(frozen=True)
class _Place:
    geonameid: int
    name: str  # as the map shows it (geo.gazetteer.display), in the evidence tables too
    lat: float
    lon: float
    admin1: str | None
    side: str  # the baseline holder


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


class _Setup:
    """What does not change with the reports: baseline areas, places, their cells (built once per theatre)."""

    def __init__(self, key: str):
        import shapely
        from shapely.geometry import MultiPoint, Point, box, shape

        from .gazetteer import Gazetteer
        from .lexicon import load
        tfile, t = theatre_file(key), theatres.load(key)
        self.key, self.name, self.sides, self.start = key, t["name"], t["sides"], t.get("start")
        rules = t.get("control", {})
        try:
            self.rules = ev.Rules.from_theatre(t, tfile)
        except EvidenceRulesError as e:
            raise FrontLineError(str(e)) from None
        self.baseline_path = t.get("baseline", "data/control_baseline.geojson")
        path = ROOT / self.baseline_path
        try:
            fc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise FrontLineError(f"{path}: no control baseline ({e}); run `python -m geo control build`") from e
        self.base = {f["properties"]["controller"]: shapely.set_precision(shape(f["geometry"]), GRID)
                     for f in fc["features"]}
        pairs = [(a, [b for b in self.base if b != a]) for a in self.base]
        self._other = {a: rest[0] for a, rest in pairs if len(rest) == 1}
        self.town_km = float(rules.get("town_radius_km", 3))
        self.district_km = float(rules.get("district_radius_km", 25))
        self.exempt = frozenset(rules.get("district_exempt", []))
        countries = set(rules.get("place_countries", t["countries"]))
        x0, y0, x1, y1 = t["bbox"]
        gaz = Gazetteer.load()
        self.features = {p.geonameid: p for p in gaz.places if p.country in countries}
        self.actor_side = {a: v.get("side") for a, v in load().actors.items() if v.get("side") in self.sides}
        places = []
        for p in sorted((p for p in gaz.places if p.feature_class == "P" and p.country in countries
                         and x0 <= p.lon <= x1 and y0 <= p.lat <= y1), key=lambda p: p.geonameid):
            pt = Point(p.lon, p.lat)
            side = next((s for s, g in self.base.items() if g.covers(pt)), None) or \
                min(self.base, key=lambda s: self.base[s].distance(pt))
            places.append(_Place(p.geonameid, gaz.display_name(p), p.lat, p.lon, p.admin1, side))
        self.places = tuple(places)
        self.by_id = {p.geonameid: i for i, p in enumerate(places)}
        extent = box(x0 - 1, y0 - 1, x1 + 1, y1 + 1)
        self._voronoi: dict[int, tuple[object, object]] = {}
        for side, area in self.base.items():
            parts = list(area.geoms)
            by_part: dict[int, list[int]] = {}
            for i, p in enumerate(places):
                if p.side == side:
                    pt = Point(p.lon, p.lat)
                    k = next((k for k, g in enumerate(parts) if g.covers(pt)), None)
                    by_part.setdefault(min(range(len(parts)), key=lambda k: parts[k].distance(pt))
                                       if k is None else k, []).append(i)
            for k, idx in by_part.items():
                uniq = sorted({(places[i].lon, places[i].lat) for i in idx})
                if len(uniq) > 1:
                    cells = shapely.voronoi_polygons(MultiPoint(uniq), extend_to=extent, ordered=True).geoms
                    at = dict(zip(uniq, cells, strict=True))
                else:
                    at = dict.fromkeys(uniq, extent)
                for i in idx:
                    self._voronoi[i] = (at[(places[i].lon, places[i].lat)], parts[k])
        self._cells: dict[int, object] = {}
        self._targets: dict[tuple, tuple[int, ...]] = {}

    def cell(self, i: int):
        """Place i's Voronoi cell within its part of its side's baseline area."""
        c = self._cells.get(i)
        if c is None:
            import shapely
            c = self._cells[i] = polygons(shapely.intersection(*self._voronoi[i], grid_size=GRID))
        return c

    def other(self, side: str | None) -> str | None:
        return self._other.get(side)

    def side_of(self, actor: str | None) -> str | None:
        return self.actor_side.get(actor) if actor else None

    def targets_of(self, inc) -> tuple[int, ...]:
        """The places an incident's report is about. A capture of a landmark, a mountain or a region is not
        the capture of a town: only settlements and districts change hands."""
        feat = self.features.get(inc.geonameid)
        capture = inc.sub_event_type in CAPTURES
        if capture and (inc.geo_precision or 1) <= 1 and feat is not None and feat.feature_class not in ("P", "A"):
            return ()
        return self.targets(inc.geonameid, inc.lat, inc.lon, inc.geo_precision, inc.admin1,
                            inc.sub_event_type == TRANSFER)

    def district(self, geonameid: int, moved_only: bool) -> tuple[int, ...]:
        """The places a handover of district `geonameid` moves (moved_only) or names (with the exempt ones)."""
        f = self.features.get(geonameid)
        if f is None:
            raise FrontLineError(f"{theatre_file(self.key)}: control.scheduled: no district {geonameid} in the "
                                 "gazetteer")
        near = [i for i, p in enumerate(self.places) if p.admin1 == f.admin1
                and _km(f.lat, f.lon, p.lat, p.lon) <= self.district_km]
        return tuple(i for i in near if not moved_only or self.places[i].geonameid not in self.exempt)

    def targets(self, geonameid, lat: float, lon: float, precision: int, admin1: str | None,
                transfer: bool) -> tuple[int, ...]:
        """The places a report hands over (see the module docstring for the rule)."""
        k = (geonameid, lat, lon, precision, admin1, transfer)
        if k not in self._targets:
            self._targets[k] = self._find_targets(*k)
        return self._targets[k]

    def _find_targets(self, geonameid, lat, lon, precision, admin1, transfer) -> tuple[int, ...]:
        if (precision or 1) <= 1:
            if transfer and geonameid in self.exempt:
                return ()
            if geonameid in self.by_id:
                return (self.by_id[geonameid],)
            near = min(((_km(lat, lon, p.lat, p.lon), i) for i, p in enumerate(self.places)), default=None)
            return (near[1],) if near and near[0] <= self.town_km else ()
        feat = self.features.get(geonameid)
        admin1 = admin1 or (feat.admin1 if feat else None)
        if precision != 2 or not transfer or not admin1 or (feat is not None and feat.feature_class == "L"):
            return ()
        return tuple(i for i, p in enumerate(self.places) if p.admin1 == admin1 and p.geonameid not in self.exempt
                     and _km(lat, lon, p.lat, p.lon) <= self.district_km)


@functools.lru_cache(maxsize=8)
def _setup(key: str) -> _Setup:
    return _Setup(key)


@functools.lru_cache(maxsize=32)
def _theatre_key(name: str | None) -> str:
    return theatre_file(name or DEFAULT_THEATRE).stem


def _change(inc, day: date, side: str, status: str, places: tuple, incident_id: str, confirmed_on) -> TerritorialChange:
    return TerritorialChange(
        day=day, side=side, status=status, location=inc.location, lat=inc.lat, lon=inc.lon, geonameid=inc.geonameid,
        geo_precision=inc.geo_precision, sub_event_type=inc.sub_event_type, actor=inc.actor1,
        claimed_by=tuple(inc.claimed_by or ()), denied_by=tuple(inc.denied_by or ()), places=places,
        incident_id=incident_id, confirmed_on=confirmed_on)


def _changes(s: _Setup, incidents, hist: dict, day: date) -> list[TerritorialChange]:
    """The changes of hands up to `day` (places moved together by one report are one change), then the capture
    reports that map to no place, listed once per place and side."""
    first = {f"scheduled:{sch.geonameid}": SimpleNamespace(
        location=sch.name, lat=s.features[sch.geonameid].lat, lon=s.features[sch.geonameid].lon,
        geonameid=sch.geonameid, geo_precision=2, sub_event_type=TRANSFER, actor1=None, claimed_by=(), denied_by=())
        for sch in s.rules.scheduled}
    for i in incidents:
        first.setdefault(str(i.id), i)
    last, places = {}, defaultdict(set)
    for t, h in hist.items():
        for hold in h.timeline[1:]:  # in order: the last entry of a holding is its status on `day`
            k = (hold.since, hold.holder, hold.by)
            last[k] = hold
            places[k].add(t)
    out = [_change(first[by], since, side, hold.status, tuple(s.places[t].geonameid for t in sorted(places[k])),
                   by, hold.confirmed_on) for k, hold in last.items() for since, side, by in (k,)]
    seen = set()
    for inc in sorted(incidents, key=lambda i: (i.event_date or "", str(i.id))):
        if inc.sub_event_type not in CAPTURES or not inc.event_date or inc.event_date > day.isoformat() \
                or (s.start and inc.event_date < s.start) or s.targets_of(inc):
            continue
        side = s.side_of(inc.actor1)
        key = (inc.geonameid if inc.geonameid is not None else (round(inc.lat, 3), round(inc.lon, 3)), side)
        if side is None or key in seen:
            continue
        seen.add(key)
        status = CLAIMED if any(s.side_of(d) == s.other(side) for d in inc.denied_by or []) else CONFIRMED
        d = date.fromisoformat(inc.event_date)
        out.append(_change(inc, d, side, status, (), str(inc.id), d if status == CONFIRMED else None))
    return sorted(out, key=lambda c: (c.day, c.incident_id))


def _tidy(geom):
    import shapely
    g = polygons(geom)
    if not g.is_valid:
        g = polygons(shapely.make_valid(g))
    return shapely.orient_polygons(g)


@functools.lru_cache(maxsize=256)
def _surface(key: str, changed: tuple[tuple[int, str, str], ...]):
    """(control areas, front line) for a set of (place index, holder, status) that differ from the baseline."""
    import shapely
    s = _setup(key)
    areas, totals = [], {}
    for side in s.base:
        lost = [s.cell(t) for t, _, _ in changed if s.places[t].side == side]
        held = s.base[side]
        if lost:
            held = shapely.difference(held, shapely.union_all(lost, grid_size=GRID), grid_size=GRID)
        gained = [s.cell(t) for t, sd, st in changed if sd == side and st == CONFIRMED]
        held = _tidy(shapely.union_all([held, *gained], grid_size=GRID))
        areas.append(ControlArea(side, CONFIRMED, held))
        total = [held]
        for status in (CLAIMED, SCHEDULED):
            area = _tidy(shapely.union_all([s.cell(t) for t, sd, st in changed if sd == side and st == status],
                                           grid_size=GRID))
            if not area.is_empty:
                areas.append(ControlArea(side, status, area))
                total.append(area)
        totals[side] = shapely.union_all(total, grid_size=GRID)
    sides = list(totals)
    parts = [shapely.intersection(totals[a].boundary, totals[b].boundary, grid_size=GRID)
             for n, a in enumerate(sides) for b in sides[n + 1:]]
    lines = [p for g in parts for p in shapely.get_parts(g) if p.geom_type in ("LineString", "MultiLineString")]
    line = shapely.line_merge(shapely.union_all(lines)) if lines else None
    return tuple(areas), line if line is not None and not line.is_empty else shapely.LineString()


def _as_day(day) -> date:
    if isinstance(day, datetime):
        return day.date()
    return day if isinstance(day, date) else date.fromisoformat(str(day))


def snapshot(incidents, day: str | date, theatre=None) -> FrontSnapshot:
    """Control areas, front line and changes as of `day` (inclusive), from the capture reports among
    `incidents` (geo.records.Incident or anything with the same attributes). `theatre`: a file stem, a
    theatre name or a geo.lexicon.Theatre; default the 2020 Nagorno-Karabakh war. Pass every incident, not
    a filtered view: control does not depend on the filters."""
    key = _theatre_key(getattr(theatre, "name", theatre))
    s = _setup(key)
    d = _as_day(day)
    incidents = list(incidents)
    hist = ev.histories(incidents, s, s.rules, d)
    changed = tuple(sorted((t, h.now.holder, h.now.status) for t, h in hist.items()
                           if (h.now.holder, h.now.status) != (s.places[t].side, CONFIRMED)))
    control, line = _surface(key, changed)
    return FrontSnapshot(d, key, control, line, tuple(_changes(s, incidents, hist, d)),
                         tuple(hist[t] for t in sorted(hist)))


def steps(incidents, start: str | date, end: str | date, theatre=None) -> list[FrontSnapshot]:
    """The front on `start` and on each later day up to `end` it changed, as the reports up to `end` date the
    changes: one weighing, the end date's, read back through each place's holdings (a change confirmed later
    shows as claimed until then). So playback tells the history the evidence table tells, for the cost of one
    snapshot and one surface per state. The snapshots carry no changes or places (no evidence)."""
    key = _theatre_key(getattr(theatre, "name", theatre))
    s = _setup(key)
    first, last = _as_day(start), _as_day(end)
    hist = ev.histories(list(incidents), s, s.rules, last)

    def changed(day: date) -> tuple[tuple[int, str, str], ...]:
        out = []
        for t, h in hist.items():
            held = h.timeline[0]
            for holding in h.timeline[1:]:
                if holding.since is not None and holding.since <= day:
                    held = holding
            status = CLAIMED if held.status == CONFIRMED and held.confirmed_on and day < held.confirmed_on \
                else held.status
            if (held.holder, status) != (s.places[t].side, CONFIRMED):
                out.append((t, held.holder, status))
        return tuple(sorted(out))

    days = sorted({first} | {d for h in hist.values() for holding in h.timeline
                             for d in (holding.since, holding.confirmed_on) if d and first < d <= last})
    out, shown = [], None
    for day in days:
        now = changed(day)
        if now != shown:
            control, line = _surface(key, now)
            out.append(FrontSnapshot(day, key, control, line, ()))
            shown = now
    return out


def relevant(incidents, theatre=None) -> list:
    """The incidents that can weigh on control (see geo.frontline_evidence.relevant): a snapshot of these is
    the snapshot of all."""
    return ev.relevant(incidents, _setup(_theatre_key(getattr(theatre, "name", theatre))))


def features(snap: FrontSnapshot) -> list[dict]:
    """GeoJSON features: one polygon per (controller, status) with `layer: "control"`, then the line with
    `layer: "front_line"`. Coordinates have 6 decimals, on the grid the geometries were built on."""
    s = _setup(snap.theatre)
    as_of = snap.day.isoformat()
    out = []
    for a in snap.control:
        if a.geometry.is_empty:
            continue
        side = s.sides.get(a.controller, {})
        out.append({"type": "Feature", "id": f"control-{a.controller}-{a.status}",
                    "geometry": geojson_geometry(a.geometry),
                    "properties": {"layer": "control", "controller": a.controller,
                                   "controller_name": side.get("label", a.controller), "status": a.status,
                                   "color": side.get("color"), "as_of": as_of,
                                   "evidence": [evidence(s, h) for h in snap.places
                                                if (h.now.holder, h.now.status) == (a.controller, a.status)
                                                and _disputed(h)]}})
    if not snap.line.is_empty:
        out.append({"type": "Feature", "id": "front-line", "geometry": geojson_geometry(snap.line),
                    "properties": {"layer": "front_line", "as_of": as_of}})
    return out


def _disputed(h: ev.PlaceHistory) -> bool:
    """Whether a place belongs in the evidence table: it changed hands, or a report said it did."""
    return len(h.timeline) > 1 or any(r.role in ev.CLAIM_ROLES + ("plan",) for r in h.reports)


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def evidence(s: _Setup, h: ev.PlaceHistory) -> dict:
    """A place's holdings and the reports for and against them, as the export and the app show them."""
    p = s.places[h.place]
    return {"place": p.name, "geonameid": p.geonameid, "holder": h.now.holder, "status": h.now.status,
            "since": _iso(h.now.since),
            "timeline": [{"since": _iso(x.since), "holder": x.holder, "status": x.status, "by": x.by,
                          "from": _iso(x.confirmed_on if x.status == CONFIRMED and x.confirmed_on else x.since)}
                         for x in h.timeline],
            "reports": [r.as_dict(n in h.counted) for n, r in enumerate(h.reports)
                        if r.role != "presence" or n in h.counted]}


def evidence_rows(front_features: list[dict]) -> tuple[list[dict], list[dict]]:
    """The control layer's `evidence` as two tables for a reader: one row per place (who holds it, since when,
    how it got there, the weight for and against) and one row per report."""
    places, reports = [], []
    for f in front_features:
        p = f.get("properties") or {}
        if p.get("layer") != "control":
            continue
        for e in p.get("evidence") or []:
            counted = [r for r in e["reports"] if r["counted"]]
            mine = sum(r["weight"] for r in counted if r["side"] == e["holder"])
            places.append({"place": e["place"], "holder": e["holder"], "status": e["status"], "since": e["since"],
                           "history": " → ".join(f"{t['holder']} {t['status']}" + (f" ({t['from']})" if t["from"]
                                                                                    else "") for t in e["timeline"]),
                           "weight for": round(mine, 3),
                           "weight against": round(sum(r["weight"] for r in counted) - mine, 3),
                           "reports": len(e["reports"])})
            reports += [{"place": e["place"], **r} for r in e["reports"]]
    places.sort(key=lambda r: (r["since"] or "", r["place"]))
    reports.sort(key=lambda r: (r["place"], r["day"], r["incident"]))
    return places, reports


def export_layers(db: str | Path, end: str | None = None, theatre=None) -> tuple[list[dict], dict]:
    """The features for `export --with-front-line` and a metadata note. Reads every incident up to `end`
    (default: the latest), whatever the export's filters."""
    from . import store
    incidents = store.load_incidents(db, end=end)
    s = _setup(_theatre_key(getattr(theatre, "name", theatre)))
    day = end or max((i.event_date for i in incidents), default=None) or s.start
    snap = snapshot(incidents, day, s.key)
    meta = {"as_of": snap.day.isoformat(), "theatre": s.name,
            "capture_reports": sum(i.sub_event_type in CAPTURES for i in incidents),
            "changes": len(snap.changes), "claimed": sum(c.status == CLAIMED for c in snap.changes),
            "scheduled": sum(c.status == SCHEDULED for c in snap.changes),
            "baseline": f"{s.baseline_path} (Natural Earth, public domain)",
            "rule": "every report in the database up to as_of, weighed per place, whatever the filters; see "
                    "geo/frontline_evidence.py"}
    return features(snap), meta
