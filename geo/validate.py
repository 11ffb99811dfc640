"""Check GeoJSON against RFC 7946, so that exports are proven valid rather than assumed.

`validate_feature_collection` returns a list of problems (empty when valid), each naming where it
is ("features[3].geometry.coordinates[0]") and what is wrong. It checks structure and member types,
positions (two or three finite numbers, longitude first: within ±180 and latitude within ±90, and
inside an optional expected box, the only way to catch swapped axes in a region where both orders
are in range), linear rings (closed, four positions or more), the right-hand rule (exterior rings
counter-clockwise, holes clockwise), bounding boxes (well formed and holding what they bound) and
finite numbers everywhere, properties included. RFC 7946 dropped `crs`, so its presence is a problem.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

GEOMETRY_TYPES = {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon",
                  "GeometryCollection"}
_DEPTH = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _finite_everywhere(v, where: str, out: list[str]) -> None:
    """JSON has no NaN or Infinity: report any non-finite float, and any value JSON cannot hold.

    The path is built only on the way to a problem (a string per value made 1M features slow).
    """
    if not _suspect(v):
        return
    if isinstance(v, float):
        if not math.isfinite(v):
            out.append(f"{where}: {v!r} is not a finite number (not valid JSON)")
    elif isinstance(v, dict):
        for k, x in v.items():
            if not isinstance(k, str):
                out.append(f"{where}: key {k!r} is not a string")
            _finite_everywhere(x, f"{where}.{k}", out)
    elif isinstance(v, (list, tuple)):
        for i, x in enumerate(v):
            _finite_everywhere(x, f"{where}[{i}]", out)
    elif not (v is None or isinstance(v, (str, int, bool))):
        out.append(f"{where}: {type(v).__name__} is not a JSON value")


def _suspect(v) -> bool:
    if v is None or isinstance(v, (str, int, bool)):
        return False
    if isinstance(v, float):
        return not math.isfinite(v)
    if isinstance(v, dict):
        return any(not isinstance(k, str) or _suspect(x) for k, x in v.items())
    if isinstance(v, (list, tuple)):
        return any(_suspect(x) for x in v)
    return True


def ring_area(ring: list) -> float:
    """Twice the signed area (shoelace) in the lon/lat plane: positive when counter-clockwise."""
    return sum(ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1] for i in range(len(ring) - 1))


class _Checker:
    def __init__(self, within: tuple[float, float, float, float] | None):
        self.within = within
        self.problems: list[str] = []

    def err(self, where: str, msg: str) -> None:
        self.problems.append(f"{where}: {msg}")

    def position(self, p, where: str) -> bool:
        if not isinstance(p, (list, tuple)) or not 2 <= len(p) <= 3 or not all(_is_number(v) for v in p):
            self.err(where, f"a position must be 2 or 3 numbers, not {_short(p)}")
            return False
        if not all(math.isfinite(v) for v in p):
            self.err(where, f"position {_short(p)} has a non-finite number")
            return False
        lon, lat = p[0], p[1]
        if not -180 <= lon <= 180:
            self.err(where, f"longitude {lon} out of range (is the position latitude first?)")
        if not -90 <= lat <= 90:
            self.err(where, f"latitude {lat} out of range (is the position latitude first?)")
        if self.within:
            w, s, e, n = self.within
            if not (w <= lon <= e and s <= lat <= n):
                self.err(where, f"position [{lon}, {lat}] is outside the expected area {list(self.within)} "
                                "(longitude and latitude swapped?)")
        return True

    def coords(self, c, depth: int, where: str) -> bool:
        if depth == 0:
            return self.position(c, where)
        if not isinstance(c, (list, tuple)):
            self.err(where, f"expected an array, not {_short(c)}")
            return False
        return all([self.coords(x, depth - 1, f"{where}[{i}]") for i, x in enumerate(c)])

    def ring(self, ring, where: str, exterior: bool) -> None:
        if len(ring) < 4:
            self.err(where, f"a linear ring needs 4 or more positions, not {len(ring)}")
            return
        if list(ring[0][:2]) != list(ring[-1][:2]) or len(ring[0]) != len(ring[-1]):
            self.err(where, "a linear ring must be closed (last position equal to the first)")
            return
        area = ring_area(ring)
        if area == 0:
            self.err(where, "a linear ring with no area")
        elif exterior and area < 0:
            self.err(where, "exterior ring is clockwise; RFC 7946 wants counter-clockwise (right-hand rule)")
        elif not exterior and area > 0:
            self.err(where, "hole is counter-clockwise; RFC 7946 wants holes clockwise (right-hand rule)")

    def geometry(self, g, where: str) -> list[list]:
        """Check a geometry; returns its positions (for bbox checks)."""
        if g is None:
            return []
        if not isinstance(g, dict):
            self.err(where, f"a geometry must be an object or null, not {_short(g)}")
            return []
        t = g.get("type")
        if t not in GEOMETRY_TYPES:
            self.err(where, f"unknown geometry type {t!r}")
            return []
        if t == "GeometryCollection":
            gs = g.get("geometries")
            if not isinstance(gs, list):
                self.err(where, "a GeometryCollection needs a 'geometries' array")
                return []
            pts = [p for i, x in enumerate(gs) for p in self.geometry(x, f"{where}.geometries[{i}]")]
            self.bbox(g.get("bbox"), pts, where)
            return pts
        if "coordinates" not in g:
            self.err(where, f"a {t} needs 'coordinates'")
            return []
        c = g["coordinates"]
        if not self.coords(c, _DEPTH[t], f"{where}.coordinates"):
            return []
        cw = f"{where}.coordinates"
        if t == "LineString" and len(c) < 2:
            self.err(cw, "a LineString needs 2 or more positions")
        elif t == "MultiLineString":
            for i, line in enumerate(c):
                if len(line) < 2:
                    self.err(f"{cw}[{i}]", "a LineString needs 2 or more positions")
        elif t == "Polygon":
            self.polygon(c, cw)
        elif t == "MultiPolygon":
            for i, poly in enumerate(c):
                self.polygon(poly, f"{cw}[{i}]")
        pts = _flatten(c, _DEPTH[t])
        self.bbox(g.get("bbox"), pts, where)
        return pts

    def polygon(self, rings, where: str) -> None:
        if not rings:
            self.err(where, "a polygon needs an exterior ring")
        for i, r in enumerate(rings):
            self.ring(r, f"{where}[{i}]", exterior=i == 0)

    def bbox(self, b, pts: list, where: str) -> None:
        if b is None:
            return
        where = f"{where}.bbox"
        if not isinstance(b, list) or len(b) not in (4, 6) or not all(_is_number(v) and math.isfinite(v) for v in b):
            self.err(where, f"a bbox must be 4 or 6 finite numbers, not {_short(b)}")
            return
        d = len(b) // 2
        lo, hi = b[:d], b[d:]
        if lo[1] > hi[1]:
            self.err(where, f"south {lo[1]} is north of north {hi[1]}")
        if d == 3 and lo[2] > hi[2]:
            self.err(where, f"minimum elevation {lo[2]} above maximum {hi[2]}")
        crosses = lo[0] > hi[0]  # RFC 7946 §5.2: a box crossing the antimeridian has west > east
        for p in pts:
            lon, lat = p[0], p[1]
            in_lon = (lon >= lo[0] or lon <= hi[0]) if crosses else lo[0] <= lon <= hi[0]
            if not (in_lon and lo[1] <= lat <= hi[1]):
                self.err(where, f"does not contain position [{lon}, {lat}]")
                return


def _flatten(c, depth: int) -> list:
    if depth == 0:
        return [c]
    return [p for x in c for p in _flatten(x, depth - 1)]


def _short(v) -> str:
    s = repr(v)
    return s if len(s) <= 60 else s[:57] + "..."


def validate_feature_collection(fc, within: tuple[float, float, float, float] | None = None) -> list[str]:
    """Problems that make `fc` something other than an RFC 7946 FeatureCollection; empty when valid.

    ``within`` (west, south, east, north) also requires every position to lie in that box.
    """
    ck = _Checker(within)
    if not isinstance(fc, dict):
        return [f"$: a FeatureCollection must be an object, not {_short(fc)}"]
    _finite_everywhere(fc, "$", ck.problems)
    if fc.get("type") != "FeatureCollection":
        ck.err("$", f"type must be 'FeatureCollection', not {fc.get('type')!r}")
    if "crs" in fc:
        ck.err("$", "'crs' is not part of RFC 7946 (coordinates are always WGS 84 longitude, latitude)")
    feats = fc.get("features")
    if not isinstance(feats, list):
        ck.err("$", "'features' must be an array")
        return ck.problems
    pts: list = []
    for i, f in enumerate(feats):
        w = f"features[{i}]"
        if not isinstance(f, dict) or f.get("type") != "Feature":
            ck.err(w, "must be an object with type 'Feature'")
            continue
        if "geometry" not in f:
            ck.err(w, "a Feature needs a 'geometry' member (null is allowed)")
        if "properties" not in f:
            ck.err(w, "a Feature needs a 'properties' member (null is allowed)")
        elif f["properties"] is not None and not isinstance(f["properties"], dict):
            ck.err(f"{w}.properties", "must be an object or null")
        if "id" in f and not (isinstance(f["id"], str) or _is_number(f["id"])):
            ck.err(f"{w}.id", f"must be a string or a number, not {_short(f['id'])}")
        if "crs" in f:
            ck.err(w, "'crs' is not part of RFC 7946")
        fpts = ck.geometry(f.get("geometry"), f"{w}.geometry")
        ck.bbox(f.get("bbox"), fpts, w)
        pts += fpts
    ck.bbox(fc.get("bbox"), pts, "$")
    return ck.problems


def validate_text(text: str, within: tuple[float, float, float, float] | None = None) -> list[str]:
    """Validate GeoJSON text; NaN and Infinity, which Python's json would accept, are problems here."""
    bad: list[str] = []

    def constant(name: str):
        bad.append(f"$: {name} is not valid JSON")

    try:
        fc = json.loads(text, parse_constant=constant)
    except ValueError as e:
        return [f"$: not JSON ({e})"]
    return bad + validate_feature_collection(fc, within)


def validate_file(path: str | Path, within: tuple[float, float, float, float] | None = None) -> list[str]:
    return validate_text(Path(path).read_text(encoding="utf-8"), within)
