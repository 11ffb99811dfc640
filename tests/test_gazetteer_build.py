"""Gazetteer build: reproducibility of data/places.geojson, output schema, merge rules on a tiny fixture."""
from __future__ import annotations

import argparse
import gc
import json
from pathlib import Path

import pytest

from geo.gazetteer import build as gb
from geo.gazetteer import cli

ROOT = Path(__file__).resolve().parents[1]
SHARED_GEONAMES = Path(__file__).resolve().parents[2] / "shared" / "data" / "geonames"
SHARED_VILLAGES = Path(__file__).resolve().parents[2] / "shared" / "data" / "villages"
COMMITTED = ROOT / "data" / "places.geojson"
COMMITTED_VILLAGES = ROOT / "data" / gb.VILLAGES_FILE
PROPS = ["geonameid", "name", "asciiname", "alternatenames", "feature_class", "feature_code", "country", "admin1",
         "population", "geo_precision", "source"]

needs_shared = pytest.mark.skipif(not (SHARED_GEONAMES.exists() and SHARED_VILLAGES.exists()),
                                  reason="shared GeoNames extracts absent")


@needs_shared
def test_rebuild_reproduces_committed_file(tmp_path):
    out = tmp_path / "places.geojson"
    n = gb.build(SHARED_GEONAMES, out, villages=SHARED_VILLAGES)
    assert out.read_bytes() == COMMITTED.read_bytes()
    assert (tmp_path / gb.VILLAGES_FILE).read_bytes() == COMMITTED_VILLAGES.read_bytes()
    main = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert main["metadata"]["companions"] == {gb.VILLAGES_FILE: n - len(main["features"])}
    assert n == len(main["features"]) + len(json.loads(COMMITTED_VILLAGES.read_text(encoding="utf-8"))["features"])


def _read(path: Path) -> dict:
    gc.disable()
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    finally:
        gc.enable()


@pytest.fixture(scope="module")
def committed() -> dict:
    return _read(COMMITTED)


@pytest.fixture(scope="module")
def villages() -> dict:
    return _read(COMMITTED_VILLAGES)


def test_committed_file_schema(committed, villages):
    for doc in (committed, villages):
        _check_schema(doc)
    both = [f["properties"]["geonameid"] for doc in (committed, villages) for f in doc["features"]]
    assert len(set(both)) == len(both)
    assert COMMITTED.stat().st_size < 15_500_000


def test_committed_villages(committed, villages):
    assert "Who's On First" in committed["metadata"]["attribution"]
    assert "Who's On First" in villages["metadata"]["attribution"]
    by_id = {f["properties"]["geonameid"]: f["properties"] for f in villages["features"]}
    assert {f["properties"]["source"] for f in villages["features"]} == set(gb.SMALL_SOURCES)
    alkhanli = by_id[148553]
    assert (alkhanli["name"], alkhanli["admin1"], alkhanli["population"]) == ("Alxanlı", "Füzuli", 0)
    landmarks = [p for p in by_id.values() if p["feature_code"] in gb.DUMP_LANDMARK_CODES]
    assert landmarks and all(p["geo_precision"] == 2 for p in landmarks)
    assert all(p["feature_class"] == "P" and p["geo_precision"] == 1 for p in by_id.values()
               if p["feature_code"] not in gb.DUMP_LANDMARK_CODES)
    assert sum(p["admin1"] == "Tǝrtǝr" and p["name"] == "Qapanlı" for p in by_id.values()) == 4
    main_ids = {f["properties"]["geonameid"] for f in committed["features"]}
    assert not [p for p in by_id.values() if p["geonameid"] in main_ids]


