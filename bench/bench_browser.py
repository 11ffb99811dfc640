"""Redraw time of a filter change as the user sees it: in Chromium, from the click to the new markers drawn.

For each size it builds a GeoPackage of synthetic incidents (bench_app.make_db), starts the app on it
twice, this checkout's HEAD and a baseline commit (each from `git archive`, so editing meanwhile changes
nothing) (default: the code before the filter's layers were swapped
into the open map, when every change rebuilt the map), and in one Chromium per app alternates
filter changes (the casualties checkbox on and off, the quick dates "Last 7 days" and "Last day" then
back to the whole range), timing each from just before the click until the map shows markers and its
layer control names the new count: the page itself watches the map's iframe at every animation frame
(Playwright's click latency is counted in), and also from the page's pointerdown event, the time a
user's click waits (Playwright's 70-110 ms before the event left out). It also counts the frames where the
map was blank (no basemap or no marker, or no map at all) during the redraw, and the cold start: the
server's launch until it answers, then the first visit until its map shows markers. Every non-local request is blocked.

    python bench/bench_browser.py [--sizes 1000 100000] [--changes 8] [--baseline REV] [--keep DIR]

Prints a line per size and app, then one JSON line. Target: 0.5 s at 1,000 incidents, 1 s at 100,000.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from bench_app import make_db  # noqa: E402
from browser_util import MAP_IFRAME, Recorder, free_port, launch, stop  # noqa: E402

STATE_JS = """(doc) => {
    const label = Array.from(doc.querySelectorAll('.leaflet-control-layers-overlays label'))
        .map(l => l.textContent.trim()).find(t => t.startsWith('Incidents')) || '';
    return {label: label, basemap: doc.querySelectorAll('.leaflet-basemap-pane path').length,
            drawn: doc.querySelectorAll('.incident-marker, .marker-cluster').length};
}"""
# Started just before the click: checks the map's iframe at every animation frame of the page (same origin),
# so the time is the page's own, to a frame, and every frame without basemap or markers counts as blank.
WATCH_JS = """([before, iframe]) => {
    const state = %s;
    window.__watch = new Promise(resolve => {
        const t0 = performance.now();
        let frames = 0, blank = 0, input = null;
        document.addEventListener('pointerdown', () => { if (input === null) input = performance.now(); },
                                  {capture: true, once: true});
        function tick() {
            const f = document.querySelector(iframe), doc = f && f.contentDocument;
            const s = doc && doc.readyState !== 'loading' ? state(doc) : null;
            frames++;
            if (!s || !s.basemap || !s.drawn) blank++;
            else if (s.label !== before) {
                const now = performance.now();
                return resolve({s: (now - t0) / 1000, input_s: (now - (input === null ? t0 : input)) / 1000,
                                frames, blank});
            }
            if (performance.now() - t0 > 120000) return resolve(null);
            requestAnimationFrame(tick);
        }
        tick();
    });
}""" % STATE_JS


def baseline_rev() -> str:
    """The commit before geo/map/layers.py (the filter's layers swapped into the open map) was added."""
    added = subprocess.run(["git", "log", "--diff-filter=A", "--format=%H", "--", "geo/map/layers.py"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split()
    return f"{added[-1]}^" if added else "HEAD"


def checkout(rev: str, into: Path) -> Path:
    """The tree of ``rev`` (with this checkout's data files: they are not what is measured)."""
    into.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "archive", rev], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


@contextmanager
def app(root: Path, db: Path, log: Path):
    port = free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.address",
           "localhost", "--server.port", str(port), "--browser.gatherUsageStats", "false"]
    import os
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, cwd=root, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                                env={**os.environ, "GEO_DB": str(db), "PYTHONPATH": str(root)})
    t0 = time.perf_counter()
    try:
        import urllib.request
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://localhost:{port}/_stcore/health", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit in {root} did not start:\n{log.read_text()}")
                time.sleep(0.05)
        yield f"http://localhost:{port}/", time.perf_counter() - t0
    finally:
        stop(proc)


def state(page) -> dict | None:
    """The map's state, or None while its iframe is missing or being replaced."""
    try:
        el = page.query_selector(MAP_IFRAME)
        frame = el.content_frame() if el else None
        return frame.evaluate(f"({STATE_JS})(document)") if frame else None
    except Exception:
        return None


