"""Dated checkpoints of town control on the public articles (seeds + dev set): skipped without ../shared.

The expected holders are the public record of the 2020 war: who held each town on each day.
"""
from pathlib import Path

import functools
import io

import pytest
from shapely.geometry import Point, shape

from geo import frontline as fl
from geo import store
from geo.ingest import ingest

from front_util import check_control_and_line, outer_border

SHARED = Path(__file__).resolve().parents[2] / "shared"
ARTICLES = [SHARED / "seeds", SHARED / "eval" / "dev" / "articles"]

TOWNS = {"Fuzuli": (39.6009, 47.1453), "Qubadli": (39.3444, 46.5818), "Shusha": (39.7581, 46.7486),
         "Aghdam": (39.9910, 46.9274), "Kalbajar": (40.1098, 46.0445), "Stepanakert": (39.8153, 46.7519),
         "Martakert": (40.2124, 46.8209), "Askeran": (39.9391, 46.8316), "Ganja": (40.6828, 46.3606),
         "Barda": (40.3744, 47.1267), "Terter": (40.3417, 46.9319)}
# The day each town passed to the Azerbaijani side (None: held by the same side throughout).
TAKEN = {"Fuzuli": "2020-10-17", "Qubadli": "2020-10-25", "Shusha": "2020-11-08", "Aghdam": "2020-11-20",
         "Kalbajar": "2020-11-25"}
# Changes no public article reports: the map must not invent them, so these checks fail until one does.
UNREPORTED = {"Qubadli": "no seed or dev article reports the capture of Qubadli: its one mention is an attack "
                          "somewhere in its district (d042)"}
PREWAR = {"Ganja": "azerbaijani", "Barda": "azerbaijani", "Terter": "azerbaijani"}
# Before the war, and the day before and after each change (the day of a change itself is not checked).
DAYS = ["2020-09-26", "2020-10-16", "2020-10-18", "2020-10-24", "2020-10-26", "2020-11-06", "2020-11-09",
        "2020-11-19", "2020-11-21", "2020-11-24", "2020-11-26", "2020-12-02"]


def expected(town: str, day: str) -> str:
    if town in PREWAR:
        return PREWAR[town]
    taken = TAKEN.get(town)
    return "azerbaijani" if taken and day > taken else "armenian"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    if not all(p.is_dir() for p in ARTICLES):
        pytest.skip("../shared (seeds and dev articles) is not present")
    db = tmp_path_factory.mktemp("checkpoints") / "public.gpkg"
    ingest([str(p) for p in ARTICLES], str(db), out=io.StringIO(), progress=False)
    return db


@pytest.fixture(scope="module", params=["load_incidents", "load_events"])
def incidents(request, db):
    """Each article's incidents, and the store's merged events (one per place, day and class, every source)."""
    return getattr(store, request.param)(db)


def holder(feats, town: str) -> set[str]:
    lat, lon = TOWNS[town]
    return {f["properties"]["controller"] for f in feats
            if f["properties"]["layer"] == "control" and shape(f["geometry"]).covers(Point(lon, lat))}


def _case(day: str, town: str):
    if town in UNREPORTED and day > TAKEN[town]:
        return pytest.param(day, town, marks=pytest.mark.xfail(strict=True, reason=UNREPORTED[town]))
    return pytest.param(day, town)


@pytest.fixture(scope="module")
def features_on(incidents):
    return functools.lru_cache(maxsize=None)(lambda day: fl.features(fl.snapshot(incidents, day)))


@pytest.mark.parametrize(("day", "town"), [_case(d, t) for d in DAYS for t in TOWNS])
def test_town_control_on_the_public_articles(features_on, day, town):
    assert holder(features_on(day), town) == {expected(town, day)}


_OUTER = functools.lru_cache(maxsize=1)(outer_border)


@pytest.mark.parametrize("day", DAYS)
def test_control_stays_valid_and_the_line_is_the_border_between_the_sides(features_on, day):
    check_control_and_line(features_on(day), _OUTER())
