"""The app in a real Chromium, with every non-local request blocked (Playwright, Debian's /usr/bin/chromium).

Starts `streamlit run app.py` on a free port against a database built in tmp_path, then checks what
a user sees: the map draws every filtered incident, a filter change redraws it and is written to
the URL, the snapshot downloads, and hostile article text never runs nor appears
unescaped. Screenshots go to test-artifacts/. Skips without Chromium or Playwright, unless REQUIRE_BROWSER=1.
"""
from __future__ import annotations

import json
import time
from datetime import date

import pytest

from browser_util import ARTIFACTS, MAP_IFRAME, TIMEOUT_MS, Recorder, launch, png, require_playwright, streamlit_app
from geo import store
from geo.__main__ import main
from geo.records import Article, Incident, Source

pytestmark = pytest.mark.browser

DRAWN_JS = """() => {
    let n = 0;
    document.querySelectorAll('.marker-cluster').forEach(e => { n += parseInt(e.textContent) || 0; });
    document.querySelectorAll('.incident-marker').forEach(e => { n += parseInt(e.textContent) || 1; });
    return n;
}"""


@pytest.fixture(scope="module")
def sync_api():
    return require_playwright()


def _map_frame(page):
    return page.wait_for_selector(MAP_IFRAME, timeout=TIMEOUT_MS).content_frame()


def _metric(page, label: str) -> int:
    metric = page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue")
    return int(metric.inner_text().replace(",", ""))