def timed_change(page, k: int) -> tuple[float, float, int, int]:
    """Seconds from just before the click until the map shows markers under a new layer name, and from the
    page's pointerdown (Playwright's own latency left out: what a user's click waits); with the frames watched
    and the blank ones."""
    before = state(page)["label"]
    page.evaluate(WATCH_JS, [before, MAP_IFRAME])
    change(page, k)
    out = page.evaluate("window.__watch")
    if out is None:
        raise RuntimeError(f"no redraw within 120 s (layer still {before!r})")
    return out["s"], out["input_s"], out["frames"], out["blank"]


CHANGES = [("checkbox", "Only incidents with casualties"), ("button", "Last 7 days"), ("checkbox",
           "Only incidents with casualties"), ("button", "Last day")]


def open_page(browser, url: str):
    """The app's page with its map drawn, and the seconds from opening the address to the first markers (the
    first visit runs the script for the first time: its imports, the database's load, the front line)."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    rec = Recorder()
    ctx.route("**/*", rec.route)
    page = ctx.new_page()
    t0 = time.perf_counter()
    page.goto(url, timeout=180_000)
    page.wait_for_selector("h1", timeout=180_000)
    while not (s := state(page)) or not s["drawn"] or not s["label"]:
        if time.perf_counter() - t0 > 180:
            raise RuntimeError("the map did not draw")
        time.sleep(0.05)
    first_map = time.perf_counter() - t0
    time.sleep(2)  # the reruns of the first load
    return page, rec, first_map


def change(page, k: int) -> None:
    kind, name = CHANGES[k % len(CHANGES)]
    if kind == "checkbox":
        page.get_by_text(name, exact=True).click()
    else:
        page.get_by_role("button", name=name, exact=True).click()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 100000])
    ap.add_argument("--changes", type=int, default=8, help="filter changes timed per app and size")
    ap.add_argument("--baseline", default=None, help="git revision of the baseline (default: before geo/map/layers.py)")
    ap.add_argument("--keep", type=Path, help="keep (and reuse) the databases in this folder")
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright

    rev = args.baseline or baseline_rev()
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-browser-") as tmp, sync_playwright() as p:
        tmp = Path(tmp)
        roots = {"this": checkout("HEAD", tmp / "this"), "baseline": checkout(rev, tmp / "baseline")}
        folder = args.keep or tmp
        folder.mkdir(parents=True, exist_ok=True)
        browser = launch(p)
        for n in args.sizes:
            db = folder / f"bench_{n}.gpkg"
            if not db.exists():
                print(f"building {n:,} incidents: {make_db(db, n):.1f} s", flush=True)
            with ExitStack() as stack:
                pages, cold = {}, {}
                for name, root in roots.items():
                    url, up = stack.enter_context(app(root, db, tmp / f"{name}_{n}.log"))
                    page, rec, first_map = open_page(browser, url)
                    pages[name], cold[name] = (page, rec), (up, first_map)
                times = {name: [] for name in roots}
                inputs = {name: [] for name in roots}
                blanks = {name: [0, 0] for name in roots}
                for k in range(args.changes):
                    for name, (page, _) in pages.items():
                        secs, from_input, samples, blank = timed_change(page, k)
                        times[name].append(secs)
                        inputs[name].append(from_input)
                        blanks[name][0] += samples
                        blanks[name][1] += blank
                        time.sleep(1.0)  # let the rerun settle before the next change
                for name, (page, rec) in pages.items():
                    if rec.blocked:
                        raise RuntimeError(f"{name}: non-local requests {rec.blocked[:3]}")
                    r = {"n": n, "app": name, "rev": rev if name == "baseline" else "HEAD",
                         "median_s": round(statistics.median(times[name]), 3), "max_s": round(max(times[name]), 3),
                         "runs_s": [round(t, 3) for t in times[name]],
                         "from_input_median_s": round(statistics.median(inputs[name]), 3),
                         "from_input_max_s": round(max(inputs[name]), 3), "server_up_s": round(cold[name][0], 2),
                         "first_map_s": round(cold[name][1], 2), "frames": blanks[name][0],
                         "blank_frames": blanks[name][1]}
                    results.append(r)
                    print(f"{n:>7,} incidents, {name:<8}: filter change redrawn in {r['median_s']:.3f} s median, "
                          f"{r['max_s']:.3f} s worst of {args.changes} (from the pointerdown: "
                          f"{r['from_input_median_s']:.3f} / {r['from_input_max_s']:.3f}); blank in "
                          f"{r['blank_frames']} of {r['frames']} frames; cold start: server up in "
                          f"{r['server_up_s']:.1f} s, first map {r['first_map_s']:.1f} s after", flush=True)
                    page.context.close()
        browser.close()
    targets = {1000: 0.5, 100000: 1.0}
    print(json.dumps({"bench": "browser", "baseline": rev, "results": results, "targets_s": targets}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
