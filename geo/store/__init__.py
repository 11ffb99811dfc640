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
from pathlib import Path

from ..records import Article, Incident
from .schema import (ARTICLE_COLUMNS, COLUMNS, EVENT_COLUMNS, EVENTS_VERSION, JSON_COLUMNS, LAYER, StoreError,
                     article_id, incident_from_feature, merged)

__all__ = ["StoreError", "LAYER", "COLUMNS", "JSON_COLUMNS", "EVENT_COLUMNS", "EVENTS_VERSION", "ARTICLE_COLUMNS",
           "PG_PREFIXES", "backend", "is_postgres", "display_name", "exists", "connect", "article_id", "save_article",
           "unchanged", "stored_count", "stored_texts", "analyze", "load_incidents", "event_features", "load_events",
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


def save_article(conn, article: Article, incidents: list[Incident], pipeline: str = "") -> None:
    """Replace everything stored from this article by its new incidents, in one transaction.

    ``pipeline`` fingerprints the code and data that read it, so that `unchanged` can tell a
    re-ingest of the same text by the same pipeline (nothing to do) from one after an upgrade.
    """
    return backend(conn).save_article(conn, article, incidents, pipeline)


def unchanged(conn, article: Article, pipeline: str) -> int | None:
    """The stored incident count when this very text was already stored by this pipeline, else None."""
    return stored_count(conn, article_id(article), article.sha1, pipeline)


def stored_count(conn, aid: str, sha1: str, pipeline: str) -> int | None:
    """`unchanged` by the article's id and text hash."""
    r = backend(conn).execute(conn, "SELECT sha1, pipeline, n_incidents FROM articles WHERE article_id = ?",
                              (aid,)).fetchone()
    if r and sha1 and r[0] == sha1 and r[1] == pipeline:
        return r[2]
    return None


def stored_texts(conn, pipeline: str) -> frozenset[tuple[str, str]]:
    """(article_id, sha1) of every article this pipeline stored: what a parallel ingest need not extract."""
    return frozenset(tuple(r) for r in backend(conn).execute(
        conn, "SELECT article_id, sha1 FROM articles WHERE pipeline = ?", (pipeline,)))


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
    out = []
    for i in merged(load_incidents(db)):
        if ((not start or i.event_date >= start) and (not end or i.event_date <= end)
                and (not actors or i.actor1 in actors or i.actor2 in actors)
                and (not event_types or i.event_type in event_types)):
            out.append(i)
    return sorted(out, key=lambda i: (i.geo_precision, i.event_date, i.id))


def articles(db: str | Path) -> list[dict]:
    """Every stored article as a dict of ARTICLE_COLUMNS, by publication date then file."""
    return backend(db).articles(db)


def stamp(db: str | Path) -> tuple:
    """Changes whenever the store does (the app's cache key)."""
    return backend(db).stamp(db)
