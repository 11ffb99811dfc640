"""The incident store: a GeoPackage (SQLite) with an `incidents` point layer and an `articles` table.

The layer is created by GDAL (pyogrio) so that QGIS and ogrinfo see a standard GeoPackage with
its R-tree; rows are then written through sqlite3 so that each article's incidents are replaced
in one transaction (re-ingest never duplicates, a killed process never half-writes an article).
GDAL's R-tree triggers call ST_* SQL functions, which are registered here for sqlite3.

Beside the rows of each article, the store keeps the `events` table: the incidents merged across
articles (`geo.merge`), one per place, day and class, as export-ready feature texts. Saving an article
refreshes only the merge keys it touches, so an export streams events without loading or merging
anything, whatever the size of the store.

The database is in WAL mode, so the app reads while an ingest writes, and a process killed in the
middle of an ingest leaves every committed article intact. An existing file that is not an incident
GeoPackage, or is corrupt, is refused with a `StoreError` and never written to (past
`FULL_CHECK_MAX_BYTES` only what `_integrity_problems` reads is checked beforehand).

Within one process, never read the file with GDAL while an sqlite3 connection to it is open: the two
bundled SQLite libraries release each other's POSIX locks, and the open connection's view of the WAL
goes stale. Every connection here is closed as soon as its work is done.

A PostgreSQL URL instead of a file opens the same store in PostGIS (`geo.store_pg`, for a team): the
public functions here dispatch on it (`is_postgres`), and both stores build their rows, merged events
and filters with the helpers below (`values`, `article_row`, `event_rows`, `where`, `incident`).
"""
from __future__ import annotations

import json
import os
import sqlite3
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from .records import Article, Incident, Source

LAYER = "incidents"
COLUMNS = [
    ("incident_id", "TEXT"), ("article_id", "TEXT"), ("event_date", "TEXT"), ("time_precision", "INTEGER"),
    ("event_type", "TEXT"), ("sub_event_type", "TEXT"), ("actor1", "TEXT"), ("actor2", "TEXT"),
    ("location", "TEXT"), ("country", "TEXT"), ("admin1", "TEXT"), ("geo_precision", "INTEGER"),
    ("fatalities", "INTEGER"), ("injured", "INTEGER"), ("claimed_by", "TEXT"), ("denied_by", "TEXT"),
    ("sources", "TEXT"), ("evidence", "TEXT"), ("geonameid", "INTEGER"), ("notes", "TEXT"),
]
JSON_COLUMNS = ("claimed_by", "denied_by", "sources", "evidence")
EVENT_COLUMNS = ["event_key", "event_id", "event_date", "event_type", "actor1", "actor2", "geo_precision",
                 "feature", "evidence"]
EVENTS_VERSION = "1"  # of the merge rules and the feature layout: a store built by another is rebuilt
ARTICLE_COLUMNS = ["article_id", "file", "url", "title", "published", "sha1", "ingested_at", "n_incidents", "pipeline"]
GPKG_APPLICATION_ID = 0x47504B47  # 'GPKG'
BUSY_TIMEOUT_S = 30
FULL_CHECK_MAX_BYTES = 256 * 2**20
PG_PREFIXES = ("postgresql://", "postgres://")  # a --db starting so names a PostGIS database


class StoreError(RuntimeError):
    """The database cannot be opened or written; the message names the file (or the redacted URL)."""


def is_postgres(db) -> bool:
    """Whether `db` names a PostGIS store: a --db string with a PostgreSQL URL, or a connection to one.

    The one place a store's kind is told; everything else calls the functions of this module.
    """
    if isinstance(db, str):
        return db.startswith(PG_PREFIXES)
    return not isinstance(db, (Path, sqlite3.Connection)) and type(db).__module__.startswith("psycopg")


def display_name(db) -> str:
    """The database as it may be printed: a URL without its password."""
    pg = _pg(db)
    return pg.redact(str(db), str(db)) if pg else str(db)


def _pg(db):
    """The PostGIS backend (`geo.store_pg`) when `db` is a PostGIS store, else None (a GeoPackage)."""
    if is_postgres(db):
        from . import store_pg
        return store_pg
    return None


def _gpkg_point(lon: float, lat: float) -> bytes:
    """A GeoPackage geometry blob: 'GP' header (version 0, little-endian, no envelope, SRS 4326) + WKB point."""
    return b"GP" + bytes([0, 0b00000001]) + struct.pack("<i", 4326) + struct.pack("<BIdd", 1, 1, lon, lat)


