"""What an incident store holds, whichever database holds it: columns, versions and the codecs of rows.

The incident columns and the properties of an exported incident are derived once, here, from the
fields of `geo.records.Incident`, so a field added to the record is stored, read back and migrated
by every backend and codec without a hand-kept list. The merged incidents (`events`) are stored as
export-ready feature texts, so the feature layout is part of the store's schema (`EVENTS_VERSION`).
"""
from __future__ import annotations

import hashlib
import json
import math
from dataclasses import MISSING, fields
from datetime import datetime, timezone

from ..records import REPORTED, STATUSES, Article, Incident, Source

__all__ = ["StoreError", "LAYER", "COLUMNS", "JSON_COLUMNS", "COLUMN_DEFAULTS", "FEATURE_FIELDS", "EVENT_COLUMNS",
           "EVENTS_VERSION", "ARTICLE_TYPES", "ARTICLE_COLUMNS", "article_id", "source_key", "stored_as", "values", "incident", "article_row",
           "where", "LARGE_KEY", "passes", "export_key", "pending_rows", "merged", "event_rows", "feature",
           "feature_parts", "feature_text", "incident_from_feature"]


class StoreError(RuntimeError):
    """The database cannot be opened or written; the message names the file (or the redacted URL)."""


LAYER = "incidents"
_POINT = ("lat", "lon")  # the geometry of a row and of a feature, not a column or a property
_COLUMN_NAMES = {"id": "incident_id"}
_UNEXPORTED = ("status",)  # a planned transfer is stored for the front line, never exported as an incident
_FIELDS = [f for f in fields(Incident) if f.name not in _POINT]


def _column_type(f) -> str:
    t = str(f.type)
    if t.startswith("list"):
        return "TEXT"  # as JSON
    if t.startswith("int"):
        return "INTEGER"
    if t.startswith("str"):
        return "TEXT"
    raise TypeError(f"Incident.{f.name}: no store column for a field of type {t}")


_RECORD_COLUMNS = [(_COLUMN_NAMES.get(f.name, f.name), _column_type(f)) for f in _FIELDS]
COLUMNS = [_RECORD_COLUMNS[0], ("article_id", "TEXT"), *_RECORD_COLUMNS[1:]]  # the id, its article, the rest
JSON_COLUMNS = tuple(f.name for f in _FIELDS if str(f.type).startswith("list"))
# a column's value for rows stored before it existed, and for a NULL where the record has a default
COLUMN_DEFAULTS = {_COLUMN_NAMES.get(f.name, f.name): f.default for f in _FIELDS
                   if f.default is not MISSING and f.default is not None}
FEATURE_FIELDS = tuple(f.name for f in _FIELDS if f.name not in _UNEXPORTED)
EVENT_COLUMNS = ["event_key", "event_id", "event_date", "event_type", "actor1", "actor2", "geo_precision",
                 "feature", "evidence"]
#: Above this many incidents, a place and day's merged incident is not merged again at each save (which
#: would cost every save the size of the key: quadratic) but marked pending, merged in memory by a reader,
#: and merged once by the backend's `finish` at the end of the ingest (or by the next writer after a killed
#: one).
LARGE_KEY = 64
EVENTS_VERSION = "2"  # of the merge rules and the feature layout: a store built by another is rebuilt
ARTICLE_TYPES = [("article_id", "TEXT"), ("file", "TEXT"), ("url", "TEXT"), ("title", "TEXT"), ("published", "TEXT"),
                 ("sha1", "TEXT"), ("ingested_at", "TEXT"), ("n_incidents", "INTEGER"), ("pipeline", "TEXT")]
ARTICLE_COLUMNS = [c for c, _ in ARTICLE_TYPES]


def article_id(article: Article) -> str:
    """The article's key in the store: its full source path (so `a/article.txt` and `b/article.txt` are two
    articles, and pages sharing a canonical URL too); an article read from no file, its URL or name."""
    return article.path or article.url or article.file


