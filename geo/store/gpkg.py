"""The GeoPackage backend of the incident store: SQLite with an `incidents` point layer and an `articles` table.

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

Rows, merged events and filters are built by `geo.store.schema`, as the PostGIS backend's are, so both
hold the same texts; `geo.store` chooses the backend. This module never imports the other one.
"""
from __future__ import annotations

import heapq
import os
import sqlite3
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..merge import merge_key
from ..records import Article, Incident
from . import migrate
from .schema import (ARTICLE_COLUMNS, ARTICLE_TYPES, COLUMNS, EVENT_COLUMNS, EVENTS_VERSION, LARGE_KEY, LAYER,
                     StoreError, article_id, article_row, event_rows, export_key, feature_text, incident,
                     pending_rows, stored_as, values, where)

GPKG_APPLICATION_ID = 0x47504B47  # 'GPKG'
BUSY_TIMEOUT_S = 600  # how long a writer waits behind another's write (a big store's rebuild takes minutes)
FULL_CHECK_MAX_BYTES = 256 * 2**20


def _unusable(p, e: sqlite3.Error) -> StoreError:
    """The StoreError for a database error: another process writing it past the wait (busy: try again),
    or a file SQLite cannot read (corrupt)."""
    if isinstance(e, sqlite3.OperationalError) and ("locked" in str(e) or "busy" in str(e)):
        return StoreError(f"{p}: busy: another process is writing it and held it for over {BUSY_TIMEOUT_S:g} s "
                          f"({e}); try again when it is done")
    return StoreError(f"{p}: corrupt or unreadable database ({e})")


def _begin(conn: sqlite3.Connection) -> None:
    """Take the write lock, waiting up to BUSY_TIMEOUT_S; past that, a StoreError saying busy."""
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as e:
        raise _unusable(conn.execute("PRAGMA database_list").fetchone()[2], e) from None