def _check_schema(doc):
    assert doc["type"] == "FeatureCollection"
    meta = doc["metadata"]
    assert "GeoNames" in meta["attribution"] and "CC BY 4.0" in meta["attribution"]
    assert meta["build_command"].startswith("python -m geo gazetteer build")
    assert meta["feature_count"] == len(doc["features"])
    ids = []
    for f in doc["features"]:
        assert f["type"] == "Feature" and f["geometry"]["type"] == "Point"
        lon, lat = f["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        assert list(f["properties"]) == PROPS
        p = f["properties"]
        assert isinstance(p["alternatenames"], list) and p["source"]
        assert p["geo_precision"] in (1, 2, 3)
        ids.append(p["geonameid"])
    assert ids == sorted(ids) and len(set(ids)) == len(ids)


def test_committed_file_contents(committed):
    by_id = {f["properties"]["geonameid"]: f for f in committed["features"]}
    moscow = by_id[524901]["properties"]
    assert (moscow["feature_code"], moscow["country"]) == ("PPLC", "RU")
    for gid in (174982, 587116, 614540, 130758, 298795, 2017370):
        assert by_id[gid]["properties"]["feature_code"] == "PCLI"
        assert by_id[gid]["properties"]["geo_precision"] == 3
    stepanakert = by_id[146970]["properties"]
    assert {"Stepanakert", "Степанакерт", "Ստեփանակերտ", "Xankəndi"} <= set(stepanakert["alternatenames"])
    assert "curated" in stepanakert["source"]
    assert by_id[409420]["properties"]["feature_code"] == "ADM1"
    assert by_id[409420]["properties"]["geo_precision"] == 2
    hadrut = by_id[-1002]
    assert hadrut["geometry"]["coordinates"] == [47.0311, 39.5197]
    assert not [f for f in committed["features"]
                if f["properties"]["name"] in ("Hadrut", "Martakert") and f["properties"]["geonameid"] < -100000]
    assert by_id[586523]["properties"]["feature_code"] == "PPLA"


def test_curated_entries_have_sources(committed):
    data = json.loads(gb.DEFAULT_CURATED.read_text(encoding="utf-8"))
    ids = {f["properties"]["geonameid"] for f in committed["features"]}
    seen = set()
    for entry in data["places"]:
        assert entry["source"].strip()
        assert entry["geonameid"] not in seen
        seen.add(entry["geonameid"])
        assert entry["geonameid"] in ids
        if "name" in entry:
            assert entry["geonameid"] < 0 and -90 <= entry["lat"] <= 90 and -180 <= entry["lon"] <= 180


# ---- merge rules on a tiny invented GeoNames directory ----------------------------------------

def _write_fixture(d: Path) -> Path:
    d.mkdir()
    header = "geonameid\tname\tlatitude\tlongitude\tcountry_code\tadmin1_code\tpopulation\ttimezone\talternatenames\n"
    rows = [
        "100\tAlphaville\t40.0\t46.0\tAZ\t01\t9000\tAsia/Baku\tAlfavil,Alphaville,ALF,Альфавиль,Mobile,Old Alpha  Alpha Old\n",
        "101\tBetaburg\t40.2\t46.3\tAZ\t01\t800\tAsia/Baku\tBetaburq\n",
        "102\tCapitalia\t40.4\t49.8\tAZ\t02\t2000000\tAsia/Baku\t\n",
    ]
    (d / "cities500_AM_AZ_GE.tsv").write_text(header + "".join(rows), encoding="utf-8")
    world = {
        "102": {"geonameid": 102, "name": "Capitalia", "latitude": 40.4, "longitude": 49.8, "countrycode": "AZ",
                "population": 2000000, "timezone": "Asia/Baku", "admin1code": "02",
                "alternatenames": ["Kapitalia", "Капиталия"]},
        "200": {"geonameid": 200, "name": "Farton", "latitude": 10.0, "longitude": 10.0, "countrycode": "ZZ",
                "population": 50000, "timezone": "UTC", "admin1code": "01",
                "alternatenames": ["FRT", "farton", "Fartonia", "ファルトン", "Фартон"]},
    }
    (d / "cities15000.json").write_text(json.dumps(world), encoding="utf-8")
    countries = {
        "AZ": {"geonameid": 587116, "name": "Azerbaijan", "iso": "AZ", "capital": "Capitalia", "population": 10},
        "ZZ": {"geonameid": 999, "name": "Zedland", "iso": "ZZ", "capital": "Nowhere", "population": 5},
    }
    (d / "countries.json").write_text(json.dumps(countries), encoding="utf-8")
    (d / "admin1CodesASCII.txt").write_text(
        "AZ.01\tAlphaville Rayon\tAlphaville Rayon\t5001\nAZ.02\tCapitalia City\tCapitalia City\t5002\n"
        "ZZ.01\tFar Province\tFar Province\t5003\n", encoding="utf-8")
    (d / "rg_cities1000_AM_AZ_GE.csv").write_text(
        "lat,lon,name,admin1,admin2,cc\n40.0,46.0,Alphaville,Alphaville Rayon,,AZ\n"
        "40.6,46.6,Lostown,Alphaville Rayon,,AZ\n40.8,46.8,Gammaton,Alphaville Rayon,,AZ\n", encoding="utf-8")
    return d


def _write_curated(path: Path) -> Path:
    path.write_text(json.dumps({"include_all_countries": True, "places": [
        {"geonameid": 101, "source": "test alias", "alternatenames": ["Betagrad"], "population": 1500},
        {"geonameid": -7, "name": "Gammaton", "lat": 40.81, "lon": 46.81, "country": "AZ", "source": "test new",
         "alternatenames": ["Gamma"], "supersedes_names": ["Gammaton"]},
    ]}), encoding="utf-8")
    return path


def test_build_merge_rules(tmp_path):
    geonames = _write_fixture(tmp_path / "gn")
    curated = _write_curated(tmp_path / "curated.json")
    feats = {f["geonameid"]: f for f in gb.build_features(geonames, curated)}

    alpha = feats[100]
    assert alpha["feature_code"] == "PPLA" and alpha["admin1"] == "Alphaville Rayon"
    assert "ALF" not in alpha["alternatenames"] and "Mobile" not in alpha["alternatenames"]
    assert {"Alfavil", "Альфавиль", "Old Alpha", "Alpha Old"} <= set(alpha["alternatenames"])

    assert feats[102]["feature_code"] == "PPLC"
    assert feats[102]["source"] == "geonames:cities500"
    assert "Kapitalia" in feats[102]["alternatenames"]

    world = feats[200]
    assert world["alternatenames"] == ["Fartonia", "Фартон"]

    region = feats[5001]
    assert (region["feature_class"], region["feature_code"], region["geo_precision"]) == ("A", "ADM1", 2)
    assert (region["lat"], region["lon"]) == (40.0, 46.0)
    assert "Alphaville District" in region["alternatenames"]
    assert 5003 not in feats

    assert feats[101]["population"] == 1500 and "Betagrad" in feats[101]["alternatenames"]
    assert "curated: test alias" in feats[101]["source"]

    rg_names = {f["name"] for f in feats.values() if f["source"].startswith("geonames:rg")}
    assert rg_names == {"Lostown"}
    assert feats[-7]["name"] == "Gammaton" and feats[-7]["source"] == "curated: test new"

    assert feats[587116]["feature_code"] == "PCLI" and feats[587116]["geo_precision"] == 3
    assert (feats[587116]["lat"], feats[587116]["lon"]) == (40.4, 49.8)
    assert 999 not in feats


def test_build_cli_is_deterministic(tmp_path):
    geonames = _write_fixture(tmp_path / "gn")
    curated = _write_curated(tmp_path / "curated.json")
    villages = _write_villages(tmp_path / "v")
    parser = cli.add_build_args(argparse.ArgumentParser())
    outs = []
    for name in ("a", "b"):
        out = tmp_path / name / "places.geojson"
        assert cli.run_build(parser.parse_args(["--geonames", str(geonames), "--out", str(out),
                                                "--curated", str(curated), "--villages", str(villages)])) == 0
        outs.append(out.read_bytes() + (out.parent / gb.VILLAGES_FILE).read_bytes())
    assert outs[0] == outs[1]
    doc = json.loads((tmp_path / "a" / "places.geojson").read_text(encoding="utf-8"))
    assert doc["metadata"]["attribution"] == gb.ATTRIBUTION
    out = tmp_path / "c" / "places.geojson"
    assert cli.main_build(["--geonames", str(geonames), "--out", str(out), "--curated", str(curated),
                           "--villages", str(villages)]) == 0
    assert out.read_bytes() + (out.parent / gb.VILLAGES_FILE).read_bytes() == outs[0]


def _write_villages(d: Path) -> Path:
    d.mkdir()
    cols = lambda gid, name, alts, lat, lon, fc, code, adm, pop: "\t".join(  # noqa: E731
        [str(gid), name, name, alts, str(lat), str(lon), fc, code, "AZ", "", adm, "", "", "", str(pop), "", "0",
         "Asia/Baku", "2026-03-01"]) + "\n"
    (d / "geonames_AZ_all_features.txt").write_text("".join([
        cols(300, "Deltakənd", "Deltakend,Дельтакенд,デルタ", 40.1, 46.1, "P", "PPL", "01", 0),
        cols(301, "Betaburq", "Betaburg Old", 40.201, 46.301, "P", "PPL", "01", 0),  # Betaburg, 0.1 km away
        cols(302, "Epsilon Monastery", "", 40.3, 46.2, "S", "MSTY", "01", 0),
        cols(303, "Zeta River", "", 40.3, 46.3, "H", "STM", "01", 0),
        cols(100, "Alphaville", "Alfaville", 40.0, 46.0, "P", "PPLA", "01", 9000),
    ]), encoding="utf-8")
    (d / "wof_AM_localities.tsv").write_text(
        "wof_id\tgeonameid\tname\tasciiname\tlatitude\tlongitude\tfeature_code\tcountry_code\tadmin1_code\t"
        "population\tis_current\tsrc_geom\tlastmodified\talternatenames\n"
        "421000001\t\tEtaberd\t\t39.5\t45.5\t\tAM\t\t0\t1\tx\t2023-08-01\tEtaberd,Էտաբերդ\n", encoding="utf-8")
    return d


def test_build_villages(tmp_path):
    geonames = _write_fixture(tmp_path / "gn")
    curated = _write_curated(tmp_path / "curated.json")
    feats = {f["geonameid"]: f for f in gb.build_features(geonames, curated, villages=_write_villages(tmp_path / "v"))}
    delta = feats[300]
    assert (delta["source"], delta["admin1"], delta["geo_precision"]) == (gb.SOURCE_DUMP, "Alphaville Rayon", 1)
    assert delta["alternatenames"] == ["Deltakend", "Дельтакенд"]  # scripts of the region's media only
    assert 301 not in feats and "Betaburg Old" in feats[101]["alternatenames"]
    assert (feats[302]["feature_class"], feats[302]["geo_precision"]) == ("S", 2)
    assert 303 not in feats
    assert feats[100]["source"] == "geonames:cities500" and "Alfaville" in feats[100]["alternatenames"]
    assert feats[-421000001]["source"] == gb.SOURCE_WOF and "Էտաբերդ" in feats[-421000001]["alternatenames"]

    out = tmp_path / "out" / "places.geojson"
    assert gb.build(geonames, out, curated, tmp_path / "v") == len(feats)
    main = json.loads(out.read_text(encoding="utf-8"))
    small = json.loads((out.parent / gb.VILLAGES_FILE).read_text(encoding="utf-8"))
    assert main["metadata"]["companions"] == {gb.VILLAGES_FILE: 3}
    assert sorted(f["properties"]["geonameid"] for f in small["features"]) == [-421000001, 300, 302]


def test_build_refuses_a_bad_village_file(tmp_path):
    geonames = _write_fixture(tmp_path / "gn")
    v = tmp_path / "v"
    v.mkdir()
    (v / "geonames_AZ_all_features.txt").write_text("not\ta dump\n", encoding="utf-8")
    parser = cli.add_build_args(argparse.ArgumentParser())
    args = parser.parse_args(["--geonames", str(geonames), "--villages", str(v), "--out", str(tmp_path / "o.geojson"),
                              "--curated", str(_write_curated(tmp_path / "c.json"))])
    with pytest.raises(gb.SourceError, match="geonames_AZ_all_features.txt: line 1"):
        gb.build(args.geonames, args.out, args.curated, args.villages)
    assert cli.run_build(args) == 2 and not (tmp_path / "o.geojson").exists()
