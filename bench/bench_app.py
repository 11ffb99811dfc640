"""Server time of a filter change in the app, with 1k, 10k and 100k incidents in the GeoPackage.

For each size it builds a database of synthetic incidents (geo.store.save_article, placed on the
gazetteer's places in the theatre, some jittered), loads it as the app does (once per database),
then times what a filter change costs the server: filter + build_map + the render st_folium does
(its own data path, with the component call stubbed), and the front line as of the end date. The
baseline, in the same run, is the naive map: one folium CircleMarker + Popup + Tooltip per incident.
With --apptest it also times a whole Streamlit rerun of app.py (AppTest) after a filter change.

    python bench/bench_app.py [--sizes 1000 10000 100000] [--baseline-max 10000] [--apptest] [--keep DIR]

Prints a table, then one JSON line. Target: <= 1 s per filter change at 100k.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo import store  # noqa: E402
from geo.records import Article, Incident, Source  # noqa: E402
from geo.map import (Filters, IncidentTable, build_map, front_features, load_theatre, map_mode,  # noqa: E402
                     popup_html)

TYPES = [("Explosions/Remote violence", "Shelling/artillery/missile attack", 0.5),
         ("Battles", "Armed clash", 0.3), ("Battles", "Government regains territory", 0.03),
         ("Violence against civilians", "Attack", 0.07), ("Strategic developments", "Agreement", 0.05),
         ("Protests", "Peaceful protest", 0.05)]
ACTORS = ["Azerbaijan", "Armenia", "Nagorno-Karabakh", "Civilians", None]
CLAIMANTS = ["Azerbaijan", "Armenia", "Nagorno-Karabakh", "Media"]
FILTERS = {  # the filter changes timed at each size
    "all": lambda lo, hi: Filters(lo, hi),
    "actor": lambda lo, hi: Filters(lo, hi, actors=("Armenia",)),
    "type": lambda lo, hi: Filters(lo, hi, event_types=("Battles",)),
    "last week": lambda lo, hi: Filters((date.fromisoformat(hi) - timedelta(days=6)).isoformat(), hi),
    "one day": lambda lo, hi: Filters("2020-10-14", "2020-10-14"),  # at 100k: one marker each, below the limit
    "casualties": lambda lo, hi: Filters(lo, hi, casualties_only=True),
    "place": lambda lo, hi: Filters(lo, hi, place="ag"),
}


def places(limit: int = 400) -> list[tuple[str, float, float]]:
    """Populated places of the gazetteer inside the theatre's bbox."""
    w, s, e, n = load_theatre()["bbox"]
    fc = json.loads((ROOT / "data" / "places.geojson").read_text(encoding="utf-8"))
    out = [(f["properties"]["name"], f["geometry"]["coordinates"][1], f["geometry"]["coordinates"][0])
           for f in fc["features"] if f["properties"].get("feature_class") == "P"
           and w <= f["geometry"]["coordinates"][0] <= e and s <= f["geometry"]["coordinates"][1] <= n]
    random.Random(7).shuffle(out)
    return out[:limit]


def synthetic(n: int, seed: int = 1) -> list[tuple[Article, list[Incident]]]:
    """n incidents in articles of 100, dated over the 44 days of the war; 30 % jittered off their place."""
    rnd = random.Random(seed)
    spots = places()
    start = date(2020, 9, 27)
    weights = [t[2] for t in TYPES]
    out = []
    for a in range(0, n, 100):
        day = start + timedelta(days=rnd.randrange(44))
        url = f"https://example.org/bench/{a}"
        src = Source(f"bench_{a}.txt", url, f"Synthetic report {a}", day.isoformat())
        incs = []
        for k in range(a, min(n, a + 100)):
            name, lat, lon = rnd.choice(spots)
            jitter = rnd.random() < 0.3
            et, sub, _ = rnd.choices(TYPES, weights)[0]
            incs.append(Incident(
                id=f"b{k:07d}", event_date=(day - timedelta(days=rnd.randrange(3))).isoformat(), time_precision=1,
                event_type=et, sub_event_type=sub, actor1=rnd.choice(ACTORS), actor2=rnd.choice(ACTORS),
                location=name, country="AZ", admin1=None,
                lat=lat + (rnd.uniform(-0.05, 0.05) if jitter else 0),
                lon=lon + (rnd.uniform(-0.05, 0.05) if jitter else 0),
                geo_precision=2 if jitter else 1, fatalities=rnd.choice([None, 0, 1, 2, 5, 12]),
                injured=rnd.choice([None, 0, 3]), claimed_by=rnd.sample(CLAIMANTS, rnd.randrange(3)),
                denied_by=rnd.sample(CLAIMANTS, rnd.randrange(2)), sources=[src],
                evidence=[f"Synthetic evidence sentence {k} about {name}."]))
        out.append((Article(src.file, src.title, day, [], [], url=url), incs))
    return out


def make_db(path: Path, n: int) -> float:
    t = time.perf_counter()
    with store.connect(path) as conn:
        for article, incs in synthetic(n):
            store.save_article(conn, article, incs)
    return time.perf_counter() - t


def st_folium_render(m) -> int:
    """Run streamlit-folium's own data path (render, leaflet string, hash) with the component stubbed."""
    import streamlit_folium
    sent = {}
    original = streamlit_folium._component_func
    streamlit_folium._component_func = lambda **kw: sent.update(kw)
    try:
        streamlit_folium.st_folium(m, returned_objects=[], key="map", use_container_width=True, height=620)
    finally:
        streamlit_folium._component_func = original
    return sum(len(sent.get(k) or "") for k in ("script", "header", "html"))


