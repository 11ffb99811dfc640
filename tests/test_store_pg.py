"""The PostGIS store: the same exports as a GeoPackage, unchanged re-ingest, replacement, concurrent
ingests, clear errors. A throwaway PostgreSQL cluster runs on localhost for the session; without the
PostgreSQL or PostGIS binaries these tests skip, unless REQUIRE_POSTGIS=1 (CI), where they fail."""
from __future__ import annotations

import io
import itertools
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT
from geo import store
from geo.__main__ import main
from geo.ingest import ingest
from test_store import _article, _event, _write_articles, check_article_identity

PASSWORD = "s3cret-Pw"


def _unavailable(reason: str):
    if os.environ.get("REQUIRE_POSTGIS") == "1":
        pytest.fail(f"REQUIRE_POSTGIS=1 but {reason}")
    pytest.skip(reason)


def _pg_bin() -> Path | None:
    """The bin folder of the newest PostgreSQL server with PostGIS, else of any server, else None."""
    found = [p.parent for p in Path("/usr/lib/postgresql").glob("*/bin/initdb")]
    if shutil.which("initdb"):
        found.append(Path(shutil.which("initdb")).parent)
    found.sort(key=lambda d: (_postgis_control(d).exists(), d.parent.name.isdigit() and int(d.parent.name)),
               reverse=True)
    return found[0] if found else None


def _postgis_control(bindir: Path) -> Path:
    pg_config = bindir / "pg_config"
    share = (subprocess.run([pg_config, "--sharedir"], capture_output=True, text=True).stdout.strip()
             if pg_config.exists() else "") or f"/usr/share/postgresql/{bindir.parent.name}"
    return Path(share, "extension", "postgis.control")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def pg_server():
    """A PostgreSQL cluster in a temp dir for this session; yields the URL prefix postgresql://postgres@localhost:PORT.

    PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` user and its
    commands run through runuser.
    """
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _unavailable("psycopg is not installed")
    bindir = _pg_bin()
    if bindir is None:
        _unavailable("PostgreSQL server binaries (initdb) not found")
    if not _postgis_control(bindir).exists():
        _unavailable(f"PostGIS is not installed for the PostgreSQL in {bindir} (no {_postgis_control(bindir)})")
    as_user: list[str] = []
    tmp = Path(tempfile.mkdtemp(prefix="geo-pg-"))
    if os.geteuid() == 0:
        try:
            pw = pwd.getpwnam("postgres")
        except KeyError:
            _unavailable("running as root and there is no `postgres` user to run the server as")
        os.chown(tmp, pw.pw_uid, pw.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    data = tmp / "data"

    def run(*cmd):
        subprocess.run([*as_user, *map(str, cmd)], check=True, capture_output=True, text=True)

    try:
        run(bindir / "initdb", "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-instructions")
        run(bindir / "pg_ctl", "-D", data, "-l", tmp / "log", "-w", "start", "-o",
            f"-k {tmp} -p {port} -c listen_addresses=localhost -c fsync=off -c full_page_writes=off")
    except subprocess.CalledProcessError as e:
        log = (tmp / "log").read_text() if (tmp / "log").exists() else ""
        shutil.rmtree(tmp, ignore_errors=True)
        pytest.fail(f"cannot start a PostgreSQL cluster: {e.stderr}{e.stdout}{log}")
    base = f"postgresql://postgres@localhost:{port}"
    try:
        _sql(f"{base}/postgres", "CREATE DATABASE geo_template")
        _sql(f"{base}/geo_template", "CREATE EXTENSION postgis")
        yield base
    finally:
        subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                       capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)


def _sql(url: str, *statements: str) -> None:
    import psycopg
    with psycopg.connect(url, autocommit=True) as c:
        for s in statements:
            c.execute(s)


_names = itertools.count()