def _blob_xy(blob: bytes | None) -> tuple[float, float] | None:
    if not blob or len(blob) < 8:
        return None
    flags = blob[3]
    env = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}.get((flags >> 1) & 0b111, 0)
    wkb = blob[8 + env:]
    if len(wkb) < 21:
        return None
    order = "<" if wkb[0] == 1 else ">"
    return struct.unpack(order + "dd", wkb[5:21])


def _register(conn: sqlite3.Connection) -> None:
    def coord(i):
        def f(blob):
            xy = _blob_xy(blob)
            return None if xy is None else xy[i]
        return f
    conn.create_function("ST_IsEmpty", 1, lambda b: 1 if _blob_xy(b) is None else 0, deterministic=True)
    for name, i in (("ST_MinX", 0), ("ST_MaxX", 0), ("ST_MinY", 1), ("ST_MaxY", 1)):
        conn.create_function(name, 1, coord(i), deterministic=True)


def _create(path: Path) -> None:
    """Create an empty GeoPackage with the incidents layer (via GDAL) and the articles table.

    It is built under a private name and linked into place only if nothing is there yet, so a
    concurrent ingest that created it first is never replaced, and a killed creation leaves no
    half-made database under the real name.
    """
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import Point

    data = {c: pd.array([0], dtype="Int64") if t == "INTEGER" else ["x"] for c, t in COLUMNS}
    gdf = gpd.GeoDataFrame(data, geometry=[Point(0, 0)], crs="EPSG:4326")
    tmp = path.with_name(f".{path.stem}.creating-{os.getpid()}.gpkg")
    tmp.unlink(missing_ok=True)
    try:
        gdf.to_file(tmp, layer=LAYER, driver="GPKG", engine="pyogrio")
        conn = sqlite3.connect(tmp)
        try:
            _register(conn)
            with conn:
                conn.execute(f'DELETE FROM "{LAYER}"')
                conn.execute("""CREATE TABLE IF NOT EXISTS articles (
                    article_id TEXT PRIMARY KEY, file TEXT, url TEXT, title TEXT, published TEXT,
                    sha1 TEXT, ingested_at TEXT, n_incidents INTEGER, pipeline TEXT)""")
                for col in ("event_date", "actor1", "actor2", "event_type", "article_id", "incident_id"):
                    conn.execute(f'CREATE INDEX IF NOT EXISTS idx_{LAYER}_{col} ON "{LAYER}"({col})')
                _ensure_events(conn)
            conn.execute("PRAGMA journal_mode=WAL")
        finally:
            conn.close()
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process created it meanwhile: use theirs
        except OSError:  # a file system without hard links
            if not path.exists():
                tmp.replace(path)
    finally:
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            leftover.unlink(missing_ok=True)


def _integrity_problems(conn: sqlite3.Connection, p: Path) -> list[str]:
    """The whole file is checked before writing up to FULL_CHECK_MAX_BYTES. Past that, reading every
    page would make each daily ingest into a million-incident store pay seconds (4 s at 1M), so only
    the article table is checked in full and the big tables at their root and last pages. A corrupt
    page that a write touches is still refused by SQLite, and the article's transaction rolls back."""
    if p.stat().st_size <= FULL_CHECK_MAX_BYTES:
        return [r[0] for r in conn.execute("PRAGMA quick_check(3)")]
    problems = [r[0] for r in conn.execute("PRAGMA quick_check(articles)")]
    for table in (LAYER, "events"):
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (table,)).fetchone():
            conn.execute(f'SELECT max(rowid) FROM "{table}"').fetchone()
    return problems


