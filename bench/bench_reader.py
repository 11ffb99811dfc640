#!/usr/bin/env python3
"""Reader benchmark: an HTML page with skipped elements nested N deep against the same elements side by side.

    python bench/bench_reader.py [--depths 60000,120000,240000] [--timeout 300] [--root DIR]

Each page is one paragraph of made-up text, then N ``<svg>`` elements and one more paragraph:
``nested`` opens all N before closing any, ``flat`` (the baseline, measured in the same run) closes
each before the next. Both are the same bytes in another order, so a reader linear in its input
reads both in about the same time; one that rescans the open elements at each closing tag is
quadratic in the nested one. Each read runs in a fresh process with a time limit (a quadratic
reader at 240,000 deep takes minutes) and reports CPU seconds, which a loaded machine inflates less
than wall time. ``--root`` reads with the ``geo`` package of another checkout (the code before a
change). Last line: one JSON object with every figure.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PAGE_HEAD = ("<html><head><title>Bench</title><meta name='date' content='2020-10-14'></head><body>"
             "<p>Shelling was reported near the town overnight, officials said.</p>")
PAGE_TAIL = "<p>Fighting went on through the day, officials said.</p></body></html>"


def page(depth: int, layout: str) -> str:
    if layout == "nested":
        inner = "<svg>" * depth + "x" + "</svg>" * depth
    else:
        inner = "<svg>x</svg>" + "<svg></svg>" * (depth - 1)
    return PAGE_HEAD + inner + PAGE_TAIL


def read_one(depth: int, layout: str) -> dict:
    """Read one page here (a fresh process); returns CPU and wall seconds and the paragraphs read."""
    from geo.reader import read_text
    text = page(depth, layout)
    cpu, wall = time.process_time(), time.perf_counter()
    article = read_text(text, file="bench.html")
    return {"cpu_s": round(time.process_time() - cpu, 3), "wall_s": round(time.perf_counter() - wall, 3),
            "chars": len(text), "paragraphs": len(article.paragraphs)}


def run(depth: int, layout: str, timeout: float, root: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(root)}
    cmd = [sys.executable, __file__, "--one", layout, str(depth)]
    try:
        out = subprocess.run(cmd, env=env, cwd=root, capture_output=True, text=True, timeout=timeout, check=True)
    except subprocess.TimeoutExpired:
        return {"timeout_s": timeout}
    return json.loads(out.stdout.splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--depths", default="60000,120000,240000")
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--root", type=Path, default=ROOT, help="the checkout whose geo package reads (default this one)")
    ap.add_argument("--one", nargs=2, metavar=("LAYOUT", "DEPTH"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(read_one(int(args.one[1]), args.one[0])))
        return
    print(f"load average {os.getloadavg()[0]:.1f}; reader of {args.root}", flush=True)
    figures = []
    for depth in map(int, args.depths.split(",")):
        flat, nested = run(depth, "flat", args.timeout, args.root), run(depth, "nested", args.timeout, args.root)
        row = {"depth": depth, "flat": flat, "nested": nested}
        if "cpu_s" in flat and "cpu_s" in nested:
            row["nested_over_flat"] = round(nested["cpu_s"] / max(flat["cpu_s"], 1e-3), 2)
        figures.append(row)
        shown = {k: v.get("cpu_s", f"> {v.get('timeout_s')} (wall)") for k, v in (("flat", flat), ("nested", nested))}
        print(f"{depth:>8,} svg: flat {shown['flat']} s, nested {shown['nested']} s CPU"
              + (f", nested/flat {row['nested_over_flat']}" if "nested_over_flat" in row else ""), flush=True)
    print(json.dumps({"root": str(args.root), "figures": figures}))


if __name__ == "__main__":
    main()
