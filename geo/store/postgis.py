"""The PostGIS backend of the incident store, shared by a team: `--db postgresql://user@host/dbname`.

Same tables and semantics as the GeoPackage (`geo.store.gpkg`; `geo.store` chooses the backend):
`incidents` (geometry(Point, 4326) with a GIST index, one set per article, a `merge_key` column),
`articles` (SHA-1 and pipeline fingerprint, for `unchanged`), `events` (the incidents merged across
articles by `geo.merge`, as export-ready texts from `geo.export.feature_parts`, refreshed at save time)
and `store_meta`. Rows, the merge refresh and the filters are built by `geo.store.schema`, so both
stores hold the same texts and an export from either is the same file. Text columns use the "C"
collation, so they sort bytewise as SQLite does and exports come out in the same order.

Several processes may ingest into one database at once. Each article is saved in one READ COMMITTED
transaction that first takes transaction-level advisory locks: one on the article, then one per
merge key it had or now has, in a fixed order. Two saves touching the same place and day therefore
run one after the other, and the second re-merges with the first's incidents committed; saves of
unrelated keys run in parallel; acquiring in sorted order (article first, then keys by lock id)
rules out deadlocks, and a collision of lock ids only makes two saves wait for each other. SERIALIZABLE
would give the same result but abort the second of two overlapping saves, which would then have to
retry, re-merge and re-insert: with news articles reporting the same towns on the same days that is
the common case, so waiting is cheaper and simpler than retrying.

A key past `schema.LARGE_KEY` incidents is not merged again at each save but listed in `events_pending`
(its event removed), as in the GeoPackage: readers merge those keys in memory in the snapshot they stream
the events from, `finish` merges them once at the end of an ingest, and the next writer merges those a
killed ingest left.
"""
from __future__ import annotations

import hashlib
import heapq
import re
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import unquote

from ..merge import merge_key
from . import migrate
from .schema import (ARTICLE_COLUMNS, COLUMNS, EVENT_COLUMNS, EVENTS_VERSION, LARGE_KEY, LAYER, StoreError,
                     article_id, article_row, event_rows, export_key, feature_text, incident, pending_rows, stored_as,
                     values, where)

SCHEMA = "geo-incidents"  # store_meta's mark: tables of these names made by something else are not touched
TABLES = ("incidents", "articles", "events", "store_meta")
PENDING = "events_pending"  # not in TABLES: a store from before it gets it from its next writer
_PENDING_DDL = f'CREATE TABLE IF NOT EXISTS {PENDING} (event_key text COLLATE "C" PRIMARY KEY)'
# Advisory lock classes (the first key of the two-key form), 'geo' in ASCII so as not to meet another program's.
LOCK_SCHEMA, LOCK_ARTICLE, LOCK_KEY = 0x67656F00, 0x67656F01, 0x67656F02
CONNECT_TIMEOUT_S = 10
BUSY_TIMEOUT_S = 600  # how long a statement waits for a lock another writer holds (a rebuild takes minutes)

_COLS = ", ".join(c for c, _ in COLUMNS)
_TYPES = {"INTEGER": "bigint", "TEXT": 'text COLLATE "C"'}
_POINT = "ST_SetSRID(ST_MakePoint(%s, %s), 4326)"
_DDL = [
    "CREATE TABLE store_meta (key text PRIMARY KEY, value text)",
    "CREATE TABLE incidents (fid bigserial PRIMARY KEY, geom geometry(Point, 4326) NOT NULL, "
    + ", ".join(f"{c} {_TYPES[t]}" for c, t in COLUMNS)
    + ', merge_key text COLLATE "C")',
    'CREATE TABLE articles (article_id text COLLATE "C" PRIMARY KEY, file text COLLATE "C", url text, '
    'title text, published text COLLATE "C", sha1 text, ingested_at text, n_incidents bigint, pipeline text)',
    'CREATE TABLE events (event_key text COLLATE "C", event_id text COLLATE "C", event_date text COLLATE "C", '
    'event_type text COLLATE "C", actor1 text COLLATE "C", actor2 text COLLATE "C", geo_precision bigint, '
    "feature text, evidence text, geom geometry(Point, 4326))",
    *(f"CREATE INDEX idx_incidents_{c} ON incidents ({c})"
      for c in ("event_date", "actor1", "actor2", "event_type", "merge_key", "article_id", "incident_id")),
    "CREATE INDEX idx_incidents_geom ON incidents USING GIST (geom)",
    "CREATE INDEX idx_articles_sha1 ON articles (sha1)",
    *(f"CREATE INDEX idx_events_{name} ON events ({cols})"
      for name, cols in (("key", "event_key"), ("order", "geo_precision, event_date, event_id"),
                         ("date", "event_date"), ("actor1", "actor1"), ("actor2", "actor2"), ("type", "event_type"))),
    "CREATE INDEX idx_events_geom ON events USING GIST (geom)",
    _PENDING_DDL,
]


