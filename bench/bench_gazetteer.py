"""Gazetteer load time and mention finding, with the small places (data/villages.geojson) and without.

The baseline, in the same run, is the same code on data/places.geojson alone (what the gazetteer held
before the villages: a copy without its companion files), or with --before another checkout. Each load runs in a fresh interpreter (the
gazetteer freezes its objects for the garbage collector, so a second load in one process is not the
same); mention finding is timed on a made-up 5,000-character report, best of --repeat.

    python bench/bench_gazetteer.py [--loads 3] [--repeat 50] [--before DIR]

--before DIR adds a row for another checkout's code and data (the project before the villages, say).

Resolution (`python -m geo gazetteer resolve`) is timed too: the first name no exact index holds builds the
variant indexes (index s), then the mean per name over village spellings of every lookup stage (resolve ms).

Prints a table, then one JSON line. Bar: load and mention finding within 2x of the baseline.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

NAMES = ("Zilanlu", "Shukurbeyly", "Sarvanlar village", "Dzhebrail", "Джебраил", "Stepanakert", "Gapanli",
         "Orta-Karvend", "Qqqzzx", "Stepanakirt")

TEXT = ("Azerbaijani forces shelled the villages of Alkhanli and Shukurbayli of Jabrayil district, while officials "
        "in Stepanakert reported shelling of Martuni and Shushi. Ambulances carried the wounded to Goris in "
        "Armenia. Diplomats in Moscow and Geneva urged both sides to respect the ceasefire along the line of "
        "contact; Mr Hasanov said the road near Fuzuli and Talish stayed closed. ")

_CHILD = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
t0 = time.perf_counter()
from geo import gazetteer as gz
g = gz._load_cached.__wrapped__(sys.argv[2], gz.DEFAULT_THEATRE)
g.mention_index()
load = time.perf_counter() - t0
text = (sys.argv[3] * 20)[:5000]
g.find_mentions(text)
best = float("inf")
for _ in range(int(sys.argv[4])):
    t = time.perf_counter()
    g.find_mentions(text)
    best = min(best, time.perf_counter() - t)
t = time.perf_counter()
g.resolve(sys.argv[5].split("|")[0])
index_s = time.perf_counter() - t
names = sys.argv[5].split("|") * 20
t = time.perf_counter()
for n in names:
    g.resolve(n)
resolve_ms = (time.perf_counter() - t) * 1000 / len(names)
print(json.dumps({"load_s": load, "mentions_ms": best * 1000, "places": len(getattr(g, "all_places", g.places)),
                  "mentions": len(g.find_mentions(text)), "index_s": index_s, "resolve_ms": resolve_ms}))
"""


def _run(path: Path, repeat: int, root: Path = ROOT) -> dict:
    out = subprocess.run([sys.executable, "-c", _CHILD, str(root), str(path), TEXT, str(repeat), "|".join(NAMES)],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--loads", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=50)
    ap.add_argument("--before", type=Path, help="another checkout to time as well (its code on its data)")
    a = ap.parse_args()
    full = ROOT / "data" / "places.geojson"
    with tempfile.TemporaryDirectory() as tmp:
        alone = Path(tmp) / "places.geojson"
        lines = full.read_text(encoding="utf-8").split("\n", 1)
        head = json.loads(lines[0].split(', "features": [', 1)[0] + "}")
        head["metadata"].pop("companions", None)
        alone.write_text(json.dumps(head, ensure_ascii=False)[:-1] + ', "features": [\n' + lines[1], encoding="utf-8")
        runs = {"with villages": [], "baseline (places.geojson alone)": []}
        if a.before:
            runs[f"before ({a.before})"] = []
        for _ in range(a.loads):  # interleaved, so all see the same machine load
            runs["with villages"].append(_run(full, a.repeat))
            runs["baseline (places.geojson alone)"].append(_run(alone, a.repeat))
            if a.before:
                runs[f"before ({a.before})"].append(_run(a.before / "data" / "places.geojson", a.repeat, a.before))
    rows = {}
    print(f"{'':40} {'places':>7} {'load s (min / max)':>20} {'mentions ms / 5,000 chars':>26} {'found':>6} "
          f"{'index s':>8} {'resolve ms':>11}")
    for name, rs in runs.items():
        r = rows[name] = {"places": rs[0]["places"], "load_s": min(x["load_s"] for x in rs),
                          "load_s_max": max(x["load_s"] for x in rs),
                          "mentions_ms": min(x["mentions_ms"] for x in rs), "mentions": rs[0]["mentions"],
                          "index_s": min(x["index_s"] for x in rs), "resolve_ms": min(x["resolve_ms"] for x in rs)}
        print(f"{name:40} {r['places']:>7} {r['load_s']:>9.2f} / {r['load_s_max']:<8.2f} {r['mentions_ms']:>26.2f} "
              f"{r['mentions']:>6} {r['index_s']:>8.2f} {r['resolve_ms']:>11.2f}")
    base = f"before ({a.before})" if a.before else "baseline (places.geojson alone)"
    v, b = rows["with villages"], rows[base]
    ratios = {"load": v["load_s"] / b["load_s"], "mentions": v["mentions_ms"] / b["mentions_ms"]}
    print(f"ratio to {base}: load {ratios['load']:.2f}x, mentions {ratios['mentions']:.2f}x (bar: 2x)")
    print(json.dumps({"rows": rows, "ratios": ratios}))
    return 0 if max(ratios.values()) <= 2 else 1


if __name__ == "__main__":
    sys.exit(main())
