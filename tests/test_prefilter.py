"""The prefilter may let through a text a pattern does not match, never leave out one it matches."""
from __future__ import annotations

import ast
import importlib.util
import re
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo import dates
from geo.extract import speech
from geo.lexicon import load
from geo.prefilter import factors, fold
from geo.reader import read_file, split_sentences

LEX = load()
# Each screen the extraction asks, with the patterns it answers for.
SCREENS = [
    (LEX.may_match, {**LEX.rx, "hypothetical": LEX.hypothetical, "aliases": LEX.alias_re,
                     **{i: t.pattern for i, t in enumerate(LEX.triggers)}}),
    (dates._MAY_DATE, {"decade": dates._DECADE_WORDS, "weekday": dates._WEEKDAY, "month": dates._MONTH_ONLY,
                       "month_day": dates._MONTH_DAY, "day_month": dates._DAY_MONTH,
                       **{i: p for i, (p, _, _) in enumerate(dates._RELATIVE)}}),
    (speech._MAY_PRONOUN_SAID, {"said": speech._PRONOUN_SAID}),
]
HERE = Path(__file__).parent
ARTICLES = HERE / "fixtures" / "articles"


def test_fold_matches_ignorecase_on_every_code_point():
    """Every character IGNORECASE matches to an ASCII character folds to that character (İ, ı, ſ, K...)."""
    ascii_class = re.compile(r"[\x00-\x7f]", re.I)
    for cp in range(sys.maxunicode + 1):
        c = chr(cp)
        if ascii_class.fullmatch(c):
            for x in map(chr, range(128)):
                if re.fullmatch(re.escape(x), c, re.I):
                    assert fold(c) == x.lower(), (hex(cp), x)


@pytest.mark.parametrize("pattern,expected", [
    (r"\b(?:shell(?:ed|ing)?|artillery)\b", {"shell", "shelled", "shelling", "artillery"}),
    (r"took (?:full )?control", {"took control", "took full control"}),
    (r"\d+ days", {" days"}),
    (r"\w+", None),
    (r"(?:a|\d)x", {"x"}),
    (r"(?:a|\d)+", None),
    (r"[^.]{0,80}?\b(?:saw|heard)", {"saw", "heard"}),
    (r"(?<![\w-])Baku(?![\w-])", {"baku"}),
])
def test_factors(pattern, expected):
    assert (set(factors(pattern)) if factors(pattern) else None) == expected


def _sentences(tmp: Path) -> list[str]:
    """The fixture articles, a generated corpus, and every string the extraction and date tests are made of."""
    spec = importlib.util.spec_from_file_location("gen_corpus", HERE.parent / "bench" / "gen_corpus.py")
    gc = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = gc
    spec.loader.exec_module(gc)
    gc.write_corpus(tmp, 40, seed=3)
    out = [n.value for t in ("test_extract.py", "test_dates.py") for n in ast.walk(ast.parse((HERE / t).read_text()))
           if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    for f in sorted(ARTICLES.iterdir()) + sorted((tmp / "articles").iterdir()):
        try:
            a = read_file(f)
        except Exception:  # noqa: BLE001 - junk fixtures are the reader's tests' business
            continue
        out += [a.title] + [s for p in a.paragraphs for s in split_sentences(p)]
    return out


def _check(text: str) -> None:
    """Every screen, of the text and of its parts."""
    for may_match, patterns in SCREENS:
        _check_one(may_match, patterns, text)


def _check_one(may_match, patterns: dict, text: str) -> None:
    may = may_match(text)
    for name, p in patterns.items():
        if p.search(text):
            assert name in may, (name, text)
        for k in range(0, len(text), 7):  # a match in a part of the text is a match in the text
            if p.search(text, k, k + 40):
                assert name in may, (name, text[k:k + 40])


def test_screen_keeps_every_matching_pattern_on_test_and_generated_sentences(tmp_path):
    sentences = _sentences(tmp_path)
    assert len(sentences) > 1000
    for s in sentences:
        _check(s)


WORDS = ["Armenian", "Baku", "Erdoğan", "it said", "the ministry added",
         "shelled", "SHELLED", "ſhelled", "İf", "ıf", "Killed", "said", "according to", "denied", "Monday",
         "yesterday", "last month", "1990s", "nineties", "took full control of", "under fire", "drone", " ", ", ",
         ".", "-", "’", "\u0130", "\u0131", "\u017f", "\u212a", "k"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=6)), max_size=25).map("".join))
def test_screen_keeps_every_matching_pattern_on_any_text(text):
    _check(text)