def redact(text: str, url: str | None = None) -> str:
    """The text (a URL, or an error quoting one) with any password replaced by ***: the password of
    `url` wherever it appears, and whatever stands between a URL's user name and the last '@' before
    its path (libpq takes '?' and '#' there unquoted)."""
    pw = _password(url) if url else None
    if pw:
        text = text.replace(pw, "***")
    text = re.sub(r"(\w+://[^:/@\s]*:)[^/\s]*@", r"\1***@", text)
    return re.sub(r"(?i)(password\s*=\s*)[^&\s'\"]*", r"\1***", text)


def _password(url: str) -> str | None:
    """The password as libpq reads it from `url`, or None."""
    try:
        from psycopg.conninfo import conninfo_to_dict
        return conninfo_to_dict(url).get("password") or None
    except Exception:  # noqa: BLE001 - a URL libpq cannot parse: fall back to its shape
        m = re.match(r"\w+://[^:/@\s]*:([^/\s]*)@", url) or re.search(r"(?i)password=([^&\s]*)", url)
        return unquote(m.group(1)) if m and m.group(1) else None


def display_name(url: str) -> str:
    return redact(str(url), str(url))


def exists(url: str) -> bool:
    """A URL always names a store to read; errors come on reading."""
    return True


def _busy(name: str, e: BaseException) -> StoreError:
    """The StoreError of a lock wait past BUSY_TIMEOUT_S: another writer holds the store; try again."""
    return StoreError(f"{name}: busy: another process is writing it and held it for over {BUSY_TIMEOUT_S:g} s "
                      f"({redact(' '.join(str(e).split()))}); try again when it is done")


def _message(e: BaseException, url: str) -> str:
    """A driver error in one line, without the password even where libpq quotes the URL."""
    msg = " ".join(str(e).split()) or type(e).__name__
    return redact(msg, url)


@contextmanager
def connect(url: str, create: bool = True):
    """A psycopg connection (autocommit; writes use explicit transactions) to the store at `url`.

    ``create=True`` (the writer) makes the tables in a database that has none of them yet; a reader is
    told to ingest first. A database without PostGIS, or with tables of these names that this code did
    not make, is refused with a StoreError naming the database (its password redacted).
    """
    import psycopg

    name = redact(url, url)
    try:
        from psycopg.conninfo import conninfo_to_dict
        timeout = {} if "connect_timeout" in conninfo_to_dict(url) else {"connect_timeout": CONNECT_TIMEOUT_S}
        conn = psycopg.connect(url, autocommit=True, **timeout)
    except psycopg.Error as e:
        raise StoreError(f"{name}: cannot connect to the database ({_message(e, url)})") from None
    try:
        try:
            wait = f"{max(1, round(BUSY_TIMEOUT_S * 1000))}ms"
            conn.execute("SELECT set_config('lock_timeout', %s, false)", (wait,))
            _check(conn, name, create)
        except psycopg.errors.LockNotAvailable as e:
            raise _busy(name, e) from None
        except psycopg.Error as e:
            raise StoreError(f"{name}: cannot use the database ({_message(e, url)})") from None
        yield conn
    finally:
        conn.close()


