"""geo.map.downloads: table and downloads."""
from __future__ import annotations

import csv
import io
import json
from datetime import date

from geo.map import ACLED_COLUMNS, EXTRA_COLUMNS, Filters, IncidentTable, as_selection, table_rows, to_csv, to_geojson, to_gpkg
from map_util import STUB_FEATURES, fixture_incident


def test_table_rows_newest_first_and_capped():
    sel = as_selection([fixture_incident(id=str(k), event_date=f"2020-10-{k + 1:02d}") for k in range(5)])
    rows = table_rows(sel, limit=2)
    assert [r["date"] for r in rows] == ["2020-10-05", "2020-10-04"]


def test_geojson_snapshot_holds_incidents_front_and_metadata():
    sel = IncidentTable([fixture_incident(id="a"), fixture_incident(id="b", actor1="Armenia")]).select(Filters(actors=("Armenia",)))
    meta = {"filters": sel.filters.as_dict(), "counts": sel.counts()}
    fc = json.loads(to_geojson(sel, meta, STUB_FEATURES))
    assert fc["type"] == "FeatureCollection"
    assert [f["id"] for f in fc["features"] if f["properties"]["layer"] == "incident"] == ["a", "b"]
    assert sum(f["properties"]["layer"] == "front_line" for f in fc["features"]) == 1
    assert fc["metadata"]["filters"]["actors"] == ["Armenia"] and fc["metadata"]["counts"]["incidents"] == 2


def test_csv_has_acled_columns_and_is_spreadsheet_safe():
    i = fixture_incident(location="=HYPERLINK(\"http://x\")", fatalities=None, injured=4, claimed_by=["Azerbaijan"],
                  denied_by=["Armenia"], evidence=["A sentence."])
    rows = list(csv.DictReader(io.StringIO(to_csv(as_selection([i])).decode("utf-8"))))
    assert list(rows[0]) == ACLED_COLUMNS + EXTRA_COLUMNS
    r = rows[0]
    assert r["event_id_cnty"] == "x1" and r["year"] == "2020" and r["country"] == "Azerbaijan"
    assert r["location"].startswith("'=") and r["fatalities"] == "" and r["injured"] == "4"
    assert r["source"] == "example.org" and r["notes"] == "A sentence." and r["claimed_by"] == "Azerbaijan"
    assert r["latitude"] == "40.34" and r["geo_precision"] == "1"


def test_geopackage_has_incident_and_front_layers(tmp_path):
    import geopandas as gpd
    import pyogrio

    path = tmp_path / "x.gpkg"
    path.write_bytes(to_gpkg(as_selection([fixture_incident(), fixture_incident(id="y", fatalities=2)]), STUB_FEATURES))
    assert [name for name, _ in pyogrio.list_layers(path)] == ["incidents", "control", "front_line"]
    gdf = gpd.read_file(path, layer="incidents")
    assert len(gdf) == 2 and list(gdf.columns[:3]) == ACLED_COLUMNS[:3] and gdf.crs.to_epsg() == 4326
    assert gdf["fatalities"].tolist()[1] == 2
    empty = tmp_path / "empty.gpkg"
    empty.write_bytes(to_gpkg(as_selection([])))
    assert len(gpd.read_file(empty, layer="incidents")) == 0
