#!/usr/bin/env python3
"""Extraction speed on real-length articles, this checkout against a baseline commit in the same run.

    python bench/bench_extract.py [--baseline REV] [--repeat 5] [--articles DIR]

Times ``geo.extract.extract`` alone (the gazetteer loaded and the articles read before the clock
starts), in CPU seconds of the process so that other load on the machine moves it less, over the
dev articles of ``../shared/eval/dev/articles`` (real reports, 300 to 1,500 words) or, without
them, a generated corpus. With ``--baseline`` the same measurement runs on that commit, checked out
in a temporary git worktree, alternating with this checkout run by run; the last line is one JSON
object with both medians and their ratio.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "eval" / "dev" / "articles"

_CHILD = r"""
import sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from geo.extract import extract
from geo.gazetteer import Gazetteer
from geo.reader import read_file
g = Gazetteer.load()
arts = [read_file(p) for p in sorted(Path(sys.argv[2]).glob('*.txt'))]
extract(arts[0], g)
t = time.process_time()
for a in arts:
    extract(a, g)
print(len(arts) / (time.process_time() - t))
"""


def _rate(code: Path, articles: Path) -> float:
    out = subprocess.run([sys.executable, "-c", _CHILD, str(code), str(articles)], capture_output=True, text=True,
                         check=True, cwd=code)
    return float(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", help="a commit to compare with (checked out in a temporary worktree)")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--articles", help="a folder of .txt articles (default: the dev set, else a generated corpus)")
    a = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        arts = Path(a.articles) if a.articles else DEV
        if not arts.is_dir():
            sys.path.insert(0, str(ROOT))
            from bench.gen_corpus import write_corpus
            write_corpus(Path(tmp) / "corpus", 200)
            arts = Path(tmp) / "corpus" / "articles"
        base = None
        if a.baseline:
            base = Path(tmp) / "baseline"
            subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(base), a.baseline],
                           check=True)
        try:
            here, there = [], []
            for _ in range(a.repeat):
                here.append(_rate(ROOT, arts))
                if base is not None:
                    there.append(_rate(base, arts))
            result = {"articles": str(arts), "n": len(list(arts.glob("*.txt"))),
                      "articles_per_cpu_s": round(statistics.median(here), 1), "runs": [round(x, 1) for x in here]}
            if there:
                result.update(baseline=a.baseline, baseline_articles_per_cpu_s=round(statistics.median(there), 1),
                              ratio=round(statistics.median(here) / statistics.median(there), 3))
            print(json.dumps(result))
        finally:
            if base is not None:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)], check=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