def _check(conn, name: str, write: bool) -> None:
    if not conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'").fetchone():
        raise StoreError(f"{name}: the PostGIS extension is not installed in this database "
                         "(a superuser runs CREATE EXTENSION postgis; in it)")
    present = _present(conn)
    if not present:
        if not write:
            raise StoreError(f"{name}: no incident store in this database (ingest articles first)")
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s, 0)", (LOCK_SCHEMA,))  # one creator at a time
            if not _present(conn):
                for ddl in _DDL:
                    conn.execute(ddl)
                conn.execute("INSERT INTO store_meta VALUES ('schema', %s), ('events_version', %s)",
                             (SCHEMA, EVENTS_VERSION))
        present = _present(conn)
    mark = None
    if "store_meta" in present:
        mark = conn.execute("SELECT value FROM store_meta WHERE key = 'schema'").fetchone()
    if present != set(TABLES) or not mark or mark[0] != SCHEMA:
        raise StoreError(f"{name}: not an incident store (it has {', '.join(sorted(present))} but not as this "
                         "program makes them); refusing to touch it (use another database or schema)")
    if write and migrate.missing(_columns(conn)):
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s, 0)", (LOCK_SCHEMA,))  # one upgrader at a time
            for table, col, typ in migrate.missing(_columns(conn)):
                conn.execute(migrate.add_column(table, col, _TYPES[typ]))
    if write and not _has_pending(conn):
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s, 0)", (LOCK_SCHEMA,))
            conn.execute(_PENDING_DDL)
    if write and not events_ready(conn):
        _rebuild_events(conn)
    elif write and _pending(conn):  # left by an ingest killed before its `finish` (or one still running)
        finish(conn)


def _columns(conn) -> dict[str, set[str]]:
    """The columns of the incident and article tables, as this store has them."""
    rows = conn.execute("SELECT table_name, column_name FROM information_schema.columns WHERE "
                        "table_schema = current_schema() AND table_name = ANY(%s)", ([LAYER, "articles"],))
    out: dict[str, set[str]] = {}
    for table, col in rows:
        out.setdefault(table, set()).add(col)
    return out


def _present(conn) -> set[str]:
    """Which of our table names exist in the schema the connection creates tables in (its search_path).

    Read from pg_class with the statement's snapshot: to_regclass may answer from a stale catalog cache
    and miss the tables another process has just created.
    """
    return {r[0] for r in conn.execute("SELECT relname FROM pg_class WHERE relname = ANY(%s) "
                                       "AND relnamespace = current_schema()::regnamespace", (list(TABLES),))}


def _has_pending(conn) -> bool:
    return bool(conn.execute("SELECT 1 FROM pg_class WHERE relname = %s "
                             "AND relnamespace = current_schema()::regnamespace", (PENDING,)).fetchone())


def _pending(conn) -> list[str]:
    """The keys whose merged incident is pending (`LARGE_KEY`); none in a store from before."""
    if not _has_pending(conn):
        return []
    return [r[0] for r in conn.execute(f"SELECT event_key FROM {PENDING} ORDER BY event_key")]


def events_ready(conn) -> bool:
    r = conn.execute("SELECT value FROM store_meta WHERE key = 'events_version'").fetchone()
    return bool(r) and r[0] == EVENTS_VERSION


