"""Score extraction on the dev set in two halves (odd and even article numbers) and on the seeds.

Develop against one half, check on the other: a rule that helps only one half is keyed on text.
Usage: python scripts/score_dev.py [--shared ../shared] [--json]
"""
import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path


def _run(*args):
    subprocess.run([sys.executable, "-m", "geo", *args], check=False, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


def _score(score_py, gold, pred):
    out = subprocess.run([sys.executable, str(score_py), "--gold", str(gold), "--pred", str(pred)],
                         capture_output=True, text=True, check=True).stdout
    return out.strip().splitlines()[-1]


def _half(name):
    m = re.match(r"d(\d+)", name)
    return "odd" if m and int(m.group(1)) % 2 else "even"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(Path(__file__).resolve().parents[1].parent / "shared"))
    ap.add_argument("--keep", help="folder to keep the stores, exports and per-half gold in")
    ap.add_argument("--json", action="store_true", help="write score.py --json details beside them")
    a = ap.parse_args()
    shared = Path(a.shared)
    score_py = shared / "eval" / "score.py"
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(a.keep or t)
        tmp.mkdir(parents=True, exist_ok=True)
        _run("ingest", str(shared / "seeds"), "--db", str(tmp / "s.gpkg"))
        _run("export", "--db", str(tmp / "s.gpkg"), "--out", str(tmp / "s.geojson"))
        print("seeds:", _score(score_py, shared / "eval" / "seeds_gold.jsonl", tmp / "s.geojson"))
        _run("ingest", str(shared / "eval" / "dev" / "articles"), "--db", str(tmp / "d.gpkg"))
        _run("export", "--db", str(tmp / "d.gpkg"), "--out", str(tmp / "d.geojson"))
        gold = [json.loads(line) for line in (shared / "eval" / "dev" / "dev_gold.jsonl").read_text().splitlines()
                if line.strip()]
        print("dev all:", _score(score_py, shared / "eval" / "dev" / "dev_gold.jsonl", tmp / "d.geojson"))
        pred = json.loads((tmp / "d.geojson").read_text())
        for half in ("odd", "even"):
            g = tmp / f"gold_{half}.jsonl"
            g.write_text("".join(json.dumps(x) + "\n" for x in gold if _half(x["article"]) == half))
            feats = [f for f in pred["features"]
                     if any(_half(s.get("file") or "") == half for s in f["properties"].get("sources", []))
                     or f["properties"].get("layer", "incident") != "incident"]
            p = tmp / f"pred_{half}.geojson"
            p.write_text(json.dumps({**pred, "features": feats}))
            print(f"dev {half}:", _score(score_py, g, p))
            if a.json:
                (tmp / f"score_{half}.json").write_text(subprocess.run(
                    [sys.executable, str(score_py), "--gold", str(g), "--pred", str(p), "--json"],
                    capture_output=True, text=True, check=True).stdout.rsplit("\n}", 1)[0] + "\n}\n")


if __name__ == "__main__":
    main()