def _check(conn: sqlite3.Connection, p: Path, write: bool) -> None:
    """Refuse a file that is not an incident GeoPackage, and (before writing) a corrupt one."""
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as e:
        raise StoreError(f"{p}: not an incident GeoPackage ({e})") from None
    if app_id != GPKG_APPLICATION_ID or "gpkg_contents" not in tables:
        raise StoreError(f"{p}: not a GeoPackage (an SQLite database of another kind); refusing to touch it")
    missing = sorted({LAYER, "articles"} - tables)
    if missing:
        raise StoreError(f"{p}: a GeoPackage, but not an incident store (no {' or '.join(missing)} table)")
    try:
        conn.execute(f'SELECT 1 FROM "{LAYER}" LIMIT 1').fetchall()
        if write:
            problems = _integrity_problems(conn, p)
            if problems != ["ok"]:
                raise StoreError(f"{p}: corrupt database ({'; '.join(problems)}); restore it or ingest into a new file")
            cols = {r[1] for r in conn.execute("PRAGMA table_info(articles)")}
            if "pipeline" not in cols:  # a store made before articles recorded the pipeline that read them
                with conn:
                    conn.execute("ALTER TABLE articles ADD COLUMN pipeline TEXT")
            if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                conn.execute("PRAGMA journal_mode=WAL")
            if not events_ready(conn):
                conn.execute("BEGIN IMMEDIATE")  # DDL included: a failed rebuild leaves the old events
                with conn:
                    if not events_ready(conn):  # another writer may have built them while we waited
                        try:
                            _ensure_events(conn)
                        except ValueError as e:  # a stored value no export can hold
                            raise StoreError(f"{p}: cannot merge the stored incidents ({e})") from None
    except sqlite3.DatabaseError as e:
        raise StoreError(f"{p}: corrupt or unreadable database ({e})") from None


def connect(db: str | Path, create: bool = True):
    """A context manager giving a connection to the store, creating it if asked; errors name the database.

    ``create=True`` is the writer's mode: it also checks the store before anything is written.
    A PostgreSQL URL opens the PostGIS store (`geo.store_pg`), anything else a GeoPackage file.
    """
    if pg := _pg(db):
        return pg.connect(db, create)
    return _connect_gpkg(db, create)


@contextmanager
def _connect_gpkg(path: str | Path, create: bool = True):
    """An sqlite3 connection to the GeoPackage; readers (the app, export) skip the writer's integrity check
    and never block the writer (WAL)."""
    p = Path(path)
    if p.is_symlink() and not p.exists():
        raise StoreError(f"{p}: broken symbolic link")
    if not p.exists():
        if not create:
            raise StoreError(f"{p}: no such database (ingest articles first)")
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
            _create(p)
        except OSError as e:
            raise StoreError(f"{p}: cannot create the database ({e.strerror or e})") from None
        except Exception as e:  # GDAL's own errors (pyogrio.errors.*) when the folder is not writable
            raise StoreError(f"{p}: cannot create the database ({' '.join(str(e).split())})") from None
    if p.is_dir():
        raise StoreError(f"{p}: is a folder, not a database file")
    if not p.is_file():
        raise StoreError(f"{p}: not a regular file, so not a database")
    if p.stat().st_size == 0:
        raise StoreError(f"{p}: empty file, not a GeoPackage; refusing to touch it (remove it to start a new store)")
    try:
        conn = sqlite3.connect(p, timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error as e:
        raise StoreError(f"{p}: cannot open the database ({e})") from None
    try:
        _register(conn)
        _check(conn, p, write=create)
        if create:
            # In WAL mode NORMAL syncs at checkpoints, not at every commit: a killed process still loses
            # nothing committed and the file is never corrupt; a power cut may lose the last articles,
            # which are then simply not in `articles` and are read again by the next ingest. The commit's
            # fsync was 0.7 ms an article, the largest part of storing one.
            conn.execute("PRAGMA synchronous=NORMAL")
    except BaseException:
        conn.close()
        raise
    try:
        yield conn
    finally:
        conn.close()


def events_ready(conn: sqlite3.Connection) -> bool:
    """Whether the `events` table is there, was built by this version of the merge, and no incident was
    written since without a merge key (by a version from before the events table, which does not
    refresh them). Cheap: the key's index holds the NULLs."""
    try:
        r = conn.execute("SELECT value FROM store_meta WHERE key = 'events_version'").fetchone()
        if not (r and r[0] == EVENTS_VERSION):
            return False
        return conn.execute(f'SELECT 1 FROM "{LAYER}" WHERE merge_key IS NULL LIMIT 1').fetchone() is None
    except sqlite3.OperationalError:  # a store from before the events table
        return False


def _ensure_events(conn: sqlite3.Connection) -> None:
    """Create (or, after an upgrade of the merge, rebuild) the merged events; inside a transaction."""
    cols = {r[1] for r in conn.execute(f'PRAGMA table_info("{LAYER}")')}
    if "merge_key" not in cols:
        conn.execute(f'ALTER TABLE "{LAYER}" ADD COLUMN merge_key TEXT')
    conn.execute(f'CREATE INDEX IF NOT EXISTS idx_{LAYER}_merge_key ON "{LAYER}"(merge_key)')
    conn.execute("CREATE TABLE IF NOT EXISTS store_meta (key TEXT PRIMARY KEY, value TEXT)")
    conn.execute("DROP TABLE IF EXISTS events")
    conn.execute("""CREATE TABLE events (
        event_key TEXT, event_id TEXT, event_date TEXT, event_type TEXT, actor1 TEXT, actor2 TEXT,
        geo_precision INTEGER, feature TEXT, evidence TEXT)""")
    for name, cols in (("key", "event_key"), ("order", "geo_precision, event_date, event_id"),
                       ("date", "event_date"), ("actor1", "actor1"), ("actor2", "actor2"), ("type", "event_type")):
        conn.execute(f"CREATE INDEX idx_events_{name} ON events({cols})")
    from .merge import merge_key
    sql = f'SELECT fid, geom, {", ".join(c for c, _ in COLUMNS)} FROM "{LAYER}" WHERE fid > ? ORDER BY fid LIMIT 10000'
    last = 0
    while rows := conn.execute(sql, (last,)).fetchall():
        conn.executemany(f'UPDATE "{LAYER}" SET merge_key = ? WHERE fid = ?',
                         [(merge_key(_incident(r[1:])), r[0]) for r in rows])
        last = rows[-1][0]
    keys = [r[0] for r in conn.execute(f'SELECT DISTINCT merge_key FROM "{LAYER}"')]
    _refresh_events(conn, keys)
    conn.execute("INSERT OR REPLACE INTO store_meta VALUES ('events_version', ?)", (EVENTS_VERSION,))


def _refresh_events(conn: sqlite3.Connection, keys) -> None:
    """Merge again the stored incidents of these keys and replace their events (inside a transaction)."""
    keys = sorted(set(keys))
    cols = ", ".join(c for c, _ in COLUMNS)
    for i in range(0, len(keys), 500):
        chunk = keys[i:i + 500]
        marks = ",".join("?" * len(chunk))
        conn.execute(f"DELETE FROM events WHERE event_key IN ({marks})", chunk)
        rows = conn.execute(f'SELECT geom, {cols} FROM "{LAYER}" WHERE merge_key IN ({marks})', chunk).fetchall()
        events = [e[:-2] for e in event_rows([_incident(r) for r in rows])]
        conn.executemany(f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) "
                         f"VALUES ({', '.join('?' * len(EVENT_COLUMNS))})", events)