def source_key(aid: str) -> str:
    """The short id of a stored article in its incidents' sources (`Source.article`): it tells articles of
    the same file name apart without writing a full local path into every export."""
    return hashlib.sha1(aid.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def stored_as(execute, aid: str, sha1: str) -> tuple | None:
    """(article_id, pipeline, n_incidents, sha1) of the stored article this text is, or None: the one stored
    from this source (the same text, or an edit of it), else one holding the very same text from another
    path (a copy, or a store made when articles were keyed by file name). `execute` runs `?`-marked SQL."""
    r = execute("SELECT article_id, pipeline, n_incidents, sha1 FROM articles WHERE article_id = ?", (aid,)).fetchone()
    if r is None and sha1:
        r = execute("SELECT article_id, pipeline, n_incidents, sha1 FROM articles WHERE sha1 = ? "
                    "ORDER BY article_id LIMIT 1", (sha1,)).fetchone()
    return tuple(r) if r else None


def _encode(name: str, v):
    if name == "sources":
        return [s.as_dict() for s in v]
    return list(v) if name in JSON_COLUMNS else v


def values(inc: Incident, aid: str, file: str | None = None) -> list:
    """The incident's COLUMNS values as stored (lists as JSON text), without its point; its sources named
    `file` are the article's own, so they take its `source_key`.

    An unknown status fails here, before the article's transaction."""
    if inc.status not in STATUSES:
        raise ValueError(f"incident {inc.id}: status {inc.status!r} is none of {', '.join(STATUSES)}")
    vals = [inc.id, aid]
    for f in _FIELDS[1:]:
        v = _encode(f.name, getattr(inc, f.name))
        if f.name == "sources":
            v = [{**s, "article": s["article"] or (source_key(aid) if s["file"] == file else None)} for s in v]
        vals.append(json.dumps(v, ensure_ascii=False) if f.name in JSON_COLUMNS else v)
    return vals


def _decode(name: str, v):
    if name == "sources":
        return [Source(**s) for s in v or []]
    return (v or []) if name in JSON_COLUMNS else v


def incident(lon: float, lat: float, vals) -> Incident:
    """An incident from its point and its stored COLUMNS values (a NULL where the record has a default
    is that default: a column added by a migration, or a notes column left empty)."""
    d = dict(zip([c for c, _ in COLUMNS], vals))
    kw = {}
    for f in _FIELDS:
        c = _COLUMN_NAMES.get(f.name, f.name)
        v = d[c]
        if f.name in JSON_COLUMNS:
            v = json.loads(v) if v else []
        elif v is None and c in COLUMN_DEFAULTS:
            v = COLUMN_DEFAULTS[c]
        kw[f.name] = _decode(f.name, v)
    return Incident(lat=lat, lon=lon, **kw)


def article_row(article: Article, n_incidents: int, pipeline: str) -> tuple:
    """The article's ARTICLE_COLUMNS values."""
    return (article_id(article), article.file, article.url, article.title,
            article.published.isoformat() if article.published else None, article.sha1,
            datetime.now(timezone.utc).isoformat(timespec="seconds"), n_incidents, pipeline)


def where(start: str | None, end: str | None, actors: list[str] | None,
          event_types: list[str] | None) -> tuple[str, list]:
    """The filters as an SQL WHERE clause with `?` marks (dates are ISO strings, so they sort) and its args."""
    clauses, args = [], []
    if start:
        clauses.append("event_date >= ?")
        args.append(start)
    if end:
        clauses.append("event_date <= ?")
        args.append(end)
    if actors:
        marks = ",".join("?" * len(actors))
        clauses.append(f"(actor1 IN ({marks}) OR actor2 IN ({marks}))")
        args += list(actors) * 2
    if event_types:
        clauses.append(f"event_type IN ({','.join('?' * len(event_types))})")
        args += list(event_types)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), args


def passes(day: str, actor1, actor2, event_type: str, start: str | None, end: str | None,
           actors: list[str] | None, event_types: list[str] | None) -> bool:
    """`where`'s filters in Python, for merged incidents made in memory (pending keys, stores without events)."""
    return ((not start or day >= start) and (not end or day <= end)
            and (not actors or actor1 in actors or actor2 in actors) and (not event_types or event_type in event_types))


def export_key(r: tuple):
    """The export order of a (geo_precision, event_date, event_id, ...) row, as the stores' ORDER BY
    (a NULL precision first; text bytewise, which code-point order is for UTF-8)."""
    return (r[0] is not None, r[0] or 0, r[1], r[2])


