"""The synthetic corpus generator: deterministic, readable by the reader, and its truth matches its text."""
from __future__ import annotations

import importlib.util
import json
import sys
from datetime import date
from pathlib import Path

import pytest

from geo.reader import read_file

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def gc():
    spec = importlib.util.spec_from_file_location("gen_corpus", ROOT / "bench" / "gen_corpus.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up while the file runs
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def towns(gc, gazetteer):
    return gc.theatre_towns(gazetteer)


def _files(d: Path) -> dict[str, bytes]:
    return {p.relative_to(d).as_posix(): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


def test_deterministic_and_prefix_stable(gc, towns, tmp_path):
    gc.write_corpus(tmp_path / "a", 30, seed=5, towns=towns)
    gc.write_corpus(tmp_path / "b", 30, seed=5, towns=towns)
    gc.write_corpus(tmp_path / "c", 30, seed=6, towns=towns)
    a, b, c = (_files(tmp_path / x) for x in "abc")
    assert a == b
    assert a["gold.jsonl"] != c["gold.jsonl"]
    assert [gc.article(5, i, towns) for i in range(10)] == [gc.article(5, i, towns) for i in range(10)]
    assert gc.article(5, 3, towns) == gc.article(5, 3, towns[:])  # article i depends on (seed, i) only


def test_truth_matches_text(gc, towns, tmp_path):
    gc.write_corpus(tmp_path, 120, seed=2, towns=towns)
    gold = [json.loads(line) for line in (tmp_path / "gold.jsonl").read_text().splitlines()]
    by_article: dict[str, list[dict]] = {}
    for g in gold:
        by_article.setdefault(g["article"], []).append(g)
    assert len(by_article) == 120  # every article plants at least one incident
    assert len({g["id"] for g in gold}) == len(gold)
    required = {"article", "id", "kind", "category", "date_min", "date_max", "place", "lat", "lon", "radius_km",
                "actor1_side", "claimed_by", "fatalities", "injured", "sub_event_type"}
    for name, rows in by_article.items():
        path = tmp_path / "articles" / name
        text = path.read_text(encoding="utf-8")
        art = read_file(path)
        assert art.url == rows[0]["url"] and art.byline and art.byline.endswith("for Testwire")
        body = " ".join(art.paragraphs)
        for g in rows:
            assert required <= set(g)
            assert g["place"] in g["note"] and g["note"] in body  # the planted sentence survives the reader
            assert g["place"] in text
            d0, d1 = date.fromisoformat(g["date_min"]), date.fromisoformat(g["date_max"])
            assert gc.WAR_START <= d0 <= d1 <= art.published
            assert g["claimed_by"] and g["sub_event_type"]
            for k in ("fatalities", "injured"):
                n = g[k]
                assert n is None or str(n) in g["note"] or gc.NUMBER_WORDS[n - 1] in g["note"].lower()
            town = next(t for t in towns if t.name == g["place"])
            assert (g["lat"], g["lon"]) == (town.lat, town.lon)


def test_towns_are_in_the_theatre(towns):
    assert len(towns) > 100
    assert all(t.country in ("AZ", "AM") and 38.3 <= t.lat <= 41.95 and 43.4 <= t.lon <= 50.9 for t in towns)
    assert {"Stepanakert", "Shusha", "Tartar", "Goris"} <= {t.name for t in towns}


def test_padding_changes_length_not_truth(gc, towns):
    short = [gc.article(4, i, towns, words=0) for i in range(8)]
    padded = [gc.article(4, i, towns, words=380) for i in range(8)]
    assert [g for _, _, g in short] == [g for _, _, g in padded]
    assert sum(len(t.split()) for _, t, _ in padded) > 3 * sum(len(t.split()) for _, t, _ in short)
