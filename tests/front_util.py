"""Checks of an exported control layer and front line, shared by the synthetic and the public-article tests."""
from __future__ import annotations

import json

import shapely
from shapely.geometry import shape

from geo import paths
from geo.geometry import GRID

EPS = 1e-3  # degrees, about 100 m: far below a Voronoi cell, above the 6-decimal rounding of the export
NEAR_OUTER = 0.01  # at most this share of the line may lie within EPS of the outer border (where it ends there)


def outer_border():
    """The theatre's outer border: the boundary of the union of the pre-war areas of both sides."""
    fc = json.loads(paths.CONTROL_BASELINE.read_text(encoding="utf-8"))
    return shapely.union_all([shape(f["geometry"]) for f in fc["features"]]).boundary


def check_control_and_line(features: list[dict], outer) -> None:
    """Every control polygon is valid; the front line is where the two sides' areas meet, all of it and nothing
    more: every vertex on both areas, its length that of their shared border, and not along the outer border."""
    sides: dict[str, list] = {}
    lines = []
    for f in features:
        p, g = f["properties"], shape(f["geometry"])
        if p["layer"] == "control":
            assert g.geom_type in ("Polygon", "MultiPolygon") and g.is_valid, (p["controller"], p["status"],
                                                                                 shapely.is_valid_reason(g))
            sides.setdefault(p["controller"], []).append(g)
        elif p["layer"] == "front_line":
            lines.append(g)
    assert set(sides) == {"armenian", "azerbaijani"}
    (line,) = lines
    arm, aze = (shapely.union_all(sides[s]) for s in ("armenian", "azerbaijani"))
    # Overlaid at the grid the areas are built on: a vertex of one side rounded onto the grid lies up to half a
    # grid step off the other side's edge, a sliver narrower than the coordinates can tell apart.
    assert shapely.intersection(arm, aze, grid_size=GRID).area == 0
    vertices = shapely.points(shapely.get_coordinates(line))
    for area in (arm, aze):
        assert shapely.distance(vertices, area).max() <= EPS
    shared = aze.boundary.intersection(arm.buffer(EPS)).length
    assert abs(shared - line.length) <= NEAR_OUTER * line.length, (shared, line.length)
    along_outer = line.intersection(outer.buffer(EPS)).length
    assert along_outer <= NEAR_OUTER * line.length, (along_outer, line.length)
