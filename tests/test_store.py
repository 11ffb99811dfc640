"""The store under stress: idempotent re-ingest, a real ingest killed with SIGKILL, reading while writing."""
from __future__ import annotations

import io
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path

import pytest

from conftest import ROOT
from geo import ingest as pipeline
from geo import store
from geo.lexicon import sub_event_ranks
from geo.store import gpkg
from geo.ingest import exit_code, ingest

TOWNS = ["Terter", "Ganja", "Barda", "Stepanakert", "Martakert", "Fuzuli", "Goranboy", "Aghdam"]


def _write_articles(folder: Path, n: int) -> list[Path]:
    """n small articles from a template written for these tests; each names three towns and a trigger."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for k in range(n):
        day = date(2020, 9, 28) + timedelta(days=k % 40)
        a, b, c = (TOWNS[(k + i * 3) % len(TOWNS)] for i in range(3))
        p = folder / f"art_{k:04d}.txt"
        p.write_text(f"Fixture report {k}: artillery fire near {a}\n\n{day:%B} {day.day}, {day.year}\n\n"
                     f"The defence ministry said on Monday that Armenian forces shelled {a} overnight, wounding "
                     f"{k % 5 + 1} civilians.\n\nOfficials in {b} said rockets hit the town on Sunday. Azerbaijani "
                     f"troops shelled {c} on Tuesday, the local authorities said.\n", encoding="utf-8")
        paths.append(p)
    return paths


def _ingest_process(folder: Path, db: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}  # each report line is out as soon as its article is stored
    return subprocess.Popen([sys.executable, "-m", "geo", "ingest", str(folder), "--db", str(db)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def _count(db: Path, table: str) -> int:
    if not db.exists():  # connecting would create an empty file, which the ingest rightly refuses
        return 0
    try:
        with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)) as c:
            return c.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    except sqlite3.Error:
        return 0


def _check_consistent(db: Path) -> dict[str, int]:
    """Integrity, R-tree and per-article counts; returns n_incidents by article file."""
    with closing(sqlite3.connect(db)) as c:
        assert c.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        rtree = [r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE name LIKE 'rtree_incidents_%' "
                                         "AND type = 'table' AND sql LIKE '%VIRTUAL%'")]
        for name in rtree:
            assert c.execute(f"SELECT rtreecheck('{name}')").fetchone()[0] == "ok"
        stored = dict(c.execute("SELECT article_id, n_incidents FROM articles").fetchall())
        actual = dict(c.execute("SELECT article_id, count(*) FROM incidents GROUP BY article_id").fetchall())
        files = dict(c.execute("SELECT file, n_incidents FROM articles").fetchall())
        n_inc = c.execute("SELECT count(*) FROM incidents").fetchone()[0]
    assert set(actual) <= set(stored), "incidents whose article row is missing (a half-written article)"
    assert {a: n for a, n in stored.items() if n} == actual, "an article row whose incidents are incomplete"
    import pyogrio
    assert len(pyogrio.read_dataframe(db, layer="incidents")) == n_inc
    if shutil.which("ogrinfo"):
        r = subprocess.run(["ogrinfo", "-ro", "-so", str(db), "incidents"], capture_output=True, text=True)
        assert r.returncode == 0 and f"Feature Count: {n_inc}" in r.stdout, r.stdout + r.stderr
    return files


def test_reingest_changes_nothing_and_says_unchanged(tmp_path, articles_dir):
    db = tmp_path / "t.gpkg"
    ingest([str(articles_dir)], str(db), out=io.StringIO(), progress=False)
    with closing(sqlite3.connect(db)) as c:
        before = c.execute("SELECT * FROM articles ORDER BY article_id").fetchall()
        inc_before = c.execute("SELECT * FROM incidents ORDER BY incident_id").fetchall()
    out = io.StringIO()
    reports = ingest([str(articles_dir)], str(db), out=out, progress=False)
    assert "a01_markdown.txt: unchanged," in out.getvalue() and "a02_plain.txt: unchanged," in out.getvalue()
    assert [r.unchanged for r in reports if r.ok] == [True, True]
    with closing(sqlite3.connect(db)) as c:
        assert c.execute("SELECT * FROM articles ORDER BY article_id").fetchall() == before
        assert c.execute("SELECT * FROM incidents ORDER BY incident_id").fetchall() == inc_before


def test_a_changed_article_or_pipeline_is_read_again(tmp_path, articles_dir, monkeypatch):
    db = tmp_path / "t.gpkg"
    art = tmp_path / "a.txt"
    shutil.copy(articles_dir / "a02_plain.txt", art)
    ingest([str(art)], str(db), out=io.StringIO(), progress=False)
    art.write_text(art.read_text() + "\nA later paragraph, officials added.\n")
    out = io.StringIO()
    ingest([str(art)], str(db), out=out, progress=False)
    assert "unchanged" not in out.getvalue()
    monkeypatch.setattr(pipeline, "pipeline_version", lambda: "an-upgraded-extractor")
    out = io.StringIO()
    ingest([str(art)], str(db), out=out, progress=False)
    assert "unchanged" not in out.getvalue()
    with closing(sqlite3.connect(db)) as c:
        assert c.execute("SELECT count(*), max(pipeline) FROM articles").fetchone() == (1, "an-upgraded-extractor")


def test_a_store_from_before_the_pipeline_column_is_upgraded(tmp_path, articles_dir):
    db = tmp_path / "old.gpkg"
    ingest([str(articles_dir / "a02_plain.txt")], str(db), out=io.StringIO(), progress=False)
    with closing(sqlite3.connect(db)) as c:
        c.execute("ALTER TABLE articles DROP COLUMN pipeline")
    assert store.articles(db)[0]["file"] == "a02_plain.txt"  # readers cope with the old layout
    out = io.StringIO()
    ingest([str(articles_dir / "a02_plain.txt")], str(db), out=out, progress=False)
    assert "unchanged" not in out.getvalue()
    assert store.articles(db)[0]["pipeline"] == pipeline.pipeline_version()


def test_an_article_is_stored_whole_or_not_at_all(tmp_path, articles_dir, monkeypatch):
    """A failure after the article's old rows were deleted rolls the transaction back: they stay."""
    db = tmp_path / "t.gpkg"
    ingest([str(articles_dir / "a01_markdown.txt")], str(db), out=io.StringIO(), progress=False)
    files_before = _check_consistent(db)
    real_row = gpkg._row
    calls = []

    def failing_row(inc, *args):  # the second row cannot be bound: the insert fails inside the transaction
        calls.append(inc)
        row = real_row(inc, *args)
        return row[:-1] + (object(),) if len(calls) == 2 else row

    monkeypatch.setattr(gpkg, "_row", failing_row)
    monkeypatch.setattr(pipeline, "pipeline_version", lambda: "force-a-rewrite")
    out = io.StringIO()
    reports = ingest([str(articles_dir / "a01_markdown.txt")], str(db), out=out, progress=False)
    assert "skipped: internal error: ProgrammingError" in out.getvalue() and exit_code(reports) == 2
    assert _check_consistent(db) == files_before