@pytest.fixture
def new_db(pg_server):
    """Makes an empty database with PostGIS (postgis=False: without) and returns its URL."""
    def make(postgis: bool = True) -> str:
        name = f"t{next(_names)}"
        _sql(f"{pg_server}/postgres", f"CREATE DATABASE {name} TEMPLATE {'geo_template' if postgis else 'template0'}")
        return f"{pg_server}/{name}"
    return make


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The fixture articles and 24 invented ones that report the same towns on the same days."""
    folder = tmp_path_factory.mktemp("corpus")
    shutil.copytree(FIXTURES / "articles", folder / "fixtures")
    _write_articles(folder / "made", 24)
    return folder


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "geo", *args], cwd=ROOT, capture_output=True, text=True)


def _export(db: str, out: Path, *args: str) -> dict:
    assert main(["export", "--db", db, "--out", str(out), *args]) == 0
    fc = json.loads(out.read_text())
    for k in ("generated", "database"):
        fc["metadata"].pop(k)
    return fc


def _ingest(paths, db: str) -> str:
    out = io.StringIO()
    ingest([str(p) for p in paths], db, out=out, progress=False)
    return out.getvalue()


def _counts(url: str) -> tuple[int, int, int]:
    import psycopg
    with psycopg.connect(url) as c:
        return tuple(c.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("incidents", "events", "articles"))


def test_postgis_exports_the_same_as_a_geopackage(tmp_path, corpus, new_db):
    gpkg, pg = str(tmp_path / "s.gpkg"), new_db()
    assert "into postgresql://postgres@localhost" in _ingest([corpus], pg)
    _ingest([corpus], gpkg)
    for args in ([], ["--with-front-line"], ["--start", "2020-10-05", "--end", "2020-10-20"],
                 ["--actor", "Armenia", "--event-type", "Explosions/Remote violence", "--no-evidence"]):
        a, b = _export(gpkg, tmp_path / "a.geojson", *args), _export(pg, tmp_path / "b.geojson", *args)
        assert a["features"], args
        assert a == b, args
    merged = _export(pg, tmp_path / "m.geojson")["features"]
    assert any(len(f["properties"]["sources"]) > 1 for f in merged)  # the corpus does merge across articles
    assert store.load_incidents(pg) == store.load_incidents(gpkg)
    drop = ("ingested_at",)
    assert ([{k: v for k, v in a.items() if k not in drop} for a in store.articles(pg)]
            == [{k: v for k, v in a.items() if k not in drop} for a in store.articles(gpkg)])


def test_the_schema_has_the_indexes_and_a_point_geometry(corpus, new_db):
    import psycopg
    pg = new_db()
    _ingest([corpus / "fixtures"], pg)
    with psycopg.connect(pg) as c:
        idx = dict(c.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'incidents'").fetchall())
        geom = c.execute("SELECT type, srid FROM geometry_columns WHERE f_table_name = 'incidents'").fetchone()
        inside = c.execute("SELECT count(*) FROM incidents WHERE ST_Intersects(geom, "
                           "ST_MakeEnvelope(44, 38, 51, 42, 4326))").fetchone()[0]
    for col in ("event_date", "actor1", "actor2", "event_type", "merge_key"):
        assert f"idx_incidents_{col}" in idx
    assert "USING gist (geom)" in idx["idx_incidents_geom"]
    assert geom == ("POINT", 4326) and inside == _counts(pg)[0] > 0


def test_reingest_says_unchanged_and_changes_nothing(tmp_path, corpus, new_db):
    pg = new_db()
    _ingest([corpus], pg)
    before, export = _counts(pg), _export(pg, tmp_path / "1.geojson")
    r = _cli("ingest", str(corpus), "--db", pg)
    assert r.returncode == 1, r.stderr  # the fixtures hold an undated and an empty file
    lines = [ln for ln in r.stdout.splitlines() if "skipped" not in ln and not ln.startswith("ingested")]
    assert lines and all("unchanged" in ln for ln in lines), r.stdout
    assert _counts(pg) == before and _export(pg, tmp_path / "2.geojson") == export
    r = _cli("ingest", str(corpus), "--db", pg, "--workers", "2")
    assert r.returncode == 1 and "(26 unchanged)" in r.stdout, r.stdout + r.stderr
    assert _counts(pg) == before


def test_a_changed_article_replaces_its_incidents_and_its_share_of_the_events(tmp_path, corpus, new_db):
    pg, gpkg = new_db(), tmp_path / "c.gpkg"
    for db in (pg, gpkg):
        with store.connect(db) as conn:
            store.save_article(conn, _article("a.txt"), [
                _event("a1", "2020-10-12", "Terter", 40.34, "a.txt", fatalities=3),
                _event("a2", "2020-10-12", "Barda", 40.37, "a.txt")])
            store.save_article(conn, _article("b.txt"), [
                _event("b1", "2020-10-12", "Terter", 40.34, "b.txt", actor1=None, fatalities=2),
                _event("b3", "2020-10-13", "Terter", 40.34, "b.txt")])
    one = _export(pg, tmp_path / "1.geojson")
    assert one == _export(str(gpkg), tmp_path / "g1.geojson") and len(one["features"]) == 3
    terter = next(f["properties"] for f in one["features"] if f["properties"]["event_date"] == "2020-10-12"
                  and f["properties"]["location"] == "Terter")
    assert [s["file"] for s in terter["sources"]] == ["a.txt", "b.txt"]
    for db in (pg, gpkg):
        with store.connect(db) as conn:  # b.txt read again: only its other day remains
            store.save_article(conn, _article("b.txt"), [_event("b4", "2020-10-14", "Barda", 40.37, "b.txt")])
    two = _export(pg, tmp_path / "2.geojson")
    assert two == _export(str(gpkg), tmp_path / "g2.geojson")
    assert all([s["file"] for s in f["properties"]["sources"]] in (["a.txt"], ["b.txt"]) for f in two["features"])
    assert sorted(f["properties"]["event_date"] for f in two["features"]) == ["2020-10-12", "2020-10-12", "2020-10-14"]
    assert _counts(pg) == (3, 3, 2)

    made = tmp_path / "made"  # and through files: a text edited in place replaces its incidents
    paths = _write_articles(made, 6)
    first = _ingest([made], pg)
    paths[0].write_text(paths[0].read_text().replace("shelled", "visited"), encoding="utf-8")
    out = _ingest([made], pg)

    def count(text):
        return next(int(ln.split(": ")[1].split()[0]) for ln in text.splitlines() if ln.startswith(f"{paths[0]}: "))
    assert sum(ln.endswith("stored") for ln in out.splitlines()) == 5 and count(out) < count(first)
    fresh = new_db()
    _ingest([made], fresh)
    tail = ["--start", "2020-09-01"]
    assert _export(pg, tmp_path / "3.geojson", *tail)["features"] != []
    keep = {f["id"] for f in two["features"]}
    assert ([f for f in _export(pg, tmp_path / "3.geojson", *tail)["features"] if f["id"] not in keep]
            == _export(fresh, tmp_path / "4.geojson", *tail)["features"])


def test_concurrent_ingests_give_the_events_of_one_serial_ingest(tmp_path, new_db):
    made = tmp_path / "made"
    paths = _write_articles(made, 48)
    sets = [tmp_path / "even", tmp_path / "odd"]
    for k, p in enumerate(paths):
        (sets[k % 2]).mkdir(exist_ok=True)
        shutil.copy(p, sets[k % 2] / p.name)
    serial, shared = new_db(), new_db()
    _ingest(sets, serial)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    procs = [subprocess.Popen([sys.executable, "-m", "geo", "ingest", str(s), "--db", shared], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for s in sets * 2]
    results = [p.communicate(timeout=300) + (p.returncode,) for p in procs]  # each set twice: 4 writers at once
    assert all(rc == 0 for *_, rc in results), results
    assert _counts(shared) == _counts(serial)
    assert _export(shared, tmp_path / "a.geojson") == _export(serial, tmp_path / "b.geojson")
    assert len(_consistent(shared)) == 48  # nothing doubled or half-written


def _consistent(url: str) -> dict[str, int]:
    """n_incidents by article, checked against the incidents stored; the events equal a merge of them."""
    import psycopg
    with psycopg.connect(url) as c:
        stored = dict(c.execute("SELECT article_id, n_incidents FROM articles").fetchall())
        actual = dict(c.execute("SELECT article_id, count(*) FROM incidents GROUP BY article_id").fetchall())
    assert {a: n for a, n in stored.items() if n} == actual, "an article half-written or doubled"
    from geo.export import feature
    from geo.lexicon import sub_event_ranks
    from geo.merge import merge
    reported = [i for i in store.load_incidents(url) if i.status == "reported"]
    merged = sorted(merge(reported, sub_event_ranks()), key=lambda i: (i.geo_precision, i.event_date, i.id))
    assert [json.loads(t) for t in store.event_features(url)] == [feature(i) for i in merged]
    return stored


def test_sigkill_mid_ingest_loses_at_most_the_article_in_progress(tmp_path, new_db):
    n = 150
    _write_articles(tmp_path / "in", n)
    pg = new_db()
    proc = subprocess.Popen([sys.executable, "-m", "geo", "ingest", str(tmp_path / "in"), "--db", pg], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    for _ in range(15):
        assert proc.stdout.readline(), proc.stderr.read()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    stored = _consistent(pg)
    assert 15 <= len(stored) < n, f"the kill came too late ({len(stored)} of {n} stored): raise n"
    r = _cli("ingest", str(tmp_path / "in"), "--db", pg)
    assert r.returncode == 0 and r.stdout.count(": unchanged,") == len(stored), r.stdout + r.stderr
    assert len(_consistent(pg)) == n
    serial = new_db()
    _ingest([tmp_path / "in"], serial)
    assert _export(pg, tmp_path / "a.geojson") == _export(serial, tmp_path / "b.geojson")


def test_a_lost_connection_stops_the_ingest_and_keeps_what_was_committed(tmp_path, new_db):
    import psycopg
    n = 300
    _write_articles(tmp_path / "in", n)
    pg = new_db()
    proc = subprocess.Popen([sys.executable, "-m", "geo", "ingest", str(tmp_path / "in"), "--db",
                             pg.replace("postgres@", f"postgres:{PASSWORD}@")], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    for _ in range(10):
        assert proc.stdout.readline(), proc.stderr.read()
    with psycopg.connect(pg.rsplit("/", 1)[0] + "/postgres", autocommit=True) as c:  # as if the server went away
        c.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (pg.rsplit("/", 1)[1],))
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1 and ("cannot write" in err or "cannot read" in err) and "; stopping" in err, err
    assert "not ingested: database error" in out and PASSWORD not in out + err
    assert 10 <= len(_consistent(pg)) < n
    with store.connect(pg) as conn:  # lost between two articles: the next `unchanged` check stops it too
        with psycopg.connect(pg, autocommit=True) as other:
            other.execute("SELECT pg_terminate_backend(%s)", (conn.info.backend_pid,))
        with pytest.raises(store.StoreError, match="cannot read"):
            store.unchanged(conn, _article("a.txt"), "v1")


def test_events_of_an_older_merge_are_rebuilt_by_the_next_writer(tmp_path, corpus, new_db):
    import psycopg
    pg = new_db()
    _ingest([corpus / "made"], pg)
    expected = _export(pg, tmp_path / "a.geojson")
    with psycopg.connect(pg) as c:  # as if the merge rules changed since these events were made
        c.execute("UPDATE store_meta SET value = 'old' WHERE key = 'events_version'")
        c.execute("UPDATE incidents SET merge_key = NULL")
        c.execute("DELETE FROM events WHERE event_date < '2020-10-10'")
    assert store.event_features(pg) is None
    r = _cli("export", "--db", pg, "--out", str(tmp_path / "b.geojson"))
    assert r.returncode == 0 and "merging in memory" in r.stderr, r.stderr
    assert json.loads((tmp_path / "b.geojson").read_text())["features"] == expected["features"]
    with store.connect(pg):
        pass
    assert _export(pg, tmp_path / "c.geojson") == expected
    _consistent(pg)


def test_bad_databases_are_refused_by_name_without_the_password(tmp_path, pg_server, new_db, articles_dir):
    port = pg_server.rsplit(":", 1)[1]
    no_postgis = new_db(postgis=False)
    foreign = new_db()
    _sql(foreign, "CREATE TABLE incidents (id int)")
    empty = new_db()
    with_pw = lambda url: url.replace("postgres@", f"postgres:{PASSWORD}@")  # noqa: E731
    cases = [
        (f"postgresql://postgres:{PASSWORD}@[::1/db", "cannot connect"),
        (f"postgres://postgres:{PASSWORD}@127.0.0.1:{_free_port()}/x", "cannot connect"),
        (f"postgresql://postgres:{PASSWORD}@localhost:{port}/no_such_db", "does not exist"),
        (with_pw(no_postgis), "PostGIS extension is not installed"),
        (with_pw(foreign), "not an incident store"),
    ]
    for url, why in cases:
        with pytest.raises(store.StoreError) as e:
            with store.connect(url):
                pass
        assert why in str(e.value) and PASSWORD not in str(e.value), str(e.value)
        assert store.display_name(url).split("@")[0].endswith(":***"), url
        for cmd in (["ingest", str(articles_dir)], ["export", "--out", str(tmp_path / "x.geojson")]):
            r = _cli(*cmd, "--db", url)
            assert r.returncode == 2, (cmd, url, r.stdout, r.stderr)
            assert why in r.stderr and PASSWORD not in r.stdout + r.stderr, r.stdout + r.stderr
    with pytest.raises(store.StoreError, match="no incident store in this database"):
        store.load_incidents(empty)
    r = _cli("export", "--db", with_pw(empty), "--out", str(tmp_path / "x.geojson"))
    assert r.returncode == 2 and "ingest articles first" in r.stderr and PASSWORD not in r.stderr
    import psycopg
    tables = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'spatial_ref_sys'"
    for url, left in ((foreign, [("incidents",)]), (no_postgis, []), (empty, [])):  # refused, so untouched
        with psycopg.connect(url) as c:
            assert c.execute(tables).fetchall() == left


def test_the_app_reads_postgis(tmp_path, monkeypatch, corpus, new_db):
    pg, gpkg = new_db(), str(tmp_path / "app.gpkg")
    _ingest([corpus], pg)
    _ingest([corpus], gpkg)
    for filters in ({}, {"start": "2020-10-10"}, {"end": "2020-10-01"}, {"actors": ["Armenia"]},
                    {"event_types": ["Battles", "Explosions/Remote violence"], "start": "2020-10-01"}):
        got = store.load_incidents(pg, **filters)
        assert got == store.load_incidents(gpkg, **filters), filters
        assert store.load_events(pg, **filters) == store.load_events(gpkg, **filters), filters
    assert len(store.load_incidents(pg, actors=["Armenia"])) < len(store.load_incidents(pg))
    stamp = store.stamp(pg)
    assert store.stamp(pg) == stamp
    with store.connect(pg) as conn:
        store.save_article(conn, _article("z.txt"), [_event("z1", "2020-10-12", "Terter", 40.34, "z.txt")])
    assert store.stamp(pg) != stamp
    from test_app import _run, _shown
    at = _run(monkeypatch, pg)
    assert _shown(at) == len(store.load_events(pg)) > 0  # merged across articles, as exported
    assert at.caption[0].value.startswith(f"{_shown(at):,} incidents from the database postgresql://")
    at = _run(monkeypatch, f"postgresql://geo:{PASSWORD}@127.0.0.1:{_free_port()}/x")  # unreachable: the sample
    assert "cannot connect" in at.error[0].value and "postgresql://geo:***@127.0.0.1" in at.error[0].value
    assert "database unreadable" in at.caption[0].value and _shown(at) > 0
    assert PASSWORD not in " ".join(e.value for e in [*at.error, *at.caption, *at.markdown])


def test_passwords_with_url_punctuation_are_never_shown():
    """libpq reads '?' and '#' in a password unquoted; the redaction must cover up to the last '@'."""
    for url, shown in (("postgresql://alice:s3cr#t?pw@127.0.0.1:1/incidents", "postgresql://alice:***@127.0.0.1:1/"),
                       ("postgresql://u:p%40ss@db.example/x?sslmode=require", "postgresql://u:***@db.example/x?"),
                       ("postgresql://db.example/x?user=u&password=hunter22", "password=***")):
        name = store.display_name(url)
        assert shown in name and "s3cr" not in name and "p%40ss" not in name and "hunter22" not in name, name
    assert store.display_name("postgresql://postgres@localhost:5432/db") == "postgresql://postgres@localhost:5432/db"


def test_planned_transfers_are_stored_but_not_exported(new_db):
    from test_store import check_planned_are_stored_but_not_exported
    check_planned_are_stored_but_not_exported(new_db())


def test_a_store_from_before_the_status_column_reads_as_reported_and_is_upgraded(new_db):
    from test_store import _planned
    pg = new_db()
    with store.connect(pg) as conn:
        store.save_article(conn, _article("a.txt"), [_event("a1", "2020-10-12", "Terter", 40.34, "a.txt")])
    _sql(pg, "ALTER TABLE incidents DROP COLUMN status")
    assert [(i.id, i.status) for i in store.load_incidents(pg)] == [("a1", "reported")]
    with store.connect(pg) as conn:
        store.save_article(conn, _article("plan.txt"), [_planned()])
        assert dict(conn.execute("SELECT incident_id, status FROM incidents").fetchall()) == {
            "a1": "reported", "p1": "planned"}
    assert [json.loads(t)["id"] for t in store.event_features(pg)] == ["a1"]
    _consistent(pg)


def test_two_articles_of_one_name_or_one_canonical_url_are_both_stored(tmp_path, new_db):
    check_article_identity(new_db(), tmp_path)


def test_remove_takes_an_article_and_its_share_of_the_merge_out(tmp_path, new_db):
    from test_store import check_remove
    check_remove(new_db(), tmp_path)


def test_a_save_at_a_place_and_day_of_many_reports_does_not_merge_them_all_again(new_db, monkeypatch):
    """The work of a save does not grow with the reports already stored at its place and day (it did: each
    save read back and merged them all again, quadratic in all); readers meanwhile see every report merged,
    in export order among the other events, and `finish` stores the merge."""
    from geo.store import postgis
    from test_store import _merged_in_memory, _streamed
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_one_key import reports
    pg, n = new_db(), 200
    decoded = []
    real = postgis.incident
    monkeypatch.setattr(postgis, "incident", lambda *a: decoded.append(1) or real(*a))
    per_save = []
    with store.connect(pg) as conn:
        for k in range(8):  # other places and days, before and after it in export order
            name = f"other{k}.txt"
            day = str(date(2020, 9, 20) + timedelta(days=2 * k))
            store.save_article(conn, _article(name), [_event(f"o{k}", day, f"Town {k}", 40.1 + k, name,
                                                             actor1=("Armenia", "Azerbaijan")[k % 2])])
        for k, (article, incs) in enumerate(reports(n, one_key=True)):
            decoded.clear()
            store.save_article(conn, article, incs)
            per_save.append(len(decoded))
            if k in (30, 150):
                assert _streamed(pg) == _merged_in_memory(pg) and len(_streamed(pg)) == 9
                filters = {"start": "2020-09-24", "actors": ["Armenia"]}
                assert _streamed(pg, **filters) == _merged_in_memory(pg, **filters)
                assert len(_streamed(pg, **filters)) == 4
                first = store.event_features(pg)
                assert json.loads(next(first))["type"] == "Feature"
                first.close()  # a reader that stops early leaves no transaction open
        assert max(per_save[-50:]) < n // 2, per_save  # incidents read back per save: not all before it
        assert conn.execute("SELECT count(*) FROM events_pending").fetchone()[0] == 1
        store.finish(conn)
        assert conn.execute("SELECT count(*) FROM events_pending").fetchone()[0] == 0
    assert _counts(pg)[1] == 9
    big = [f for f in _streamed(pg) if len(f["properties"]["sources"]) == n]
    assert len(big) == 1 and _streamed(pg) == _merged_in_memory(pg)


def test_the_pending_merges_of_a_killed_ingest_are_done_by_the_next_writer(new_db):
    """An ingest killed before its `finish` leaves its large place and day pending: readers still see it
    merged, and the next writer to open the store merges it for good."""
    from test_store import _merged_in_memory, _streamed
    pg, n = new_db(), 70
    code = (f"import os, sys; sys.path[:0] = [{str(ROOT)!r}, {str(ROOT / 'bench')!r}]\n"
            "from geo import store\nfrom bench_one_key import reports\n"
            f"with store.connect({pg!r}) as conn:\n"
            f"    for a, i in reports({n}, one_key=True):\n        store.save_article(conn, a, i)\n"
            "    os.kill(os.getpid(), 9)\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == -signal.SIGKILL, r.stderr
    assert _counts(pg) == (n, 0, n)  # no merged incident stored: it is pending
    (event,) = _streamed(pg)
    assert len(event["properties"]["sources"]) == n and _streamed(pg) == _merged_in_memory(pg)
    with store.connect(pg):
        pass
    assert _counts(pg) == (n, 1, n) and _streamed(pg) == [event]


def test_a_writer_waiting_past_the_timeout_is_told_busy(tmp_path, new_db, articles_dir, monkeypatch):
    """Another process's long write holds the tables: the ingest waits (over 30 s), then says the store is
    busy and to try again, and stores nothing."""
    import psycopg
    from geo.store import postgis
    pg = new_db()
    with store.connect(pg) as conn:
        assert conn.execute("SHOW lock_timeout").fetchone()[0] == "10min"
    monkeypatch.setattr(postgis, "BUSY_TIMEOUT_S", 0.2)
    with psycopg.connect(pg) as other:
        other.execute("LOCK TABLE incidents, events IN EXCLUSIVE MODE")  # as a rebuild of the events does
        out = io.StringIO()
        reports = ingest([str(articles_dir / "a01_markdown.txt")], pg, out=out, progress=False)
    line = out.getvalue().splitlines()[0]
    assert "busy" in line and "try again" in line, out.getvalue()
    assert not reports[0].ok and store.articles(pg) == []
