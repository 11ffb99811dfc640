"""The incident store: a GeoPackage (SQLite) with an `incidents` point layer and an `articles` table.

The layer is created by GDAL (pyogrio) so that QGIS and ogrinfo see a standard GeoPackage with
its R-tree; rows are then written through sqlite3 so that each article's incidents are replaced
in one transaction (re-ingest never duplicates, a killed process never half-writes an article).
GDAL's R-tree triggers call ST_* SQL functions, which are registered here for sqlite3.
"""
from __future__ import annotations

import json
import sqlite3
import struct
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


class StoreError(RuntimeError):
    """The database cannot be opened or written; the message names the file."""


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
    """Create an empty GeoPackage with the incidents layer (via GDAL) and the articles table."""
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import Point

    data = {c: pd.array([0], dtype="Int64") if t == "INTEGER" else ["x"] for c, t in COLUMNS}
    gdf = gpd.GeoDataFrame(data, geometry=[Point(0, 0)], crs="EPSG:4326")
    tmp = path.with_name(path.stem + ".creating.gpkg")
    tmp.unlink(missing_ok=True)
    gdf.to_file(tmp, layer=LAYER, driver="GPKG", engine="pyogrio")
    conn = sqlite3.connect(tmp)
    _register(conn)
    with conn:
        conn.execute(f'DELETE FROM "{LAYER}"')
        conn.execute("""CREATE TABLE IF NOT EXISTS articles (
            article_id TEXT PRIMARY KEY, file TEXT, url TEXT, title TEXT, published TEXT,
            sha1 TEXT, ingested_at TEXT, n_incidents INTEGER)""")
        for col in ("event_date", "actor1", "actor2", "event_type", "article_id", "incident_id"):
            conn.execute(f'CREATE INDEX IF NOT EXISTS idx_{LAYER}_{col} ON "{LAYER}"({col})')
    conn.execute("PRAGMA journal_mode=WAL")
    conn.close()
    tmp.replace(path)


@contextmanager
def connect(path: str | Path, create: bool = True):
    """An sqlite3 connection to the store, creating it if asked; errors name the file."""
    p = Path(path)
    if not p.exists():
        if not create:
            raise StoreError(f"{p}: no such database (ingest articles first)")
        p.parent.mkdir(parents=True, exist_ok=True)
        _create(p)
    try:
        conn = sqlite3.connect(p, timeout=30)
        _register(conn)
        conn.execute(f'SELECT 1 FROM "{LAYER}" LIMIT 1')
    except sqlite3.DatabaseError as e:
        raise StoreError(f"{p}: not an incident GeoPackage ({e})") from e
    try:
        yield conn
    finally:
        conn.close()


def article_id(article: Article) -> str:
    return article.url or article.file


def _row(inc: Incident, aid: str) -> tuple:
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
    return (_gpkg_point(inc.lon, inc.lat), *vals)


def save_article(conn: sqlite3.Connection, article: Article, incidents: list[Incident]) -> None:
    """Replace everything stored from this article by its new incidents, in one transaction."""
    aid = article_id(article)
    cols = ", ".join(["geom"] + [c for c, _ in COLUMNS])
    marks = ", ".join("?" * (len(COLUMNS) + 1))
    with conn:
        conn.execute(f'DELETE FROM "{LAYER}" WHERE article_id = ?', (aid,))
        conn.executemany(f'INSERT INTO "{LAYER}" ({cols}) VALUES ({marks})', [_row(i, aid) for i in incidents])
        conn.execute("INSERT OR REPLACE INTO articles VALUES (?,?,?,?,?,?,?,?)", (
            aid, article.file, article.url, article.title,
            article.published.isoformat() if article.published else None, article.sha1,
            datetime.now(timezone.utc).isoformat(timespec="seconds"), len(incidents)))


def stored_sha1(conn: sqlite3.Connection, article: Article) -> str | None:
    r = conn.execute("SELECT sha1 FROM articles WHERE article_id = ?", (article_id(article),)).fetchone()
    return r[0] if r else None


def load_incidents(path: str | Path, start: str | None = None, end: str | None = None,
                   actors: list[str] | None = None, event_types: list[str] | None = None) -> list[Incident]:
    """Incidents passing the filters, read with indexed SQL (dates are ISO strings, so they sort)."""
    where, args = [], []
    if start:
        where.append("event_date >= ?")
        args.append(start)
    if end:
        where.append("event_date <= ?")
        args.append(end)
    if actors:
        marks = ",".join("?" * len(actors))
        where.append(f"(actor1 IN ({marks}) OR actor2 IN ({marks}))")
        args += list(actors) * 2
    if event_types:
        where.append(f"event_type IN ({','.join('?' * len(event_types))})")
        args += list(event_types)
    sql = f'SELECT geom, {", ".join(c for c, _ in COLUMNS)} FROM "{LAYER}"'
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY event_date, incident_id"
    with connect(path, create=False) as conn:
        rows = conn.execute(sql, args).fetchall()
    return [_incident(r) for r in rows]


def _incident(r: tuple) -> Incident:
    lon, lat = _blob_xy(r[0]) or (0.0, 0.0)
    d = dict(zip([c for c, _ in COLUMNS], r[1:]))
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
    with connect(path, create=False) as conn:
        cur = conn.execute("SELECT * FROM articles ORDER BY published, file")
        names = [c[0] for c in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]