def _clean_creations(path: Path) -> None:
    """Remove what killed creations of this store left (`_create`'s private files of processes gone)."""
    for f in path.parent.glob(f".{path.stem}.creating-*.gpkg*"):
        pid = f.name[len(f".{path.stem}.creating-"):].split(".", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            f.unlink(missing_ok=True)
        except OSError:  # alive, another user's
            pass


def display_name(db) -> str:
    return str(db)


def exists(db: str | Path) -> bool:
    return Path(db).exists()


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
    _clean_creations(path)
    try:
        gdf.to_file(tmp, layer=LAYER, driver="GPKG", engine="pyogrio")
        conn = sqlite3.connect(tmp)
        try:
            _register(conn)
            with conn:
                conn.execute(f'DELETE FROM "{LAYER}"')
                conn.execute("CREATE TABLE IF NOT EXISTS articles ("
                             + ", ".join(f"{c} {t}{' PRIMARY KEY' if c == 'article_id' else ''}"
                                         for c, t in ARTICLE_TYPES) + ")")
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
            if migrate.missing(_present(conn)):
                conn.execute("BEGIN IMMEDIATE")
                with conn:  # checked again under the write lock: another writer may have added them
                    for table, col, typ in migrate.missing(_present(conn)):
                        conn.execute(migrate.add_column(table, col, typ))
            if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                conn.execute("PRAGMA journal_mode=WAL")
            if events_ready(conn) and _pending(conn):  # left by an ingest killed before its `finish`
                finish(conn)
            if not events_ready(conn):
                conn.execute("BEGIN IMMEDIATE")  # DDL included: a failed rebuild leaves the old events
                with conn:
                    if not events_ready(conn):  # another writer may have built them while we waited
                        try:
                            _ensure_events(conn)
                        except ValueError as e:  # a stored value no export can hold
                            raise StoreError(f"{p}: cannot merge the stored incidents ({e})") from None
    except sqlite3.DatabaseError as e:
        raise _unusable(p, e) from None


def _open_to_read(p: Path) -> sqlite3.Connection:
    """A reader's connection. A store no one can write here (a read-only file or folder, where SQLite
    cannot make the WAL's `-shm` file) is opened read-only, or where even that needs the `-shm`, as
    immutable: with no `-wal` file possible, no writer can be changing it."""
    conn = sqlite3.connect(p, timeout=BUSY_TIMEOUT_S)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError:  # cannot open (no -shm): read-only
        conn.close()
    except sqlite3.DatabaseError:  # no database at all: `_check` says what the file is
        return conn
    try:
        uri = p.resolve().as_uri()
    except ValueError:
        return sqlite3.connect(p, timeout=BUSY_TIMEOUT_S)
    for mode in ("mode=ro", "immutable=1"):
        conn = sqlite3.connect(f"{uri}?{mode}", uri=True, timeout=BUSY_TIMEOUT_S)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.OperationalError:
            conn.close()
    return sqlite3.connect(p, timeout=BUSY_TIMEOUT_S)  # its error names the reason when it is read


def _present(conn: sqlite3.Connection) -> dict[str, set[str]]:
    """The columns of the incident layer and of the articles table, as this store has them."""
    return {t: {r[1] for r in conn.execute(f'PRAGMA table_info("{t}")')} for t in (LAYER, "articles")}


@contextmanager
def connect(path: str | Path, create: bool = True):
    """An sqlite3 connection to the GeoPackage, created if asked; errors name the file. ``create=True`` is
    the writer's mode: the store is checked and upgraded before anything is written. Readers (the app,
    export) skip the writer's integrity check and never block the writer (WAL)."""
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
        conn = sqlite3.connect(p, timeout=BUSY_TIMEOUT_S) if create else _open_to_read(p)
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
    conn.execute("CREATE INDEX IF NOT EXISTS idx_articles_sha1 ON articles(sha1)")  # a copy is found by its text
    conn.execute("CREATE TABLE IF NOT EXISTS store_meta (key TEXT PRIMARY KEY, value TEXT)")
    conn.execute("DROP TABLE IF EXISTS events")
    conn.execute("""CREATE TABLE events (
        event_key TEXT, event_id TEXT, event_date TEXT, event_type TEXT, actor1 TEXT, actor2 TEXT,
        geo_precision INTEGER, feature TEXT, evidence TEXT)""")
    for name, cols in (("key", "event_key"), ("order", "geo_precision, event_date, event_id"),
                       ("date", "event_date"), ("actor1", "actor1"), ("actor2", "actor2"), ("type", "event_type")):
        conn.execute(f"CREATE INDEX idx_events_{name} ON events({cols})")
    sql = f'SELECT fid, geom, {", ".join(c for c, _ in COLUMNS)} FROM "{LAYER}" WHERE fid > ? ORDER BY fid LIMIT 10000'
    last = 0
    while rows := conn.execute(sql, (last,)).fetchall():
        conn.executemany(f'UPDATE "{LAYER}" SET merge_key = ? WHERE fid = ?',
                         [(merge_key(_incident(r[1:])), r[0]) for r in rows])
        last = rows[-1][0]
    conn.execute("CREATE TABLE IF NOT EXISTS events_pending (event_key TEXT PRIMARY KEY)")
    conn.execute("DELETE FROM events_pending")
    keys = [r[0] for r in conn.execute(f'SELECT DISTINCT merge_key FROM "{LAYER}"')]
    _refresh_events(conn, keys)
    conn.execute("INSERT OR REPLACE INTO store_meta VALUES ('events_version', ?)", (EVENTS_VERSION,))


def _pending(conn: sqlite3.Connection) -> list[str]:
    """The keys whose merged incident is pending (`LARGE_KEY`); none in a store from before."""
    try:
        return [r[0] for r in conn.execute("SELECT event_key FROM events_pending")]
    except sqlite3.OperationalError:
        return []


def _refresh_events(conn: sqlite3.Connection, keys, defer: bool = False) -> None:
    """Merge again the stored incidents of these keys and replace their events (inside a transaction).
    ``defer``: a key past `LARGE_KEY` incidents is marked pending instead, its event removed."""
    keys = sorted(set(keys))
    if defer:
        now = []
        for k in keys:
            if conn.execute("SELECT 1 FROM events_pending WHERE event_key = ?", (k,)).fetchone():
                continue
            n = conn.execute(f'SELECT count(*) FROM (SELECT 1 FROM "{LAYER}" WHERE merge_key = ? LIMIT ?)',
                             (k, LARGE_KEY + 1)).fetchone()[0]
            if n > LARGE_KEY:
                conn.execute("INSERT INTO events_pending VALUES (?)", (k,))
                conn.execute("DELETE FROM events WHERE event_key = ?", (k,))
            else:
                now.append(k)
        keys = now
    cols = ", ".join(c for c, _ in COLUMNS)
    for i in range(0, len(keys), 500):
        chunk = keys[i:i + 500]
        marks = ",".join("?" * len(chunk))
        conn.execute(f"DELETE FROM events_pending WHERE event_key IN ({marks})", chunk)
        conn.execute(f"DELETE FROM events WHERE event_key IN ({marks})", chunk)
        rows = conn.execute(f'SELECT geom, {cols} FROM "{LAYER}" WHERE merge_key IN ({marks})', chunk).fetchall()
        events = [e[:-2] for e in event_rows([_incident(r) for r in rows])]
        conn.executemany(f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) "
                         f"VALUES ({', '.join('?' * len(EVENT_COLUMNS))})", events)


