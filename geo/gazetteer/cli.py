"""`python -m geo gazetteer build|resolve`: arguments and output of the two commands."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import build as _build
from .names import Match
from .online import geocode_online


def add_resolve_args(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("names", nargs="+", metavar="NAME", help="place names; '-' reads one per line from stdin")
    parser.add_argument("--json", action="store_true", help="one JSON object per name")
    parser.add_argument("--gazetteer", type=Path, default=None, help="places.geojson (default: data/places.geojson)")
    parser.add_argument("--country", action="append", default=[], help="context country code (repeatable)")
    parser.add_argument("--online", action="store_true", help="fall back to Nominatim (network) for unresolved names")
    parser.add_argument("--cache-dir", type=Path, default=Path(".cache/geocode"), help="online lookup cache")
    return parser


def match_record(query: str, m: Match | None) -> dict:
    if m is None:
        return {"query": query, "match": None}
    p = m.place
    return {"query": query, "name": p.name, "lat": p.lat, "lon": p.lon, "country": p.country, "admin1": p.admin1,
            "geonameid": p.geonameid, "feature_code": p.feature_code, "geo_precision": p.geo_precision,
            "score": m.score}


def run_resolve(args: argparse.Namespace, stdin=None, stdout=None) -> int:
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    names: list[str] = []
    for n in args.names:
        if n == "-":
            names.extend(line.strip() for line in stdin if line.strip())
        else:
            names.append(n)
    from . import Gazetteer

    gaz = Gazetteer.load(args.gazetteer)
    for name in names:
        rec = match_record(name, gaz.resolve(name, context_countries=args.country or None))
        if rec.get("match", True) is None and args.online:
            rec = geocode_online(name, args.cache_dir) or rec
        if args.json:
            print(json.dumps(rec, ensure_ascii=False), file=stdout)
        elif rec.get("match", True) is None:
            print(f"{name}\t-", file=stdout)
        else:
            print(f"{name}\t{rec['name']}\t{rec['lat']:.4f},{rec['lon']:.4f}\t{rec['country']}\t{rec['admin1']}\t"
                  f"{rec['feature_code']}\tprec={rec['geo_precision']}\tscore={rec['score']}", file=stdout)
    return 0


def main_resolve(argv: list[str] | None = None) -> int:
    parser = add_resolve_args(argparse.ArgumentParser(prog="geo gazetteer resolve"))
    return run_resolve(parser.parse_args(argv))


def add_build_args(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("--geonames", type=Path, default=_build.DEFAULT_GEONAMES,
                        help="directory of the GeoNames extracts")
    parser.add_argument("--out", type=Path, default=_build.DEFAULT_OUT,
                        help="output GeoJSON (default data/places.geojson)")
    parser.add_argument("--curated", type=Path, default=_build.DEFAULT_CURATED, help="curated additions JSON")
    parser.add_argument("--villages", type=Path, default=_build.DEFAULT_VILLAGES,
                        help="directory of the village-level sources (GeoNames country dump, Who's On First)")
    return parser


def run_build(args: argparse.Namespace) -> int:
    try:
        n = _build.build(args.geonames, args.out, args.curated, args.villages)
    except (OSError, _build.SourceError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"wrote {n} places to {args.out}", file=sys.stderr)
    return 0


def main_build(argv: list[str] | None = None) -> int:
    parser = add_build_args(argparse.ArgumentParser(prog="geo gazetteer build",
                                                    description=_build.__doc__.splitlines()[0]))
    return run_build(parser.parse_args(argv))
