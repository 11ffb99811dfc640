"""The theatres of war (`geo/data/theatres/*.json`): read here and nowhere else.

A theatre file holds one war's facts: its countries and area, its sides (labels, colours, default
actors), its period and ceasefire, its control baseline and the rules of its front line. Every
module that needs one asks here, by file stem or by the theatre's `name`.
"""
from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path

from . import paths

__all__ = ["DEFAULT_THEATRE", "TheatreError", "files", "theatre_file", "load", "load_all"]

DEFAULT_THEATRE = "nagorno-karabakh-2020"  # the file stem of the first theatre, the 2020 war


class TheatreError(ValueError):
    """A theatre file is missing or unreadable; the message names the file (or the folder) and why."""


def files(folder: Path | None = None) -> list[Path]:
    """The theatre files, in name order (the first is the map's default)."""
    return sorted(Path(folder or paths.THEATRES).glob("*.json"))


@lru_cache(maxsize=16)
def _read(path: Path) -> dict:
    try:
        t = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise TheatreError(f"{path}: not a readable theatre file ({e})") from None
    if not isinstance(t, dict) or not isinstance(t.get("name"), str):
        raise TheatreError(f"{path}: not a theatre file (a JSON object with a 'name')")
    return t


def theatre_file(theatre: str | None = None, folder: Path | None = None) -> Path:
    """The file of the theatre named by file stem or by its `name` (default: the 2020 Nagorno-Karabakh war)."""
    want = theatre or DEFAULT_THEATRE
    for f in files(folder):
        if f.stem == want or _read(f)["name"] == want:
            return f
    raise TheatreError(f"no theatre {want!r} in {folder or paths.THEATRES}")


def load(theatre: str | None = None, folder: Path | None = None) -> dict:
    """One theatre's facts (a copy: callers may keep or change it)."""
    return copy.deepcopy(_read(theatre_file(theatre, folder)))


def load_all(folder: Path | None = None) -> list[dict]:
    """Every theatre's facts, in file order."""
    return [copy.deepcopy(_read(f)) for f in files(folder)]
