"""Broken, odd and hostile input files: each gets one report line with its reason, good files still go in.

The bad files are made here in tmp_path (no binary junk in the repository); the article texts are
written for these tests.
"""
from __future__ import annotations

import io
import os
import re
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from datetime import date, timedelta

import pytest

from conftest import ROOT
from geo import ingest as pipeline
from geo import store, workers
from geo.store import gpkg
from geo.ingest import exit_code, ingest
from geo.reader import MAX_BYTES, ArticleError, decode, read_file, read_text

GOOD = ("Shelling reported near Terter\n\nOctober 14, 2020\n\n"
        "The defence ministry said on Tuesday that Armenian forces shelled Terter overnight, wounding two civilians.\n")
GOOD_RU = ("Обстрел Тертера\n\n14 October 2020\n\n"
           "Министерство обороны сообщило во вторник, что армянские силы обстреляли Тертер ночью. Ранены двое.\n")
GOOD_FR = ("Terter bombardée\n\nOctober 14, 2020\n\n"
           "Le ministère a déclaré mardi que les forces arméniennes ont bombardé Terter, blessant deux civils à l'hôpital.\n"
           "Armenian forces shelled Terter on Tuesday, the ministry said.\n")
PAGE = """<!DOCTYPE html>
<html><head><title>Example Wire | Rockets hit Ganja</title>
<meta property="article:published_time" content="2020-10-11T04:30:00+04:00">
<meta name="author" content="A. Writer">
<link rel="canonical" href="https://news.example.org/2020/10/11/ganja">
<style>p { color: red }</style>
<script>var leaked = "Armenian forces shelled Barda on Sunday.";</script>
</head><body>
<nav><p>Home. World. Europe.</p></nav>
<article><h1>Rockets hit <em>Ganja</em> overnight</h1>
<p>Armenian forces fired rockets at Ganja on Sunday, killing two civilians, the Azerbaijani defence ministry said.</p>
<p>The &quot;attack&quot; damaged several homes &amp; a school.</p>
<script>document.write("Injected sentence about Stepanakert.")</script>
</article>
<aside><p>Most read: Something else entirely.</p></aside>
<footer><p>Copyright Example Wire.</p></footer>
</body></html>
"""


def _lines(out: str) -> dict[str, str]:
    """Report lines by file base name (the summary line left out)."""
    found = {}
    for line in out.splitlines():
        if line.startswith("ingested "):
            continue
        path, _, rest = line.partition(": ")
        assert os.path.basename(path) not in found, f"two lines for {path}"
        found[os.path.basename(path)] = rest
    return found


def _ingest(paths, db):
    buf = io.StringIO()
    reports = ingest([str(p) for p in paths], str(db), out=buf, progress=False)
    return reports, buf.getvalue()


