"""The incident store: article rows and the incidents merged across articles, in a GeoPackage file or
a PostGIS database.

`backend(db)` tells which one a `--db` (or an open connection) names, the one place that is told;
every function here hands its work to that backend. `schema` holds what both store and how a row
is coded, `migrate` how an older store is upgraded, and the backends (`gpkg`, `postgis`) never
import each other, so a change to one cannot break the other.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..records import Article, Incident
from .schema import (ARTICLE_COLUMNS, COLUMNS, EVENT_COLUMNS, EVENTS_VERSION, JSON_COLUMNS, LAYER, StoreError,
                     article_id, incident_from_feature, merged, passes, stored_as)

__all__ = ["StoreError", "LAYER", "COLUMNS", "JSON_COLUMNS", "EVENT_COLUMNS", "EVENTS_VERSION", "ARTICLE_COLUMNS",
           "PG_PREFIXES", "backend", "is_postgres", "display_name", "exists", "connect", "article_id", "save_article",
           "remove_articles", "unchanged", "holder", "stored_count", "stored_texts", "finish", "analyze", "load_incidents", "event_features", "load_events",
           "merged_in_memory", "articles", "stamp"]

PG_PREFIXES = ("postgresql://", "postgres://")  # a --db starting so names a PostGIS database


def is_postgres(db) -> bool:
    """Whether `db` names a PostGIS store: a --db string with a PostgreSQL URL, or a connection to one."""
    if isinstance(db, str):
        return db.startswith(PG_PREFIXES)
    return not isinstance(db, (Path, sqlite3.Connection)) and type(db).__module__.startswith("psycopg")


def backend(db):
    """The module that stores `db` (a --db string or path, or a connection): `postgis` or `gpkg`."""
    if is_postgres(db):
        from . import postgis
        return postgis
    from . import gpkg
    return gpkg


def display_name(db) -> str:
    """The database as it may be printed: a URL without its password."""
    return backend(db).display_name(db)


def exists(db: str | Path) -> bool:
    """Whether there is a store to read: a GeoPackage file, or a PostgreSQL URL (errors come on reading)."""
    return backend(db).exists(db)


def connect(db: str | Path, create: bool = True):
    """A context manager giving a connection to the store, creating it if asked; errors name the database.

    ``create=True`` is the writer's mode: it also checks and upgrades the store before anything is written.
    """
    return backend(db).connect(db, create)


def save_article(conn, article: Article, incidents: list[Incident], pipeline: str = "") -> str:
    """Replace everything stored from this article by its new incidents, in one transaction; returns the
    id of the stored article that holds this text.

    The article is the one stored from its path (an edit replaces it), else one stored with the very
    same text from another path (`schema.stored_as`): that one is replaced and takes this path, unless
    this pipeline stored it, when nothing is written and its id is returned (a copy is stored once).
    ``pipeline`` fingerprints the code and data that read it, so that `unchanged` can tell a
    re-ingest of the same text by the same pipeline (nothing to do) from one after an upgrade.
    """
    return backend(conn).save_article(conn, article, incidents, pipeline)


def remove_articles(conn, ids: list[str]) -> list[str]:
    """Remove these stored articles and their incidents and merge their places and days again, in one
    transaction; returns the ids that were stored (the others are not)."""
    return backend(conn).remove_articles(conn, ids)


def unchanged(conn, article: Article, pipeline: str) -> int | None:
    """The stored incident count when this very text was already stored by this pipeline, else None."""
    held = holder(conn, article_id(article), article.sha1, pipeline)
    return held and held[1]


def stored_count(conn, aid: str, sha1: str, pipeline: str) -> int | None:
    """`unchanged` by the article's id and text hash."""
    held = holder(conn, aid, sha1, pipeline)
    return held and held[1]


