"""Helpers for the real-browser tests: Chromium via Playwright, a Streamlit app on a free local port.

Every non-local request is aborted (tiles are counted apart, or served locally by a test that
wants "network tiles"), so a test proves the page needs nothing but the local server.
"""
from __future__ import annotations

import importlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
TIMEOUT_MS = 60_000
TILE_RE = re.compile(r"/\d+/\d+/\d+\.(png|jpg|jpeg|webp)(\?|$)")
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'


def require_playwright():
    """playwright.sync_api; skips without Chromium or Playwright, fails instead if REQUIRE_BROWSER=1."""
    missing = [] if Path(CHROMIUM).exists() else [CHROMIUM]
    for module in ("playwright.sync_api", "streamlit_folium"):
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append(module)
    if missing:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but missing: {missing}")
        pytest.skip(f"missing: {missing}")
    return importlib.import_module("playwright.sync_api")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("localhost", 0))
        return s.getsockname()[1]


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return parts.scheme in ("http", "https", "ws", "wss") and parts.hostname in ("localhost", "127.0.0.1")


class Recorder:
    """Aborts every non-local request and remembers what it blocked and what failed locally.

    With ``tile`` bytes, tile requests are answered with that image instead: the map as seen online.
    """

    def __init__(self, tile: bytes | None = None) -> None:
        self.tile = tile
        self.tiles: list[str] = []
        self.blocked: list[tuple[str, str]] = []
        self.local_errors: list[tuple[int, str]] = []

    def route(self, route) -> None:
        request = route.request
        if is_local(request.url):
            route.continue_()
            return
        if request.resource_type == "image" and TILE_RE.search(urlsplit(request.url).path):
            self.tiles.append(request.url)
            if self.tile is not None:
                route.fulfill(status=200, content_type="image/png", body=self.tile)
                return
        else:
            self.blocked.append((request.resource_type, request.url))
        route.abort()

    def response(self, response) -> None:
        if response.status >= 400 and is_local(response.url):
            self.local_errors.append((response.status, response.url))


def launch(p):
    return p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def wait_for_server(proc: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"streamlit exited with {proc.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"http://localhost:{port}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.25)
    pytest.fail(f"streamlit did not answer on port {port} within 60 s:\n{log.read_text()}")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


@contextmanager
def streamlit_app(script: str, log_name: str, env: dict[str, str] | None = None, stats_flag: bool = True):
    """Run ``streamlit run script`` from the repo root on a free port; yields its base URL.

    ``stats_flag=False`` leaves usage statistics to .streamlit/config.toml, to prove it is read.
    """
    ARTIFACTS.mkdir(exist_ok=True)
    port = free_port()
    log = ARTIFACTS / log_name
    cmd = [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
           "--server.address", "localhost", "--server.port", str(port)]
    if stats_flag:
        cmd += ["--browser.gatherUsageStats", "false"]
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                                env={**os.environ, **(env or {})})
    try:
        wait_for_server(proc, port, log)
        yield f"http://localhost:{port}/"
    finally:
        stop(proc)


@contextmanager
def offline_page(sync_api, url: str, width: int = 1200, height: int = 900):
    """A Chromium page on `url` with every non-local request blocked (`page.recorder` lists them); on leaving,
    the page made none and no local request failed."""
    recorder = Recorder()
    with sync_api.sync_playwright() as p:
        browser = launch(p)
        try:
            context = browser.new_context(viewport={"width": width, "height": height})
            context.route("**/*", recorder.route)
            page = context.new_page()
            page.recorder = recorder
            page.goto(url, timeout=TIMEOUT_MS)
            yield page
        finally:
            browser.close()
    assert not recorder.blocked, f"non-local requests: {recorder.blocked}"
    assert not recorder.local_errors, recorder.local_errors


def png(width: int = 256, height: int = 256, rgb: tuple[int, int, int] = (225, 236, 214)) -> bytes:
    """A plain PNG tile (stands in for network tiles)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\x00" + bytes(rgb) * width
    raw = zlib.compress(row * height)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")