def event_rows(incidents: list[Incident]) -> list[tuple]:
    """The merged events of these incidents (all of some merge keys): EVENT_COLUMNS values, then lon, lat.

    Both stores refresh their `events` with this, so they hold the same texts for the same incidents.
    """
    from .export import feature_parts
    from .merge import merge, merge_key

    out = []
    for inc in merge(incidents):
        head, evidence = feature_parts(inc)
        out.append((merge_key(inc), inc.id, inc.event_date, inc.event_type, inc.actor1, inc.actor2,
                    inc.geo_precision, head, evidence, inc.lon, inc.lat))
    return out


def article_id(article: Article) -> str:
    return article.url or article.file


def values(inc: Incident, aid: str) -> list:
    """The incident's COLUMNS values as stored (lists as JSON text), without its point."""
    vals = []
    for c, _ in COLUMNS:
        if c == "incident_id":
            v = inc.id
        elif c == "article_id":
            v = aid
        elif c == "sources":
            v = json.dumps([s.as_dict() for s in inc.sources], ensure_ascii=False)
        elif c in JSON_COLUMNS:
            v = json.dumps(getattr(inc, c), ensure_ascii=False)
        else:
            v = getattr(inc, c)
        vals.append(v)
    return vals


def _row(inc: Incident, aid: str) -> tuple:
    from .merge import merge_key
    return (_gpkg_point(inc.lon, inc.lat), *values(inc, aid), merge_key(inc))


def article_row(article: Article, n_incidents: int, pipeline: str) -> tuple:
    """The article's ARTICLE_COLUMNS values."""
    return (article_id(article), article.file, article.url, article.title,
            article.published.isoformat() if article.published else None, article.sha1,
            datetime.now(timezone.utc).isoformat(timespec="seconds"), n_incidents, pipeline)


