"""Text folding and distance: every fold of a place name and the one haversine of the gazetteer.

`fold_text` keeps offsets (mention finding works on the folded text and reports spans of the original);
`fold` is the exact-index key; `normalize` and `key` let transliterations meet (Xankəndi, Khankendi);
`ascii_name` and `squeeze` are the build's forms (asciiname, and names compared without spaces).
"""
from __future__ import annotations

import math
import re


def _build_fold_table() -> dict[int, str]:
    from unidecode import unidecode

    table: dict[int, str] = {}
    for cp in list(range(0xC0, 0x250)) + list(range(0x1E00, 0x1F00)):
        ch = chr(cp)
        u = unidecode(ch).lower()
        if len(u) == 1 and u.isalpha():
            table[cp] = u
    for ch in "əƏǝƎ":
        table[ord(ch)] = "a"
    for ch in "’‘ʼʻ`´ʹ′":
        table[ord(ch)] = "'"
    for ch in "-‐‑‒–—":
        table[ord(ch)] = " "
    return table


_FOLD = _build_fold_table()
_SPACE_RE = re.compile(r"\s+")
_QUOTES_RE = re.compile(r"['`\"]")
_NON_ALNUM_RE = re.compile(r"[^a-z0-9]+")


def fold_text(text: str) -> str:
    """Length-preserving fold (lower case, Latin diacritics off, hyphens to spaces) so offsets stay valid."""
    out = text.translate(_FOLD).lower()
    if len(out) != len(text):
        out = "".join(c if len(c) == 1 else ch for ch, c in ((ch, ch.translate(_FOLD).lower()) for ch in text))
    return out


def fold(name: str) -> str:
    """The exact-index key of a name: fold_text with runs of spaces collapsed."""
    return _SPACE_RE.sub(" ", fold_text(name)).strip()


def normalize(s: str) -> str:
    """Casefold, transliterate any script (unidecode), fold Azerbaijani letters, drop apostrophes."""
    s = s.translate(_FOLD)
    if not s.isascii():
        from unidecode import unidecode

        s = unidecode(s)
    s = _QUOTES_RE.sub("", s.lower())
    return _NON_ALNUM_RE.sub(" ", s).strip()


_KEY_MAP = {"dzh": "c", "tch": "c", "dj": "c", "zh": "c", "j": "c", "ch": "c", "kh": "x", "gh": "g", "sh": "s",
            "q": "g", "w": "v", "ou": "u", "oo": "u", "ee": "i", "y": "i", "e": "a", "h": "", " ": ""}
_KEY_RE = re.compile("|".join(sorted(_KEY_MAP, key=len, reverse=True)))
_DOUBLE_RE = re.compile(r"(.)\1+")


def key(s: str, normalized: str | None = None) -> str:
    """A loose phonetic key so transliteration variants (Xankəndi/Khankendi, Gəncə/Ganja) meet."""
    k = normalize(s) if normalized is None else normalized
    k = _KEY_RE.sub(lambda m: _KEY_MAP[m.group(0)], k)
    return _DOUBLE_RE.sub(r"\1", k)


def ascii_name(name: str) -> str:
    """A GeoNames-style asciiname (ə as a, not unidecode's @)."""
    from unidecode import unidecode

    return unidecode(name.replace("ə", "a").replace("Ə", "A").replace("ǝ", "a"))


def squeeze(name: str) -> str:
    """Letters and digits only, ASCII and case-folded: the build's comparison of names (Ağdam Rayonu, Agdam)."""
    return re.sub(r"[^a-z0-9]+", "", ascii_name(name).casefold())


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))
