"""How well `python -m geo gazetteer resolve` finds villages spelled as a user or a news report would spell them.

Offline. Reads ../shared/data/villages/ (geonames_AZ_P.tsv, wof_AM_localities.tsv) and generates, for the
settlements a rule selects, the spellings one would type from the official name and its alternate names:

  official   the name as GeoNames / Who's On First give it (Qapanlı, Akht'ala)
  ascii      without diacritics and apostrophes (Qapanli, Akhtala)
  english    English transliteration of Azerbaijani (ə→a ı→i ş→sh ç→ch ğ→gh x→kh q→g c→j ö→o ü→u): Gapanli
  latin_alt  the Latin alternate names (Armenian-name English forms, older spellings), and their English form
  russian    Russian-style transliteration of the Cyrillic alternates (Капанлы → Kapanly, Джебраил → Dzhebrail)
  cyrillic   the Cyrillic alternates as written
  hyphen     hyphens and spaces swapped (Orta Garavand ↔ Orta-Garavand)
  suffix     common endings swapped (-li/-ly/-lu, -kend/-kand)
  village    "X village"

Selection (a rule, not a list): Azerbaijan's settlements in the districts whose settlements' centroid lies
within DISTRICT_KM of the theatre's focus (the war's districts), and Armenia's within BORDER_KM of a
settlement of Azerbaijan (the border belt). Historical places (PPLH), which the gazetteer drops, are left out.

A spelling is right when the top result lies within OK_KM of the place it was generated from (or of any
place the same spelling was generated from: "Gapanli" is four villages of Tartar, and a bare name cannot say
which), wrong when farther, unresolved when nothing answers. A spelling that settlements farther apart than
OK_KM share (in the whole files, selected or not) is ambiguous and counted apart: a bare name cannot say which. Split by geonameid (Who's On First id when
there is none) parity: develop on even, check on odd.

    python scripts/eval_variants.py [--half even|odd|both] [--show N] [--kind KIND] [--json]
"""
from __future__ import annotations

import argparse
import csv
import json
import math
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.gazetteer import DEFAULT_FOCUS, Gazetteer, cli, fold, haversine_km  # noqa: E402

DEFAULT_VILLAGES = ROOT.parent / "shared" / "data" / "villages"
OK_KM = 5.0
DISTRICT_KM = 95.0
BORDER_KM = 25.0
MIN_LETTERS = 4
KINDS = ("official", "ascii", "english", "latin_alt", "russian", "cyrillic", "hyphen", "suffix", "village")

_AZ_EN = {"ə": "a", "Ə": "A", "ı": "i", "İ": "I", "ş": "sh", "Ş": "Sh", "ç": "ch", "Ç": "Ch", "ğ": "gh", "Ğ": "Gh",
          "x": "kh", "X": "Kh", "q": "g", "Q": "G", "c": "j", "C": "J", "ö": "o", "Ö": "O", "ü": "u", "Ü": "U",
          "ǝ": "a", "Ǝ": "A"}
_AZ_MARK_RE = re.compile(r"[əƏǝƎıİşŞçÇğĞöÖüÜ]")
_RU = {"а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh", "з": "z", "и": "i",
       "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
       "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e",
       "ю": "yu", "я": "ya", "ә": "a", "ғ": "gh", "ҝ": "g", "ҹ": "j", "һ": "h", "ө": "o", "ү": "u", "ј": "y",
       "і": "i", "ї": "yi", "є": "ye", "ў": "u"}
#: "X village" has the namesakes of X.
_GENERIC_RE = re.compile(r" village$")
_LATIN_ONLY_RE = re.compile(r"^[A-Za-z\u00c0-\u024f\u0259\u018f'’ .-]+$")
#: Russian's own alphabet: the other Cyrillic alphabets' alternates (Ӏ, ґ, җ, і) are not what a Russian report writes.
_CYR_ONLY_RE = re.compile(r"^[А-Яа-яЁё'’ .-]+$")
_SUFFIXES = (("li", ("ly", "lu")), ("ly", ("li", "lu")), ("lu", ("li", "ly")), ("kend", ("kand",)),
             ("kand", ("kend",)))


