"""`export` must not destroy what it is given: not the store (under any of its names), not a device
or a folder; an export stopped by Ctrl-C, SIGTERM or SIGKILL leaves its output as it was and no
temporary file behind (a killed one's is removed by the next export to that output)."""
from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys

import pytest

from conftest import FIXTURES, ROOT
from geo.__main__ import main


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("guard")
    assert main(["ingest", str(FIXTURES / "articles"), "--db", str(d / "s.gpkg")]) == 1
    return d


def _digest(path) -> str:
    return hashlib.sha1(path.read_bytes()).hexdigest()


def _store_files(d):
    return {p.name: _digest(p) for p in sorted(d.iterdir()) if p.name.startswith("s.gpkg")}


@pytest.mark.parametrize("spelling,why", [
    ("s.gpkg", "it is the store being exported"), ("./sub/../s.gpkg", "it is the store being exported"),
    ("link.gpkg", "it is the store being exported"), ("hard.gpkg", "it is the store being exported"),
    ("s.gpkg-wal", "write-ahead log"), ("s.gpkg-shm", "shared-memory index"), ("linkdir/s.gpkg-wal", "write-ahead log"),
])
def test_export_refuses_the_store_itself(store_dir, spelling, why, capsys, monkeypatch):
    monkeypatch.chdir(store_dir)
    (store_dir / "sub").mkdir(exist_ok=True)
    for link, target in (("link.gpkg", "s.gpkg"), ("linkdir", ".")):
        if not os.path.lexists(link):
            os.symlink(target, link)
    if not os.path.exists("hard.gpkg"):
        os.link("s.gpkg", "hard.gpkg")
    before = _store_files(store_dir)
    assert main(["export", "--db", "s.gpkg", "--out", spelling]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {spelling}: not written: ") and why in err and "(s.gpkg)" in err
    assert len(err.strip().splitlines()) == 1
    assert _store_files(store_dir) == before
    assert not [p for p in os.listdir(store_dir) if p.endswith(".tmp")]


def test_export_refuses_the_store_named_through_a_link(store_dir, capsys, monkeypatch):
    monkeypatch.chdir(store_dir)
    if not os.path.lexists("link.gpkg"):
        os.symlink("s.gpkg", "link.gpkg")
    assert main(["export", "--db", "link.gpkg", "--out", "s.gpkg"]) == 2
    assert "it is the store being exported (link.gpkg)" in capsys.readouterr().err


def test_export_refuses_a_device_and_a_folder(store_dir, tmp_path, capsys):
    os.symlink(os.devnull, tmp_path / "null")  # the rename of main's export replaced the link, not the device
    (tmp_path / "folder").mkdir()
    for out, why in ((tmp_path / "null", "it is a device"), (tmp_path / "folder", "it is a folder")):
        assert main(["export", "--db", str(store_dir / "s.gpkg"), "--out", str(out)]) == 2
        assert capsys.readouterr().err.startswith(f"error: {out}: not written: {why}")
    assert os.path.islink(tmp_path / "null") and (tmp_path / "folder").is_dir()
    assert os.listdir(tmp_path / "folder") == []


def test_export_to_a_new_file_next_to_the_store_still_works(store_dir, tmp_path):
    assert main(["export", "--db", str(store_dir / "s.gpkg"), "--out", str(tmp_path / "s.gpkg.geojson")]) == 0
    assert json.loads((tmp_path / "s.gpkg.geojson").read_text())["features"]


_STALLED = """
import signal, sys, time
signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a terminal, whatever the test runner set
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
import geo.export as ex
real = ex.write_geojson_stream
def stalled(features, out, *a, **kw):
    def gen():
        yield from features
        print("writing", flush=True)
        time.sleep(600)
    return real(gen(), out, *a, **kw)
ex.write_geojson_stream = stalled
from geo.__main__ import main
sys.exit(main(sys.argv[1:]))
"""


def _stalled_export(db, out):
    """An export stopped in the middle of writing its temporary file; returns the running process."""
    proc = subprocess.Popen([sys.executable, "-c", _STALLED, "export", "--db", str(db), "--out", str(out)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline() == "writing\n", proc.communicate()
    assert [p for p in os.listdir(out.parent) if p.endswith(".tmp")], "the export writes a temporary file"
    return proc


@pytest.mark.parametrize("sig,code,said", [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")])
def test_a_stopped_export_says_so_in_one_line_and_leaves_nothing(store_dir, tmp_path, sig, code, said):
    out = tmp_path / "out.geojson"
    out.write_text("previous export")
    proc = _stalled_export(store_dir / "s.gpkg", out)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code
    assert err == f"export {said}: {out} not written\n"
    assert out.read_text() == "previous export"
    assert sorted(os.listdir(tmp_path)) == ["out.geojson"]


def test_a_killed_exports_temporary_file_is_removed_by_the_next(store_dir, tmp_path):
    out = tmp_path / "out.geojson"
    proc = _stalled_export(store_dir / "s.gpkg", out)
    proc.kill()
    proc.communicate(timeout=60)
    left = [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]
    assert left == [f".out.geojson.{proc.pid}.tmp"]
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    try:  # a temporary of a process still running is not touched
        (tmp_path / f".out.geojson.{running.pid}.tmp").write_text("in progress")
        assert main(["export", "--db", str(store_dir / "s.gpkg"), "--out", str(out)]) == 0
        assert sorted(os.listdir(tmp_path)) == [f".out.geojson.{running.pid}.tmp", "out.geojson"]
    finally:
        running.kill()
        running.wait()
    assert json.loads(out.read_text())["features"]
