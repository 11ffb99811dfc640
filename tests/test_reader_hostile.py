"""Pages and files built to break the reader: deep nesting, invisible characters inside words, broken
or mixed encodings, file names that are not UTF-8. Each must read as its text says, or fail on its
own line; the fixtures are made here and their sentences written for these tests.
"""
from __future__ import annotations

import io
import os
import random
from pathlib import Path

import pytest

from geo import store
from geo.extract import extract
from geo.ingest import ingest
from geo.reader import _OpenSkipped, decode, path_text, read_file, read_text

PAGE = ("<html><head><title>Shelling</title><meta name='date' content='2020-10-14'></head><body>"
        "<p>Armenian forces shelled {place} overnight, wounding two civilians, the ministry said.</p>{extra}"
        "</body></html>")
TEXT = "Shelling\n\nOctober 14, 2020\n\nArmenian forces shelled {place} overnight, wounding two civilians.\n"


def test_deeply_nested_skipped_elements_are_skipped_whole():
    deep = 100_000
    extra = "<svg>" * deep + "<p>Hidden text about Barda.</p>" + "</svg>" * deep + "<p>Fighting went on, they said.</p>"
    a = read_text(PAGE.format(place="Terter", extra=extra), file="deep.html")
    assert a.paragraphs == ["Armenian forces shelled Terter overnight, wounding two civilians, the ministry said.",
                            "Fighting went on, they said."]


def test_unclosed_skipped_elements_end_with_the_one_around_them():
    a = read_text(PAGE.format(place="Terter", extra="<svg><math><svg>no</math>not this</svg><p>Seen, they said.</p>"
                                                    "<noscript><svg></noscript><p>Also seen.</p>"), file="n.html")
    assert a.paragraphs[1:] == ["Seen, they said.", "Also seen."]


def test_open_skipped_closes_as_a_stack_does():
    """Against the plain list it replaces: closing a tag drops it and everything opened after it."""
    rnd = random.Random(7)
    for _ in range(300):
        fast, plain = _OpenSkipped(), []
        for _ in range(rnd.randint(1, 40)):
            tag = rnd.choice("abc")
            if rnd.random() < 0.55:
                fast.open(tag)
                plain.append(tag)
            else:
                fast.close(tag)
                if tag in plain:
                    del plain[len(plain) - 1 - plain[::-1].index(tag):]
            assert bool(fast) == bool(plain)
            assert fast._tags == plain


@pytest.mark.parametrize("layout,place", [
    ("html", "Tar&shy;tar"), ("html", "Tar\u00adtar"), ("html", "Tar&#8203;tar"), ("text", "Tar\u00adtar"),
    ("text", "Tar\u200btar"), ("text", "Tar\u2060tar"), ("text", "\ufeffTar\u200dtar"),
])
def test_invisible_characters_inside_a_place_name_do_not_hide_it(layout, place, gazetteer):
    text = PAGE.format(place=place, extra="") if layout == "html" else TEXT.format(place=place)
    a = read_text(text, file=f"a.{layout}")
    assert "Tartar" in a.paragraphs[0]
    assert [i.location for i in extract(a, gazetteer)] == ["Tartar"]


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_a_lone_surrogate_costs_its_character_not_the_file(codec, tmp_path):
    f = tmp_path / "cut.txt"
    f.write_bytes(TEXT.format(place="Terter \ud800").encode(codec, "surrogatepass"))
    a = read_file(f)
    assert a.paragraphs == ["Armenian forces shelled Terter \ufffd overnight, wounding two civilians."]
    assert any("1 invalid UTF-" in w and "replaced" in w for w in a.warnings)


def test_a_file_of_mostly_broken_utf16_is_still_binary():
    with pytest.raises(ValueError, match="binary"):
        decode("\ud800 A".encode("utf-16", "surrogatepass") * 200)


def test_mixed_utf8_and_windows_1251_paragraphs_are_read_each_in_its_encoding():
    utf8 = "Министерство сообщило во вторник, что силы обстреляли Тертер ночью."
    legacy = "Ранены двое мирных жителей, сообщили в ведомстве."
    for parts in ([utf8.encode(), legacy.encode("cp1251")], [legacy.encode("cp1251"), utf8.encode()]):
        text, notes = decode(b"Title line\n\n" + b"\n\n".join(parts) + b"\n")
        assert utf8 in text and legacy in text
        assert notes == ["mixed encodings: 1 line(s) decoded as Windows-1251, the rest as UTF-8"]


def test_a_cut_utf8_line_is_not_taken_for_a_legacy_one():
    data = "Тертер обстрелян ночью, сказал он.\n".encode()[:-5] + "\nВторая строка про Барду, сказал он.\n".encode()
    text, notes = decode(data)
    assert text.startswith("Тертер обстрелян ночью, сказал \ufffd\nВторая строка")
    assert notes == ["1 invalid UTF-8 byte sequence(s) replaced"]


@pytest.mark.parametrize("codec", ["cp1251", "koi8_r"])
def test_a_legacy_file_is_not_taken_for_a_mixed_one(codec):
    words = "Пётр ёлка обстрел Тертер ночью сказал министерство во вторник Ранены двое жителей Шуша В Я"
    rnd = random.Random(3)
    for _ in range(200):
        lines = [" ".join(rnd.choice(words.split()) for _ in range(rnd.randint(4, 12))) + "."
                 for _ in range(rnd.randint(1, 6))]
        text = "\n".join(lines) + "\n"
        assert not any("mixed" in n for n in decode(text.encode(codec))[1])


def test_file_and_folder_names_that_are_not_utf8_are_read_and_reported(tmp_path):
    root = os.fsencode(tmp_path)
    os.mkdir(root + b"/d\xe9p\xeache")
    for name, place in ((b"/d\xe9p\xeache/caf\xe9.txt", "Terter"), (b"/ok\xff.txt", "Barda")):
        with open(root + name, "w", encoding="utf-8") as fh:
            fh.write(TEXT.format(place=place))
    out = io.StringIO()
    reports = ingest([str(tmp_path)], str(tmp_path / "s.gpkg"), out=out)
    assert [r.ok for r in reports] == [True, True], out.getvalue()
    assert "internal error" not in out.getvalue()
    files = {s.file for i in store.load_incidents(str(tmp_path / "s.gpkg")) for s in i.sources}
    assert sorted(f.rsplit("/", 1)[-1] for f in files) == ["caf\\xe9.txt", "ok\\xff.txt"]


def test_a_name_decoded_from_bytes_reads_back_as_the_same_file(tmp_path):
    path = Path(os.fsdecode(os.fsencode(tmp_path) + b"/\xd2\xe5\xf0\xf2\xe5\xf0.txt"))
    path.write_text(TEXT.format(place="Terter"), encoding="utf-8")
    assert read_file(path).file == "\\xd2\\xe5\\xf0\\xf2\\xe5\\xf0.txt"
    assert path_text(path.parent / "d\udce9j\u00e0") == f"{tmp_path}/d\\xe9j\u00e0"
