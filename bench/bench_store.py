#!/usr/bin/env python3
"""Store benchmark: GeoJSON export at 10k/100k/1M incidents and filtering at the largest size.

    python bench/bench_store.py [--sizes 10000,100000,1000000] [--timeout 600] [--dir DIR]

One store grows through the sizes (synthetic incidents written through ``geo.store.save_article``
in batches of 10,000, spread over 2018-2023 and the theatre's towns, three incidents per source
article so that the cross-article merge has work to do). At each size, each job in a fresh process
with a time limit, so a job that does not scale is reported rather than waited for:

- ``export``: ``python -m geo export`` as a user runs it, with a stage breakdown (load, merge,
  features, write) measured in another process; baseline: the same table to GeoJSON with plain
  geopandas (``read_file`` + ``to_file``), ratio = export / baseline;
- ``filter`` (largest size): ``store.load_incidents`` for one week and one actor, and the same query
  in SQL alone; baseline: the same query forced to a full-table scan (``NOT INDEXED``);
- ``connect``: opening the store for writing and saving one 3-incident article (incremental ingest).

Bars (issue 8): 1M export <= 10 s, filter <= 200 ms. Last line: one JSON object with every figure.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BATCH = 10_000
FIRST, DAYS = date(2018, 1, 1), 6 * 365
FILTER = {"start": "2021-03-01", "end": "2021-03-07", "actors": ["Armenia"]}
BARS = {"export_1m_s": 10.0, "filter_ms": 200.0}
ACTORS = [("Azerbaijan", "Armenia"), ("Armenia", "Azerbaijan"), ("Nagorno-Karabakh", "Azerbaijan"),
          ("Azerbaijan", "Civilians"), (None, None)]
KINDS = [("Explosions/Remote violence", "Shelling/artillery/missile attack"),
         ("Explosions/Remote violence", "Air/drone strike"), ("Battles", "Armed clash"),
         ("Battles", "Government regains territory")]


def _towns():
    from gen_corpus import theatre_towns
    return theatre_towns()


def synthetic(start: int, n: int, towns, seed: int = 1):
    """(Article, incidents) batches of BATCH incidents, numbered from `start`; deterministic."""
    from geo.records import Article, Incident, Source
    rng = random.Random(seed * 7919 + start)
    for b0 in range(start, start + n, BATCH):
        incs = []
        for k in range(b0, min(b0 + BATCH, start + n)):
            t_i = rng.randrange(len(towns))
            t = towns[t_i]
            day = (FIRST + timedelta(days=rng.randrange(DAYS))).isoformat()
            a1, a2 = rng.choice(ACTORS)
            et, sub = rng.choice(KINDS)
            src = f"syn_{k // 3:07d}.txt"
            incs.append(Incident(
                id=hashlib.sha1(f"{k}".encode()).hexdigest()[:16], event_date=day, time_precision=rng.choice([1, 1, 2]),
                event_type=et, sub_event_type=sub, actor1=a1, actor2=a2, location=t.name, country=t.country,
                admin1=None, lat=t.lat, lon=t.lon, geo_precision=1, fatalities=rng.choice([None, None, 0, 2]),
                injured=None, claimed_by=[a2] if a2 and a2 != "Civilians" else ["Media"], denied_by=[],
                sources=[Source(src, f"https://testwire.example/{src}", f"Synthetic report {k // 3}", day)],
                evidence=[(f"Synthetic report {k}: {a1 or 'Unknown'} forces were said to have shelled {t.name} "
                           f"on {day}, and officials described damage to several homes and a school.")],
                geonameid=1_000_000 + t_i))
        yield Article(file=f"batch_{b0:08d}.txt", title="synthetic batch", published=FIRST, paragraphs=[],
                      sentences=[], url=None, sha1=f"{b0}"), incs


def grow(db: Path, have: int, want: int, towns) -> float:
    """Add incidents, then refresh the planner's statistics as `geo.ingest.ingest` does after an ingest."""
    from geo import store
    t = time.perf_counter()
    with store.connect(db) as conn:
        for art, incs in synthetic(have, want - have, towns):
            store.save_article(conn, art, incs)
        conn.execute("ANALYZE")
    return time.perf_counter() - t