def az_english(s: str) -> str:
    """English transliteration of Azerbaijani Latin (Qapanlı → Gapanli, Xocalı → Khojali); a "ch" already
    English stays (Mingechaur, Chaykend)."""
    return "".join(ch if ch in "cC" and s[i + 1:i + 2] == "h" else _AZ_EN.get(ch, ch) for i, ch in enumerate(s))


def russian_latin(s: str) -> str:
    """Russian-style transliteration of a Cyrillic name (Джебраил → Dzhebrail, Ёлочка → Yolochka)."""
    out = []
    for ch in s:
        low = ch.lower()
        t = _RU.get(low)
        if t is None:
            out.append(ch)
        else:
            out.append(t.capitalize() if ch != low and t else t)
    return "".join(out)


def plain(s: str) -> str:
    """Without diacritics and apostrophes (Qapanlı → Qapanli, Akht'ala → Akhtala)."""
    s = s.replace("ə", "a").replace("Ə", "A").replace("ı", "i").replace("ǝ", "a")
    s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
    return re.sub(r"['’ʼ`]", "", s)


def _letters(s: str) -> int:
    return sum(c.isalpha() for c in s)


def variants(name: str, ascii_name: str, alternates: list[str]) -> dict[str, tuple[list[str], str]]:
    """Every spelling generated for one place (case-folded), with the kinds that produced it and its first form."""
    out: dict[str, tuple[list[str], str]] = {}

    def add(kind: str, s: str) -> None:
        s = " ".join(s.split())
        k = s.casefold()
        if _letters(s) >= MIN_LETTERS:
            kinds = out.setdefault(k, ([], s))[0]
            if kind not in kinds:
                kinds.append(kind)

    english = []
    add("official", name)
    for s in (plain(name), ascii_name):
        if s:
            add("ascii", s)
    base_en = plain(az_english(name))
    english.append(base_en)
    add("english", base_en)
    latin = [a for a in alternates if _LATIN_ONLY_RE.match(a) and a[:1].isupper()]
    for a in latin:
        add("latin_alt", a)
        if _AZ_MARK_RE.search(a) or "'" in a or "’" in a or not a.isascii():
            en = plain(az_english(a) if _AZ_MARK_RE.search(a) else a)
            add("latin_alt", en)
            english.append(en)
        else:
            english.append(a)
    for a in alternates:
        if _CYR_ONLY_RE.match(a) and a[:1].isupper():
            ru = russian_latin(a)
            add("russian", ru)
            english.append(ru)
            add("cyrillic", a)
    for e in dict.fromkeys(english):
        if " " in e or "-" in e:
            add("hyphen", e.replace("-", " ") if "-" in e else e.replace(" ", "-"))
        low = e.lower()
        for end, others in _SUFFIXES:
            if low.endswith(end) and len(low) > len(end) + 2:
                for o in others:
                    add("suffix", e[:-len(end)] + o)
    add("village", base_en + " village")
    return out


def _rows(path: Path):
    csv.field_size_limit(10**9)
    with path.open(encoding="utf-8") as fh:
        yield from csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)