def test_concurrent_ingests_share_one_new_database(tmp_path):
    """Two ingests started together both create the file: neither may replace the other's."""
    a = _write_articles(tmp_path / "a", 20)
    b = tmp_path / "b"
    b.mkdir()
    for p in a[:20]:
        (b / p.name.replace("art_", "other_")).write_text(p.read_text().replace("Fixture report", "Other report"))
    db = tmp_path / "shared.gpkg"
    procs = [_ingest_process(tmp_path / "a", db), _ingest_process(b, db)]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    files = _check_consistent(db)
    assert len(files) == 40
    assert not list(tmp_path.glob(".shared.creating*"))


def test_sigkill_mid_ingest_leaves_a_sound_database(tmp_path):
    n = 400
    _write_articles(tmp_path / "in", n)
    db = tmp_path / "killed.gpkg"
    proc = _ingest_process(tmp_path / "in", db)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)
    reader.start()
    deadline = time.monotonic() + 120
    while _count(db, "articles") < 20:
        assert proc.poll() is None, proc.stderr.read()
        assert time.monotonic() < deadline, "the ingest stored nothing in two minutes"
        time.sleep(0.005)
    t_kill = time.perf_counter()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    reader.join(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    files = _check_consistent(db)
    reported = {Path(ln.split(": ")[0]).name: int(ln.split(": ")[1].split()[0]) for ln in lines
                if ln.startswith(str(tmp_path)) and "incident(s)" in ln}
    assert 20 <= len(files) < n, f"the kill came too late ({len(files)} of {n} stored): raise n"
    assert reported and all(files[name] == k for name, k in reported.items()), "a reported article was lost"
    print(f"killed after {len(files)} of {n} articles ({sum(files.values())} incidents), "
          f"{len(reported)} reported, all intact; checked in {time.perf_counter() - t_kill:.2f} s")
    out = subprocess.run([sys.executable, "-m", "geo", "ingest", str(tmp_path / "in"), "--db", str(db)], cwd=ROOT,
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    assert out.stdout.count(": unchanged,") == len(files)
    assert len(_check_consistent(db)) == n


def test_the_app_reads_while_an_ingest_writes(tmp_path):
    n = 120
    _write_articles(tmp_path / "in", n)
    db = tmp_path / "busy.gpkg"
    proc = _ingest_process(tmp_path / "in", db)
    deadline = time.monotonic() + 120
    while not db.exists():
        assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()
        time.sleep(0.005)
    seen, during, errors = [], 0, []

    def snapshot_is_consistent():
        with closing(sqlite3.connect(db, timeout=30)) as c:  # one read transaction: both counts from one snapshot
            c.execute("BEGIN")
            total = c.execute("SELECT coalesce(sum(n_incidents), 0) FROM articles").fetchone()[0]
            rows = c.execute("SELECT count(*) FROM incidents").fetchone()[0]
            c.execute("COMMIT")
        return total == rows

    def other_reader():
        while proc.poll() is None:
            try:
                assert snapshot_is_consistent()
            except Exception as e:  # noqa: BLE001 - collected and asserted below
                errors.append(e)
                return
            time.sleep(0.01)

    t = threading.Thread(target=other_reader)
    t.start()
    while proc.poll() is None:
        incs = store.load_incidents(db)
        seen.append(len(incs))
        during += 0 < len(incs)
        time.sleep(0.01)
    t.join()
    assert proc.returncode == 0, proc.stderr.read()
    assert not errors, errors
    assert seen == sorted(seen), "a reader saw incidents disappear"
    final = len(store.load_incidents(db))
    assert during >= 3 and any(0 < k < final for k in seen), f"no read overlapped the writes: {seen[:20]}"
    _check_consistent(db)


def test_geopackage_opens_with_gdal_tools(tmp_path, articles_dir):
    db = tmp_path / "t.gpkg"
    ingest([str(articles_dir)], str(db), out=io.StringIO(), progress=False)
    _check_consistent(db)
    if not shutil.which("ogrinfo"):
        pytest.skip("ogrinfo is not installed (pyogrio read it above)")


# ---- merged events: kept up to date at save time, streamed by export ----------------------------

def _event(id_, day, town, lat, src, sub="Shelling/artillery/missile attack", et="Explosions/Remote violence",
           actor1="Armenia", fatalities=None, precision=1):
    from geo.records import Incident, Source
    return Incident(id=id_, event_date=day, time_precision=precision, event_type=et, sub_event_type=sub,
                    actor1=actor1, actor2=None, location=town, country="Azerbaijan", admin1=None, lat=lat,
                    lon=46.9, geo_precision=1, fatalities=fatalities, claimed_by=["Azerbaijan"],
                    sources=[Source(src, None, f"Report {src}", "2020-10-14")], evidence=[f"{town} ({src})."],
                    geonameid=int(lat * 1000))


def _article(name):
    from geo.records import Article
    return Article(file=name, title=name, published=date(2020, 10, 14), paragraphs=[], sentences=[], sha1=name)


def _streamed(db, **filters) -> list[dict]:
    import json
    return [json.loads(t) for t in store.event_features(db, **filters)]


def _merged_in_memory(db, **filters) -> list[dict]:
    """Every stored incident merged, then filtered by the merged incident's own fields."""
    from geo.export import feature
    from geo.merge import merge
    reported = [i for i in store.load_incidents(db) if i.status == "reported"]
    incs = [i for i in merge(reported, sub_event_ranks())
            if (not filters.get("start") or i.event_date >= filters["start"])
            and (not filters.get("actors") or {i.actor1, i.actor2} & set(filters["actors"]))
            and (not filters.get("event_types") or i.event_type in filters["event_types"])]
    return [feature(i) for i in sorted(incs, key=lambda i: (i.geo_precision, i.event_date, i.id))]


def test_the_events_table_is_the_merge_of_the_stored_incidents(tmp_path):
    db = tmp_path / "e.gpkg"
    with store.connect(db) as conn:
        store.save_article(conn, _article("a.txt"), [
            _event("a1", "2020-10-12", "Terter", 40.34, "a.txt", fatalities=3),
            _event("a2", "2020-10-12", "Barda", 40.37, "a.txt")])
        store.save_article(conn, _article("b.txt"), [
            _event("b1", "2020-10-12", "Terter", 40.34, "b.txt", actor1=None, fatalities=2),
            _event("b2", "2020-10-12", "Terter", 40.34, "b.txt", sub="Government regains territory",
                   et="Strategic developments", actor1="Azerbaijan"),
            _event("b3", "2020-10-13", "Terter", 40.34, "b.txt")])
    events = _streamed(db)
    assert events == _merged_in_memory(db)
    from geo.export import feature
    assert [feature(i) for i in store.load_events(db)] == events  # what the app shows
    terter = [e["properties"] for e in events if e["properties"]["location"] == "Terter"]
    assert len(events) == 4 and len(terter) == 3  # the capture and the next day stay apart
    shelled = next(p for p in terter if p["event_date"] == "2020-10-12" and p["event_type"].startswith("Expl"))
    assert [s["file"] for s in shelled["sources"]] == ["a.txt", "b.txt"] and shelled["fatalities"] == 2
    assert shelled["actor1"] == "Armenia" and shelled["evidence"] == ["Terter (a.txt).", "Terter (b.txt)."]
    assert all(e["properties"]["evidence"] == [] for e in _streamed(db, evidence=False))
    assert _streamed(db, start="2020-10-13") == _merged_in_memory(db, start="2020-10-13")
    from geo.export import feature as feat
    for filters in ({"actors": ["Azerbaijan"]}, {"actors": ["Armenia"]}, {"event_types": ["Battles"]},
                    {"event_types": ["Strategic developments"], "start": "2020-10-12"}):
        assert _streamed(db, **filters) == _merged_in_memory(db, **filters), filters
        assert [feat(i) for i in store.merged_in_memory(db, **filters)] == _merged_in_memory(db, **filters)

    with store.connect(db) as conn:  # b.txt read again with nothing in it: its share of the merge goes
        store.save_article(conn, _article("b.txt"), [])
    events = _streamed(db)
    assert events == _merged_in_memory(db) and len(events) == 2
    assert all([s["file"] for s in e["properties"]["sources"]] == ["a.txt"] for e in events)
    assert next(e for e in events if e["properties"]["location"] == "Terter")["properties"]["fatalities"] == 3


def test_a_store_without_events_exports_in_memory_until_written_then_streams(tmp_path, articles_dir):
    import json
    db = tmp_path / "old.gpkg"
    ingest([str(articles_dir)], str(db), out=io.StringIO(), progress=False)
    expected = _streamed(db)
    assert expected
    with closing(sqlite3.connect(db)) as c:  # the layout of a store made before the events table
        c.execute("DROP TABLE events")
        c.execute("DROP TABLE store_meta")
        c.execute("DROP INDEX idx_incidents_merge_key")
        c.execute("ALTER TABLE incidents DROP COLUMN merge_key")
    assert store.event_features(db) is None
    out = tmp_path / "old.geojson"
    r = subprocess.run([sys.executable, "-m", "geo", "export", "--db", str(db), "--out", str(out)], cwd=ROOT,
                       capture_output=True, text=True)
    assert r.returncode == 0 and "merging in memory" in r.stderr
    assert json.loads(out.read_text())["features"] == expected
    with store.connect(db):  # opening for writing rebuilds the events
        pass
    assert _streamed(db) == expected
    with closing(sqlite3.connect(db)) as c:
        assert c.execute("SELECT count(*) FROM incidents WHERE merge_key IS NULL").fetchone() == (0,)


def test_the_writer_syncs_at_checkpoints_and_a_killed_writer_loses_nothing_committed(tmp_path):
    """WAL with synchronous=NORMAL: no fsync per article; what was committed survives the process."""
    db = tmp_path / "s.gpkg"
    code = ("import os, sys\nfrom geo import store\nfrom test_store import _article, _event\n"
            "with store.connect(sys.argv[1]) as conn:\n"
            "    assert conn.execute('PRAGMA synchronous').fetchone()[0] == 1\n"
            "    store.save_article(conn, _article('a.txt'), [_event('a1', '2020-10-12', 'Terter', 40.34, 'a.txt')])\n"
            "    os.kill(os.getpid(), 9)\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests")])}
    r = subprocess.run([sys.executable, "-c", code, str(db)], cwd=ROOT, env=env, capture_output=True, text=True)
    assert r.returncode == -signal.SIGKILL, r.stderr
    assert [a["file"] for a in store.articles(db)] == ["a.txt"] and len(_streamed(db)) == 1


