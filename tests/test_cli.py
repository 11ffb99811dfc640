"""The CLI contract: ingest -> export -> valid GeoJSON; re-ingest is idempotent; bad files are reported."""
import json
import math
import sqlite3
import subprocess
import sys

import pytest

from conftest import ROOT
from geo.__main__ import main

REQUIRED = ["id", "event_date", "time_precision", "event_type", "sub_event_type", "actor1", "actor2",
            "location", "country", "geo_precision", "fatalities", "injured", "claimed_by", "sources"]


def _export(db, out, *extra):
    assert main(["export", "--db", str(db), "--out", str(out), *extra]) == 0
    return json.loads(out.read_text(encoding="utf-8"))


def test_round_trip(tmp_path, articles_dir, capsys):
    db = tmp_path / "t.gpkg"
    code = main(["ingest", str(articles_dir), "--db", str(db)])
    out = capsys.readouterr().out
    assert code == 1  # the empty and the undated fixture are skipped, the others ingested
    assert "a04_empty.txt: skipped: empty file" in out
    assert "a03_nodate.txt: skipped: no publication date line" in out
    assert "ingested 2 of 4 file(s)" in out
    fc = _export(db, tmp_path / "out.geojson")
    assert fc["type"] == "FeatureCollection"
    feats = fc["features"]
    assert feats, "the fixture articles report incidents"
    for f in feats:
        lon, lat = f["geometry"]["coordinates"]
        assert f["geometry"]["type"] == "Point" and math.isfinite(lon) and -180 <= lon <= 180 and -90 <= lat <= 90
        assert all(k in f["properties"] for k in REQUIRED)
        assert f["properties"]["sources"][0]["file"] in ("a01_markdown.txt", "a02_plain.txt")
    places = {f["properties"]["location"] for f in feats}
    assert {"Tartar", "Ganja"} <= places
    assert "Geneva" not in places and "Moscow" not in places and "Yerevan" not in places  # venues, not incidents


def test_reingest_is_idempotent(tmp_path, articles_dir):
    db = tmp_path / "t.gpkg"
    main(["ingest", str(articles_dir / "a01_markdown.txt"), "--db", str(db)])
    first = _export(db, tmp_path / "1.geojson")["features"]
    main(["ingest", str(articles_dir / "a01_markdown.txt"), "--db", str(db)])
    second = _export(db, tmp_path / "2.geojson")["features"]
    assert [f["id"] for f in first] == [f["id"] for f in second]
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT count(*) FROM articles").fetchone()[0] == 1


def test_export_filters(tmp_path, articles_dir):
    db = tmp_path / "t.gpkg"
    main(["ingest", str(articles_dir), "--db", str(db)])
    all_ = _export(db, tmp_path / "a.geojson")["features"]
    late = _export(db, tmp_path / "b.geojson", "--start", "2020-10-15")["features"]
    assert late and len(late) < len(all_)
    assert all(f["properties"]["event_date"] >= "2020-10-15" for f in late)
    az = _export(db, tmp_path / "c.geojson", "--actor", "Azerbaijan")["features"]
    assert az and all("Azerbaijan" in (f["properties"]["actor1"], f["properties"]["actor2"]) for f in az)
    assert _export(db, tmp_path / "d.geojson", "--event-type", "Protests")["features"] == []


def test_export_without_database_fails_clearly(tmp_path, capsys):
    assert main(["export", "--db", str(tmp_path / "none.gpkg"), "--out", str(tmp_path / "o.geojson")]) == 2
    assert "none.gpkg: no such database" in capsys.readouterr().err


def test_bad_date_argument(tmp_path):
    with pytest.raises(SystemExit):
        main(["export", "--out", str(tmp_path / "o.geojson"), "--start", "14/10/2020"])


def test_geopackage_opens_with_gdal(tmp_path, articles_dir):
    import pyogrio
    db = tmp_path / "t.gpkg"
    main(["ingest", str(articles_dir), "--db", str(db)])
    df = pyogrio.read_dataframe(db, layer="incidents")
    assert len(df) > 0 and df.crs.to_epsg() == 4326
    assert set(df.geometry.geom_type) == {"Point"}
    assert {"incidents"} <= {name for name, _ in pyogrio.list_layers(db)}


def test_module_entry_point(tmp_path, articles_dir):
    r = subprocess.run([sys.executable, "-m", "geo", "ingest", str(articles_dir / "a02_plain.txt"),
                        "--db", str(tmp_path / "m.gpkg")], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "a02_plain.txt:" in r.stdout


def test_parallel_ingest_equals_serial(tmp_path, articles_dir):
    outs = []
    for w in ("1", "2"):
        db = tmp_path / f"w{w}.gpkg"
        main(["ingest", str(articles_dir), "--db", str(db), "--workers", w])
        outs.append([f["properties"] for f in _export(db, tmp_path / f"w{w}.geojson")["features"]])
    assert outs[0] and outs[0] == outs[1]


def test_workers_must_be_positive(tmp_path, articles_dir, capsys):
    assert main(["ingest", str(articles_dir), "--db", str(tmp_path / "x.gpkg"), "--workers", "0"]) == 2
    assert "--workers must be at least 1" in capsys.readouterr().err
