"""Parallel extraction (local processes, Dask) gives exactly the serial run's results, in input order."""
from __future__ import annotations

import importlib.util
import io
import sys
import time
from pathlib import Path

import pytest

from geo.extract import extract
from geo.gazetteer import name_incidents
from geo.workers import extract_files, process_file, run_shipped
from geo.reader import read_file
from geo.store import article_id

ROOT = Path(__file__).resolve().parents[1]


def _gen_corpus():
    spec = importlib.util.spec_from_file_location("gen_corpus", ROOT / "bench" / "gen_corpus.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up while the file runs
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, gazetteer) -> list[Path]:
    """Generated articles with unusable files among them, so errors keep their place in the order too."""
    gc = _gen_corpus()
    out = tmp_path_factory.mktemp("corpus")
    gc.write_corpus(out, 40, seed=7, towns=gc.theatre_towns(gazetteer))
    files = sorted((out / "articles").glob("*.txt"))
    (out / "empty.txt").write_text("")
    (out / "nodate.txt").write_text("A title\n\nSome body text without any date line at all.\n")
    return files[:20] + [out / "empty.txt", out / "missing.txt", out / "nodate.txt"] + files[20:]


@pytest.fixture(scope="module")
def serial(corpus, gazetteer):
    return list(extract_files(corpus))


def test_serial_is_the_plain_loop(corpus, serial, gazetteer):
    assert [r[0] for r in serial] == corpus
    reasons = {Path(p).name: a for p, a, _ in serial if isinstance(a, str)}
    assert set(reasons) == {"empty.txt", "missing.txt", "nodate.txt"}
    assert reasons["nodate.txt"] == "no publication date line"
    for p, art, incs in serial:
        if not isinstance(art, str):
            assert art == read_file(p) and incs == name_incidents(extract(read_file(p), gazetteer), gazetteer)
    assert sum(len(i) for _, _, i in serial) > 40


def test_two_processes_identical(corpus, serial):
    assert list(extract_files(corpus, workers=2, batch_size=3)) == serial


def test_skip_reads_but_does_not_extract(corpus, serial):
    art = next(a for _, a, _ in serial if not isinstance(a, str))
    skip = {(article_id(art), art.sha1)}
    got = list(extract_files(corpus, workers=2, skip=skip))
    assert [i for _, a, i in got if a == art] == [None]
    assert [r for r in got if r[1] != art] == [r for r in serial if r[1] != art]


def test_bad_worker_count(corpus):
    with pytest.raises(ValueError):
        list(extract_files(corpus, workers=0))


def test_internal_error_costs_one_file(monkeypatch, corpus, gazetteer):
    def boom(article, gazetteer):
        raise RuntimeError("rule\nexploded")
    monkeypatch.setattr("geo.workers.extract", boom)
    reason, incs = process_file(corpus[0], gazetteer)
    assert (reason, incs) == ("internal error: RuntimeError: rule exploded", [])


def test_dask_local_cluster_identical(corpus, serial):
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            assert list(extract_files(corpus, scheduler=client, batch_size=4)) == serial
        assert list(extract_files(corpus[:6], scheduler=cluster.scheduler_address)) == serial[:6]


def test_a_dask_worker_reads_no_file(corpus, serial, tmp_path):
    """What a worker is sent (the bytes, or the reason the client could not read the file) gives the
    serial outcome with no file at that path: the cluster needs no shared file system."""
    elsewhere = [str(tmp_path / "not-on-this-worker" / Path(p).name) for p in corpus[18:23]]
    sent = [(q, Path(p).read_bytes()) if Path(p).exists() else (q, "cannot read (no such file)")
            for p, q in zip(corpus[18:23], elsewhere)]
    got = run_shipped(sent)
    for (article, _), q, here in zip(got, elsewhere, serial[18:23]):
        if not isinstance(article, str):
            assert article.path == q  # the path the client named, which is the article's identity
            article.path = here[1].path
    assert got == [tuple(r[1:]) for r in serial[18:23]]


def test_closing_early_releases_the_workers(corpus, serial):
    it = extract_files(corpus, workers=2, batch_size=1)
    assert next(it) == serial[0]
    it.close()
    assert list(extract_files([], workers=2)) == []


def _slow_on(name: str, real):
    def slow(article, gazetteer):
        while Path(article.file).name == name:  # until the time limit stops it
            time.sleep(0.01)
        return real(article, gazetteer)
    return slow


@pytest.fixture
def slow_folder(tmp_path, corpus, monkeypatch):
    """Two articles, one of which never finishes extracting; a limit of half a second."""
    import geo.workers
    d = tmp_path / "in"
    d.mkdir()
    (d / "fine.txt").write_bytes(corpus[0].read_bytes())
    (d / "slow.txt").write_bytes(corpus[1].read_bytes())
    monkeypatch.setattr(geo.workers, "extract", _slow_on("slow.txt", geo.workers.extract))
    monkeypatch.setattr(geo.workers, "FILE_TIME_LIMIT_S", 0.5)
    return d


def _lines(out: io.StringIO) -> dict[str, str]:
    return {Path(k).name: v for k, _, v in (line.partition(": ") for line in out.getvalue().splitlines()) if v}


LIMIT = "skipped: took over 0.5 s, the per-file limit (too long an article?)"


@pytest.mark.parametrize("workers", [1, 2])
def test_local_workers_skip_a_file_past_the_time_limit(slow_folder, tmp_path, workers):
    from geo.ingest import exit_code, ingest
    out = io.StringIO()
    reports = ingest([str(slow_folder)], str(tmp_path / f"w{workers}.gpkg"), out=out, progress=False, workers=workers)
    lines = _lines(out)
    assert lines["slow.txt"] == LIMIT and lines["fine.txt"].endswith("incident(s)") and exit_code(reports) == 1


def test_dask_workers_skip_a_file_past_the_time_limit(slow_folder, tmp_path):
    """On a Dask worker extraction runs in a thread, where no alarm signal reaches it: the limit holds anyway."""
    distributed = pytest.importorskip("dask.distributed")
    from geo.ingest import exit_code, ingest
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        out = io.StringIO()
        reports = ingest([str(slow_folder)], str(tmp_path / "d.gpkg"), out=out, progress=False, scheduler=client)
    lines = _lines(out)
    assert lines["slow.txt"] == LIMIT and lines["fine.txt"].endswith("incident(s)") and exit_code(reports) == 1


def test_the_fingerprint_covers_what_extraction_reads_and_nothing_else():
    from geo import ingest, paths
    files = {f.relative_to(paths.ROOT).as_posix() for f in ingest.fingerprint_files()}
    for needed in ("geo/reader.py", "geo/extract/__init__.py", "geo/dates.py", "geo/lexicon.py", "geo/merge.py",
                   "geo/theatre.py", "geo/records.py", "geo/data/events.json", "data/places.geojson",
                   "data/control_baseline.geojson"):
        assert needed in files, needed
    assert {f for f in files if f.startswith("geo/gazetteer/")} == {
        f"geo/gazetteer/{p.name}" for p in (paths.PACKAGE / "gazetteer").glob("*.py")}
    for left_out in ("geo/store/", "geo/map/", "geo/ingest.py", "geo/export.py", "app.py"):
        assert not any(f.startswith(left_out) for f in files), left_out