def pending_rows(incidents: list[Incident], start, end, actors, event_types, evidence: bool) -> list[tuple]:
    """(geo_precision, event_date, event_id, feature, evidence) of the merged incidents of pending keys (all
    their stored incidents), filtered and in export order, for a reader to interleave with the stored events."""
    out = [(prec, day, eid, head, ev if evidence else None)
           for (_, eid, day, etype, a1, a2, prec, head, ev, _, _) in event_rows(incidents)
           if passes(day, a1, a2, etype, start, end, actors, event_types)]
    return sorted(out, key=export_key)


def event_rows(incidents: list[Incident]) -> list[tuple]:
    """The merged events of these incidents (all of some merge keys): EVENT_COLUMNS values, then lon, lat.

    Every backend refreshes its `events` with this, so they hold the same texts for the same incidents.
    """
    from ..merge import merge_key

    out = []
    for inc in merged(incidents):
        head, evidence = feature_parts(inc)
        out.append((merge_key(inc), inc.id, inc.event_date, inc.event_type, inc.actor1, inc.actor2,
                    inc.geo_precision, head, evidence, inc.lon, inc.lat))
    return out


def merged(incidents: list[Incident]) -> list[Incident]:
    """The reported incidents merged across articles; a planned transfer is not an event that happened."""
    from ..lexicon import sub_event_ranks
    from ..merge import merge
    return merge([i for i in incidents if i.status == REPORTED], sub_event_ranks())


def feature(inc: Incident) -> dict:
    """The incident as a GeoJSON Point feature of the export contract (`layer: "incident"`)."""
    props = {"layer": "incident", **{n: _encode(n, getattr(inc, n)) for n in FEATURE_FIELDS}}
    lon, lat = round(inc.lon, 6), round(inc.lat, 6)
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise ValueError(f"incident {inc.id}: non-finite coordinates")
    return {"type": "Feature", "id": inc.id, "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": props}


_REQUIRED = ("id", "event_date", "event_type")  # a feature without these is no incident of the contract
_IMPRECISE = {"time_precision": 3, "geo_precision": 3}  # a snapshot that does not say: the least precise


def incident_from_feature(f: dict) -> Incident | None:
    """The inverse of `feature` (None for a feature that is not an incident point), for snapshots
    and the store's merged events."""
    p = f.get("properties") or {}
    if p.get("layer", "incident") != "incident" or (f.get("geometry") or {}).get("type") != "Point":
        return None
    lon, lat = f["geometry"]["coordinates"][:2]
    kw = {}
    for fl in _FIELDS:
        n = fl.name
        if n in _REQUIRED:
            kw[n] = p[n]
        elif n in _IMPRECISE:
            kw[n] = p.get(n) or _IMPRECISE[n]
        elif str(fl.type) == "str":
            kw[n] = p.get(n) or (fl.default if fl.default is not MISSING else "")
        else:
            kw[n] = _decode(n, p.get(n))
    return Incident(lat=lat, lon=lon, **kw)


def feature_parts(inc: Incident) -> tuple[str, str]:
    """The incident's feature as JSON text in two parts, everything but the evidence and the evidence.

    The store keeps these texts, checked when saved, so that an export streams them as they are
    (`feature_text`) and one without the article sentences needs no parsing either. The structure is
    `feature`'s own, so what is checked is what an incident brings: its position, and values JSON holds.
    """
    f = feature(inc)
    lon, lat = f["geometry"]["coordinates"]
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValueError(f"incident {inc.id}: position [{lon}, {lat}] out of range (longitude {lon}, latitude {lat}: "
                         "is it latitude first?)")
    evidence = f["properties"].pop("evidence")
    try:
        text = json.dumps(f, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        ev = json.dumps(evidence, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError) as e:  # NaN or infinity (not JSON), or a value of no JSON type
        raise ValueError(f"incident {inc.id}: not valid GeoJSON: {e}") from None
    return text[:-2], ev


def feature_text(head: str, evidence: str | None) -> str:
    """Join the parts of `feature_parts` again; ``evidence=None`` leaves the sentences out."""
    return f'{head},"evidence":{evidence or "[]"}}}}}'
