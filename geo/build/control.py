"""Build the pre-war control baseline (`data/control_baseline.geojson`) from Natural Earth boundaries.

`python -m geo control build --boundaries DIR --out data/control_baseline.geojson`. The recipe (the
theatre's area, the polygon each side held, who holds the rest) is the theatre file's `baseline_build`,
so another war needs another theatre file, not code.

Everything is snapped to a 1e-6 degree grid before the overlays: the Natural Earth country polygon and the
breakaway polygon were generalised separately, and on the grid their near-coincident borders collapse
instead of leaving hair-thin slivers that would draw a false front line along the Armenian border.
Remaining specks of the `rest` side under `MIN_PART_DEG2` are handed to the side they touch. The output
is deterministic (no timestamps, fixed order, 6-decimal coordinates): a rebuild reproduces the file.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from .. import paths
from ..geometry import GRID, geojson_geometry, polygons
from ..theatre import DEFAULT_THEATRE, theatre_file
from ..theatre import load as load_theatre

DEFAULT_BOUNDARIES = paths.BOUNDARIES
BUILD_COMMAND = "python -m geo control build --boundaries DIR --out data/control_baseline.geojson"
#: Parts of the remainder smaller than this (about 1 km2) are slivers between two generalised borders.
MIN_PART_DEG2 = 1e-4


def _select(folder: Path, spec: dict):
    import shapely
    from shapely.geometry import shape
    path = folder / spec["file"]
    fc = json.loads(path.read_text(encoding="utf-8"))
    geoms = [shape(f["geometry"]) for f in fc["features"] if f["properties"].get(spec["property"]) in spec["values"]]
    if not geoms:
        raise ValueError(f"{path}: no feature with {spec['property']} in {spec['values']}")
    return shapely.set_precision(shapely.make_valid(shapely.union_all(geoms)), GRID)


def build_areas(folder: Path, theatre: dict) -> dict:
    """{side: MultiPolygon} tiling the theatre's area as it was held before the war."""
    import shapely
    from shapely.geometry import Point, box
    recipe = theatre["baseline_build"]
    held = {side: _select(folder, spec) for side, spec in recipe["held"].items()}
    area = shapely.union_all([_select(folder, recipe["area"]), *held.values()], grid_size=GRID)
    area = polygons(shapely.intersection(area, box(*theatre["bbox"]), grid_size=GRID))
    out = {side: polygons(shapely.intersection(g, area, grid_size=GRID)) for side, g in held.items()}
    rest = polygons(shapely.difference(area, shapely.union_all(list(out.values()), grid_size=GRID), grid_size=GRID))
    keep = []
    for part in rest.geoms:
        to = next((s for s, pts in recipe.get("enclaves", {}).items() if any(part.covers(Point(p)) for p in pts)), None)
        if to is None and part.area < MIN_PART_DEG2:
            to = max(out, key=lambda s: part.intersection(out[s].buffer(GRID * 10)).area, default=None)
        if to is None:
            keep.append(part)
        else:
            out[to] = polygons(shapely.union(out[to], part, grid_size=GRID))
    out[recipe["rest"]] = shapely.MultiPolygon(keep)
    return {side: shapely.orient_polygons(polygons(shapely.make_valid(g))) for side, g in sorted(out.items())}


def build(folder: Path, out: Path, theatre: str | None = None) -> dict:
    """Write the baseline GeoJSON; returns {side: area in km2} for the log."""
    from pyproj import Geod
    tfile = theatre_file(theatre)
    t = load_theatre(tfile.stem)
    areas = build_areas(Path(folder), t)
    recipe = t["baseline_build"]
    files = sorted({recipe["area"]["file"], *(s["file"] for s in recipe["held"].values())})
    geod = Geod(ellps="WGS84")
    km2 = {s: round(abs(geod.geometry_area_perimeter(g)[0]) / 1e6) for s, g in areas.items()}
    feats = [{"type": "Feature", "id": f"baseline-{side}",
              "geometry": geojson_geometry(g),
              "properties": {"controller": side, "controller_name": t["sides"][side]["label"],
                             "status": "confirmed", "area_km2": km2[side]}}
             for side, g in areas.items()]
    fc = {"type": "FeatureCollection", "metadata": {
        "what": f"Territory held by each side of {t['name']} before {t['start']} (the control baseline).",
        "theatre": tfile.stem,
        "valid_before": t["start"],
        "sources": [{"file": f, "sha256": hashlib.sha256((Path(folder) / f).read_bytes()).hexdigest()} for f in files],
        "method": ("Area: the union of the selected Natural Earth 10m admin-0 country polygon(s) and the held "
                   "polygons, clipped to the theatre bbox. Each held side gets its Natural Earth polygon (for "
                   "Nagorno-Karabakh the pre-2020 de facto extent, not the NKAO outline); the rest side gets the "
                   "remainder, less slivers under 1e-4 deg2 and the listed enclaves. Snapped to a 1e-6 degree grid, "
                   "made valid, exteriors counter-clockwise (RFC 7946)."),
        "licence": recipe.get("licence", "Natural Earth: public domain"),
        "attribution": "Made with Natural Earth.",
        "command": BUILD_COMMAND}, "features": feats}
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(json.dumps(fc, ensure_ascii=False, allow_nan=False) + "\n", encoding="utf-8")
    tmp.replace(out)
    return km2


def add_build_args(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("--boundaries", type=Path, default=DEFAULT_BOUNDARIES,
                        help="folder of the Natural Earth boundary files (default ../shared/data/boundaries)")
    parser.add_argument("--out", type=Path, default=paths.CONTROL_BASELINE,
                        help="output GeoJSON (default data/control_baseline.geojson)")
    parser.add_argument("--theatre", default=None, help=f"theatre file stem or name (default {DEFAULT_THEATRE})")
    return parser


def run_build(args: argparse.Namespace) -> int:
    try:
        km2 = build(args.boundaries, args.out, args.theatre)
    except (OSError, ValueError, KeyError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"wrote the control baseline to {args.out}: " + ", ".join(f"{s} {a} km2" for s, a in km2.items()))
    return 0