@pytest.fixture
def bad_dir(tmp_path):
    """A folder mixing good articles with every kind of broken file."""
    d = tmp_path / "in"
    d.mkdir()
    (d / "good.txt").write_text(GOOD, encoding="utf-8")
    (d / "good_cp1251.txt").write_bytes(GOOD_RU.encode("cp1251"))
    (d / "good_latin1.txt").write_bytes(GOOD_FR.encode("latin-1"))
    (d / "good_utf16.txt").write_bytes(GOOD.replace("two", "three").encode("utf-16"))  # another text: stored too
    (d / "page.html").write_text(PAGE, encoding="utf-8")
    (d / "nul_bytes.txt").write_bytes(GOOD.replace("two", "four").replace("Terter overnight", "Terter\x00 overnight").encode())
    (d / "long_line.txt").write_text(GOOD + "\n" + "word " * 20_000 + "\n", encoding="utf-8")
    (d / "empty.txt").write_bytes(b"")
    (d / "blank.txt").write_bytes(b" \n\t\r\n  \n")
    (d / "random.bin").write_bytes(bytes((i * 7919 + 13) % 256 for i in range(4000)))
    (d / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4)
    (d / "archive.zip").write_bytes(b"PK\x03\x04" + bytes(200))
    (d / "zeros.txt").write_bytes(b"\x00" * 500 + b"abc" + b"\x00" * 500)
    (d / "huge.txt").write_bytes(b"a " * (MAX_BYTES // 2 + 1))
    (d / "undated.txt").write_text("A headline\n\nArmenian forces shelled Terter on Tuesday.\n", encoding="utf-8")
    future = date.today() + timedelta(days=400)
    (d / "future.txt").write_text(GOOD.replace("October 14, 2020", f"{future:%B} {future.day}, {future.year}"))
    (d / "ancient.txt").write_text(GOOD.replace("October 14, 2020", "October 14, 1856"))
    (d / "title_only.txt").write_text("Just a headline\n\nOctober 14, 2020\n")
    (d / "data.json").write_text('{"features": []}')
    (d / "dangling.txt").symlink_to(d / "missing-target.txt")
    (d / "loop_a.txt").symlink_to(d / "loop_b.txt")
    (d / "loop_b.txt").symlink_to(d / "loop_a.txt")
    (d / "back_up").symlink_to(d)  # a folder link that would loop if followed
    os.mkfifo(d / "pipe.txt")
    (d / ".hidden.txt").write_text(GOOD)  # dot files are not articles: passed over without a line
    return d


EXPECTED_SKIPS = {
    "empty.txt": "empty file",
    "blank.txt": "empty file",
    "random.bin": "not UTF-8 text",
    "photo.jpg": "binary file (JPEG image)",
    "archive.zip": "binary file (ZIP archive",
    "zeros.txt": "binary file (",
    "huge.txt": f"over the {MAX_BYTES:,}-byte limit",
    "undated.txt": "no publication date line",
    "future.txt": "is in the future",
    "ancient.txt": "is before 1900",
    "title_only.txt": "no article body found",
    "data.json": "JSON data, not an article",
    "dangling.txt": "broken symbolic link",
    "loop_a.txt": "symbolic link loop",
    "loop_b.txt": "symbolic link loop",
    "back_up": "symbolic link to a folder, not followed",
    "pipe.txt": "not a regular file (FIFO)",
}
EXPECTED_OK = {"good.txt", "good_cp1251.txt", "good_latin1.txt", "good_utf16.txt", "page.html", "nul_bytes.txt",
               "long_line.txt"}


def test_every_bad_file_gets_one_line_and_good_files_go_in(bad_dir, tmp_path):
    db = tmp_path / "t.gpkg"
    t = time.perf_counter()
    reports, out = _ingest([bad_dir], db)
    assert time.perf_counter() - t < 60
    lines = _lines(out)
    assert set(lines) == set(EXPECTED_SKIPS) | EXPECTED_OK, out
    for name, reason in EXPECTED_SKIPS.items():
        assert lines[name].startswith("skipped: ") and reason in lines[name], (name, lines[name])
    for name in EXPECTED_OK:
        assert re.match(r"\d+ incident\(s\)", lines[name]), (name, lines[name])
    assert "decoded as Windows-1251" in lines["good_cp1251.txt"]
    assert "decoded as Latin-1" in lines["good_latin1.txt"]
    assert "decoded as UTF-16" in lines["good_utf16.txt"]
    assert "removed 1 NUL byte(s)" in lines["nul_bytes.txt"]
    assert "internal error" not in out and "Traceback" not in out
    assert exit_code(reports) == 1
    with closing(sqlite3.connect(db)) as c:
        files = {r[0] for r in c.execute("SELECT file FROM articles")}
    assert files == EXPECTED_OK


def test_cli_reports_without_traceback_and_exit_codes(bad_dir, tmp_path):
    db = tmp_path / "cli.gpkg"
    run = [sys.executable, "-m", "geo", "ingest", "--db", str(db)]
    r = subprocess.run(run + [str(bad_dir)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 1 and "Traceback" not in r.stderr + r.stdout, r.stderr
    assert len(r.stdout.splitlines()) == len(EXPECTED_SKIPS) + len(EXPECTED_OK) + 1
    r = subprocess.run(run + [str(bad_dir / "good.txt")], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and "good.txt: unchanged" in r.stdout, r.stdout + r.stderr
    r = subprocess.run(run + [str(bad_dir / "empty.txt"), str(bad_dir / "photo.jpg"), str(bad_dir / "nothere.txt")],
                       cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert "nothere.txt: skipped: no such file or folder" in r.stdout


def test_known_good_articles_raise_no_internal_error(tmp_path, articles_dir):
    """The catch-all must not hide bugs: the fixture articles (and the seeds, when present) go through clean."""
    from conftest import SHARED
    paths = [articles_dir] + ([SHARED / "seeds"] if (SHARED / "seeds").is_dir() else [])
    reports, out = _ingest(paths, tmp_path / "k.gpkg")
    assert not [r for r in reports if "internal error" in r.reason], out


def test_an_unexpected_exception_costs_one_file(tmp_path, monkeypatch):
    d = tmp_path / "in"
    d.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (d / name).write_text(GOOD.replace("Shelling reported", f"Report {name}"))
    real = workers.extract

    def flaky(article, gaz):
        if article.file == "b.txt":
            raise RuntimeError("boom\nsecond line")
        return real(article, gaz)

    monkeypatch.setattr(workers, "extract", flaky)
    reports, out = _ingest([d], tmp_path / "t.gpkg")
    lines = _lines(out)
    assert lines["b.txt"] == "skipped: internal error: RuntimeError: boom second line"
    assert lines["a.txt"].endswith("incident(s)") and lines["c.txt"].endswith("incident(s)")
    assert exit_code(reports) == 1


def test_unreadable_file_is_reported(tmp_path, monkeypatch):
    """Tests run as root, where chmod 000 blocks nothing: the denial is simulated at open()."""
    f = tmp_path / "locked.txt"
    f.write_text(GOOD)
    real_open = open

    def deny(path, *a, **kw):
        if str(path) == str(f):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *a, **kw)

    monkeypatch.setattr("builtins.open", deny)
    with pytest.raises(ArticleError, match="locked.txt: cannot read \\(permission denied\\)"):
        read_file(f)


def test_paths_that_are_not_files(tmp_path):
    with pytest.raises(ArticleError, match="is a folder, not a file"):
        read_file(tmp_path)
    loop = tmp_path / "self.txt"
    loop.symlink_to(loop)
    with pytest.raises(ArticleError, match="symbolic link loop"):
        read_file(loop)
    reports, out = _ingest([loop], tmp_path / "t.gpkg")
    assert "self.txt: skipped: symbolic link loop" in out and exit_code(reports) == 2


def test_file_names_that_would_break_the_report_line(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "new\nline.txt").write_text(GOOD)
    (d / "bad\udcffbyte.txt").write_bytes(b"")
    _, out = _ingest([d], tmp_path / "t.gpkg")
    assert len(out.splitlines()) == 3, out
    assert "new\\nline.txt: " in out and "bad\\udcffbyte.txt: skipped: empty file" in out


def test_database_is_not_read_as_an_article(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.txt").write_text(GOOD)
    reports, out = _ingest([d], d / "inside.gpkg")
    reports, out = _ingest([d], d / "inside.gpkg")
    assert set(_lines(out)) == {"a.txt"} and exit_code(reports) == 0


@pytest.mark.parametrize("content", [
    b"not a database at all, just some text\n",
    b"SQLite format 3\x00" + bytes(2000),
    b"",
])
def test_a_file_that_is_not_an_incident_store_is_refused_and_untouched(tmp_path, content, capsys):
    db = tmp_path / "other.gpkg"
    db.write_bytes(content)
    art = tmp_path / "a.txt"
    art.write_text(GOOD)
    reports = ingest([str(art)], str(db), progress=False)
    err = capsys.readouterr().err
    assert exit_code(reports) == 2
    assert f"error: {db}:" in err
    assert db.read_bytes() == content
    assert not (tmp_path / "other.gpkg-wal").exists()


def test_a_foreign_sqlite_database_is_refused(tmp_path, capsys):
    db = tmp_path / "foreign.gpkg"
    with closing(sqlite3.connect(db)) as c:
        c.execute("CREATE TABLE t (x)")
        c.execute("INSERT INTO t VALUES (1)")
        c.commit()
    before = db.read_bytes()
    reports = ingest([str(ROOT / "tests" / "fixtures" / "articles" / "a02_plain.txt")], str(db), progress=False)
    assert exit_code(reports) == 2
    assert "not a GeoPackage" in capsys.readouterr().err
    assert db.read_bytes() == before


@pytest.mark.parametrize("table, large", [("incidents", False), ("incidents", True), ("articles", True)])
def test_a_corrupt_incident_store_is_refused(tmp_path, articles_dir, capsys, monkeypatch, table, large):
    """`large`: a store past the size up to which every page is checked before writing."""
    db = tmp_path / "t.gpkg"
    ingest([str(articles_dir)], str(db), out=io.StringIO(), progress=False)
    if large:
        monkeypatch.setattr(gpkg, "FULL_CHECK_MAX_BYTES", 0)
    with closing(sqlite3.connect(db)) as c:
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page = c.execute("PRAGMA page_size").fetchone()[0]
        root = c.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    data = bytearray(db.read_bytes())
    data[(root - 1) * page:(root - 1) * page + 100] = b"\xee" * 100  # scribble over the table's first page
    db.write_bytes(bytes(data))
    reports = ingest([str(articles_dir / "a02_plain.txt")], str(db), out=io.StringIO(), progress=False)
    assert exit_code(reports) == 2
    err = capsys.readouterr().err
    assert f"error: {db}: corrupt" in err
    assert db.read_bytes() == bytes(data)
    with pytest.raises(store.StoreError, match="t.gpkg"):
        store.load_incidents(db) if table == "incidents" else store.articles(db)


def test_html_page_text_title_date_and_no_script(tmp_path):
    f = tmp_path / "page.html"
    f.write_text(PAGE, encoding="utf-8")
    a = read_file(f)
    assert a.title == "Rockets hit Ganja overnight"
    assert a.published == date(2020, 10, 11)
    assert a.url == "https://news.example.org/2020/10/11/ganja" and a.byline == "A. Writer"
    assert a.paragraphs == ["Armenian forces fired rockets at Ganja on Sunday, killing two civilians, the "
                            "Azerbaijani defence ministry said.", 'The "attack" damaged several homes & a school.']
    text = " ".join([a.title, *a.paragraphs])
    for leak in ("Barda", "Stepanakert", "color", "Home.", "Most read", "Copyright"):
        assert leak not in text


@pytest.mark.parametrize("page,published", [
    ('<html><body><article><h1>T</h1><time datetime="2020-10-12">Monday</time>'
     '<p>Armenian forces shelled Terter on Monday, officials said.</p></article></body></html>', date(2020, 10, 12)),
    ('<html><head><script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2020-10-13T08:00Z"}'
     '</script></head><body><h1>T</h1><p>Armenian forces shelled Terter, officials said.</p></body></html>',
     date(2020, 10, 13)),
    ('<html><body><h1>T</h1><p>October 9, 2020</p><p>Armenian forces shelled Terter, officials said.</p>'
     '</body></html>', date(2020, 10, 9)),
    ('<html><body><div>Armenian forces shelled Terter, officials said.</div></body></html>', None),
])
def test_html_dates_and_layouts(page, published):
    a = read_text(page, file="p.html")
    assert a.published == published
    assert a.paragraphs == ["Armenian forces shelled Terter on Monday, officials said."
                            if "Monday" in page else "Armenian forces shelled Terter, officials said."]


def test_malformed_html_is_read_or_refused_cleanly():
    for page in ["<html><body><p>Unclosed <b>bold <i>and <noscript>hidden", "<!DOCTYPE html><html><svg><p>x",
                 "<html>" + "<div>" * 5000 + "text", "<html><![if IE]>odd<![endif]><p>Text here, said one.</p>"]:
        try:
            read_text(page, file="bad.html")
        except ArticleError:
            pass


def test_script_in_a_text_title_is_kept_out():
    a = read_text("<script>alert('x')</script>Terter <b>shelled</b>\n\nOctober 14, 2020\n\n"
                  "Armenian forces shelled Terter on Tuesday, <i>officials</i> said.<style>p{}</style>\n", file="s.txt")
    assert a.title == "Terter shelled"
    assert a.sentences == ["Armenian forces shelled Terter on Tuesday, officials said."]


def test_hostile_text_stays_text():
    """The reader keeps what is not markup verbatim; escaping is the display's job (geo/map/html.py)."""
    a = read_text('Quotes "&" <3 and {{7*7}}\n\nOctober 14, 2020\n\nThe title had a ${jndi:x} and a '
                  '"javascript:alert(1)" in it, officials said.\n', file="h.txt")
    assert a.title == 'Quotes "&" <3 and {{7*7}}'
    assert "${jndi:x}" in a.paragraphs[0] and "javascript:alert(1)" in a.paragraphs[0]


@pytest.mark.parametrize("line", [
    "." * 100_000, "[" * 100_000, "[a](" * 25_000, "<a" * 50_000, "A." * 50_000, " " * 100_000 + "x",
    "**" * 50_000, "<http://" * 12_500, "[x](" + "y" * 100_000, "a" * 100_000, "word. " * 16_000,
    "<script>" * 12_500, "http://" + "a." * 50_000, "1." * 50_000, "#" * 100_000, "Original url:" * 7000,
])
def test_pathological_long_lines_are_read_quickly(line):
    t = time.perf_counter()
    try:
        read_text(f"A headline\n\nOctober 14, 2020\n\n{line}\n\nArmenian forces shelled Terter.\n", file="p.txt")
    except ArticleError:
        pass
    assert time.perf_counter() - t < 5, "the reader went quadratic"


@pytest.mark.parametrize("text,codec,note", [
    (GOOD_RU, "cp1251", "decoded as Windows-1251"),
    (GOOD_RU, "koi8_r", "decoded as KOI8-R"),
    (GOOD_FR, "latin-1", "decoded as Latin-1 (Windows-1252)"),
    (GOOD_FR + "“quoted” – dash\n", "cp1252", "decoded as Latin-1 (Windows-1252)"),
    (GOOD, "utf-16-le", "decoded as UTF-16"),
    (GOOD, "utf-16-be", "decoded as UTF-16"),
    (GOOD_RU, "utf-32", "decoded as UTF-32"),
])
def test_other_encodings_are_detected(text, codec, note):
    decoded, notes = decode(text.encode(codec))
    assert decoded.lstrip("\ufeff") == text and notes == [note]


def test_utf8_wins_and_a_bom_is_dropped():
    assert decode(GOOD_RU.encode("utf-8")) == (GOOD_RU, [])
    assert decode(b"\xef\xbb\xbf" + GOOD.encode()) == (GOOD, [])


def test_symlink_to_a_file_is_read(tmp_path):
    (tmp_path / "real.txt").write_text(GOOD)
    (tmp_path / "alias.txt").symlink_to(tmp_path / "real.txt")
    assert read_file(tmp_path / "alias.txt").title == "Shelling reported near Terter"
    files, problems = pipeline.iter_files([str(tmp_path)])
    assert len(files) == 1 and not problems  # the same file twice is read once


def test_a_file_too_slow_to_extract_is_skipped(tmp_path, monkeypatch):
    """A runaway extraction costs its file (after the time limit), not the whole ingest."""
    d = tmp_path / "in"
    d.mkdir()
    (d / "a_slow.txt").write_text(GOOD.replace("Shelling reported", "Slow one"))
    (d / "b_fine.txt").write_text(GOOD)
    real = workers.extract

    def slow(article, gaz):
        while article.file == "a_slow.txt":
            time.sleep(0.01)
        return real(article, gaz)

    monkeypatch.setattr(workers, "extract", slow)
    monkeypatch.setattr(workers, "FILE_TIME_LIMIT_S", 0.5)
    reports, out = _ingest([d], tmp_path / "t.gpkg")
    lines = _lines(out)
    assert lines["a_slow.txt"] == "skipped: took over 0.5 s, the per-file limit (too long an article?)"
    assert lines["b_fine.txt"].endswith("incident(s)") and exit_code(reports) == 1


def test_a_book_length_text_is_skipped_with_its_size(tmp_path, monkeypatch):
    from geo import reader
    monkeypatch.setattr(reader, "MAX_CHARS", 50)
    with pytest.raises(ArticleError, match=r"article text is \d+ characters, over the 50-character limit"):
        read_text(GOOD, file="long.txt")


def test_a_database_that_cannot_be_created_is_a_clear_error(tmp_path, monkeypatch, capsys):
    def gdal_fails(path):
        raise RuntimeError("sqlite3_open(/somewhere) failed: unable to open database file")

    monkeypatch.setattr(gpkg, "_create", gdal_fails)
    art = tmp_path / "a.txt"
    art.write_text(GOOD)
    reports = ingest([str(art)], str(tmp_path / "new.gpkg"), out=io.StringIO(), progress=False)
    assert exit_code(reports) == 2
    assert "new.gpkg: cannot create the database (sqlite3_open" in capsys.readouterr().err


def test_utf8_with_a_few_stray_bytes_stays_utf8():
    text = GOOD_RU * 3
    data = text.encode("utf-8").replace(" Ранены".encode(), b" \xff\xfe")
    decoded, notes = decode(data)
    assert "Министерство обороны" in decoded and notes == ["6 invalid UTF-8 byte sequence(s) replaced"]
    decoded, notes = decode(GOOD_FR.encode("latin-1"))  # no valid multi-byte text at all: a legacy encoding
    assert decoded == GOOD_FR


def test_a_database_failure_mid_ingest_stops_with_every_file_accounted_for(tmp_path, monkeypatch, capsys):
    d = tmp_path / "in"
    d.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (d / name).write_text(GOOD.replace("Shelling reported", f"Report {name}"))
    real = store.save_article

    def disk_full(conn, article, incidents, pipeline=""):
        if article.file == "b.txt":
            raise sqlite3.OperationalError("database or disk is full")
        return real(conn, article, incidents, pipeline)

    monkeypatch.setattr(store, "save_article", disk_full)
    reports, out = _ingest([d], tmp_path / "t.gpkg")
    lines = _lines(out)
    assert lines["a.txt"].endswith("incident(s)")
    assert lines["b.txt"] == lines["c.txt"] == ("skipped: not ingested: database error (OperationalError: database "
                                                "or disk is full)")
    assert "t.gpkg: cannot write" in capsys.readouterr().err and exit_code(reports) == 1