def test_a_second_writer_cannot_slip_in_between_reading_an_articles_keys_and_replacing_it(tmp_path, monkeypatch):
    """The save takes the write lock before it reads the article's old merge keys: a concurrent save of
    the same article waits (here: times out) instead of leaving an event whose incidents are gone."""
    db = tmp_path / "r.gpkg"
    with store.connect(db) as conn:
        store.save_article(conn, _article("x.txt"), [_event("x1", "2020-10-12", "Terter", 40.34, "x.txt")])
    blocked = []

    class SecondWriterFirst:
        def __init__(self, conn):
            self.conn = conn

        def execute(self, sql, *args):
            if "merge_key FROM" in sql and not blocked:
                monkeypatch.setattr(gpkg, "BUSY_TIMEOUT_S", 0.2)
                try:
                    with store.connect(db) as other:
                        store.save_article(other, _article("x.txt"), [_event("x1", "2020-10-12", "Barda", 40.37,
                                                                                "x.txt")])
                    blocked.append(False)
                except store.StoreError as e:
                    blocked.append("locked" in str(e) and "busy" in str(e))
            return self.conn.execute(sql, *args)

        def __getattr__(self, name):
            return getattr(self.conn, name)

        def __enter__(self):
            return self.conn.__enter__()

        def __exit__(self, *exc):
            return self.conn.__exit__(*exc)

    with store.connect(db) as conn:
        store.save_article(SecondWriterFirst(conn), _article("x.txt"),
                           [_event("x1", "2020-10-12", "Agdam", 39.99, "x.txt")])
    assert blocked == [True]
    assert [e["properties"]["location"] for e in _streamed(db)] == ["Agdam"] == [
        i.location for i in store.load_incidents(db)]