def _wait_drawn(page, expected: int | None = None) -> int:
    """Incidents drawn on the map (cluster counts + single markers) once they match the metric."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    drawn = shown = None
    while time.monotonic() < deadline:
        try:
            shown = _metric(page, "Incidents shown")
            frame = _map_frame(page)
            frame.wait_for_selector(".marker-cluster, .incident-marker", timeout=5000)
            drawn = frame.evaluate(DRAWN_JS)
            if drawn == shown and (expected is None or drawn == expected):
                return drawn
        except Exception:  # the iframe is replaced while the app reruns
            pass
        time.sleep(0.3)
    pytest.fail(f"map shows {drawn} incidents, metric says {shown}, expected {expected}")


def _new_page(browser, recorder: Recorder, dialogs: list):
    context = browser.new_context(viewport={"width": 1400, "height": 1050}, accept_downloads=True)
    context.route("**/*", recorder.route)
    page = context.new_page()
    page.on("response", recorder.response)
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    return page


def test_app_map_filters_url_and_download(sync_api, tmp_path, articles_dir):
    db = tmp_path / "e2e.gpkg"
    main(["ingest", str(articles_dir), "--db", str(db)])
    total = len(store.load_events(db))
    armenia = sum("Armenia" in (i.actor1, i.actor2) for i in store.load_events(db))
    assert 0 < armenia < total
    recorder, dialogs = Recorder(), []
    with streamlit_app("app.py", "streamlit_app_e2e.log", {"GEO_DB": str(db)}) as url, \
            sync_api.sync_playwright() as p:
        browser = launch(p)
        try:
            page = _new_page(browser, recorder, dialogs)
            page.goto(url, timeout=TIMEOUT_MS)
            page.wait_for_selector("h1", timeout=TIMEOUT_MS)
            assert _wait_drawn(page, total) == total
            frame = _map_frame(page)
            legend = frame.wait_for_selector(".map-legend", timeout=TIMEOUT_MS)
            assert legend.is_visible() and "Explosions 5" in legend.inner_text()
            assert frame.evaluate("document.querySelectorAll('.leaflet-basemap-pane path').length") >= 7
            assert frame.evaluate("document.querySelectorAll('img.leaflet-tile-loaded').length") == 0
            page.screenshot(path=str(ARTIFACTS / "app_offline.png"), full_page=True)
            frame.evaluate("document.querySelector('.incident-marker').click()")
            popup = frame.wait_for_selector(".leaflet-popup-content", timeout=TIMEOUT_MS)
            assert "Reported by" in popup.inner_text() and "Sources" in popup.inner_text()
            page.wait_for_timeout(500)  # the popup fades in
            page.screenshot(path=str(ARTIFACTS / "app_popup.png"), full_page=True)
            frame.evaluate("document.querySelector('.leaflet-popup-close-button').click()")

            page.get_by_test_id("stMultiSelect").filter(has_text="Actors").click()
            page.get_by_role("option", name="Armenia", exact=True).click()
            page.keyboard.press("Escape")
            assert _wait_drawn(page, armenia) == armenia
            page.wait_for_function("location.search.includes('actors=Armenia')", timeout=TIMEOUT_MS)
            shared = page.url
            page.screenshot(path=str(ARTIFACTS / "app_filtered.png"), full_page=True)

            with page.expect_download(timeout=TIMEOUT_MS) as info:
                page.get_by_role("button", name="Download GeoJSON snapshot").click()
            download = info.value
            path = ARTIFACTS / "app_snapshot.geojson"
            download.save_as(str(path))
            fc = json.loads(path.read_text(encoding="utf-8"))
            assert download.suggested_filename.endswith(".geojson")
            assert sum(f["properties"]["layer"] == "incident" for f in fc["features"]) == armenia
            assert fc["metadata"]["filters"]["actors"] == ["Armenia"]
            assert fc["metadata"]["counts"]["incidents"] == armenia

            other = _new_page(browser, recorder, dialogs)  # the URL alone restores the view
            other.goto(shared, timeout=TIMEOUT_MS)
            assert _wait_drawn(other, armenia) == armenia
            other.close()
        finally:
            browser.close()
    assert not dialogs, dialogs
    assert not recorder.blocked, f"non-local requests besides tiles: {recorder.blocked}"
    assert not recorder.local_errors, f"local requests that failed: {recorder.local_errors}"


def test_app_with_network_tiles(sync_api, tmp_path, articles_dir):
    db = tmp_path / "tiles.gpkg"
    main(["ingest", str(articles_dir), "--db", str(db)])
    recorder = Recorder(tile=png())
    with streamlit_app("app.py", "streamlit_app_tiles.log", {"GEO_DB": str(db)}) as url, \
            sync_api.sync_playwright() as p:
        browser = launch(p)
        try:
            page = _new_page(browser, recorder, [])
            page.goto(url, timeout=TIMEOUT_MS)
            _wait_drawn(page)
            frame = _map_frame(page)
            frame.evaluate("Array.from(document.querySelectorAll('.leaflet-control-layers-base label'))"
                           ".find(l => l.textContent.includes('OpenStreetMap')).querySelector('input').click()")
            frame.wait_for_function("document.querySelectorAll('img.leaflet-tile-loaded').length > 0",
                                    timeout=TIMEOUT_MS)
            assert frame.wait_for_selector(".map-legend").is_visible()
            page.screenshot(path=str(ARTIFACTS / "app_tiles.png"), full_page=True)
        finally:
            browser.close()
    assert recorder.tiles and not recorder.blocked and not recorder.local_errors


HOSTILE = {
    "title": "</script><script>alert('title')</script>",
    "location": "<img src=x onerror=alert('location')>",
    "evidence": ["{{ 6*7 }}{% for x in [1, 2] %}X{% endfor %}", "<script>alert('evidence')</script>",
                 "${alert('template')}", "\\`);alert('backtick');//", "'); alert('quote'); ('",
                 '"><svg onload=alert("svg")>'],
    "url": "javascript:alert('url')",
}


def _hostile_db(path):
    src = Source("evil.txt", HOSTILE["url"], HOSTILE["title"], "2020-10-10")
    incs = [Incident(id=f"evil{k}", event_date="2020-10-10", time_precision=1, event_type="Battles",
                     sub_event_type="<b onmouseover=alert('type')>Armed clash</b>",
                     actor1="<script>alert('actor')</script>", actor2="Armenia", location=HOSTILE["location"],
                     country="AZ", admin1="<i onclick=alert(1)>x</i>", lat=39.4 + k * 0.5, lon=46.2 + k * 0.6,
                     geo_precision=1, fatalities=1, claimed_by=["<img src=y onerror=alert('claim')>"],
                     denied_by=["${alert('denied')}"], sources=[src],
                     evidence=HOSTILE["evidence"][3 * (k % 2):] + HOSTILE["evidence"][:3 * (k % 2)])
            for k in range(3)]
    with store.connect(path) as conn:
        store.save_article(conn, Article("evil.txt", HOSTILE["title"], date(2020, 10, 10), [], [], url=HOSTILE["url"]),
                           incs)


RAW_TAGS = ("<script>alert", "<img src=x", "<img src=y", "<svg onload", "<b onmouseover", "<i onclick")
LIVE_JS = """() => ({
    handlers: document.querySelectorAll('[onerror],[onload],[onmouseover],[onclick]').length,
    jsLinks: document.querySelectorAll('a[href^="javascript" i]').length,
    alerts: Array.from(document.scripts).filter(s => /alert\\(/.test(s.textContent)
        && !/\\\\u003c|&lt;/.test(s.textContent)).length,
    injected: document.querySelectorAll('svg[onload], img[src="x"], img[src="y"]').length,
})"""


def test_hostile_article_text_never_runs(sync_api, tmp_path):
    db = tmp_path / "hostile.gpkg"
    _hostile_db(db)
    recorder, dialogs = Recorder(), []
    with streamlit_app("app.py", "streamlit_app_hostile.log", {"GEO_DB": str(db)}) as url, \
            sync_api.sync_playwright() as p:
        browser = launch(p)
        try:
            page = _new_page(browser, recorder, dialogs)
            page.goto(url, timeout=TIMEOUT_MS)
            assert _wait_drawn(page, 3) == 3
            frame = _map_frame(page)
            popups = []
            for k in range(3):
                marker = frame.locator(".incident-marker").nth(k)
                marker.hover()
                tooltip = frame.wait_for_selector(".leaflet-tooltip-top", timeout=TIMEOUT_MS)
                assert "<img src=x onerror=alert('location')>" in tooltip.text_content()
                marker.click()
                content = frame.wait_for_selector(".leaflet-popup-content", timeout=TIMEOUT_MS)
                popups.append((content.inner_html(), content.text_content()))
                state = frame.evaluate(LIVE_JS)
                assert state == {"handlers": 0, "jsLinks": 0, "alerts": 0, "injected": 0}, state
                frame.evaluate("document.querySelector('.leaflet-popup-close-button').click()")
                frame.wait_for_selector(".leaflet-popup-content", state="detached", timeout=TIMEOUT_MS)
            page.wait_for_timeout(1000)
            page.screenshot(path=str(ARTIFACTS / "app_hostile.png"), full_page=True)
            dom = frame.content()
            for tag in RAW_TAGS:
                assert tag not in dom, tag
            inner = "".join(i for i, _ in popups)
            text = "".join(t for _, t in popups)
            assert "&lt;script&gt;alert('evidence')&lt;/script&gt;" in inner and "<a " not in inner  # no js: link
            for shown in HOSTILE["evidence"] + [HOSTILE["title"], HOSTILE["location"]]:
                assert shown in text, shown  # shown as text, neither run nor evaluated on the server
            main_state = page.evaluate(LIVE_JS)
            assert main_state["handlers"] == 0 and main_state["jsLinks"] == 0 and main_state["injected"] == 0
        finally:
            browser.close()
    assert not dialogs, dialogs
    assert not recorder.blocked and not recorder.local_errors