def _rebuild_events(conn) -> None:
    """Recompute every merge key and event after an upgrade of the merge, with saves held off meanwhile."""
    with conn.transaction():
        conn.execute("LOCK TABLE incidents, events IN EXCLUSIVE MODE")  # readers go on, writers wait
        if events_ready(conn):
            return  # another process rebuilt them while we waited
        rows = conn.execute(f"SELECT fid, ST_X(geom), ST_Y(geom), {_COLS} FROM incidents").fetchall()
        with conn.cursor() as cur:
            cur.executemany("UPDATE incidents SET merge_key = %s WHERE fid = %s",
                            [(merge_key(incident(r[1], r[2], r[3:])), r[0]) for r in rows])
        conn.execute(f"TRUNCATE events, {PENDING}")
        conn.execute("CREATE INDEX IF NOT EXISTS idx_articles_sha1 ON articles (sha1)")  # a store from before it
        keys = [r[0] for r in conn.execute("SELECT DISTINCT merge_key FROM incidents")]
        _refresh_events(conn, keys)
        conn.execute("INSERT INTO store_meta VALUES ('events_version', %s) "
                     "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (EVENTS_VERSION,))


def _lock_id(text: str) -> int:
    """A stable 32-bit id for an advisory lock (Python's hash() differs between processes)."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=4).digest(), "big", signed=True)


def _refresh_events(conn, keys, defer: bool = False) -> None:
    """Merge again the stored incidents of these keys and replace their events (inside a transaction,
    under the keys' locks). ``defer``: a key past `LARGE_KEY` incidents is marked pending instead, its
    event removed, so a save costs its own incidents, not all those of its place and day."""
    keys = sorted(set(keys))
    if defer and keys:
        now = []
        for k, pending, n in conn.execute(  # one round trip: is each key pending, else how large (up to a point)
                f"SELECT k, EXISTS (SELECT 1 FROM {PENDING} WHERE event_key = k), "
                "(SELECT count(*) FROM (SELECT 1 FROM incidents WHERE merge_key = k LIMIT %s) t) "
                "FROM unnest(%s::text[]) AS k", (LARGE_KEY + 1, keys)).fetchall():
            if pending:
                continue
            if n > LARGE_KEY:
                conn.execute(f"INSERT INTO {PENDING} VALUES (%s) ON CONFLICT DO NOTHING", (k,))
                conn.execute("DELETE FROM events WHERE event_key = %s", (k,))
            else:
                now.append(k)
        keys = now
    if not keys:
        return
    if not defer:  # deferred, the keys merged now were found not pending
        conn.execute(f"DELETE FROM {PENDING} WHERE event_key = ANY(%s)", (keys,))
    conn.execute("DELETE FROM events WHERE event_key = ANY(%s)", (keys,))
    rows = conn.execute(f"SELECT ST_X(geom), ST_Y(geom), {_COLS} FROM incidents WHERE merge_key = ANY(%s) "
                        "ORDER BY merge_key, fid", (keys,)).fetchall()
    events = event_rows([incident(r[0], r[1], r[2:]) for r in rows])
    with conn.cursor() as cur:
        cur.executemany(f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}, geom) "
                        f"VALUES ({', '.join(['%s'] * len(EVENT_COLUMNS))}, {_POINT})", events)


def save_article(conn, article, incidents, pipeline: str = "") -> str:
    """`geo.store.gpkg.save_article` for PostGIS: one transaction, under the locks of the article's path
    and text and of its keys.

    A lost connection or a server refusing writes becomes a StoreError (the ingest stops); a value the
    database cannot hold (e.g. a NUL character) stays the driver's error, which costs only this article.
    """
    import psycopg

    aid = article_id(article)
    rows = [(i.lon, i.lat, *values(i, aid, article.file), merge_key(i)) for i in incidents]
    try:
        with conn.transaction():
            with conn.cursor() as cur:  # two copies of one text saved at once: the second finds the first
                cur.executemany("SELECT pg_advisory_xact_lock(%s, %s)",
                                [(LOCK_ARTICLE, k) for k in sorted({_lock_id(aid), _lock_id("sha1:" + article.sha1)})])
            held = stored_as(lambda sql, args: conn.execute(sql.replace("?", "%s"), args), aid, article.sha1)
            if held and held[0] != aid and held[1] == pipeline:
                return held[0]
            gone = [aid] + ([held[0]] if held and held[0] != aid else [])
            old = {r[0] for r in conn.execute("SELECT merge_key FROM incidents WHERE article_id = ANY(%s)", (gone,))}
            keys = old | {r[-1] for r in rows}
            with conn.cursor() as cur:
                cur.executemany("SELECT pg_advisory_xact_lock(%s, %s)",
                                [(LOCK_KEY, k) for k in sorted({_lock_id(k) for k in keys})])
                conn.execute("DELETE FROM incidents WHERE article_id = ANY(%s)", (gone,))
                conn.execute("DELETE FROM articles WHERE article_id = ANY(%s)", (gone,))
                cur.executemany(f"INSERT INTO incidents (geom, {_COLS}, merge_key) "
                                f"VALUES ({_POINT}, {', '.join(['%s'] * (len(COLUMNS) + 1))})", rows)
            _refresh_events(conn, keys, defer=True)
            conn.execute(f"INSERT INTO articles ({', '.join(ARTICLE_COLUMNS)}) "
                         f"VALUES ({', '.join(['%s'] * len(ARTICLE_COLUMNS))})",
                         article_row(article, len(incidents), pipeline))
    except psycopg.errors.LockNotAvailable as e:
        raise _busy(_name(conn), e) from None
    except (psycopg.OperationalError, psycopg.InterfaceError, psycopg.errors.InsufficientPrivilege) as e:
        raise StoreError(f"{_name(conn)}: cannot write ({redact(' '.join(str(e).split()))})") from None
    return aid


def remove_articles(conn, ids: list[str]) -> list[str]:
    """`geo.store.remove_articles` for PostGIS: under the articles' locks, then their keys'."""
    import psycopg

    ids = list(dict.fromkeys(ids))
    try:
        with conn.transaction():
            with conn.cursor() as cur:
                cur.executemany("SELECT pg_advisory_xact_lock(%s, %s)",
                                [(LOCK_ARTICLE, k) for k in sorted({_lock_id(a) for a in ids})])
            found = {r[0] for r in conn.execute("SELECT article_id FROM articles WHERE article_id = ANY(%s)", (ids,))}
            found = [a for a in ids if a in found]
            keys = {r[0] for r in conn.execute("SELECT DISTINCT merge_key FROM incidents WHERE article_id = ANY(%s)",
                                               (found,))}
            with conn.cursor() as cur:
                cur.executemany("SELECT pg_advisory_xact_lock(%s, %s)",
                                [(LOCK_KEY, k) for k in sorted({_lock_id(k) for k in keys})])
            conn.execute("DELETE FROM incidents WHERE article_id = ANY(%s)", (found,))
            conn.execute("DELETE FROM articles WHERE article_id = ANY(%s)", (found,))
            _refresh_events(conn, keys)
    except psycopg.errors.LockNotAvailable as e:
        raise _busy(_name(conn), e) from None
    except (psycopg.OperationalError, psycopg.InterfaceError, psycopg.errors.InsufficientPrivilege) as e:
        raise StoreError(f"{_name(conn)}: cannot write ({redact(' '.join(str(e).split()))})") from None
    return found


def _lock_keys(conn, keys) -> None:
    """Take the keys' advisory locks (inside a transaction), in lock id order: no deadlock with a save."""
    with conn.cursor() as cur:
        cur.executemany("SELECT pg_advisory_xact_lock(%s, %s)",
                        [(LOCK_KEY, k) for k in sorted({_lock_id(k) for k in keys})])


def finish(conn) -> None:
    """Merge the pending keys (`LARGE_KEY`) once, at the end of an ingest, a hundred keys a transaction
    under their locks. A database that cannot be written now keeps them pending: readers merge them, and
    the next writer merges them for good."""
    import psycopg
    try:
        keys = _pending(conn)
        for i in range(0, len(keys), 100):
            with conn.transaction():
                _lock_keys(conn, keys[i:i + 100])
                _refresh_events(conn, [r[0] for r in conn.execute(
                    f"SELECT event_key FROM {PENDING} WHERE event_key = ANY(%s)", (keys[i:i + 100],))])
    except (psycopg.OperationalError, psycopg.InterfaceError, psycopg.errors.InsufficientPrivilege):
        pass


def _name(conn) -> str:
    """The database of a connection as a URL without password, taken from libpq's `info`."""
    try:
        i = conn.info
        return f"postgresql://{i.user}@{i.host}:{i.port}/{i.dbname}"
    except Exception:  # noqa: BLE001 - a connection already gone may not tell
        return "the PostGIS database"


def execute(conn, sql: str, args=()):
    """A statement written with `?` marks on an open store; a lost connection becomes a StoreError,
    which stops an ingest."""
    import psycopg
    try:
        return conn.execute(sql.replace("?", "%s"), args)
    except (psycopg.OperationalError, psycopg.InterfaceError) as e:
        raise StoreError(f"{_name(conn)}: cannot read ({redact(' '.join(str(e).split()))})") from None


def analyze(conn) -> None:
    import psycopg
    try:
        conn.execute("ANALYZE incidents, events, articles")
    except psycopg.Error:
        pass


def _rows(url: str, sql, args=()) -> list[tuple]:
    """The rows of `sql` (a statement, or a function of the connection giving it) on the store at `url`."""
    import psycopg
    with connect(url, create=False) as conn:
        try:
            return conn.execute(sql(conn) if callable(sql) else sql, args).fetchall()
        except psycopg.Error as e:
            raise StoreError(f"{redact(url, url)}: cannot read the database ({_message(e, url)})") from None


def load_incidents(url: str, start=None, end=None, actors=None, event_types=None) -> list:
    clause, args = where(start, end, actors, event_types)

    def sql(conn) -> str:  # the columns a store not yet upgraded lacks are read as NULL
        return (f"SELECT ST_X(geom), ST_Y(geom), {migrate.select_list(_columns(conn).get(LAYER, set()))} "
                f"FROM incidents{clause.replace('?', '%s')} ORDER BY event_date, incident_id")
    return [incident(r[0], r[1], r[2:]) for r in _rows(url, sql, args)]


def event_features(url: str, start=None, end=None, actors=None, event_types=None,
                   evidence: bool = True) -> Iterator[str] | None:
    """`geo.store.gpkg.event_features` for PostGIS: streamed in chunks, never all in memory."""
    import psycopg

    with connect(url, create=False) as conn:
        if not events_ready(conn):
            return None
    clause, args = where(start, end, actors, event_types)
    sql = (f"SELECT geo_precision, event_date, event_id, feature, {'evidence' if evidence else 'NULL'} "
           f"FROM events{clause.replace('?', '%s')} ORDER BY geo_precision NULLS FIRST, event_date, event_id")

    def stream() -> Iterator[str]:
        with connect(url, create=False) as conn:
            try:
                conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
                with conn.transaction(), conn.cursor() as cur:  # one snapshot: the pending keys and the others' events
                    pending = _pending_rows(conn, start, end, actors, event_types, evidence)
                    for r in heapq.merge(cur.stream(sql, args, size=10_000), pending, key=export_key):
                        yield feature_text(r[3], r[4])
            except psycopg.Error as e:
                raise StoreError(f"{redact(url, url)}: cannot read the database ({_message(e, url)})") from None
    return stream()


def _pending_rows(conn, start, end, actors, event_types, evidence: bool) -> list[tuple]:
    """The merged incidents of the pending keys, merged here, filtered and ordered as `event_features`'s SQL."""
    keys = _pending(conn)
    if not keys:
        return []
    rows = conn.execute(f"SELECT ST_X(geom), ST_Y(geom), {_COLS} FROM incidents WHERE merge_key = ANY(%s) "
                        "ORDER BY merge_key, fid", (keys,)).fetchall()
    return pending_rows([incident(r[0], r[1], r[2:]) for r in rows], start, end, actors, event_types, evidence)


def articles(url: str) -> list[dict]:
    rows = _rows(url, f"SELECT {', '.join(ARTICLE_COLUMNS)} FROM articles "
                      "ORDER BY published NULLS FIRST, file NULLS FIRST")
    return [dict(zip(ARTICLE_COLUMNS, r)) for r in rows]


def stamp(url: str) -> tuple:
    """Changes with every saved article: each save rewrites its article row, so its xmin changes."""
    return tuple(_rows(url, "SELECT count(*), coalesce(sum(xmin::text::bigint), 0) FROM articles")[0])