def test_rows_written_without_a_merge_key_make_the_events_stale_until_the_next_writer(tmp_path):
    """A version from before the events table writes incidents with no merge key and no events:
    readers then merge in memory, and the next writer rebuilds the events."""
    db = tmp_path / "m.gpkg"
    with store.connect(db) as conn:
        store.save_article(conn, _article("a.txt"), [_event("a1", "2020-10-12", "Terter", 40.34, "a.txt")])
    with closing(sqlite3.connect(db)) as c, c:
        gpkg._register(c)  # the GeoPackage's R-tree triggers call these
        c.execute("UPDATE incidents SET merge_key = NULL")
    assert store.event_features(db) is None
    expected = _merged_in_memory(db)
    with store.connect(db):
        pass
    assert _streamed(db) == expected


def test_a_failed_rebuild_of_the_events_keeps_the_old_ones_and_names_the_file(tmp_path, monkeypatch):
    db = tmp_path / "u.gpkg"
    with store.connect(db) as conn:
        store.save_article(conn, _article("a.txt"), [_event("a1", "2020-10-12", "Terter", 40.34, "a.txt")])
    before = _streamed(db)
    monkeypatch.setattr(gpkg, "EVENTS_VERSION", "next")

    def failing(conn, keys):
        raise ValueError("incident a1: position [46.9, 95.0] out of range")
    monkeypatch.setattr(gpkg, "_refresh_events", failing)
    with pytest.raises(store.StoreError, match=r"u\.gpkg: cannot merge the stored incidents \(incident a1"):
        with store.connect(db):
            pass
    monkeypatch.undo()
    assert _streamed(db) == before