def naive_map(incidents: list[Incident]):
    """The baseline: one folium CircleMarker with Popup and Tooltip per incident, in a MarkerCluster."""
    import html

    import folium
    from folium.plugins import MarkerCluster

    from geo.map.offline import add_attribution, localize
    m = folium.Map(location=(39.8, 46.8), zoom_start=8, tiles=None, control_scale=True)
    folium.TileLayer("OpenStreetMap", attr="&copy; OpenStreetMap contributors").add_to(m)
    add_attribution(m)
    cluster = MarkerCluster(name="Incidents").add_to(m)
    for i in incidents:
        folium.CircleMarker(location=(i.lat, i.lon), radius=6, fill=True, popup=folium.Popup(popup_html(i)),
                            tooltip=html.escape(f"{i.event_date} {i.location}")).add_to(cluster)
    folium.LayerControl().add_to(m)
    return localize(m)


def timed(fn, repeat: int = 1):
    runs, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs), out


def bench_size(db: Path, n: int, baseline_max: int, apptest: bool) -> dict:
    res: dict = {"n": n}
    res["load_s"], incidents = timed(lambda: store.load_events(db))
    res["index_s"], table = timed(lambda: IncidentTable(incidents))
    lo, hi = (d.isoformat() for d in table.date_range())
    theatre = load_theatre()
    bounds = table.bounds(theatre.get("bbox"))
    res["front_s"], front = timed(lambda: front_features(incidents, hi))
    per_filter = {}
    for name, make in FILTERS.items():
        f = make(lo, hi)

        def change(f=f):
            sel = table.select(f)
            m = build_map(sel, front=front, front_day=hi, sides=theatre.get("sides", {}), bounds=bounds)
            return len(sel), map_mode(len(sel)), st_folium_render(m)

        secs, (shown, mode, size) = timed(change, repeat=3)
        per_filter[name] = {"s": round(secs, 3), "shown": shown, "mode": mode, "payload_kb": round(size / 1024)}
    res["filters"] = per_filter
    res["filter_change_max_s"] = max(v["s"] for v in per_filter.values())
    if n <= baseline_max:
        def naive():
            shown = [i for i in incidents if i.event_date >= lo and i.event_date <= hi]
            return st_folium_render(naive_map(shown))
        secs, size = timed(naive)
        res["baseline_s"], res["baseline_payload_kb"] = round(secs, 3), round(size / 1024)
    if apptest:
        res["apptest_rerun_s"] = round(app_rerun(db), 3)
    return res


def app_rerun(db: Path) -> float:
    """Whole-script server time of app.py after selecting an actor (median of 3), the database already loaded."""
    from streamlit.testing.v1 import AppTest
    os.environ["GEO_DB"] = str(db)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.run()
    runs = []
    for actors in (["Armenia"], [], ["Azerbaijan"]):
        at.multiselect(key="actors").set_value(actors)
        t = time.perf_counter()
        at.run()
        runs.append(time.perf_counter() - t)
        if at.exception:
            raise RuntimeError(at.exception)
    return statistics.median(runs)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    ap.add_argument("--baseline-max", type=int, default=10000, help="largest size the naive map is timed at")
    ap.add_argument("--apptest", action="store_true", help="also time a whole rerun of app.py")
    ap.add_argument("--keep", type=Path, help="keep (and reuse) the databases in this folder")
    args = ap.parse_args(argv)
    import logging
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    results = []
    front_setup_s, _ = timed(lambda: front_features([], "2020-10-01"))
    print(f"front line setup (once per server process): {front_setup_s:.2f} s", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-app-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for n in args.sizes:
            db = folder / f"bench_{n}.gpkg"
            build_s = None if db.exists() else make_db(db, n)
            r = bench_size(db, n, args.baseline_max, args.apptest)
            r["build_db_s"] = None if build_s is None else round(build_s, 2)
            results.append(r)
            line = (f"{n:>7,} incidents: filter change -> map {r['filter_change_max_s']:.3f} s (worst of "
                    f"{len(FILTERS)} filters, median of 3), front line {r['front_s']:.3f} s; "
                    f"load {r['load_s']:.2f} s + index {r['index_s']:.2f} s once per database")
            if "baseline_s" in r:
                line += f"; naive baseline {r['baseline_s']:.3f} s ({r['baseline_payload_kb']:,} KB)"
            if "apptest_rerun_s" in r:
                line += f"; whole app rerun {r['apptest_rerun_s']:.3f} s"
            print(line, flush=True)
            for name, v in r["filters"].items():
                print(f"         {name:<11} {v['s']:.3f} s  {v['shown']:>7,} shown  {v['mode']:<9} "
                      f"{v['payload_kb']:>6,} KB to the browser")
    worst = max((r["filter_change_max_s"] + r["front_s"]) for r in results if r["n"] == max(args.sizes))
    print(json.dumps({"bench": "app", "results": results, "target_s": 1.0, "front_setup_s": round(front_setup_s, 3),
                      "largest_n": max(args.sizes), "largest_filter_change_plus_front_s": round(worst, 3),
                      "meets_target": worst <= 1.0}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
