"""Geometry helpers shared by the front line (run time) and the control baseline build: one grid, one output form.

Both snap to `GRID` before their overlays, so areas built by one and carved by the other meet exactly.
"""
from __future__ import annotations

__all__ = ["GRID", "polygons", "geojson_geometry"]

GRID = 1e-6  # degrees (about 0.1 m): borders generalised separately collapse onto it instead of leaving slivers


def polygons(geom):
    """The polygonal part of a geometry as a MultiPolygon (overlays may add stray lines or points)."""
    import shapely
    out = []
    for part in shapely.get_parts(geom):
        if part.geom_type == "Polygon" and not part.is_empty:
            out.append(part)
        elif part.geom_type in ("MultiPolygon", "GeometryCollection"):
            out.extend(polygons(part).geoms)
    return shapely.MultiPolygon(out)


def geojson_geometry(geom) -> dict:
    """A GeoJSON geometry with coordinates rounded to 6 decimals (about 0.1 m)."""
    from shapely.geometry import mapping

    def rnd(x):
        return [round(x[0], 6), round(x[1], 6)] if isinstance(x[0], (int, float)) else [rnd(v) for v in x]
    m = mapping(geom)
    return {"type": m["type"], "coordinates": rnd(m["coordinates"])}