def _row(inc: Incident, aid: str, file: str) -> tuple:
    return (_gpkg_point(inc.lon, inc.lat), *values(inc, aid, file), merge_key(inc))


def save_article(conn, article: Article, incidents: list[Incident], pipeline: str = "") -> str:
    """Replace everything stored from this article by its new incidents, in one transaction; returns the
    id of the stored article holding this text (`geo.store.save_article`).

    ``pipeline`` fingerprints the code and data that read it, so that `unchanged` can tell a
    re-ingest of the same text by the same pipeline (nothing to do) from one after an upgrade.
    """
    aid = article_id(article)
    cols = ", ".join(["geom"] + [c for c, _ in COLUMNS] + ["merge_key"])
    marks = ", ".join("?" * (len(COLUMNS) + 2))
    rows = [_row(i, aid, article.file) for i in incidents]  # built first: a bad value fails before the transaction
    _begin(conn)  # the write lock before the old keys are read: no other save in between
    with conn:
        held = stored_as(conn.execute, aid, article.sha1)
        if held and held[0] != aid and held[1] == pipeline:
            return held[0]  # this text is stored from another path by this pipeline: stored once
        gone = [aid] + ([held[0]] if held and held[0] != aid else [])
        keys = _delete(conn, gone)
        conn.executemany(f'INSERT INTO "{LAYER}" ({cols}) VALUES ({marks})', rows)
        _refresh_events(conn, keys | {r[-1] for r in rows}, defer=True)
        conn.execute(f"INSERT INTO articles ({', '.join(ARTICLE_COLUMNS)}) "
                     f"VALUES ({', '.join('?' * len(ARTICLE_COLUMNS))})",
                     article_row(article, len(incidents), pipeline))
    return aid


def _delete(conn: sqlite3.Connection, ids: list[str]) -> set[str]:
    """Delete these articles and their incidents (inside a transaction); returns the merge keys they had."""
    keys: set[str] = set()
    for aid in ids:
        keys |= {r[0] for r in conn.execute(f'SELECT merge_key FROM "{LAYER}" WHERE article_id = ?', (aid,))}
        conn.execute(f'DELETE FROM "{LAYER}" WHERE article_id = ?', (aid,))
        conn.execute("DELETE FROM articles WHERE article_id = ?", (aid,))
    return keys


def remove_articles(conn, ids: list[str]) -> list[str]:
    """`geo.store.remove_articles`: one transaction under the write lock."""
    _begin(conn)
    with conn:
        found = [a for a in dict.fromkeys(ids)
                 if conn.execute("SELECT 1 FROM articles WHERE article_id = ?", (a,)).fetchone()]
        _refresh_events(conn, _delete(conn, found))
    return found


def execute(conn: sqlite3.Connection, sql: str, args=()):
    """Run a statement written with `?` marks."""
    return conn.execute(sql, args)


def finish(conn: sqlite3.Connection) -> None:
    """Merge the pending keys (`LARGE_KEY`) once, at the end of an ingest. A store that cannot be written
    now keeps them pending: readers merge them, and the next writer merges them for good."""
    try:
        if _pending(conn):
            conn.execute("BEGIN IMMEDIATE")
            with conn:
                _refresh_events(conn, _pending(conn))
    except sqlite3.OperationalError:
        pass


def analyze(conn) -> None:
    """Fresh planner statistics after an ingest, so filters use the date index (1M rows: 412 ms -> 61 ms)."""
    try:
        conn.execute("ANALYZE")
    except sqlite3.Error:
        pass