# ---- jobs, each run in a fresh process ------------------------------------------------------------
def _rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def job_stages(db: str, out: str) -> None:
    """The export command's stages, timed one by one: the merged events streamed from the store and
    counted (read), then streamed into the GeoJSON file (read + write). Prints a JSON line after each,
    with a digest of the feature ids in order, which `job_in_memory` must reproduce."""
    from geo import store
    from geo.export import write_geojson_stream
    t = time.perf_counter()
    digest, n = hashlib.sha1(), 0
    for text in store.event_features(db):
        digest.update(text[text.index('"id":"') + 6:text.index('"', text.index('"id":"') + 6)].encode())
        n += 1
    print(json.dumps({"stage": "read", "s": round(time.perf_counter() - t, 3), "n": n,
                      "ids_sha1": digest.hexdigest()}), flush=True)
    t = time.perf_counter()
    write_geojson_stream(store.event_features(db), out, {"database": db})
    print(json.dumps({"stage": "write", "s": round(time.perf_counter() - t, 3), "rss_mb": _rss_mb()}), flush=True)


def job_in_memory(db: str, out: str) -> None:
    """The export as it was before the events table (second baseline): every incident loaded, merged,
    made a feature and written in one piece. Prints the same digest as `job_stages`."""
    from geo import store
    from geo.export import feature_collection, write_geojson
    from geo.lexicon import sub_event_ranks
    from geo.merge import merge
    t = time.perf_counter()
    incs = sorted(merge(store.load_incidents(db), sub_event_ranks()), key=lambda i: (i.geo_precision, i.event_date, i.id))
    write_geojson(feature_collection(incs, {"database": db}), out)
    digest = hashlib.sha1("".join(i.id for i in incs).encode()).hexdigest()
    print(json.dumps({"s": round(time.perf_counter() - t, 3), "n": len(incs), "ids_sha1": digest,
                      "rss_mb": _rss_mb()}))


def job_baseline(db: str, out: str) -> None:
    import geopandas as gpd
    t = time.perf_counter()
    gdf = gpd.read_file(db, layer="incidents", engine="pyogrio")
    t_read = time.perf_counter() - t
    gdf.to_file(out, driver="GeoJSON", engine="pyogrio")
    print(json.dumps({"s": round(time.perf_counter() - t, 3), "read_s": round(t_read, 3), "n": len(gdf),
                      "rss_mb": _rss_mb()}))


def _where() -> tuple[str, list]:
    a = FILTER["actors"]
    return ("event_date >= ? AND event_date <= ? AND (actor1 IN (?) OR actor2 IN (?))",
            [FILTER["start"], FILTER["end"], a[0], a[0]])


def job_filter(db: str, repeat: int = 5) -> None:
    """load_incidents (rows to Incident objects) and the bare SQL, indexed and as a full scan; best of `repeat`."""
    from geo import store
    from geo.store import COLUMNS, LAYER
    where, args = _where()
    cols = "geom, " + ", ".join(c for c, _ in COLUMNS)
    res = {}
    conn = sqlite3.connect(db)
    plan = conn.execute(f'EXPLAIN QUERY PLAN SELECT {cols} FROM "{LAYER}" WHERE {where}', args).fetchall()
    res["plan"] = [r[-1] for r in plan]
    for name, sql in (("sql_indexed", f'SELECT {cols} FROM "{LAYER}" WHERE {where} ORDER BY event_date, incident_id'),
                      ("sql_full_scan", (f'SELECT {cols} FROM "{LAYER}" NOT INDEXED WHERE {where} '
                                         "ORDER BY event_date, incident_id"))):
        best = None
        for _ in range(repeat):
            t = time.perf_counter()
            rows = conn.execute(sql, args).fetchall()
            best = min(best or 1e9, time.perf_counter() - t)
        res[name + "_ms"] = round(best * 1000, 1)
        res["rows"] = len(rows)
    conn.close()
    best = None
    for _ in range(repeat):
        t = time.perf_counter()
        incs = store.load_incidents(db, FILTER["start"], FILTER["end"], FILTER["actors"])
        best = min(best or 1e9, time.perf_counter() - t)
    res["load_incidents_ms"] = round(best * 1000, 1)
    res["load_incidents_rows"] = len(incs)
    best = None
    for _ in range(repeat):  # the merged incidents, as the app and the export read them
        t = time.perf_counter()
        events = store.load_events(db, FILTER["start"], FILTER["end"], FILTER["actors"])
        best = min(best or 1e9, time.perf_counter() - t)
    res["load_events_ms"] = round(best * 1000, 1)
    res["load_events_rows"] = len(events)
    print(json.dumps(res))