def save_article(conn, article: Article, incidents: list[Incident], pipeline: str = "") -> None:
    """Replace everything stored from this article by its new incidents, in one transaction.

    ``pipeline`` fingerprints the code and data that read it, so that `unchanged` can tell a
    re-ingest of the same text by the same pipeline (nothing to do) from one after an upgrade.
    """
    if pg := _pg(conn):
        return pg.save_article(conn, article, incidents, pipeline)
    aid = article_id(article)
    cols = ", ".join(["geom"] + [c for c, _ in COLUMNS] + ["merge_key"])
    marks = ", ".join("?" * (len(COLUMNS) + 2))
    rows = [_row(i, aid) for i in incidents]  # built first: a bad value fails before the transaction
    conn.execute("BEGIN IMMEDIATE")  # the write lock before the old keys are read: no other save in between
    with conn:
        keys = {r[0] for r in conn.execute(f'SELECT merge_key FROM "{LAYER}" WHERE article_id = ?', (aid,))}
        conn.execute(f'DELETE FROM "{LAYER}" WHERE article_id = ?', (aid,))
        conn.executemany(f'INSERT INTO "{LAYER}" ({cols}) VALUES ({marks})', rows)
        _refresh_events(conn, keys | {r[-1] for r in rows})
        conn.execute(f"INSERT OR REPLACE INTO articles ({', '.join(ARTICLE_COLUMNS)}) "
                     f"VALUES ({', '.join('?' * len(ARTICLE_COLUMNS))})",
                     article_row(article, len(incidents), pipeline))


def _execute(conn, sql: str, args=()):
    """Run a statement written with `?` marks on either store (a lost PostGIS connection is a StoreError)."""
    if pg := _pg(conn):
        return pg.execute(conn, sql.replace("?", "%s"), args)
    return conn.execute(sql, args)


def unchanged(conn, article: Article, pipeline: str) -> int | None:
    """The stored incident count when this very text was already stored by this pipeline, else None."""
    r = _execute(conn, "SELECT sha1, pipeline, n_incidents FROM articles WHERE article_id = ?",
                 (article_id(article),)).fetchone()
    if r and article.sha1 and r[0] == article.sha1 and r[1] == pipeline:
        return r[2]
    return None


def stored_texts(conn, pipeline: str) -> frozenset[tuple[str, str]]:
    """(article_id, sha1) of every article this pipeline stored: what a parallel ingest need not extract."""
    return frozenset(tuple(r) for r in _execute(conn, "SELECT article_id, sha1 FROM articles WHERE pipeline = ?",
                                                (pipeline,)))


def analyze(conn) -> None:
    """Fresh planner statistics after an ingest, so filters use the date index (1M rows: 412 ms -> 61 ms)."""
    if pg := _pg(conn):
        return pg.analyze(conn)
    try:
        conn.execute("ANALYZE")
    except sqlite3.Error:
        pass


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


def load_incidents(path: str | Path, start: str | None = None, end: str | None = None,
                   actors: list[str] | None = None, event_types: list[str] | None = None) -> list[Incident]:
    """Incidents passing the filters, read with indexed SQL, by date then id."""
    if pg := _pg(path):
        return pg.load_incidents(path, start, end, actors, event_types)
    clause, args = where(start, end, actors, event_types)
    sql = f'SELECT geom, {", ".join(c for c, _ in COLUMNS)} FROM "{LAYER}"{clause} ORDER BY event_date, incident_id'
    with connect(path, create=False) as conn:
        rows = _read(conn, path, sql, args)
    return [_incident(r) for r in rows]


def event_features(path: str | Path, start: str | None = None, end: str | None = None,
                   actors: list[str] | None = None, event_types: list[str] | None = None,
                   evidence: bool = True) -> Iterator[str] | None:
    """The merged incidents passing the filters as feature texts, in export order (most precise place
    first, then date), streamed from the `events` table; None when the store has no up-to-date events
    (made by an older version and not yet opened for writing), so the caller merges in memory.

    Filters select merged incidents by their own fields, as exported: date, actor1 or actor2, event type.
    """
    if pg := _pg(path):
        return pg.event_features(path, start, end, actors, event_types, evidence)
    from .export import feature_text

    with connect(path, create=False) as conn:
        try:
            if not events_ready(conn):
                return None
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{path}: corrupt or unreadable database ({e})") from None
    clause, args = where(start, end, actors, event_types)
    sql = (f"SELECT feature, {'evidence' if evidence else 'NULL'} FROM events{clause} "
           "ORDER BY geo_precision, event_date, event_id")

    def stream() -> Iterator[str]:
        with connect(path, create=False) as conn:
            try:
                cur = conn.execute(sql, args)
                while rows := cur.fetchmany(10_000):
                    yield from (feature_text(h, e) for h, e in rows)
            except sqlite3.DatabaseError as e:
                raise StoreError(f"{path}: corrupt or unreadable database ({e})") from None
    return stream()


