"""Build data/basemap.geojson, the vector basemap the map draws under its tiles.

With no network the tile layer stays empty; these country borders and the theatre's region keep the
map readable. Sources, in ../shared/data/boundaries (Natural Earth 10m, public domain):
``ne_10m_admin_0_countries_deu_caucasus6.geojson`` (countries) and
``ne_10m_breakaway_caucasus.geojson`` (the Nagorno-Karabakh outline, its pre-2020-war de facto
extent). Countries are clipped to a frame around the theatres and simplified so the file stays
small; the sources, their sha256 and the parameters are written into the file's ``metadata``.

    python -m geo.build.basemap [--boundaries DIR] [--out data/basemap.geojson]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from .. import paths, theatre

DEFAULT_BOUNDARIES = paths.BOUNDARIES
DEFAULT_OUT = paths.BASEMAP
COUNTRIES = "ne_10m_admin_0_countries_deu_caucasus6.geojson"
BREAKAWAY = "ne_10m_breakaway_caucasus.geojson"
MARGIN_DEG = 3.0  # context around the theatres' bboxes
TOLERANCE_DEG = 0.001  # about 100 m: invisible at the zooms incidents are read at
DECIMALS = 4


def theatre_frame(margin: float = MARGIN_DEG) -> tuple[float, float, float, float]:
    """(west, south, east, north) covering every theatre's bbox plus a margin."""
    boxes = [t["bbox"] for t in theatre.load_all()]
    return (min(b[0] for b in boxes) - margin, min(b[1] for b in boxes) - margin,
            max(b[2] for b in boxes) + margin, max(b[3] for b in boxes) + margin)


def held_regions(regions) -> list[bool]:
    """Which rows of the breakaway regions a theatre's side held before its war (its baseline recipe's `held`)."""
    specs = [s for t in theatre.load_all() for s in t.get("baseline_build", {}).get("held", {}).values()
             if s["file"] == BREAKAWAY]
    return [any(row[s["property"]] in s["values"] for s in specs) for _, row in regions.iterrows()]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _rounded(geom, decimals: int = DECIMALS):
    from shapely import set_precision
    return set_precision(geom, 10 ** -decimals)


def settlements(places: Path) -> dict:
    """The theatres' settlements from the gazetteer as one kind "settlements" MultiPoint (a feature per
    village would triple the file), with their names and ranks: 1 capitals, district seats and towns
    of 10,000, 2 of 1,000, 3 villages; towns first, the most populous first."""
    from ..gazetteer import data_files

    boxes = [t["bbox"] for t in theatre.load_all()]
    seen, rows = set(), []
    for f in data_files(places):
        for feat in json.loads(f.read_text(encoding="utf-8"))["features"]:
            p, (lon, lat) = feat["properties"], feat["geometry"]["coordinates"][:2]
            if p.get("feature_class") != "P" or p.get("feature_code") == "PPLH" or p.get("geonameid") in seen:
                continue
            if not any(b[0] <= lon <= b[2] and b[1] <= lat <= b[3] for b in boxes):
                continue
            seen.add(p.get("geonameid"))
            pop, code = p.get("population") or 0, p.get("feature_code", "")
            rank = 1 if code in ("PPLC", "PPLA") or pop >= 10_000 else 2 if pop >= 1_000 or code == "PPLA2" else 3
            rows.append((rank, -pop, p["name"], round(lon, DECIMALS), round(lat, DECIMALS)))
    rows.sort()
    return {"type": "Feature", "geometry": {"type": "MultiPoint", "coordinates": [[r[3], r[4]] for r in rows]},
            "properties": {"kind": "settlements", "name": "settlements", "names": [r[2] for r in rows], "ranks": [r[0] for r in rows]}}


def build(boundaries: Path, frame: tuple[float, float, float, float] | None = None,
          tolerance: float = TOLERANCE_DEG, places: Path | None = None) -> dict:
    """The basemap FeatureCollection: kind "country" polygons, kind "region" outlines, kind "label" points,
    one kind "settlements" MultiPoint."""
    import geopandas as gpd
    from shapely.geometry import box, mapping

    frame = frame or theatre_frame()
    clip = box(*frame)
    countries = gpd.read_file(boundaries / COUNTRIES, engine="pyogrio")
    regions = gpd.read_file(boundaries / BREAKAWAY, engine="pyogrio")
    features = []
    for _, row in countries.sort_values("ADM0_A3").iterrows():
        geom = row.geometry.intersection(clip)
        if geom.is_empty:
            continue
        geom = _rounded(geom.simplify(tolerance, preserve_topology=True))
        name = row["NAME_EN"]
        features.append({"type": "Feature", "geometry": mapping(geom),
                         "properties": {"kind": "country", "name": name, "iso_a3": row["ADM0_A3"]}})
        label = row.geometry.intersection(box(*_inset(frame))).representative_point()
        features.append({"type": "Feature", "geometry": mapping(_rounded(label, 2)),
                         "properties": {"kind": "label", "name": name, "iso_a3": row["ADM0_A3"]}})
    for _, row in regions[held_regions(regions)].iterrows():
        geom = _rounded(row.geometry.simplify(tolerance / 2, preserve_topology=True))
        features.append({"type": "Feature", "geometry": mapping(geom), "properties": {
            "kind": "region", "name": row["NAME_EN"], "brk_a3": row["BRK_A3"],
            "note": "Natural Earth outline: the de facto extent before the 2020 war"}})
    features.append(settlements(places or paths.PLACES))
    meta = {
        "description": "Offline vector basemap: country borders, the theatres' regions and their settlements' "
                       "names (from the gazetteer, ranked so that towns show first and villages as one zooms in).",
        "built_by": "python -m geo.build.basemap",
        "sources": [{"file": f"shared/data/boundaries/{name}", "sha256": _sha256(boundaries / name)}
                    for name in (COUNTRIES, BREAKAWAY)],
        "licence": "Natural Earth, public domain. Made with Natural Earth.",
        "frame": list(frame), "simplify_tolerance_deg": tolerance, "decimals": DECIMALS,
    }
    return {"type": "FeatureCollection", "metadata": meta, "features": features}


def _inset(frame, by: float = 1.0):
    """The frame shrunk so that labels of clipped countries sit well inside the view."""
    w, s, e, n = frame
    return (w + by, s + by, e - by, n - by)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m geo.build.basemap", description=__doc__.split("\n\n")[0])
    ap.add_argument("--boundaries", type=Path, default=DEFAULT_BOUNDARIES)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--tolerance", type=float, default=TOLERANCE_DEG, help="simplification, degrees")
    args = ap.parse_args(argv)
    missing = [n for n in (COUNTRIES, BREAKAWAY) if not (args.boundaries / n).exists()]
    if missing:
        print(f"error: not found in {args.boundaries}: {', '.join(missing)}", file=sys.stderr)
        return 2
    fc = build(args.boundaries, tolerance=args.tolerance)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_name(f".{args.out.name}.tmp")
    tmp.write_text(json.dumps(fc, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    tmp.replace(args.out)
    print(f"wrote {len(fc['features'])} features, {args.out.stat().st_size} bytes, to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
