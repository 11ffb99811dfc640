"""The RFC 7946 validator on good and deliberately broken GeoJSON, and every export path checked with it."""
from __future__ import annotations

import copy
import json
import math

import pytest

from geo.__main__ import main
from geo.export import feature_collection, write_geojson
from geo.records import Incident, Source
from geo.validate import ring_area, validate_feature_collection, validate_file, validate_text

THEATRE_BOX = (43.4, 38.3, 50.9, 41.95)  # west, south, east, north of the 2020 theatre

CCW = [[46.5, 39.5], [47.0, 39.5], [47.0, 40.0], [46.5, 40.0], [46.5, 39.5]]
HOLE_CW = [[46.6, 39.6], [46.6, 39.8], [46.8, 39.8], [46.8, 39.6], [46.6, 39.6]]
GOOD = {
    "type": "FeatureCollection",
    "bbox": [46.5, 39.5, 47.5, 40.34],
    "features": [
        {"type": "Feature", "id": "a", "geometry": {"type": "Point", "coordinates": [47.15, 40.34]},
         "properties": {"fatalities": 2, "notes": None}},
        {"type": "Feature", "id": 7, "bbox": [46.5, 39.5, 47.0, 40.0],
         "geometry": {"type": "Polygon", "coordinates": [CCW, HOLE_CW]}, "properties": {}},
        {"type": "Feature", "geometry": {"type": "MultiPolygon", "coordinates": [[CCW]]}, "properties": None},
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[47, 39.5], [47, 40, 120.5]]},
         "properties": {"layer": "front_line"}},
        {"type": "Feature", "geometry": {"type": "GeometryCollection", "geometries": [
            {"type": "Point", "coordinates": [47.5, 39.9]}, {"type": "MultiPoint", "coordinates": []}]},
         "properties": {}},
        {"type": "Feature", "geometry": None, "properties": {"unlocated": True}},
    ],
}


def _broken(path: str, value):
    """GOOD with one member replaced; path like 'features.1.geometry.coordinates.0'."""
    fc = copy.deepcopy(GOOD)
    *parents, last = path.split(".")
    node = fc
    for k in parents:
        node = node[int(k)] if isinstance(node, list) else node[k]
    if isinstance(node, list):
        node[int(last)] = value
    elif value is _DELETE:
        del node[last]
    else:
        node[last] = value
    return fc


_DELETE = object()


def test_a_valid_collection_has_no_problems():
    assert validate_feature_collection(GOOD) == []
    assert validate_feature_collection(GOOD, within=THEATRE_BOX) == []
    assert validate_text(json.dumps(GOOD)) == []
    assert ring_area(CCW) > 0 > ring_area(HOLE_CW)


@pytest.mark.parametrize("path,value,expected", [
    ("type", "Feature", "type must be 'FeatureCollection'"),
    ("features", {}, "'features' must be an array"),
    ("crs", {"type": "name"}, "'crs' is not part of RFC 7946"),
    ("features.0.geometry.coordinates", [40.34, 147.15], "latitude 147.15 out of range"),
    ("features.0.geometry.coordinates", [200, 40], "longitude 200 out of range"),
    ("features.0.geometry.coordinates", [math.nan, 40.0], "not a finite number"),
    ("features.0.geometry.coordinates", [47.0], "a position must be 2 or 3 numbers"),
    ("features.0.geometry.coordinates", [47.0, "40"], "a position must be 2 or 3 numbers"),
    ("features.0.geometry.coordinates", [True, 40], "a position must be 2 or 3 numbers"),
    ("features.0.properties.fatalities", math.inf, "features.0.properties.fatalities: inf is not a finite number"
     .replace("features.0", "$.features[0]")),
    ("features.0.properties.when", object(), "is not a JSON value"),
    ("features.0.id", [1], "must be a string or a number"),
    ("features.0.type", "feature", "must be an object with type 'Feature'"),
    ("features.0.geometry", _DELETE, "needs a 'geometry' member"),
    ("features.0.properties", _DELETE, "needs a 'properties' member"),
    ("features.0.properties", [1], "must be an object or null"),
    ("features.0.geometry.type", "Circle", "unknown geometry type 'Circle'"),
    ("features.1.geometry.coordinates.0", list(reversed(CCW)), "exterior ring is clockwise"),
    ("features.1.geometry.coordinates.1", list(reversed(HOLE_CW)), "hole is counter-clockwise"),
    ("features.1.geometry.coordinates.0", CCW[:-1], "must be closed"),
    ("features.1.geometry.coordinates.0", [CCW[0], CCW[1], CCW[0]], "needs 4 or more positions"),
    ("features.2.geometry.coordinates.0.0", list(reversed(CCW)), "exterior ring is clockwise"),
    ("features.3.geometry.coordinates", [[47, 39.5]], "a LineString needs 2 or more positions"),
    ("features.4.geometry.geometries.0.coordinates", [47.5, 91], "latitude 91 out of range"),
    ("bbox", [46.5, 39.5, 47.0, 40.34], "$.bbox: does not contain position [47.15, 40.34]"),
    ("bbox", [46.5, 40.0, 47.5, 39.5], "south 40.0 is north of north 39.5"),
    ("bbox", [46.5, 39.5, 47.5], "a bbox must be 4 or 6 finite numbers"),
    ("features.1.bbox", [0, 0, 1, 1], "features[1].bbox: does not contain"),
])
def test_each_kind_of_problem_is_found(path, value, expected):
    problems = validate_feature_collection(_broken(path, value))
    assert any(expected in p for p in problems), problems


