"""Real-browser proof that folium maps need nothing but the local Streamlit server.

Runs tests/apps/offline_map_app.py under `streamlit run` from the repo root (so
.streamlit/config.toml applies), opens it in Chromium with every non-localhost request
aborted, and checks the map, its markers, icons and fonts all rendered. Tile requests are
expected to be blocked and are reported separately. Screenshots go to test-artifacts/.
Skips without /usr/bin/chromium or Playwright, unless REQUIRE_BROWSER=1.
"""
from __future__ import annotations

import sys

import pytest

from browser_util import ARTIFACTS, ROOT, TIMEOUT_MS, Recorder, launch, require_playwright, streamlit_app

pytestmark = pytest.mark.browser

APP = "tests/apps/offline_map_app.py"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from geo.map.offline import ATTRIBUTION, add_attribution, inline_html  # noqa: E402


@pytest.fixture(scope="module")
def sync_api():
    return require_playwright()


def _check_map(frame, recorder: Recorder) -> None:
    frame.wait_for_selector(".leaflet-container", timeout=TIMEOUT_MS)
    frame.wait_for_selector(".marker-cluster", timeout=TIMEOUT_MS)
    frame.wait_for_selector("path.leaflet-interactive", timeout=TIMEOUT_MS)
    frame.wait_for_function(
        "Array.from(document.querySelectorAll('img.leaflet-marker-icon'))"
        ".every(i => i.complete) && document.querySelectorAll('img.leaflet-marker-icon').length >= 3",
        timeout=TIMEOUT_MS,
    )
    frame.evaluate("document.fonts.ready.then(() => true)")

    state = frame.evaluate(
        """() => ({
            icons: Array.from(document.querySelectorAll('img.leaflet-marker-icon'))
                .map(e => ({src: e.src, ok: e.complete && e.naturalWidth > 0})),
            awesome: Array.from(document.querySelectorAll('[class*="awesome-marker-icon-"]'))
                .map(e => ({cls: e.className, glyph: e.querySelector('i').className,
                            bg: getComputedStyle(e).backgroundImage,
                            content: getComputedStyle(e.querySelector('i'), '::before').content})),
            clusters: Array.from(document.querySelectorAll('.marker-cluster')).map(e => e.textContent.trim()),
            paths: document.querySelectorAll('path.leaflet-interactive').length,
            heat: document.querySelectorAll('canvas.leaflet-heatmap-layer').length,
            fullscreen: document.querySelectorAll('.leaflet-control-zoom-fullscreen').length,
            measure: document.querySelectorAll('.leaflet-control-measure').length,
            attribution: (document.querySelector('.leaflet-control-attribution') || {}).textContent || '',
            fonts: Array.from(document.fonts).filter(f => f.status !== 'unloaded')
                .map(f => f.family.replace(/["']/g, '') + ':' + f.status),
        })"""
    )
    assert len(state["icons"]) == 3, state["icons"]
    assert all(i["ok"] for i in state["icons"]), f"default marker images did not load: {state['icons']}"
    assert len(state["awesome"]) == 2, state["awesome"]
    for icon in state["awesome"]:
        assert icon["bg"].startswith("url("), icon
        assert icon["content"] not in ("none", "normal", ""), icon
    assert state["clusters"] == ["10"], state["clusters"]
    assert state["paths"] == 2, state
    assert state["heat"] == 1, state
    assert state["fullscreen"] == 1 and state["measure"] == 1, state
    assert ATTRIBUTION in state["attribution"], state["attribution"]
    loaded = {f.split(":")[0] for f in state["fonts"] if f.endswith(":loaded")}
    assert {"Glyphicons Halflings", "Font Awesome 6 Free"} <= loaded, state["fonts"]

    assert not recorder.blocked, f"non-local requests besides tiles: {recorder.blocked}"
    assert not recorder.local_errors, f"local requests that failed: {recorder.local_errors}"


def test_streamlit_map_loads_everything_locally(sync_api):
    recorder = Recorder()
    with streamlit_app(APP, "streamlit_offline_map.log", stats_flag=False) as url, sync_api.sync_playwright() as p:
        browser = launch(p)
        try:
            context = browser.new_context(viewport={"width": 1100, "height": 800})
            context.route("**/*", recorder.route)
            page = context.new_page()
            page.on("response", recorder.response)
            page.goto(url, timeout=TIMEOUT_MS)
            page.wait_for_selector("h1", timeout=TIMEOUT_MS)
            iframe = page.wait_for_selector('iframe[title="streamlit_folium.st_folium"]', timeout=TIMEOUT_MS)
            frame = iframe.content_frame()
            try:
                _check_map(frame, recorder)
            finally:
                page.screenshot(path=str(ARTIFACTS / "offline_map.png"))
        finally:
            browser.close()
    print(f"blocked {len(recorder.tiles)} tile requests (expected offline), e.g. {recorder.tiles[:2]}")


def test_inline_html_renders_without_network(sync_api):
    import folium
    import folium.plugins

    m = folium.Map(location=[48.5, 35.0], zoom_start=7)
    for lon in (34.2, 34.6, 35.0):
        folium.Marker([48.9, lon]).add_to(m)
    folium.Marker([48.9, 35.4], icon=folium.Icon(icon="info-sign")).add_to(m)
    folium.Marker([48.9, 35.8], icon=folium.Icon(icon="fire", prefix="fa", color="red")).add_to(m)
    cluster = folium.plugins.MarkerCluster().add_to(m)
    for i in range(10):
        folium.Marker([48.0 + i * 0.002, 35.0 + i * 0.002]).add_to(cluster)
    folium.GeoJson(
        {"type": "LineString", "coordinates": [[35.6, 47.6], [36.4, 48.3]]},
    ).add_to(m)
    folium.GeoJson(
        {"type": "Polygon", "coordinates": [[[33.5, 47.6], [34.3, 47.6], [34.3, 48.2], [33.5, 47.6]]]},
    ).add_to(m)
    folium.plugins.HeatMap([[48.3, 36.0, 1.0]]).add_to(m)
    folium.plugins.Fullscreen().add_to(m)
    folium.plugins.MeasureControl().add_to(m)
    add_attribution(m)
    html = inline_html(m)

    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "inline_map.html"
    path.write_text(html, encoding="utf-8")
    recorder = Recorder()
    with sync_api.sync_playwright() as p:
        browser = launch(p)
        try:
            context = browser.new_context(viewport={"width": 1000, "height": 700})
            context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                          else recorder.route(route))
            page = context.new_page()
            page.goto(path.as_uri(), timeout=TIMEOUT_MS)
            try:
                _check_map(page.main_frame, recorder)
            finally:
                page.screenshot(path=str(ARTIFACTS / "inline_map.png"))
        finally:
            browser.close()