def load_incidents(path: str | Path, start: str | None = None, end: str | None = None,
                   actors: list[str] | None = None, event_types: list[str] | None = None) -> list[Incident]:
    """Incidents passing the filters, read with indexed SQL, by date then id."""
    clause, args = where(start, end, actors, event_types)
    with connect(path, create=False) as conn:
        cols = migrate.select_list(_read_present(conn, path)[LAYER])
        rows = _read(conn, path, f'SELECT geom, {cols} FROM "{LAYER}"{clause} ORDER BY event_date, incident_id', args)
    return [_incident(r) for r in rows]


def event_features(path: str | Path, start: str | None = None, end: str | None = None,
                   actors: list[str] | None = None, event_types: list[str] | None = None,
                   evidence: bool = True) -> Iterator[str] | None:
    """The merged incidents passing the filters as feature texts, in export order (most precise place
    first, then date), streamed from the `events` table; None when the store has no up-to-date events
    (made by an older version and not yet opened for writing), so the caller merges in memory.

    Filters select merged incidents by their own fields, as exported: date, actor1 or actor2, event type.
    """
    with connect(path, create=False) as conn:
        try:
            if not events_ready(conn):
                return None
        except sqlite3.DatabaseError as e:
            raise _unusable(path, e) from None
    clause, args = where(start, end, actors, event_types)
    sql = (f"SELECT geo_precision, event_date, event_id, feature, {'evidence' if evidence else 'NULL'} "
           f"FROM events{clause} ORDER BY geo_precision, event_date, event_id")

    def stream() -> Iterator[str]:
        with connect(path, create=False) as conn:
            try:
                conn.execute("BEGIN")  # one snapshot: the pending keys and the events of the others
                cur = conn.execute(sql, args)
                rows = iter(lambda: cur.fetchmany(10_000), [])
                table = (r for chunk in rows for r in chunk)
                pending = _pending_rows(conn, start, end, actors, event_types, evidence)
                for r in heapq.merge(table, pending, key=export_key):
                    yield feature_text(r[3], r[4])
            except sqlite3.DatabaseError as e:
                raise _unusable(path, e) from None
    return stream()


def _pending_rows(conn, start, end, actors, event_types, evidence: bool) -> list[tuple]:
    """The merged incidents of the pending keys, merged here, filtered and ordered as `event_features`'s SQL."""
    keys = _pending(conn)
    if not keys:
        return []
    cols = ", ".join(c for c, _ in COLUMNS)
    incs = []
    for i in range(0, len(keys), 500):
        chunk = keys[i:i + 500]
        rows = conn.execute(f'SELECT geom, {cols} FROM "{LAYER}" WHERE merge_key IN ({",".join("?" * len(chunk))})',
                            chunk).fetchall()
        incs += [_incident(r) for r in rows]
    return pending_rows(incs, start, end, actors, event_types, evidence)


def _read(conn: sqlite3.Connection, path, sql: str, args=()) -> list[tuple]:
    """Rows of a query; a corrupt file becomes a StoreError naming it, which the app and CLI show."""
    try:
        return conn.execute(sql, args).fetchall()
    except sqlite3.DatabaseError as e:
        raise _unusable(path, e) from None


def _read_present(conn: sqlite3.Connection, path) -> dict[str, set[str]]:
    try:
        return _present(conn)
    except sqlite3.DatabaseError as e:
        raise _unusable(path, e) from None


def _incident(r: tuple) -> Incident:
    return incident(*(_blob_xy(r[0]) or (0.0, 0.0)), r[1:])


def articles(path: str | Path) -> list[dict]:
    """Every stored article as a dict of ARTICLE_COLUMNS, by publication date then file."""
    with connect(path, create=False) as conn:
        names = [r[1] for r in _read(conn, path, "PRAGMA table_info(articles)")]
        rows = _read(conn, path, "SELECT * FROM articles ORDER BY published, file")
    return [dict(zip(names, r)) for r in rows]


def stamp(db: str | Path) -> tuple:
    """Changes whenever the store does (the app's cache key); a GeoPackage's includes its WAL file."""
    p = Path(db)
    return tuple((f.stat().st_mtime_ns, f.stat().st_size) if f.exists() else None
                 for f in (p, p.with_name(p.name + "-wal")))