# ---- incident status: planned transfers are stored for the front line, never shown as incidents ----

def _planned(id_="p1", town="Lachin", lat=39.63, src="plan.txt"):
    p = _event(id_, "2020-12-01", town, lat, src, sub="Non-violent transfer of territory",
               et="Strategic developments")
    p.status = "planned"
    return p


def check_planned_are_stored_but_not_exported(db) -> None:
    """For every backend: a planned transfer is read back by `load_incidents` (what the front line
    reads) and left out of the merged events, the in-memory merge and the export."""
    with store.connect(db) as conn:
        store.save_article(conn, _article("plan.txt"), [_planned(), _event("r1", "2020-10-12", "Terter", 40.34,
                                                                           "plan.txt")])
        with pytest.raises(ValueError, match="p2.*'maybe'"):
            bad = _planned("p2")
            bad.status = "maybe"
            store.save_article(conn, _article("bad.txt"), [bad])
    assert sorted((i.id, i.status) for i in store.load_incidents(db)) == [("p1", "planned"), ("r1", "reported")]
    for merged in ([i.id for i in store.load_events(db)], [i.id for i in store.merged_in_memory(db)],
                   [e["id"] for e in _streamed(db)]):
        assert merged == ["r1"]
    assert "status" not in _streamed(db)[0]["properties"]
    assert [a["file"] for a in store.articles(db)] == ["plan.txt"]


def test_planned_transfers_are_stored_but_not_exported(tmp_path):
    check_planned_are_stored_but_not_exported(tmp_path / "p.gpkg")