def load_events(path: str | Path, start: str | None = None, end: str | None = None,
                actors: list[str] | None = None, event_types: list[str] | None = None) -> list[Incident]:
    """The merged incidents passing the filters, as the export holds them (what the app shows)."""
    from .export import incident_from_feature

    texts = event_features(path, start, end, actors, event_types)
    if texts is None:
        return merged_in_memory(path, start, end, actors, event_types)
    return [incident_from_feature(json.loads(t)) for t in texts]


def merged_in_memory(path: str | Path, start: str | None = None, end: str | None = None,
                     actors: list[str] | None = None, event_types: list[str] | None = None) -> list[Incident]:
    """What `event_features` streams, for a store without up-to-date events: every incident loaded and
    merged, then filtered by the merged incident's own fields, in export order."""
    from .merge import merge
    out = []
    for i in merge(load_incidents(path)):
        if ((not start or i.event_date >= start) and (not end or i.event_date <= end)
                and (not actors or i.actor1 in actors or i.actor2 in actors)
                and (not event_types or i.event_type in event_types)):
            out.append(i)
    return sorted(out, key=lambda i: (i.geo_precision, i.event_date, i.id))


def _read(conn: sqlite3.Connection, path, sql: str, args=()) -> list[tuple]:
    """Rows of a query; a corrupt file becomes a StoreError naming it, which the app and CLI show."""
    try:
        return conn.execute(sql, args).fetchall()
    except sqlite3.DatabaseError as e:
        raise StoreError(f"{path}: corrupt or unreadable database ({e})") from None


def _incident(r: tuple) -> Incident:
    return incident(*(_blob_xy(r[0]) or (0.0, 0.0)), r[1:])


def incident(lon: float, lat: float, vals) -> Incident:
    """An incident from its point and its stored COLUMNS values."""
    d = dict(zip([c for c, _ in COLUMNS], vals))
    for c in JSON_COLUMNS:
        d[c] = json.loads(d[c]) if d[c] else []
    return Incident(
        id=d["incident_id"], event_date=d["event_date"], time_precision=d["time_precision"],
        event_type=d["event_type"], sub_event_type=d["sub_event_type"], actor1=d["actor1"], actor2=d["actor2"],
        location=d["location"], country=d["country"], admin1=d["admin1"], lat=lat, lon=lon,
        geo_precision=d["geo_precision"], fatalities=d["fatalities"], injured=d["injured"],
        claimed_by=d["claimed_by"], denied_by=d["denied_by"], sources=[Source(**s) for s in d["sources"]],
        evidence=d["evidence"], geonameid=d["geonameid"], notes=d["notes"] or "")


def articles(path: str | Path) -> list[dict]:
    """Every stored article as a dict of ARTICLE_COLUMNS, by publication date then file."""
    if pg := _pg(path):
        return pg.articles(path)
    with connect(path, create=False) as conn:
        names = [r[1] for r in _read(conn, path, "PRAGMA table_info(articles)")]
        rows = _read(conn, path, "SELECT * FROM articles ORDER BY published, file")
    return [dict(zip(names, r)) for r in rows]


def stamp(db: str | Path) -> tuple:
    """Changes whenever the store does (the app's cache key); a GeoPackage's includes its WAL file."""
    if pg := _pg(db):
        return pg.stamp(db)
    p = Path(db)
    return tuple((f.stat().st_mtime_ns, f.stat().st_size) if f.exists() else None
                 for f in (p, p.with_name(p.name + "-wal")))


def exists(db: str | Path) -> bool:
    """Whether there is a store to read: a GeoPackage file, or a PostgreSQL URL (errors come on reading)."""
    return is_postgres(db) or Path(db).exists()
