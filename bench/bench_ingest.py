#!/usr/bin/env python3
"""Ingest benchmark: articles/s on 1 and N workers, speed-up, peak memory, database size, accuracy.

    python bench/bench_ingest.py [--n 2000] [--seed 1] [--words 380] [--workers 1,2] [--dask]
                                 [--repeat 3] [--synchronous NORMAL] [--dir DIR]

Generates a corpus (bench/gen_corpus.py), then times, each in a fresh process so that start-up
(gazetteer load, worker start) is paid as the command line pays it:

- ``extract``: read + extract alone, serial: the baseline stage, measured in the same run;
- ``ingest-N``: ``python -m geo ingest --workers N``'s code (``geo.ingest.ingest``): read + extract
  on N workers (geo.workers), the store written by the main process, one transaction per article;
- ``dask`` (with --dask): the same on a two-worker ``LocalCluster`` (cluster start not timed).

Accuracy: the 1-worker database exported through the CLI's path (load, merge, GeoJSON) and scored
with ../shared/eval/score.py's ``score`` (a minimal matcher here when it is absent) against the
planted truth; the stored incidents before the cross-article merge are scored too, so that a loss
can be told apart between extraction and merge. Misses list their planted sentences, false
positives their evidence. Last line: one JSON object with every figure.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SCORE_PY = ROOT.parent / "shared" / "eval" / "score.py"
BARS = {"articles_per_s_per_core": 200, "speedup_2": 1.8, "recall": 0.98, "precision": 0.98}


def _peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports KiB


def run_one(mode: str, corpus: Path, db: Path, workers: int, scheduler: str | None,
            synchronous: str | None = None) -> dict:
    """One timed run in this (fresh) process; returns its figures.

    ``extract``: `geo.workers.extract_files` alone. ``ingest``: `geo.ingest.ingest`, the code behind
    ``python -m geo ingest --workers N --dask-scheduler ADDRESS``, its report lines discarded.
    """
    from geo import ingest as pipeline
    from geo import store
    from geo.workers import extract_files

    files = sorted((corpus / "articles").glob("*.txt"))
    if synchronous:
        _with_synchronous(store, synchronous)
    me0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    client = None
    if scheduler:
        from dask.distributed import Client
        client = Client(scheduler)
    if mode == "extract":
        n_ok = n_inc = 0
        for _, art, incs in extract_files(files, workers=workers, scheduler=client):
            n_ok += not isinstance(art, str)
            n_inc += len(incs)
    else:
        with open(os.devnull, "w") as out:
            reports = pipeline.ingest([str(corpus / "articles")], str(db), out=out, progress=False,
                                      workers=workers, scheduler=client)
        n_ok, n_inc = sum(r.ok for r in reports), sum(r.incidents for r in reports)
    wall = time.perf_counter() - t0
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    worker_mb = _peak_mb(resource.RUSAGE_CHILDREN)
    if client is not None:  # Dask workers are not our children: ask them
        worker_mb = max(client.run(_peak_mb, resource.RUSAGE_SELF).values())
        client.close()
    return {"mode": mode, "workers": workers, "articles": n_ok, "files": len(files), "incidents": n_inc,
            "wall_s": round(wall, 3), "cpu_main_s": round(me.ru_utime + me.ru_stime - me0.ru_utime - me0.ru_stime, 2),
            "cpu_workers_s": round(kids.ru_utime + kids.ru_stime, 2),
            "peak_rss_main_mb": round(_peak_mb(resource.RUSAGE_SELF), 1), "peak_rss_worker_mb": round(worker_mb, 1),
            "db_bytes": db.stat().st_size if db.exists() else None}


def _with_synchronous(store, value: str) -> None:
    """What-if: every connection the store opens gets ``PRAGMA synchronous=value``."""
    from contextlib import contextmanager
    plain = store.connect

    @contextmanager
    def connect(*args, **kwargs):
        with plain(*args, **kwargs) as conn:
            conn.execute(f"PRAGMA synchronous={value}")
            yield conn
    store.connect = connect


def _best(repeat: int, mode: str, corpus: Path, db: Path, workers: int, scheduler: str | None = None,
          synchronous: str | None = None) -> dict:
    """The fastest of `repeat` runs: other load on the machine only ever slows a run down."""
    runs = []
    for _ in range(repeat):
        for f in db.parent.glob(db.name + "*"):
            f.unlink()
        runs.append(_spawn(mode, corpus, db, workers, scheduler, synchronous))
    return min(runs, key=lambda r: r["wall_s"])


def _spawn(mode: str, corpus: Path, db: Path, workers: int, scheduler: str | None = None,
           synchronous: str | None = None) -> dict:
    cmd = [sys.executable, __file__, "--_run", mode, "--dir", str(corpus), "--db", str(db), "--workers", str(workers)]
    if scheduler:
        cmd += ["--scheduler", scheduler]
    if synchronous:
        cmd += ["--synchronous", synchronous]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT).stdout
    return json.loads(out.strip().splitlines()[-1])


def _dask_run(corpus: Path, db: Path, repeat: int, synchronous: str | None) -> dict | None:
    try:
        from dask.distributed import LocalCluster
    except ImportError:
        return None
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        r = _best(repeat, "ingest", corpus, db, 2, cluster.scheduler_address, synchronous)
    r["mode"] = "dask"
    return r


# ---- accuracy ------------------------------------------------------------------------------------
def _load_score():
    if not SCORE_PY.exists():
        return None
    spec = importlib.util.spec_from_file_location("eval_score", SCORE_PY)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _km(lat1, lon1, lat2, lon2) -> float:
    from geo.gazetteer import haversine_km
    return haversine_km(lat1, lon1, lat2, lon2)


def _category(p: dict) -> str:
    from geo.merge import VIOLENT
    return "violent" if p.get("event_type") in VIOLENT else "nonviolent"


def _match(gold: list[dict], feats: list[dict]) -> tuple[dict[str, dict], list[dict]]:
    """Each prediction to the nearest unmatched gold item of its article (category, radius, date window).

    Returns (gold id -> first matching prediction's properties, unmatched predictions). It follows the
    evaluation README's rules; it is used for the attribute report, and for the figures when score.py
    is absent.
    """
    by_article: dict[str, list[dict]] = {}
    for g in gold:
        by_article.setdefault(g["article"], []).append(g)
    matched: dict[str, dict] = {}
    unmatched = []
    for f in feats:
        p = f["properties"]
        lon, lat = f["geometry"]["coordinates"][:2]
        files = {os.path.basename(s["file"]) for s in p.get("sources") or [] if s.get("file")}
        cands = []
        for a in sorted(files):
            for g in by_article.get(a, []):
                d = _km(lat, lon, g["lat"], g["lon"])
                if (g["category"] == _category(p) and d <= g["radius_km"]
                        and g["date_min"] <= p["event_date"] <= g["date_max"]):
                    cands.append((g["id"] in matched, d, g["id"]))
        if not cands:
            unmatched.append(f)
            continue
        _, _, gid = min(cands)
        matched.setdefault(gid, p)
    return matched, unmatched


def _side(actor):
    if not actor:
        return None
    a = actor.lower()
    return "azerbaijani" if "azerbaij" in a else "armenian" if ("armenia" in a or "karabakh" in a) else "other"


def _score_by_article(sc, gold: list[dict], feats: list[dict]) -> dict:
    """score.py's `score`, called article by article: it compares every prediction with every article,
    which takes minutes at thousands of articles. Matching is per article, so the sums are the same;
    venue errors, which need the whole set, are left out (the corpus has no gold near a venue anyway)."""
    by_article: dict[str, list[dict]] = {}
    for g in gold:
        by_article.setdefault(g["article"], []).append(g)
    feats_of: dict[str, list[dict]] = {}
    for f in feats:
        for key in sc.source_keys(f["properties"]):
            if key.startswith("file:"):
                feats_of.setdefault(key[5:], []).append(f)
    tot = Counter()
    missed: list[str] = []
    fps: list[dict] = []
    for a, rows in by_article.items():
        mine = feats_of.get(a, [])
        r = sc.score(rows, {"features": mine})
        tot.update({k: r[k] for k in ("required", "tp", "duplicates", "allowed", "fp")})
        missed += r["missed"]
        for x in r["false_positives"]:
            f = next(f for f in mine if f["properties"].get("location") == x["location"]
                     and f["properties"].get("event_date") == x["event_date"])
            fps.append(f)
    judged = tot["tp"] + tot["allowed"] + tot["fp"]
    return {**tot, "missed": missed, "fp_features": fps,
            "recall": round(tot["tp"] / tot["required"], 3) if tot["required"] else 0.0,
            "precision": round((tot["tp"] + tot["allowed"]) / judged, 3) if judged else 0.0}


def accuracy(gold: list[dict], fc: dict) -> dict:
    """Recall, precision and attribute agreement, with the planted sentences of what went wrong."""
    feats = [f for f in fc["features"] if f["geometry"]["type"] == "Point"]
    sc = _load_score()
    matched, unmatched = _match(gold, feats)
    if sc is not None:
        r = _score_by_article(sc, gold, feats)
        res = {"scorer": "shared/eval/score.py", "recall": r["recall"], "precision": r["precision"], "tp": r["tp"],
               "fp": r["fp"], "duplicates": r["duplicates"], "missed_ids": r["missed"]}
        unmatched = r["fp_features"]
    else:
        tp = len(matched)
        fp = len(unmatched)
        res = {"scorer": "bench minimal matcher", "recall": round(tp / len(gold), 3) if gold else 0.0,
               "precision": round(tp / (tp + fp), 3) if tp + fp else 0.0, "tp": tp, "fp": fp,
               "missed_ids": [g["id"] for g in gold if g["id"] not in matched]}
    byid = {g["id"]: g for g in gold}
    res["misses"] = [{"id": i, "place": byid[i]["place"], "date": byid[i]["date_min"], "sentence": byid[i]["note"]}
                     for i in res.pop("missed_ids")]
    res["false_positives"] = [{"article": ", ".join(s["file"] for s in f["properties"]["sources"]),
                               "location": f["properties"]["location"], "event_date": f["properties"]["event_date"],
                               "evidence": f["properties"].get("evidence")} for f in unmatched]
    wrong: Counter = Counter()
    examples: dict[str, list] = {}
    for gid, p in matched.items():
        g = byid[gid]
        errs = []
        if g.get("actor1_side") and _side(p.get("actor1")) != g["actor1_side"]:
            errs.append(("actor1_side", g["actor1_side"], p.get("actor1")))
        if g.get("claimed_by") and not ({_side(c) for c in g["claimed_by"]} & {_side(c) for c in p["claimed_by"]}):
            errs.append(("claimed_by", g["claimed_by"], p["claimed_by"]))
        for k in ("fatalities", "injured", "sub_event_type"):
            if g.get(k) is not None and p.get(k) != g[k]:
                errs.append((k, g[k], p.get(k)))
        for e in errs:
            wrong[e[0]] += 1
            examples.setdefault(e[0], []).append({"planted": e[1], "got": e[2], "sentence": g["note"]})
    res["attribute_errors"] = dict(wrong)
    res["attribute_examples"] = {k: v[:5] for k, v in examples.items()}
    return res


def export_fc(db: Path, merged: bool) -> dict:
    """The export command's data path (load, merge, features); `merged=False` skips the cross-article merge."""
    from geo import store
    from geo.export import feature_collection
    from geo.lexicon import sub_event_ranks
    from geo.merge import merge
    incidents = store.load_incidents(db)
    if merged:
        incidents = sorted(merge(incidents, sub_event_ranks()), key=lambda i: (i.geo_precision, i.event_date, i.id))
    return feature_collection(incidents)


def _stored_rows(db: Path) -> list[tuple]:
    """The incidents table's content, for comparing databases written by different runs."""
    import sqlite3
    conn = sqlite3.connect(db)
    try:
        return conn.execute('SELECT geom, incident_id, article_id, event_date, event_type, sub_event_type, actor1, '
                            'actor2, location, fatalities, injured, claimed_by, denied_by, sources, evidence '
                            'FROM incidents ORDER BY fid').fetchall()
    finally:
        conn.close()


# ---- report --------------------------------------------------------------------------------------
def _print_accuracy(title: str, acc: dict, limit: int) -> None:
    print(f"{title}: recall={acc['recall']} precision={acc['precision']} tp={acc['tp']} fp={acc['fp']} "
          f"({acc['scorer']}); attribute errors: {acc['attribute_errors'] or 'none'}")
    for m in acc["misses"][:limit]:
        print(f"  missed {m['place']} {m['date']}: {m['sentence']}")
    if len(acc["misses"]) > limit:
        print(f"  ... {len(acc['misses']) - limit} more misses")
    for f in acc["false_positives"][:limit]:
        print(f"  false positive {f['location']} {f['event_date']} ({f['article']}): {f['evidence']}")
    for k, exs in acc["attribute_examples"].items():
        for e in exs[:3]:
            print(f"  {k}: planted {e['planted']!r}, got {e['got']!r}: {e['sentence']}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2000, help="articles to generate")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--words", type=int, default=380, help="article length (gen_corpus --words; 0: 90-word reports)")
    ap.add_argument("--workers", default="1,2", help="comma-separated worker counts to time")
    ap.add_argument("--dask", action="store_true", help="also time a 2-worker Dask LocalCluster")
    ap.add_argument("--repeat", type=int, default=1, help="time each run this many times and keep the fastest")
    ap.add_argument("--synchronous", choices=["OFF", "NORMAL", "FULL"],
                    help="what-if: PRAGMA synchronous on the ingest connection (the store's default is FULL)")
    ap.add_argument("--dir", help="work folder (default: a temporary one, removed at the end)")
    ap.add_argument("--show", type=int, default=15, help="misses and false positives to print")
    ap.add_argument("--_run", help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    ap.add_argument("--scheduler", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args._run:
        print(json.dumps(run_one(args._run, Path(args.dir), Path(args.db), int(args.workers), args.scheduler,
                                 args.synchronous)))
        return 0

    from gen_corpus import write_corpus
    work = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="bench_ingest_"))
    corpus = work / "corpus"
    try:
        t = time.perf_counter()
        if corpus.exists():
            shutil.rmtree(corpus)
        manifest = write_corpus(corpus, args.n, args.seed, words=args.words)
        gen_s = time.perf_counter() - t
        words = sum(len(p.read_text(encoding="utf-8").split()) for p in (corpus / "articles").glob("*.txt"))
        print(f"corpus: {args.n} articles ({words / args.n:.0f} words each), {manifest['n_incidents']} planted "
              f"incidents, generated in {gen_s:.1f} s")
        load = os.getloadavg()[0]
        if load > 0.5:
            print(f"warning: load average {load:.1f} before the runs: other processes share the cores, so "
                  "wall times and the speed-up are pessimistic (use --repeat)")
        runs = []
        base = _best(args.repeat, "extract", corpus, work / "unused.gpkg", 1)
        runs.append(base)
        dbs = {}
        for w in [int(x) for x in args.workers.split(",")]:
            db = work / f"ingest_{w}.gpkg"
            r = _best(args.repeat, "ingest", corpus, db, w, synchronous=args.synchronous)
            r["mode"] = f"ingest-{w}"
            runs.append(r)
            dbs[w] = db
        if args.dask:
            db = work / "ingest_dask.gpkg"
            r = _dask_run(corpus, db, args.repeat, args.synchronous)
            if r:
                runs.append(r)
                dbs["dask"] = db
        one = next((r for r in runs if r["mode"] == "ingest-1"), None)
        print(f"{'run':<10} {'workers':>7} {'wall s':>8} {'art/s':>8} {'art/s/core':>10} {'speed-up':>8} "
              f"{'main cpu':>8} {'wrk cpu':>8} {'main MB':>8} {'worker MB':>9} {'db MB':>7}")
        for r in runs:
            r["articles_per_s"] = round(r["articles"] / r["wall_s"], 1)
            r["articles_per_s_per_core"] = round(r["articles_per_s"] / r["workers"], 1)
            r["speedup"] = round(one["wall_s"] / r["wall_s"], 2) if one and r["mode"] != "extract" else None
            r["vs_extract_only"] = round(base["wall_s"] / r["wall_s"], 2)
            print(f"{r['mode']:<10} {r['workers']:>7} {r['wall_s']:>8.2f} {r['articles_per_s']:>8.1f} "
                  f"{r['articles_per_s_per_core']:>10.1f} {r['speedup'] or '':>8} {r['cpu_main_s']:>8.2f} "
                  f"{r['cpu_workers_s']:>8.2f} {r['peak_rss_main_mb']:>8.0f} "
                  f"{r['peak_rss_worker_mb']:>9.0f} {(r['db_bytes'] or 0) / 1e6:>7.1f}")
        if one:
            print(f"store share of the serial run: {1 - base['wall_s'] / one['wall_s']:.0%} "
                  f"(extract alone {base['wall_s']:.2f} s, end to end {one['wall_s']:.2f} s)")
        ref = _stored_rows(dbs[min(k for k in dbs if isinstance(k, int))]) if dbs else None
        identical = {str(k): _stored_rows(db) == ref for k, db in dbs.items()}
        print(f"databases identical to the first run's: {identical}")

        gold = [json.loads(line) for line in (corpus / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
        acc_db = dbs.get(1) or next(iter(dbs.values()))
        acc = accuracy(gold, export_fc(acc_db, merged=True))
        raw = accuracy(gold, export_fc(acc_db, merged=False))
        _print_accuracy("accuracy (export: merged across articles)", acc, args.show)
        _print_accuracy("accuracy (stored incidents, before the merge)", raw, args.show)

        two = next((r for r in runs if r["mode"] == "ingest-2"), None)
        verdict = {
            "articles_per_s_per_core": bool(one and one["articles_per_s_per_core"] >= BARS["articles_per_s_per_core"]),
            "speedup_2": bool(two and two["speedup"] >= BARS["speedup_2"]),
            "recall": acc["recall"] >= BARS["recall"], "precision": acc["precision"] >= BARS["precision"]}
        print("bars:", ", ".join(f"{k} {'ok' if v else 'MISSED'}" for k, v in verdict.items()))
        summary = {
            "bench": "ingest", "n_articles": args.n, "seed": args.seed, "planted": manifest["n_incidents"],
            "synchronous": args.synchronous, "words_per_article": round(words / args.n), "cpu_count": os.cpu_count(),
            "load_avg_before": round(load, 2),
            "runs": runs, "identical_results": identical,
            "recall": acc["recall"], "precision": acc["precision"], "attribute_errors": acc["attribute_errors"],
            "recall_before_merge": raw["recall"], "precision_before_merge": raw["precision"],
            "misses": len(acc["misses"]), "false_positives": acc["fp"], "bars": verdict,
        }
        print(json.dumps(summary))
    finally:
        if not args.dir:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
