"""The incidents the filters select, as columns, so that a filter change costs milliseconds at 100k."""
from __future__ import annotations

import functools
import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

from ..export import incident_from_feature
from ..gazetteer.display import english_spelling
from ..records import Incident

__all__ = ["Filters", "fold", "IncidentTable", "Selection", "filter_incidents", "actors_of", "as_selection",
           "read_geojson"]


@dataclass(frozen=True)
class Filters:
    start: str | None = None
    end: str | None = None
    actors: tuple[str, ...] = ()
    event_types: tuple[str, ...] = ()
    claimants: tuple[str, ...] = ()
    casualties_only: bool = False
    place: str = ""

    def as_dict(self) -> dict:
        d = asdict(self)
        return {k: list(v) if isinstance(v, tuple) else v for k, v in d.items()}


@functools.lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Case- and accent-insensitive form for the place search (Azerbaijani schwa folds to 'a')."""
    from unidecode import unidecode
    return unidecode(text.replace("ə", "a").replace("Ə", "A").replace("ǝ", "a")).casefold().strip()


_NO_ID = np.iinfo(np.int64).min  # no gazetteer id (curated places have negative ones)


def _codes(values: list[str]) -> tuple[list[str], np.ndarray]:
    names = sorted(set(values))
    index = {v: k for k, v in enumerate(names)}
    return names, np.fromiter((index[v] for v in values), dtype=np.int32, count=len(values))


class IncidentTable:
    """The incidents of one database load as columns, so that a filter change costs milliseconds at 100k.

    Built once per load (the app caches it); treat it as immutable.
    """

    def __init__(self, incidents: list[Incident], search=None):
        """``search`` maps a place query to the gazetteer ids it may mean (every name, any script), so the
        place filter finds "Stepanakert" stored as Khankendi; without it the filter matches the stored names."""
        self.search = search
        self.incidents = list(incidents)
        incs = self.incidents
        n = len(incs)
        self.day = np.array([i.event_date[:10] for i in incs], dtype="datetime64[D]") if n else \
            np.array([], dtype="datetime64[D]")
        self.lat = np.fromiter((i.lat for i in incs), dtype=np.float64, count=n)
        self.lon = np.fromiter((i.lon for i in incs), dtype=np.float64, count=n)
        self.fatalities = np.fromiter((i.fatalities or 0 for i in incs), dtype=np.int64, count=n)
        self.injured = np.fromiter((i.injured or 0 for i in incs), dtype=np.int64, count=n)
        self.one_incident = np.fromiter((i.time_precision == 1 and i.geo_precision < 3 for i in incs), dtype=bool,
                                        count=n)
        self.type_names, self.type_code = _codes([i.event_type or "" for i in incs])
        actor_names, codes = _codes([i.actor1 or "" for i in incs] + [i.actor2 or "" for i in incs])
        self.actor_names = actor_names
        self.actor1, self.actor2 = codes[:n], codes[n:]
        self.location_names, self.location_code = _codes([i.location or "" for i in incs])
        self.region_names, self.region_code = _codes([english_spelling(i.admin1, i.country) if i.admin1 else ""
                                                      for i in incs])
        self.geonameid = np.fromiter((i.geonameid if i.geonameid is not None else _NO_ID for i in incs),
                                     dtype=np.int64, count=n)
        claims: dict[str, list[int]] = {}
        for k, i in enumerate(incs):
            for c in dict.fromkeys(i.claimed_by):
                claims.setdefault(c, []).append(k)
        self.claimant_index = {c: np.array(ks, dtype=np.int64) for c, ks in claims.items()}
        self._memos: dict[str, dict[int, object]] = {}

    def __len__(self) -> int:
        return len(self.incidents)

    def memo(self, name: str) -> dict[int, object]:
        """A cache by incident index for what a pure function of one incident gives (its marker row and popup):
        the table does not change, so each is made once per load, not on every filter change."""
        return self._memos.setdefault(name, {})

    def bounds(self, bbox: list[float] | None = None, pad: float = 0.25,
               min_span: tuple[float, float] = (1.6, 2.6)) -> list[list[float]] | None:
        """[[south, west], [north, east]] of the incidents inside bbox (west, south, east, north).

        Padded, and at least min_span (degrees of latitude, longitude) so a few incidents keep their context.
        """
        keep = np.ones(len(self), dtype=bool)
        if bbox:
            w, s, e, n = bbox
            keep = (self.lon >= w) & (self.lon <= e) & (self.lat >= s) & (self.lat <= n)
        if not keep.any():
            return None
        lat, lon = self.lat[keep], self.lon[keep]
        (s, n), (w, e) = ((float(a.min()) - pad, float(a.max()) + pad) for a in (lat, lon))
        grow_lat, grow_lon = max(0.0, min_span[0] - (n - s)) / 2, max(0.0, min_span[1] - (e - w)) / 2
        return [[s - grow_lat, w - grow_lon], [n + grow_lat, e + grow_lon]]

    def date_range(self, within: tuple[date, date] | None = None) -> tuple[date, date] | None:
        """The first and last day of the incidents, of those `within` an inclusive window when given."""
        days = self.day
        if within is not None and len(days):
            days = days[(days >= np.datetime64(within[0])) & (days <= np.datetime64(within[1]))]
        if not len(days):
            return None
        return days.min().astype(date), days.max().astype(date)

    def count_outside(self, within: tuple[date, date]) -> int:
        """How many incidents are dated outside an inclusive window."""
        return int(((self.day < np.datetime64(within[0])) | (self.day > np.datetime64(within[1]))).sum())

    def actors(self) -> list[str]:
        return [a for a in self.actor_names if a]

    def event_types(self) -> list[str]:
        return [t for t in self.type_names if t]

    def claimants(self) -> list[str]:
        return sorted(self.claimant_index)

    def _in(self, names: list[str], values: tuple[str, ...]) -> np.ndarray:
        values = set(values)
        wanted = [k for k, v in enumerate(names) if v in values]
        return np.asarray(wanted, dtype=np.int32)

    def mask(self, f: Filters) -> np.ndarray:
        keep = np.ones(len(self), dtype=bool)
        if f.start:
            keep &= self.day >= np.datetime64(f.start[:10], "D")
        if f.end:
            keep &= self.day <= np.datetime64(f.end[:10], "D")
        if f.actors:
            wanted = self._in(self.actor_names, f.actors)
            keep &= np.isin(self.actor1, wanted) | np.isin(self.actor2, wanted)
        if f.event_types:
            keep &= np.isin(self.type_code, self._in(self.type_names, f.event_types))
        if f.claimants:
            claimed = np.zeros(len(self), dtype=bool)
            for c in f.claimants:
                claimed[self.claimant_index.get(c, np.array([], dtype=np.int64))] = True
            keep &= claimed
        if f.casualties_only:
            keep &= (self.fatalities > 0) | (self.injured > 0)
        query = fold(f.place or "")
        if query:
            hits = [k for k, name in enumerate(self.location_names) if query in fold(name)]
            named = np.isin(self.location_code, np.asarray(hits, dtype=np.int32))
            if self.search is not None:
                ids = [g for g in self.search(f.place.strip()) if g is not None]
                named |= np.isin(self.geonameid, np.asarray(ids, dtype=np.int64))
            keep &= named
        return keep

    def select(self, f: Filters) -> Selection:
        return Selection(self, np.flatnonzero(self.mask(f)), f)


@dataclass
class Selection:
    """The incidents passing a filter: indices into an IncidentTable."""

    table: IncidentTable
    idx: np.ndarray
    filters: Filters = field(default_factory=Filters)

    def __len__(self) -> int:
        return len(self.idx)

    @functools.cached_property
    def incidents(self) -> list[Incident]:
        incs = self.table.incidents
        return [incs[k] for k in self.idx.tolist()]

    @functools.cached_property
    def counted(self) -> np.ndarray:
        """The incidents whose tolls count, conservatively, as ACLED counts them: only those placed to the day
        and to a settlement (a week's or a region's figure is a summary, not one incident's), with the lower
        figure where reports differ (geo.merge), and of a toll reported at the same place on consecutive days
        by the same source only the first (one strike dated two ways). The headline and the fatalities
        chart both sum these, so they never disagree."""
        t = self.table
        k = self.idx[t.one_incident[self.idx] & ((t.fatalities[self.idx] > 0) | (t.injured[self.idx] > 0))]
        k = k[np.lexsort((t.day[k], t.location_code[k]))]
        last: dict[tuple, tuple] = {}
        keep = []
        for j in k.tolist():
            key = (int(t.location_code[j]), int(t.fatalities[j]), int(t.injured[j]))
            day, files = t.day[j], t.incidents[j].source_files()
            prev = last.get(key)
            last[key] = (day, files)
            if prev is None or (day - prev[0]).astype(int) > 1 or not prev[1] & files:
                keep.append(j)
        return np.asarray(keep, dtype=np.int64)

    def tolls(self) -> tuple[int, int]:
        """Conservative reported fatalities and injured: the sums over :attr:`counted`."""
        k = self.counted
        return int(self.table.fatalities[k].sum()), int(self.table.injured[k].sum())

    def fatalities_per_day(self) -> list[dict]:
        """Conservative reported fatalities per day (the headline's, day by day), for the fatalities chart."""
        t, k = self.table, self.counted
        k = k[t.fatalities[k] > 0]
        per_day = Counter()
        for d, n in zip(t.day[k].astype(str).tolist(), t.fatalities[k].tolist()):
            per_day[d] += n
        return [{"day": d, "fatalities": n} for d, n in sorted(per_day.items())]

    def per_actor(self) -> list[dict]:
        """Incidents by actor, acting or targeted (as the actor filter selects them), most first."""
        t, k = self.table, self.idx
        a1, a2 = t.actor1[k], t.actor2[k]
        n = np.bincount(a1, minlength=len(t.actor_names)) + np.bincount(a2[a2 != a1], minlength=len(t.actor_names))
        rows = [{"actor": t.actor_names[c], "incidents": int(v)} for c, v in enumerate(n) if v and t.actor_names[c]]
        return sorted(rows, key=lambda r: (-r["incidents"], r["actor"]))

    def per_region(self) -> list[dict]:
        """Incidents by first-level region (the place's admin1, in English spelling), most first; those of no
        region (a front, the whole theatre) left out."""
        t = self.table
        n = np.bincount(t.region_code[self.idx], minlength=len(t.region_names))
        rows = [{"region": t.region_names[c], "incidents": int(v)} for c, v in enumerate(n) if v and t.region_names[c]]
        return sorted(rows, key=lambda r: (-r["incidents"], r["region"]))

    def newest_first(self) -> np.ndarray:
        """The selection's indices by date, newest first (ties in load order)."""
        t = self.table
        return self.idx[np.argsort(-t.day[self.idx].astype(np.int64), kind="stable")]

    def counts(self) -> dict:
        t, k = self.table, self.idx
        types = np.bincount(t.type_code[k], minlength=len(t.type_names)) if len(k) else []
        fatalities, injured = self.tolls()
        return {
            "incidents": int(len(k)),
            "fatalities": fatalities,
            "injured": injured,
            "places": int(len(np.unique(t.location_code[k]))),
            "days": int(len(np.unique(t.day[k]))),
            "by_event_type": {t.type_names[c]: int(v) for c, v in enumerate(types) if v},
        }

    def per_day(self) -> list[dict]:
        """Incidents per day and event type, for the timeline."""
        t, k = self.table, self.idx
        pairs = Counter(zip(t.day[k].astype(str).tolist(), t.type_code[k].tolist()))
        return [{"day": d, "event_type": t.type_names[c], "incidents": v} for (d, c), v in sorted(pairs.items())]


def filter_incidents(incidents: list[Incident], f: Filters) -> list[Incident]:
    return IncidentTable(incidents).select(f).incidents


def actors_of(incidents: list[Incident]) -> list[str]:
    return sorted({a for i in incidents for a in (i.actor1, i.actor2) if a})


def as_selection(data) -> Selection:
    if isinstance(data, Selection):
        return data
    table = IncidentTable(list(data))
    return Selection(table, np.arange(len(table)))


def read_geojson(path: str | Path) -> list[Incident]:
    """Incidents from an exported snapshot (the bundled sample)."""
    fc = json.loads(Path(path).read_text(encoding="utf-8"))
    return [i for i in map(incident_from_feature, fc.get("features", [])) if i is not None]