def test_a_store_from_before_the_status_column_reads_as_reported_and_is_upgraded(tmp_path):
    db = tmp_path / "old.gpkg"
    with store.connect(db) as conn:
        store.save_article(conn, _article("a.txt"), [_event("a1", "2020-10-12", "Terter", 40.34, "a.txt")])
    with closing(sqlite3.connect(db)) as c:
        c.execute("ALTER TABLE incidents DROP COLUMN status")
    assert [(i.id, i.status) for i in store.load_incidents(db)] == [("a1", "reported")]  # a reader never writes
    with closing(sqlite3.connect(db)) as c:
        assert "status" not in {r[1] for r in c.execute("PRAGMA table_info(incidents)")}
    with store.connect(db) as conn:
        store.save_article(conn, _article("plan.txt"), [_planned()])
    with closing(sqlite3.connect(db)) as c:
        assert dict(c.execute("SELECT incident_id, status FROM incidents")) == {"a1": "reported", "p1": "planned"}
    assert [e["id"] for e in _streamed(db)] == ["a1"]
    _check_consistent(db)


_PAGE = ("<html><head><title>Shelling report</title><link rel=\"canonical\" href=\"https://news.example.org/story/1\">"
         "<meta property=\"article:published_time\" content=\"2020-10-14T09:00:00Z\"></head><body><h1>Shelling report"
         "</h1><p>The defence ministry said on Monday that Armenian forces shelled {town} overnight, wounding two "
         "civilians.</p></body></html>")


def _summary(out: str) -> tuple[int, int]:
    """(files ingested, incidents) of an ingest's summary line."""
    line = out.strip().splitlines()[-1]
    return int(line.split()[1]), int(line.split(", ")[-2].split()[0])


def check_article_identity(db, tmp_path: Path) -> None:
    """Articles are their source path and text, never a bare file name or a shared canonical URL; the
    summary counts what the store holds (run on each backend)."""
    def run(*paths) -> str:
        out = io.StringIO()
        ingest([str(p) for p in paths], str(db), out=out, progress=False)
        return out.getvalue()

    def held() -> tuple[int, int]:
        return len(store.articles(db)), len(store.load_incidents(db))

    a, b = _write_articles(tmp_path / "a", 2), _write_articles(tmp_path / "b", 1)
    b[0].write_text(a[1].read_text(), encoding="utf-8")  # b/art_0000.txt: a's second text, a's first's name
    pages = [tmp_path / d / "page.html" for d in ("p", "q")]
    for p, town in zip(pages, ("Terter", "Barda")):
        p.parent.mkdir()
        p.write_text(_PAGE.format(town=town), encoding="utf-8")
    out = run(a[0], b[0], *pages)
    assert held() == (4, _summary(out)[1]) and _summary(out)[0] == 4, out
    assert sorted(x["file"] for x in store.articles(db)) == ["art_0000.txt", "art_0000.txt", "page.html", "page.html"]

    out = run(a[1], a[0], b[0], *pages)  # a copy of a stored text is stored once; the rest is unchanged
    assert held() == (4, _summary(out)[1]) and "(5 unchanged)" in out, out
    assert f"{a[1]}: unchanged" in out and "the same text as" in out

    pages[0].write_text(_PAGE.format(town="Ganja"), encoding="utf-8")  # an edit in place replaces
    out = run(*pages)
    assert f"{pages[0]}: 1 incident(s)" in out and held()[0] == 4
    assert sorted(i.location for i in store.load_incidents(db) if i.sources[0].file == "page.html") == ["Barda", "Ganja"]


def test_two_articles_of_one_name_or_one_canonical_url_are_both_stored(tmp_path):
    check_article_identity(tmp_path / "i.gpkg", tmp_path)


def test_reports_of_two_articles_of_one_name_merge_as_two_sources(tmp_path):
    """Incidents of a/x.txt and b/x.txt at one place and day are one event with both articles as sources."""
    for d, town in (("a", "Terter"), ("b", "Terter")):
        (tmp_path / d).mkdir()
        (tmp_path / d / "x.txt").write_text(
            f"Shelling in {town}\n\nOctober 14, 2020\n\nThe defence ministry said on Monday that Armenian forces "
            f"shelled {town} overnight{', officials said' if d == 'b' else ''}.\n", encoding="utf-8")
    db = tmp_path / "m.gpkg"
    ingest([str(tmp_path / "a"), str(tmp_path / "b")], str(db), out=io.StringIO(), progress=False)
    events = store.load_events(db)
    assert len(store.articles(db)) == 2 and len(store.load_incidents(db)) == 2
    assert len(events) == 1 and len(events[0].sources) == 2, [e.sources for e in events]
    assert len({s.article for s in events[0].sources}) == 2