def select(villages: Path) -> tuple[list[dict], list[dict]]:
    """The settlements measured (see the module's docstring for the rule), and every settlement of the files."""
    az = [r for r in _rows(villages / "geonames_AZ_P.tsv") if r["feature_code"] != "PPLH"]
    by_district = defaultdict(list)
    for r in az:
        by_district[r["admin1_code"]].append((float(r["latitude"]), float(r["longitude"])))
    war = {d for d, pts in by_district.items()
           if haversine_km(sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts),
                           *DEFAULT_FOCUS) <= DISTRICT_KM}
    places = []
    for r in az:
        places.append({"id": int(r["geonameid"]), "name": r["name"], "ascii": r["asciiname"],
                       "lat": float(r["latitude"]), "lon": float(r["longitude"]), "country": "AZ",
                       "alts": [a for a in r["alternatenames"].split(",") if a], "selected": r["admin1_code"] in war})
    az_pts = [(float(r["latitude"]), float(r["longitude"])) for r in az]
    cell = defaultdict(list)
    for lat, lon in az_pts:
        cell[(math.floor(lat * 4), math.floor(lon * 4))].append((lat, lon))
    for r in _rows(villages / "wof_AM_localities.tsv"):
        lat, lon = float(r["latitude"]), float(r["longitude"])
        ci, cj = math.floor(lat * 4), math.floor(lon * 4)
        near = any(haversine_km(lat, lon, a, b) <= BORDER_KM
                   for di in (-1, 0, 1) for dj in (-1, 0, 1) for a, b in cell.get((ci + di, cj + dj), ()))
        gid = int(r["geonameid"]) if r["geonameid"].isdigit() else int(r["wof_id"])
        places.append({"id": gid, "name": r["name"], "ascii": r["asciiname"], "lat": lat, "lon": lon,
                       "country": "AM", "alts": [a for a in r["alternatenames"].split(",") if a], "selected": near})
    return [p for p in places if p["selected"]], places


def cases(selected: list[dict], everyone: list[dict], gaz: Gazetteer | None = None) -> list[dict]:
    """One case per distinct spelling of the selected places and half: its kind, the places it was generated
    from, and its namesakes (every settlement of the files it was generated from, selected or not, and every
    place of the gazetteer that has it among its names, folded)."""
    namesakes: dict[str, list[dict]] = defaultdict(list)
    if gaz is not None:
        for place, names in zip(gaz.all_places, gaz._names):
            if place.feature_class == "P":
                for k in {fold(n).casefold() for n in names}:
                    namesakes[k].append({"lat": place.lat, "lon": place.lon})
    spelled = {}
    for p in everyone:
        spelled[id(p)] = variants(p["name"], p["ascii"], p["alts"])
        for k in spelled[id(p)]:
            namesakes[k].append(p)
    by_key: dict[tuple[str, str], dict] = {}
    for p in selected:
        half = "odd" if p["id"] % 2 else "even"
        for k, (kinds, s) in spelled[id(p)].items():
            c = by_key.setdefault((half, k), {"query": s, "kinds": kinds, "half": half, "places": [],
                                              "namesakes": [n for f in {k, fold(s).casefold(), _GENERIC_RE.sub("", k)}
                                                            for n in namesakes.get(f, ())]})
            c["places"].append(p)
    for c in by_key.values():
        c["ambiguous"] = any(min(haversine_km(n["lat"], n["lon"], p["lat"], p["lon"]) for p in c["places"]) > OK_KM
                             for n in c["namesakes"])
    return list(by_key.values())


def evaluate(gaz: Gazetteer, cs: list[dict]) -> list[dict]:
    """Resolve each case as `python -m geo gazetteer resolve` does and grade it: ok within OK_KM of a place it
    was generated from; for an ambiguous spelling also `ok_any`, within OK_KM of any namesake."""
    for c in cs:
        rec = cli.match_record(c["query"], gaz.resolve(c["query"]))
        c["got"] = rec
        if rec.get("match", True) is None:
            c["grade"] = "none"
            continue
        c["km"] = min(haversine_km(rec["lat"], rec["lon"], p["lat"], p["lon"]) for p in c["places"])
        c["grade"] = "ok" if c["km"] <= OK_KM else "wrong"
        c["ok_any"] = any(haversine_km(rec["lat"], rec["lon"], p["lat"], p["lon"]) <= OK_KM for p in c["namesakes"])
    return cs