def job_connect(db: str, towns_json: str) -> None:
    """Open the store for writing and replace one small article: what a daily incremental ingest pays."""
    from types import SimpleNamespace

    from geo import store
    towns = [SimpleNamespace(**t) for t in json.loads(towns_json)]
    (art, incs), = synthetic(10**9, 3, towns, seed=2)
    art.file = "incremental.txt"
    t = time.perf_counter()
    with store.connect(db) as conn:
        t_open = time.perf_counter() - t
        store.save_article(conn, art, incs)
    print(json.dumps({"connect_ms": round(t_open * 1000, 1), "connect_and_save_ms":
                      round((time.perf_counter() - t) * 1000, 1)}))


def _job(args: list[str], timeout: float) -> tuple[list[dict], float, bool]:
    """(JSON lines printed, wall seconds, finished in time) of one job in a fresh process."""
    t = time.perf_counter()
    cmd = [sys.executable, __file__, "--_job", *args]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT, check=False)
        out, ok = p.stdout, p.returncode == 0
        if not ok:
            print(p.stderr[-2000:], file=sys.stderr)
    except subprocess.TimeoutExpired as e:
        out, ok = (e.stdout.decode() if isinstance(e.stdout, bytes) else e.stdout or ""), False
    lines = [json.loads(x) for x in out.splitlines() if x.startswith("{")]
    return lines, time.perf_counter() - t, ok


def _cli_export(db: Path, out: Path, timeout: float) -> tuple[float | None, float | None]:
    """(wall seconds, peak MB) of `python -m geo export`, or (None, None) past the time limit."""
    code = ("import resource, sys\nfrom geo.__main__ import main\nr = main(sys.argv[1:])\n"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)\nsys.exit(r)")
    cmd = [sys.executable, "-c", code,
           "export", "--db", str(db), "--out", str(out)]
    t = time.perf_counter()
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT, check=True)
    except subprocess.TimeoutExpired:
        return None, None
    return round(time.perf_counter() - t, 2), round(float(p.stdout.split()[-1]), 1)