def test_a_store_keyed_by_file_name_is_read_again_unchanged_and_not_doubled(tmp_path):
    """Articles stored when the key was the file name are found by their text: re-ingest is `unchanged`,
    and an upgraded extractor replaces them under their path instead of storing them twice."""
    db, paths = tmp_path / "old.gpkg", _write_articles(tmp_path / "in", 3)
    ingest([str(tmp_path / "in")], str(db), out=io.StringIO(), progress=False)
    with closing(sqlite3.connect(db)) as c, c:  # the keys of a store made before
        gpkg._register(c)  # the R-tree triggers' functions
        for p in paths:
            for table in ("articles", "incidents"):
                c.execute(f"UPDATE {table} SET article_id = ? WHERE article_id = ?", (p.name, str(p)))
    before = len(store.load_incidents(db))
    out = io.StringIO()
    ingest([str(tmp_path / "in")], str(db), out=out, progress=False)
    assert "(3 unchanged)" in out.getvalue() and len(store.articles(db)) == 3
    with closing(sqlite3.connect(db)) as c, c:
        c.execute("UPDATE articles SET pipeline = 'older'")
    ingest([str(tmp_path / "in")], str(db), out=io.StringIO(), progress=False)
    assert sorted(a["article_id"] for a in store.articles(db)) == sorted(map(str, paths))
    assert len(store.load_incidents(db)) == before


def check_remove(db: str, tmp_path: Path) -> None:
    """`remove` by path, by folder and by id: the article and its incidents go, the merged incidents of
    its places and days are merged again (the export is that of a store that never held it), and a name
    that is no stored article is reported, changing nothing (run on each backend)."""
    import json

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "geo", *args], cwd=ROOT, capture_output=True, text=True)

    def features(store_db, name):
        out = tmp_path / f"{name}.geojson"
        assert cli("export", "--db", store_db, "--out", str(out)).returncode == 0
        return json.loads(out.read_text())["features"]

    one, two = _write_articles(tmp_path / "one", 3), _write_articles(tmp_path / "two", 2)
    for p in two:  # the same towns and days as one's first two, told by other articles
        p.write_text(p.read_text().replace("Fixture report", "Another report"), encoding="utf-8")
    ingest([str(tmp_path / "one"), str(tmp_path / "two")], db, out=io.StringIO(), progress=False)
    only_one = str(tmp_path / "only_one.gpkg")
    ingest([str(tmp_path / "one")], only_one, out=io.StringIO(), progress=False)

    r = cli("remove", "--db", db, str(tmp_path / "two" / "nothere.txt"))
    assert r.returncode == 2 and "nothere.txt: no such article in the store" in r.stdout, r.stdout + r.stderr
    assert len(store.articles(db)) == 5
    r = cli("remove", "--db", db, str(two[0]))
    assert r.returncode == 0 and "removed 1 article(s)" in r.stdout, r.stdout + r.stderr
    assert str(two[1]) in {a["article_id"] for a in store.articles(db)} and len(store.articles(db)) == 4
    r = cli("remove", "--db", db, str(tmp_path / "two"), "nothere")
    assert r.returncode == 1 and "removed 1 article(s)" in r.stdout, r.stdout + r.stderr
    assert features(db, "after") == features(only_one, "only_one")
    assert sum(a["n_incidents"] for a in store.articles(db)) == len(store.load_incidents(db))
    r = cli("remove", "--db", db, store.articles(db)[0]["article_id"])
    assert r.returncode == 0 and len(store.articles(db)) == 2


def test_remove_takes_an_article_and_its_share_of_the_merge_out(tmp_path):
    check_remove(str(tmp_path / "r.gpkg"), tmp_path)