def test_swapped_axes_inside_the_valid_range_need_the_expected_area():
    swapped = _broken("features.0.geometry.coordinates", [40.34, 47.15])
    del swapped["bbox"]
    assert validate_feature_collection(swapped) == []  # both orders are valid numbers on their own
    assert any("swapped" in p for p in validate_feature_collection(swapped, within=THEATRE_BOX))


def test_antimeridian_bbox_is_allowed():
    points = {"type": "MultiPoint", "coordinates": [[175, 0], [-175, 5]]}
    fc = {"type": "FeatureCollection", "bbox": [170, -10, -170, 10],
          "features": [{"type": "Feature", "properties": {}, "geometry": points}]}
    assert validate_feature_collection(fc) == []


def test_nan_and_infinity_in_text_are_problems():
    assert any("NaN is not valid JSON" in p for p in validate_text('{"type": "FeatureCollection", "features": [], '
                                                                  '"x": NaN}'))
    assert any("Infinity" in p for p in validate_text('{"type": "FeatureCollection", "features": [], "x": -Infinity}'))
    assert validate_text("{not json")[0].startswith("$: not JSON")
    assert validate_feature_collection([]) == ["$: a FeatureCollection must be an object, not []"]


def _incident(**kw) -> Incident:
    base = dict(id="x1", event_date="2020-10-14", time_precision=1, event_type="Explosions/Remote violence",
                sub_event_type="Shelling/artillery/missile attack", actor1="Armenia", actor2=None, location="Tartar",
                country="Azerbaijan", admin1="Tartar", lat=40.34, lon=46.93, geo_precision=1,
                sources=[Source("a.txt", None, "T", "2020-10-14")], evidence=["Tartar was shelled."])
    base.update(kw)
    return Incident(**base)


def test_write_geojson_refuses_invalid_output_and_keeps_the_old_file(tmp_path):
    out = tmp_path / "o.geojson"
    write_geojson(feature_collection([_incident()]), out)
    before = out.read_bytes()
    bad_front = [{"type": "Feature", "properties": {},
                  "geometry": {"type": "Polygon", "coordinates": [list(reversed(CCW))]}}]
    with pytest.raises(ValueError, match="exterior ring is clockwise"):
        write_geojson(feature_collection([_incident()], extra_features=bad_front), out)
    with pytest.raises(ValueError, match="non-finite"):
        feature_collection([_incident(lat=math.nan)])
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["o.geojson"]  # no temporary file left behind


def test_the_streamed_export_is_valid_and_refuses_an_invalid_front_line(tmp_path):
    from geo.export import feature_parts, feature_text, write_geojson_stream
    out = tmp_path / "s.geojson"
    incs = [_incident(), _incident(id="x2", lat=40.1, evidence=['A "quoted" </script> line.'])]
    texts = [feature_text(*feature_parts(i)) for i in incs]
    assert write_geojson_stream(iter(texts), out, {"database": "d"}) == 2
    fc = json.loads(out.read_text())
    assert validate_file(out) == [] and fc["metadata"]["count"] == 2
    assert fc["features"] == [feature_collection(incs)["features"][k] for k in (0, 1)]
    before = out.read_bytes()
    bad_front = [{"type": "Feature", "properties": {},
                  "geometry": {"type": "Polygon", "coordinates": [list(reversed(CCW))]}}]
    with pytest.raises(ValueError, match="exterior ring is clockwise"):
        write_geojson_stream(iter(texts), out, extra_features=bad_front)
    with pytest.raises(ValueError, match="non-finite"):
        feature_parts(_incident(lon=math.inf))
    with pytest.raises(ValueError, match="longitude 200"):
        feature_parts(_incident(lon=200.0))
    with pytest.raises(ValueError, match="latitude 95"):
        feature_parts(_incident(lat=95.0))
    with pytest.raises(ValueError, match="x1: not valid GeoJSON"):
        feature_parts(_incident(fatalities=math.nan))
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["s.geojson"]


def test_cli_exports_validate(tmp_path, articles_dir):
    db = tmp_path / "t.gpkg"
    main(["ingest", str(articles_dir), "--db", str(db)])
    plain, front = tmp_path / "plain.geojson", tmp_path / "front.geojson"
    assert main(["export", "--db", str(db), "--out", str(plain)]) == 0
    assert main(["export", "--db", str(db), "--out", str(front), "--with-front-line"]) == 0
    for out in (plain, front):
        fc = json.loads(out.read_text(encoding="utf-8"))
        assert fc["features"]
        assert validate_file(out, within=THEATRE_BOX) == []
    kinds = {f["geometry"]["type"] for f in json.loads(front.read_text(encoding="utf-8"))["features"]}
    assert "Point" in kinds and kinds & {"Polygon", "MultiPolygon"}


def test_app_geojson_download_validates(tmp_path, articles_dir):
    from geo import store
    from geo.frontline import export_layers
    from geo.map import Filters, IncidentTable, to_geojson

    db = tmp_path / "t.gpkg"
    main(["ingest", str(articles_dir), "--db", str(db)])
    sel = IncidentTable(store.load_incidents(db)).select(Filters())
    front, _ = export_layers(db)
    assert validate_text(to_geojson(sel, {"source": "test"}, front).decode("utf-8"), within=THEATRE_BOX) == []