def report(cs: list[dict]) -> dict:
    """Per half and kind: the spellings that name one place (ok / wrong / unresolved), and the ambiguous ones
    (several settlements farther apart than OK_KM share them): the one meant, or one of them."""
    table: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for c in cs:
        for kind in c["kinds"]:
            table[c["half"]][kind].append(c)
        table[c["half"]]["ALL"].append(c)
    out = {}

    def pct(n, d):
        return round(100 * n / d, 1) if d else 0.0

    for half in sorted(table):
        print(f"\n{half} half: {len(table[half]['ALL'])} spellings (a spelling counts in every kind that makes it)")
        print(f"  {'':10} {'one place':^30} | {'ambiguous':^26}")
        print(f"  {'kind':10} {'n':>6} {'ok %':>7} {'wrong %':>8} {'none %':>6} | {'n':>6} {'meant %':>8} {'any %':>8}")
        for kind in (*KINDS, "ALL"):
            rows = table[half].get(kind)
            if not rows:
                continue
            one = [c for c in rows if not c["ambiguous"]]
            amb = [c for c in rows if c["ambiguous"]]
            g = Counter(c["grade"] for c in one)
            row = {"n": len(one), "ok": pct(g["ok"], len(one)), "wrong": pct(g["wrong"], len(one)),
                   "none": pct(g["none"], len(one)), "ambiguous_n": len(amb),
                   "ambiguous_meant": pct(sum(c["grade"] == "ok" for c in amb), len(amb)),
                   "ambiguous_any": pct(sum(bool(c.get("ok_any")) for c in amb), len(amb))}
            out.setdefault(half, {})[kind] = row
            print(f"  {kind:10} {row['n']:>6} {row['ok']:>7.1f} {row['wrong']:>8.1f} {row['none']:>6.1f} | "
                  f"{row['ambiguous_n']:>6} {row['ambiguous_meant']:>8.1f} {row['ambiguous_any']:>8.1f}")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--villages", type=Path, default=DEFAULT_VILLAGES)
    ap.add_argument("--gazetteer", type=Path, default=None)
    ap.add_argument("--half", choices=("even", "odd", "both"), default="even")
    ap.add_argument("--show", type=int, default=0, help="print up to N failures per kind")
    ap.add_argument("--kind", help="only this kind")
    ap.add_argument("--json", action="store_true", help="one JSON line of the figures at the end")
    ap.add_argument("--dump", type=Path, help="write every case's grade and answer here (JSON lines), to diff runs")
    a = ap.parse_args()
    places, everyone = select(a.villages)
    gaz = Gazetteer.load(a.gazetteer)
    cs = [c for c in cases(places, everyone, gaz) if a.half in ("both", c["half"]) and (a.kind is None or a.kind in c["kinds"])]
    print(f"{len(places)} settlements selected; {len(cs)} spellings", file=sys.stderr)
    evaluate(gaz, cs)
    figures = report(cs)
    if a.show:
        shown = Counter()
        for c in cs:
            kind = c["kinds"][0]
            if c["grade"] != "ok" and not c["ambiguous"] and shown[kind] < a.show:
                shown[kind] += 1
                p = c["places"][0]
                got = c["got"]
                where = "-" if c["grade"] == "none" else f"{got['name']} ({got['admin1']}) {c['km']:.0f} km"
                print(f"{kind:9} {c['grade']:5} {c['query']!r:32} want {p['name']} ({p['country']} {p['id']}) "
                      f"got {where}")
    if a.dump:
        with a.dump.open("w", encoding="utf-8") as fh:
            for c in sorted(cs, key=lambda c: (c["half"], c["query"])):
                got = c["got"]
                fh.write(json.dumps({"half": c["half"], "query": c["query"], "grade": c["grade"],
                                     "ambiguous": c["ambiguous"], "got": got.get("name"), "admin1": got.get("admin1"),
                                     "km": round(c["km"], 1) if "km" in c else None}, ensure_ascii=False) + "\n")
    if a.json:
        print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
