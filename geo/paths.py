"""Every default file of the project, in one place: where the data ships and where commands write.

Paths are absolute (from this file), so the app and the builds work from any working directory;
only the command line's database default is relative, to the directory `python -m geo` runs in.
"""
from __future__ import annotations

from pathlib import Path

__all__ = ["PACKAGE", "ROOT", "VOCABULARY", "THEATRES", "STATIC", "DATA", "PLACES", "BASEMAP", "CONTROL_BASELINE",
           "SAMPLE", "APP_DB", "DEFAULT_DB", "SHARED", "BOUNDARIES"]

PACKAGE = Path(__file__).resolve().parent  # geo/
ROOT = PACKAGE.parent  # the project
VOCABULARY = PACKAGE / "data"  # lexicons, rules, curated places: read by geo.lexicon and the gazetteer
THEATRES = VOCABULARY / "theatres"  # read by geo.theatre only
STATIC = PACKAGE / "static"  # vendored browser assets, served by geo.map.offline
DATA = ROOT / "data"  # built data the project ships
PLACES = DATA / "places.geojson"  # the gazetteer (`python -m geo gazetteer build`)
BASEMAP = DATA / "basemap.geojson"  # the offline basemap (`python -m geo.build.basemap`)
CONTROL_BASELINE = DATA / "control_baseline.geojson"  # pre-war control areas (`python -m geo control build`)
SAMPLE = DATA / "sample_incidents.geojson"  # what the app shows without a database
APP_DB = DATA / "incidents.gpkg"  # the app's database unless GEO_DB names another
DEFAULT_DB = "data/incidents.gpkg"  # the command line's, relative to where it runs
SHARED = ROOT.parent / "shared"  # source extracts the builds read (not shipped)
BOUNDARIES = SHARED / "data" / "boundaries"  # Natural Earth extracts
