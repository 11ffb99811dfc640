"""geo.theatre: the one reader of the theatre files, and geo.paths: the one list of default files."""
from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from conftest import ROOT
from geo import paths, theatre


def test_a_theatre_is_found_by_file_stem_or_by_name_and_handed_out_as_a_copy():
    t = theatre.load()
    assert theatre.load(t["name"]) == t == theatre.load(theatre.DEFAULT_THEATRE)
    t["sides"].clear()
    assert theatre.load()["sides"], "a caller's change reached the next caller"
    assert theatre.load_all()[0]["name"] == theatre.load(theatre.files()[0].stem)["name"]


def test_an_unknown_or_broken_theatre_file_is_named_with_the_reason(tmp_path):
    with pytest.raises(theatre.TheatreError, match=f"no theatre 'atlantis' in {tmp_path}"):
        theatre.theatre_file("atlantis", tmp_path)
    (tmp_path / "broken.json").write_text('{"name": "x",', encoding="utf-8")
    with pytest.raises(theatre.TheatreError, match=r"broken\.json: not a readable theatre file"):
        theatre.load_all(tmp_path)
    (tmp_path / "broken.json").write_text(json.dumps(["not", "an", "object"]), encoding="utf-8")
    with pytest.raises(theatre.TheatreError, match=r"broken\.json: not a theatre file"):
        theatre.load("broken", tmp_path)


def _string_constants(path: Path) -> set[str]:
    return {n.value for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def test_only_geo_theatre_and_geo_paths_name_the_theatre_folder():
    names = [p.relative_to(ROOT).as_posix() for p in sorted((ROOT / "geo").rglob("*.py"))
             if "theatres" in _string_constants(p)]
    assert names == ["geo/paths.py"], names
    assert paths.THEATRES.is_dir() and theatre.files() and all(f.parent == paths.THEATRES for f in theatre.files())


def test_the_default_files_exist_where_paths_says():
    for p in (paths.PLACES, paths.BASEMAP, paths.CONTROL_BASELINE, paths.SAMPLE, paths.VOCABULARY, paths.STATIC):
        assert p.exists(), p
    assert (ROOT / paths.DEFAULT_DB) == paths.APP_DB
