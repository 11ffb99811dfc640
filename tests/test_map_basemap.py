"""geo.map.basemap: the offline basemap."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import ROOT, SHARED
from geo.map import BASEMAP


def test_basemap_is_small_and_holds_borders_and_region():
    assert BASEMAP.exists() and BASEMAP.stat().st_size < 1_000_000
    fc = json.loads(BASEMAP.read_text(encoding="utf-8"))
    kinds = {(f["properties"]["kind"], f["properties"]["name"]) for f in fc["features"]}
    assert {("country", "Armenia"), ("country", "Azerbaijan"), ("region", "Nagorno-Karabakh")} <= kinds
    assert all(s["sha256"] and s["file"].startswith("shared/data/boundaries/") for s in fc["metadata"]["sources"])
    assert "Natural Earth" in fc["metadata"]["licence"]


def test_basemap_rebuilds_identically_from_shared(tmp_path):
    boundaries = SHARED / "data" / "boundaries"
    if not (boundaries / "ne_10m_breakaway_caucasus.geojson").exists():
        pytest.skip("../shared boundaries not present")
    from geo.build.basemap import main
    out = tmp_path / "basemap.geojson"
    assert main(["--boundaries", str(boundaries), "--out", str(out)]) == 0
    assert json.loads(out.read_text()) == json.loads(BASEMAP.read_text())


def test_sample_and_paths_exist():
    assert (ROOT / "data" / "sample_incidents.geojson").exists() and Path(BASEMAP).parent == ROOT / "data"
