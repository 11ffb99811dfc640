#!/usr/bin/env python3
"""Reports of one place and day: the store's save rate against reports spread over places and days.

    python bench/bench_one_key.py [--n 10000] [--dir DIR] [--db postgresql://USER@HOST:PORT/DB]

Saves N one-incident articles (synthetic: no article text) through ``geo.store.save_article`` into a
new GeoPackage twice (with ``--db``, a new PostGIS database each, DB_spread and DB_one_key, made through
DB and dropped after: the user may create databases, and PostGIS is installed): the baseline, each
report at a place and day of its own, then all at one place, day and class (one merge key). Both count
the store's final merge (``store.finish``), so each time is that of an ingest that leaves the merged
incidents up to date. Target (issue 19): the one-key rate at least half the spread rate. Prints a line
per run and then one JSON line.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def reports(n: int, one_key: bool):
    """(Article, [Incident]) pairs: one key for all, or a place and day of its own for each."""
    from geo.records import Article, Incident, Source
    first = date(2020, 9, 27)
    for k in range(n):
        name = f"r{k:06d}.txt"
        day = first if one_key else first + timedelta(days=k % 44)
        place = 0 if one_key else k // 44
        inc = Incident(id=f"i{k:06d}", event_date=day.isoformat(), time_precision=1,
                       event_type="Explosions/Remote violence", sub_event_type="Shelling/artillery/missile attack",
                       actor1="Armenia", actor2=None, location=f"Place {place}", country="Azerbaijan", admin1=None,
                       lat=40.0 + place * 0.001, lon=47.0, geo_precision=1, fatalities=k % 3, claimed_by=["Azerbaijan"],
                       sources=[Source(name, None, f"Report {k}", day.isoformat())],
                       evidence=[f"Synthetic sentence {k}."], geonameid=1_000_000 + place)
        yield Article(file=name, title=f"Report {k}", published=day, paragraphs=[], sentences=[], sha1=f"s{k}"), [inc]


def run(db, n: int, one_key: bool) -> float:
    """Saves per second, the final merge included."""
    from geo import store
    t = time.perf_counter()
    with store.connect(db) as conn:
        for article, incs in reports(n, one_key):
            store.save_article(conn, article, incs)
        store.finish(conn)
    return n / (time.perf_counter() - t)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--dir", help="work folder (default: a temporary one)")
    ap.add_argument("--db", help="a PostgreSQL database to make the two PostGIS stores from (default: GeoPackages)")
    args = ap.parse_args(argv)
    from geo import store
    folder = Path(args.dir or tempfile.mkdtemp(prefix="bench-one-key-"))
    out = {}
    for name, one_key in (("spread", False), ("one_key", True)):
        with new_store(args.db, folder, name) as db:
            out[name] = run(db, args.n, one_key)
            events = sum(1 for _ in store.event_features(db))
        print(f"{name}: {args.n} reports, {out[name]:.0f} saves/s, {events} merged incident(s)", flush=True)
    out["ratio"] = out["one_key"] / out["spread"]
    print(f"one key / spread = {out['ratio']:.2f} (target >= 0.5)")
    print(json.dumps({"n": args.n, "store": "postgis" if args.db else "gpkg",
                      **{k: round(v, 3) for k, v in out.items()}}))
    return 0


@contextmanager
def new_store(url: str | None, folder: Path, name: str):
    """A new store for one run: a GeoPackage in `folder`, or a PostGIS database made from `url`'s (which
    must not exist yet, so nothing of anyone's is dropped) and dropped after."""
    if not url:
        yield str(folder / f"{name}.gpkg")
        return
    import psycopg
    from psycopg import sql
    base, _, db = url.rpartition("/")
    made = f"{db.split('?')[0]}_{name}"
    with psycopg.connect(url, autocommit=True) as c:
        c.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(made)))
    try:
        with psycopg.connect(f"{base}/{made}", autocommit=True) as c:
            c.execute("CREATE EXTENSION postgis")
        yield f"{base}/{made}"
    finally:
        with psycopg.connect(url, autocommit=True) as c:
            c.execute(sql.SQL("DROP DATABASE {}").format(sql.Identifier(made)))


if __name__ == "__main__":
    sys.exit(main())