def _print_filter(title: str, f: dict) -> None:
    if f.get("sql_full_scan_ms") and f.get("load_incidents_ms"):
        f["load_vs_full_scan"] = round(f["load_incidents_ms"] / f["sql_full_scan_ms"], 3)
    print(f"\n== {title} ({FILTER['start']}..{FILTER['end']}, actor {FILTER['actors'][0]}): {f.get('rows')} rows; "
          f"load_incidents {f.get('load_incidents_ms')} ms, SQL indexed {f.get('sql_indexed_ms')} ms, SQL full scan "
          f"(baseline) {f.get('sql_full_scan_ms')} ms, ratio {f.get('load_vs_full_scan')}; plan {f.get('plan')}; "
          f"merged incidents (load_events) {f.get('load_events_rows')} in {f.get('load_events_ms')} ms")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--timeout", type=float, default=600, help="seconds allowed to each job")
    ap.add_argument("--in-memory-max", type=int, default=100_000,
                    help="run the in-memory export (second baseline) up to this size")
    ap.add_argument("--dir", help="work folder (default: a temporary one, removed at the end)")
    ap.add_argument("--_job", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args._job:
        name, *rest = args._job
        {"stages": job_stages, "baseline": job_baseline, "in_memory": job_in_memory, "filter": job_filter,
         "connect": job_connect}[name](*rest)
        return 0

    work = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="bench_store_"))
    work.mkdir(parents=True, exist_ok=True)
    db = work / "store.gpkg"
    for f in work.glob("store.gpkg*"):
        f.unlink()
    load = os.getloadavg()[0]
    if load > 0.5:
        print(f"warning: load average {load:.1f} before the runs: other processes share the cores")
    towns = _towns()
    towns_json = json.dumps([{"name": t.name, "country": t.country, "lat": t.lat, "lon": t.lon} for t in towns])
    results = []
    have = 0
    try:
        for n in sorted(int(x) for x in args.sizes.split(",")):
            build_s = grow(db, have, n, towns)
            have = n
            r = {"incidents": n, "build_s": round(build_s, 1), "db_mb": round(db.stat().st_size / 1e6, 1)}
            print(f"\n== {n:,} incidents: store grown in {build_s:.1f} s, {r['db_mb']} MB", flush=True)
            r["export_s"], r["export_peak_mb"] = _cli_export(db, work / "export.geojson", args.timeout)
            stages, _, ok = _job(["stages", str(db), str(work / "stages.geojson")], args.timeout)
            r["stages"] = {s["stage"]: s["s"] for s in stages}
            r["stages_peak_mb"] = next((s["rss_mb"] for s in stages if "rss_mb" in s), None)
            r["merged_incidents"] = next((s["n"] for s in stages if s["stage"] == "read"), None)
            ids = next((s["ids_sha1"] for s in stages if s["stage"] == "read"), None)
            if not ok:
                r["stages"]["unfinished_after_s"] = args.timeout
            base, _, ok = _job(["baseline", str(db), str(work / "baseline.geojson")], args.timeout)
            r["baseline_s"] = base[0]["s"] if ok and base else None
            r["baseline_peak_mb"] = base[0]["rss_mb"] if ok and base else None
            r["export_vs_baseline"] = (round(r["export_s"] / r["baseline_s"], 2)
                                       if r["export_s"] and r["baseline_s"] else None)
            if n <= args.in_memory_max:
                mem, _, ok = _job(["in_memory", str(db), str(work / "in_memory.geojson")], args.timeout)
                r["in_memory_s"] = mem[0]["s"] if ok and mem else None
                r["in_memory_peak_mb"] = mem[0]["rss_mb"] if ok and mem else None
                r["same_as_in_memory"] = bool(ok and mem and mem[0]["ids_sha1"] == ids and mem[0]["n"] == r["merged_incidents"])
                print(f"in-memory export (before the events table): {r['in_memory_s']} s, peak {r['in_memory_peak_mb']} MB; "
                      f"same incidents in the same order as the streamed export: {r['same_as_in_memory']}")
            con, _, ok = _job(["connect", str(db), towns_json], args.timeout)
            r.update(con[0] if ok and con else {})
            print(f"export (python -m geo export): {r['export_s'] if r['export_s'] is not None else 'timeout'} s, "
                  f"peak {r['export_peak_mb']} MB; stages {r['stages']}; merged to {r['merged_incidents']}")
            print(f"baseline (geopandas read_file + to_file GeoJSON): {r['baseline_s']} s, "
                  f"peak {r['baseline_peak_mb']} MB; ratio export/baseline {r['export_vs_baseline']}")
            print(f"incremental: open for writing {r.get('connect_ms')} ms, open + save one article "
                  f"{r.get('connect_and_save_ms')} ms")
            results.append(r)
        filt, _, ok = _job(["filter", str(db)], args.timeout)
        f = filt[0] if ok and filt else {}
        _print_filter(f"filter at {have:,} incidents", f)
        big = results[-1] if results else {}
        verdict = {"export_1m": bool(big.get("incidents", 0) >= 1_000_000 and big.get("export_s")
                                     and big["export_s"] <= BARS["export_1m_s"]),
                   "filter": bool(f.get("load_incidents_ms") is not None and f.get("load_events_ms") is not None
                                  and max(f["load_incidents_ms"], f["load_events_ms"]) <= BARS["filter_ms"])}
        print("bars:", ", ".join(f"{k} {'ok' if v else 'MISSED'}" for k, v in verdict.items()))
        print(json.dumps({"bench": "store", "cpu_count": os.cpu_count(), "load_avg_before": round(load, 2),
                          "sizes": results, "filter": f,
                          "filter_query": FILTER, "bars": verdict}))
    finally:
        if not args.dir:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
