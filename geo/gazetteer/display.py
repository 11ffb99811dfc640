"""The name a place is shown by: the one English-language news use, the official one beside it.

One name per place, whatever an article called it, so that a town is one row in a table and one name on the
map (rules in geo/data/display_names.json, read here only).
"""
from __future__ import annotations

import functools
import json
from pathlib import Path

from geo.records import Incident, Place

DISPLAY_FILE = Path(__file__).resolve().parents[1] / "data" / "display_names.json"

__all__ = ["english_name", "english_spelling", "display_name", "name_incidents"]


@functools.cache
def _rules() -> tuple[dict[int, str], dict[str, tuple[frozenset, dict[str, str]]], dict[str, str], frozenset]:
    data = json.loads(DISPLAY_FILE.read_text(encoding="utf-8"))
    names = {int(k): v for k, v in data.get("names", {}).items()}
    scripts = {c: (frozenset(t["marks"]), t["letters"]) for c, t in data.get("transliterate", {}).items()}
    return names, scripts, data.get("area_word", {}), frozenset(data.get("area_named", ()))


def english_name(place: Place, alternates: tuple[str, ...] | list[str] = ()) -> str:
    """The name English news use: the project's own where it has one, else the official name in English spelling
    when it is written in its country's orthography (Laçın: Lachin), else the first of `alternates` that is (a
    village GeoNames names in Russian transliteration, Karadzhabina, is Qaracabinə there: Garajabina), else the
    official name."""
    names, scripts, _, _ = _rules()
    if place.geonameid in names:
        return names[place.geonameid]
    marks = scripts.get(place.country or "", (frozenset(),))[0]
    written = next((n for n in (place.name, *alternates) if marks.intersection(n)), None)
    return place.name if written is None else english_spelling(written, place.country)


def english_spelling(name: str, country: str | None) -> str:
    """A name written in its country's orthography, in English spelling (Tǝrtǝr: Tartar); any other as it is."""
    marks, letters = _rules()[1].get(country or "", (frozenset(), {}))
    return "".join(letters.get(ch, ch) for ch in name) if marks.intersection(name) else name


def _area_word(place: Place) -> str:
    _, _, words, named = _rules()
    word = words.get(place.country or "", "") if place.feature_code == "ADM1" else ""
    return "" if named.intersection(place.name.lower().split()) else word


def display_name(place: Place, alternates: tuple[str, ...] | list[str] = ()) -> str:
    """English name with the official one beside it when they differ: "Stepanakert (Khankendi)", "Lachin (Laçın)";
    a first-level area with its kind: "Aghdam district (Ağdam)", "Syunik province"."""
    english = english_name(place, alternates)
    word = _area_word(place)
    shown = f"{english} {word}" if word else english
    return shown if english == place.name else f"{shown} ({place.name})"


def name_incidents(incidents: list[Incident], gazetteer) -> list[Incident]:
    """Each incident's `location` set to its place's display name (`gazetteer.display_name`), as they are stored:
    the extractor keeps the gazetteer's name, which its rules and tests speak of."""
    for inc in incidents:
        place = gazetteer.place_of(inc.geonameid) if inc.geonameid is not None else None
        if place is not None:
            inc.location = gazetteer.display_name(place)
    return incidents