def holder(conn, aid: str, sha1: str, pipeline: str) -> tuple[str, int] | None:
    """(id, incident count) of the stored article holding this text from this pipeline (this source's, or
    a copy's from another path), else None."""
    be = backend(conn)
    r = stored_as(lambda sql, args: be.execute(conn, sql, args), aid, sha1)
    if r and sha1 and r[3] == sha1 and r[1] == pipeline:
        return r[0], r[2]
    return None


@dataclass(frozen=True)
class StoredTexts:
    """What a parallel ingest need not extract, as `stored_count` decides it: ``(article_id, sha1) in``
    it when that source holds that text from this pipeline, or when the source is not stored and the
    text is, from another path. Picklable, for the workers."""

    pairs: frozenset
    ids: frozenset
    texts: frozenset

    def __contains__(self, key) -> bool:
        aid, sha1 = key
        return key in self.pairs or (aid not in self.ids and sha1 in self.texts)

    def __len__(self) -> int:
        return len(self.pairs)


def stored_texts(conn, pipeline: str) -> StoredTexts:
    """The articles stored so far, for a parallel ingest's `skip`."""
    rows = [tuple(r) for r in backend(conn).execute(conn, "SELECT article_id, sha1, pipeline FROM articles")]
    mine = frozenset((a, h) for a, h, p in rows if p == pipeline)
    return StoredTexts(mine, frozenset(a for a, _, _ in rows), frozenset(h for _, h in mine if h))


def finish(conn) -> None:
    """The end of an ingest: merge what was left pending (the places and days of many reports, merged once
    rather than at every save) and refresh the planner statistics."""
    be = backend(conn)
    if hasattr(be, "finish"):
        be.finish(conn)
    be.analyze(conn)


def analyze(conn) -> None:
    """Fresh planner statistics after an ingest, so filters use the date index (1M rows: 412 ms -> 61 ms)."""
    return backend(conn).analyze(conn)


def load_incidents(db: str | Path, start: str | None = None, end: str | None = None,
                   actors: list[str] | None = None, event_types: list[str] | None = None) -> list[Incident]:
    """Every stored incident passing the filters (planned ones too, for the front line), by date then id."""
    return backend(db).load_incidents(db, start, end, actors, event_types)


def event_features(db: str | Path, start: str | None = None, end: str | None = None,
                   actors: list[str] | None = None, event_types: list[str] | None = None,
                   evidence: bool = True) -> Iterator[str] | None:
    """The merged incidents passing the filters as feature texts, in export order (most precise place
    first, then date), streamed; None when the store has no up-to-date merged events (made by an older
    version and not yet opened for writing), so the caller merges in memory.

    Filters select merged incidents by their own fields, as exported: date, actor1 or actor2, event type.
    """
    return backend(db).event_features(db, start, end, actors, event_types, evidence)


def load_events(db: str | Path, start: str | None = None, end: str | None = None,
                actors: list[str] | None = None, event_types: list[str] | None = None) -> list[Incident]:
    """The merged incidents passing the filters, as the export holds them (what the app shows)."""
    texts = event_features(db, start, end, actors, event_types)
    if texts is None:
        return merged_in_memory(db, start, end, actors, event_types)
    return [incident_from_feature(json.loads(t)) for t in texts]


def merged_in_memory(db: str | Path, start: str | None = None, end: str | None = None,
                     actors: list[str] | None = None, event_types: list[str] | None = None) -> list[Incident]:
    """What `event_features` streams, for a store without up-to-date events: every reported incident
    loaded and merged, then filtered by the merged incident's own fields, in export order."""
    out = [i for i in merged(load_incidents(db))
           if passes(i.event_date, i.actor1, i.actor2, i.event_type, start, end, actors, event_types)]
    return sorted(out, key=lambda i: (i.geo_precision, i.event_date, i.id))


def articles(db: str | Path) -> list[dict]:
    """Every stored article as a dict of ARTICLE_COLUMNS, by publication date then file."""
    return backend(db).articles(db)


def stamp(db: str | Path) -> tuple:
    """Changes whenever the store does (the app's cache key)."""
    return backend(db).stamp(db)