def _children(pid: int) -> list[int]:
    """The live processes whose parent is `pid` (a zombie has ended)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            out.append(int(stat.parent.name))
    return out


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")
def test_workers_end_when_the_ingest_is_killed(tmp_path):
    """A SIGKILL of `ingest --workers 2` runs none of its clean-up: its workers still end, within seconds."""
    paths = _write_articles(tmp_path / "in", 400)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    p = subprocess.Popen([sys.executable, "-m", "geo", "ingest", str(tmp_path / "in"), "--db", str(tmp_path / "k.gpkg"),
                          "--workers", "2"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                         env=env)
    try:
        assert p.stdout.readline().startswith(str(paths[0])), "the ingest stored nothing"
        workers = _children(p.pid)
        assert len(workers) >= 2, workers
    finally:
        p.kill()
        p.wait()
    deadline = time.monotonic() + 10
    while any(map(_alive, workers)) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [w for w in workers if _alive(w)]
    for w in left:
        os.kill(w, signal.SIGKILL)
    assert not left, f"{len(left)} worker(s) outlived the ingest"


@pytest.mark.parametrize("workers", ["1", "2"])
def test_ctrl_c_stops_an_ingest_with_a_summary_and_no_traceback(tmp_path, workers):
    """Ctrl-C (SIGINT to the terminal's process group: the ingest and its workers) ends with one summary line."""
    paths = _write_articles(tmp_path / "in", 300)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    p = subprocess.Popen([sys.executable, "-m", "geo", "ingest", str(tmp_path / "in"), "--db", str(tmp_path / "c.gpkg"),
                          "--workers", workers], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         env=env, start_new_session=True)
    try:
        assert p.stdout.readline().startswith(str(paths[0]))
        os.killpg(p.pid, signal.SIGINT)
        out, err = p.communicate(timeout=60)
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
    assert p.returncode == 130 and "Traceback" not in err, err
    last = out.strip().splitlines()[-1]
    assert last.startswith("interrupted: ingested ") and last.endswith("file(s) not read"), last
    stored = int(last.split()[2])
    assert _count(tmp_path / "c.gpkg", "articles") == stored


def test_a_save_at_a_place_and_day_of_many_reports_does_not_merge_them_all_again(tmp_path, monkeypatch):
    """The work of a save does not grow with the reports already stored at its place and day (it did: each
    save merged them all again, quadratic in all), and readers still see every report merged."""
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_one_key import reports
    db, n = tmp_path / "k.gpkg", 200
    decoded = []
    real = gpkg._incident
    monkeypatch.setattr(gpkg, "_incident", lambda r: decoded.append(1) or real(r))
    per_save = []
    with store.connect(db) as conn:
        for k, (article, incs) in enumerate(reports(n, one_key=True)):
            decoded.clear()
            store.save_article(conn, article, incs)
            per_save.append(len(decoded))
            if k in (30, 150):  # what a reader sees meanwhile: every report merged
                assert _streamed(db) == _merged_in_memory(db) and len(_streamed(db)) == 1
        assert max(per_save[-50:]) < n // 2, per_save  # incidents read back per save: not all before it
        store.finish(conn)
    (event,) = _streamed(db)
    assert len(event["properties"]["sources"]) == n and _streamed(db) == _merged_in_memory(db)


def test_a_writer_waiting_past_the_timeout_is_told_busy_not_corrupt(tmp_path, articles_dir, monkeypatch):
    """Another process's long write holds the lock: the ingest says the store is busy and to try again."""
    db = tmp_path / "b.gpkg"
    with store.connect(db) as conn:
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] > 30_000  # a writer waits longer than 30 s
    monkeypatch.setattr(gpkg, "BUSY_TIMEOUT_S", 0.2)
    with closing(sqlite3.connect(db)) as other:
        other.execute("BEGIN IMMEDIATE")  # another writer, in the middle of a long write
        out = io.StringIO()
        reports = ingest([str(articles_dir / "a01_markdown.txt")], str(db), out=out, progress=False)
    line = out.getvalue().splitlines()[0]
    assert "busy" in line and "try again" in line and "corrupt" not in out.getvalue(), out.getvalue()
    assert exit_code(reports) == 2 and store.articles(db) == []


def test_a_killed_creation_leaves_nothing_after_the_next_run(tmp_path):
    """The private file of a store creation killed outright is removed by the next creation; that of a
    creation still running (a live process) is left to it."""
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    left = [tmp_path / f".s.creating-{dead.pid}.gpkg", tmp_path / f".s.creating-{dead.pid}.gpkg-wal"]
    running = tmp_path / f".s.creating-{os.getppid()}.gpkg"
    for f in left + [running]:
        f.write_bytes(b"half a database")
    with store.connect(tmp_path / "s.gpkg"):
        pass
    assert not any(f.exists() for f in left) and running.exists()


def test_a_store_no_one_can_write_is_still_read_and_exported(tmp_path, articles_dir):
    """A store in a folder where not even root can make the WAL's `-shm` file (immutable: chattr +i)."""
    import json
    folder = tmp_path / "ro"
    db = folder / "s.gpkg"
    ingest([str(articles_dir)], str(db), out=io.StringIO(), progress=False)
    expected = _streamed(db)
    for side in (Path(f"{db}-wal"), Path(f"{db}-shm")):
        assert not side.exists()
    if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available here (not root, or the file system has no such attribute)")
    try:
        out = tmp_path / "ro.geojson"
        r = subprocess.run([sys.executable, "-m", "geo", "export", "--db", str(db), "--out", str(out)], cwd=ROOT,
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        assert json.loads(out.read_text())["features"] == expected and len(store.articles(db)) == 2
    finally:
        subprocess.run(["chattr", "-i", str(folder)])
