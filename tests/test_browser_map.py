"""The map as a user works with it, in Chromium with every non-local request blocked: popups clear of
the legend, showing why each incident was made; the offline basemap by default, named by zoom. One app
serves the tests of this module.
"""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from browser_util import (ARTIFACTS, MAP_IFRAME, TIMEOUT_MS, Recorder, launch, offline_page, require_playwright,
                          streamlit_app)
from geo import store
from geo.records import Article, Incident, Source

pytestmark = pytest.mark.browser

PLACES = [("Khankendi", 39.8177, 46.7528), ("Shusha", 39.7583, 46.7484), ("Laçın", 39.6408, 46.5469),
          ("Aghdam", 39.9911, 46.9297), ("Tartar", 40.3422, 46.9322), ("Hadrut", 39.5200, 47.0300)]
LONG = "A sentence of evidence long enough to wrap over several lines of the popup, as reports do. " * 6
NOTES = "trigger 'shelled' (attack); date from the <b>publication</b> day; place 'X' = X; actor1 unknown"


def _db(path):
    src = Source("a.txt", "https://example.org/a", "A report", "2020-10-10")
    incs = [Incident(id=f"m{k}", event_date=f"2020-10-{1 + k:02d}", time_precision=1,
                     event_type="Battles" if k % 2 else "Explosions/Remote violence", sub_event_type="Armed clash",
                     actor1="Azerbaijan" if k % 2 else "Armenia", actor2="Armenia" if k % 2 else "Azerbaijan",
                     location=name, country="AZ", admin1=None, lat=lat, lon=lon, geo_precision=1, fatalities=k,
                     claimed_by=["Azerbaijan"], sources=[src] * 3, evidence=[LONG, LONG, LONG], notes=NOTES)
            for k, (name, lat, lon) in enumerate(PLACES)]
    with store.connect(path) as conn:
        store.save_article(conn, Article("a.txt", "A report", None, [], []), incs)


@pytest.fixture(scope="module")
def sync_api():
    return require_playwright()


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    db = tmp_path_factory.mktemp("map") / "map.gpkg"
    _db(db)
    with streamlit_app("app.py", "streamlit_app_map.log", {"GEO_DB": str(db)}) as url:
        yield url


@pytest.fixture
def page(sync_api, app):
    with offline_page(sync_api, app) as page:
        page.wait_for_selector("h1", timeout=TIMEOUT_MS)
        yield page


def _frame(page):
    frame = page.wait_for_selector(MAP_IFRAME, timeout=TIMEOUT_MS).content_frame()
    frame.wait_for_selector(".incident-marker", timeout=TIMEOUT_MS)
    return frame


RECTS_JS = """() => {
    const r = s => { const b = document.querySelector(s).getBoundingClientRect();
                     return {left: b.left, right: b.right, top: b.top, bottom: b.bottom}; };
    const c = document.querySelector('.leaflet-popup-content');
    return {popup: r('.leaflet-popup-content-wrapper'), legend: r('.map-legend'), map: r('.leaflet-container'),
            scrolls: c.scrollHeight > c.clientHeight + 1, text: c.textContent};
}"""


def _overlap(a, b) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


def test_popup_shows_the_reason_and_stays_clear_of_the_legend(page):
    frame = _frame(page)
    assert page.get_by_text("Deploy", exact=True).count() == 0  # the toolbar of an offline viewer
    for k in range(frame.locator(".incident-marker").count()):
        frame.evaluate("k => document.querySelectorAll('.incident-marker')[k].click()", k)
        frame.wait_for_selector(".leaflet-popup-content", timeout=TIMEOUT_MS)
        page.wait_for_timeout(700)  # the pan that makes room for the popup
        rects = frame.evaluate(RECTS_JS)
        assert not _overlap(rects["popup"], rects["legend"]), rects
        assert rects["popup"]["top"] >= rects["map"]["top"], rects
        assert rects["scrolls"], "a popup longer than the room above the legend scrolls"
        assert "Why this incident:" in rects["text"] and "the <b>publication</b> day" in rects["text"]
        assert frame.evaluate("document.querySelectorAll('.leaflet-popup-content b').length") == 1  # the type only
        page.screenshot(path=str(ARTIFACTS / f"map_popup_{k}.png"))
        frame.evaluate("document.querySelector('.leaflet-popup-close-button').click()")
        frame.wait_for_selector(".leaflet-popup-content", state="detached", timeout=TIMEOUT_MS)


MAP_JS = "window.map_div"  # streamlit-folium's name for the map
LABELS_JS = """() => ({towns: document.querySelectorAll('.settlement-label.rank-1').length,
    villages: document.querySelectorAll('.settlement-label.rank-3').length,
    names: Array.from(document.querySelectorAll('.settlement-label')).map(e => e.textContent)})"""


def test_first_load_is_offline_with_settlement_names_by_zoom(page):
    frame = _frame(page)
    page.wait_for_timeout(1500)  # anything the first load would fetch
    assert not page.recorder.tiles, f"tiles requested on first load: {page.recorder.tiles[:3]}"
    assert frame.evaluate("document.querySelectorAll('.leaflet-tile').length") == 0
    base = frame.evaluate("document.querySelector('.leaflet-control-layers-base input:checked')"
                          ".parentElement.textContent")
    assert "Offline basemap" in base
    labels = frame.evaluate(LABELS_JS)
    assert labels["towns"] > 0 and labels["villages"] == 0, labels
    frame.evaluate(f"{MAP_JS}.setView([39.76, 46.75], 12, {{animate: false}})")
    frame.wait_for_function("document.querySelectorAll('.settlement-label.rank-3').length > 0", timeout=TIMEOUT_MS)
    near = frame.evaluate(LABELS_JS)
    assert "Shusha" in near["names"] and near["villages"] > 0, near
    page.screenshot(path=str(ARTIFACTS / "map_settlements_z12.png"))
    assert not page.recorder.tiles


VIEW_JS = "(() => { const c = window.map_div.getCenter(); return [c.lat, c.lng, window.map_div.getZoom()]; })()"
SAMPLER_JS = """() => {
    const count = () => { let n = 0; window.map_div.eachLayer(l => { if (l instanceof L.MarkerClusterGroup)
                                                                      n += l.getLayers().length; }); return n; };
    window.__probe = {samples: [], count: count};
    setInterval(() => {
        const c = document.querySelector('.leaflet-container');
        window.__probe.samples.push({basemap: document.querySelectorAll('.leaflet-basemap-pane path').length,
                                     drawn: document.querySelectorAll('.incident-marker, .marker-cluster').length,
                                     markers: count(), width: c ? c.clientWidth : 0});
    }, 100);
}"""


def test_a_filter_change_keeps_the_view_and_redraws_only_the_incidents(page):
    """The open map stays (same document, sampled every 100 ms: never blank), zoom and centre are the user's,
    the markers are the filter's, and the URL holds the view beside the filter."""
    frame = _frame(page)
    frame.evaluate(f"{MAP_JS}.setView([39.79, 46.75], 11, {{animate: false}})")
    page.wait_for_function("location.search.includes('view=39.79')", timeout=TIMEOUT_MS)
    page.wait_for_timeout(1000)  # the rerun the pan caused
    before = frame.evaluate(VIEW_JS)
    frame.evaluate(SAMPLER_JS)
    assert frame.evaluate("window.__probe.count()") == len(PLACES)
    page.get_by_text("Only incidents with casualties").click()
    frame.wait_for_function("window.__probe.count() === %d" % (len(PLACES) - 1), timeout=TIMEOUT_MS)
    page.wait_for_timeout(1500)
    assert frame.evaluate(VIEW_JS) == before
    samples = frame.evaluate("window.__probe.samples")
    assert len(samples) > 10
    blank = [s for s in samples if not (s["basemap"] and s["drawn"] and s["markers"] and s["width"])]
    assert not blank, blank[:3]
    assert "casualties=true" in page.url and "view=39.79%2C46.75%2C11" in page.url, page.url


def test_the_view_in_the_url_is_the_view_opened(page, app):
    page.goto(app + "?view=39.7583%2C46.7484%2C12", timeout=TIMEOUT_MS)
    frame = _frame(page)
    frame.wait_for_function(f"{MAP_JS}.getZoom() === 12", timeout=TIMEOUT_MS)
    lat, lon, _ = frame.evaluate(VIEW_JS)
    assert abs(lat - 39.7583) < 1e-3 and abs(lon - 46.7484) < 1e-3



def test_a_link_to_one_incident_opens_on_it_with_its_popup_open(page, app):
    page.goto(app + "?incident=m1", timeout=TIMEOUT_MS)
    frame = _frame(page)
    frame.wait_for_selector(".leaflet-popup-content", timeout=TIMEOUT_MS)
    assert "Shusha" in frame.evaluate("document.querySelector('.leaflet-popup-content').textContent")
    assert frame.evaluate("document.querySelectorAll('.leaflet-popup-content').length") == 1
    assert frame.evaluate(f"{MAP_JS}.getZoom()") >= 13  # close up (the popup's pan may move the centre)
    assert frame.evaluate(f"{MAP_JS}.getBounds().contains([39.7583, 46.7484])")
    rects = frame.evaluate(RECTS_JS)
    assert not _overlap(rects["popup"], rects["legend"]) and rects["scrolls"], rects  # as a clicked popup
    page.screenshot(path=str(ARTIFACTS / "map_incident_link.png"))

def _pick_row(page, k: int) -> None:
    """Tick row k of the incidents table (drawn on a canvas: its row-marker column, by position), once the app's
    script has run (a pick reruns it and draws the table anew)."""
    page.wait_for_function("document.querySelector('[data-testid=\"stApp\"]').getAttribute("
                           "'data-test-script-state') === 'notRunning'", timeout=TIMEOUT_MS)
    page.wait_for_timeout(300)  # the last deltas of the run laid out
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    row = 35  # Streamlit's row and header height, px
    page.mouse.click(box["x"] + 18, box["y"] + row + row * k + row / 2)


def test_a_row_of_the_table_flies_the_map_to_its_incident_and_opens_it(page):
    """Newest first: row 2 is m3 (Aghdam); then the linked one leads, and row 1 is the newest, m5 (Hadrut): the
    pick follows the reordered table, not the row index picked before."""
    frame = _frame(page)
    frame.evaluate("window.__probe = 'same map'")
    _pick_row(page, 2)
    page.wait_for_function("location.search.includes('incident=m3')", timeout=TIMEOUT_MS)
    frame.wait_for_function("document.querySelector('.leaflet-popup-content') && document.querySelector("
                            "'.leaflet-popup-content').textContent.includes('Aghdam')", timeout=TIMEOUT_MS)
    assert frame.evaluate(f"{MAP_JS}.getZoom()") >= 13
    assert frame.evaluate(f"{MAP_JS}.getBounds().contains([39.9911, 46.9297])")
    _pick_row(page, 1)
    page.wait_for_function("location.search.includes('incident=m5')", timeout=TIMEOUT_MS)
    frame.wait_for_function("document.querySelector('.leaflet-popup-content') && document.querySelector("
                            "'.leaflet-popup-content').textContent.includes('Hadrut')", timeout=TIMEOUT_MS)
    assert frame.evaluate("document.querySelectorAll('.leaflet-popup-content').length") == 1
    assert frame.evaluate(f"{MAP_JS}.getBounds().contains([39.5200, 47.0300])")
    assert frame.evaluate("window.__probe") == "same map"  # flown to, not drawn anew
    page.screenshot(path=str(ARTIFACTS / "map_table_pick.png"))


TOGGLE_JS = """(name) => {
    const label = Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label'))
        .find(l => l.textContent.trim().startsWith(name));
    label.querySelector('input').click();
}"""
LAYERS_ON_JS = """() => ({heat: document.querySelectorAll('canvas.leaflet-heatmap-layer').length,
                         markers: document.querySelectorAll('.incident-marker, .marker-cluster').length})"""


def test_the_layers_switched_on_or_off_are_kept_in_the_url_and_a_link_opens_them(page, app):
    frame = _frame(page)
    frame.evaluate("window.__probe = 'same map'")
    frame.evaluate(TOGGLE_JS, "Heat map")
    frame.evaluate(TOGGLE_JS, "Incidents")
    page.wait_for_function("location.search.includes('layers=heat%2C-incidents')", timeout=TIMEOUT_MS)
    assert frame.evaluate(LAYERS_ON_JS) == {"heat": 1, "markers": 0}
    assert frame.evaluate("window.__probe") == "same map"  # a layer switched is no redraw
    link = page.url
    page.goto(app, timeout=TIMEOUT_MS)  # without the link: the defaults
    frame = _frame(page)
    assert frame.evaluate(LAYERS_ON_JS)["heat"] == 0
    page.goto(link, timeout=TIMEOUT_MS)
    frame = page.wait_for_selector(MAP_IFRAME, timeout=TIMEOUT_MS).content_frame()
    frame.wait_for_function("document.querySelectorAll('canvas.leaflet-heatmap-layer').length === 1",
                            timeout=TIMEOUT_MS)
    assert frame.evaluate(LAYERS_ON_JS)["markers"] == 0
    checked = frame.evaluate("Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label'))"
                             ".map(l => [l.textContent.trim(), l.querySelector('input').checked])")
    assert [c for n, c in checked if n == "Heat map"] == [True] and not any(c for n, c in checked
                                                                            if n.startswith("Incidents")), checked


def test_on_a_phone_the_legend_starts_collapsed_and_stays_as_the_user_leaves_it(sync_api, app):
    recorder = Recorder()
    with sync_api.sync_playwright() as p:
        browser = launch(p)
        try:
            context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
            context.route("**/*", recorder.route)
            page = context.new_page()
            page.goto(app, timeout=TIMEOUT_MS)
            frame = _frame(page)
            legend = "document.querySelector('.map-legend details')"
            assert frame.evaluate(f"{legend}.open") is False
            box = frame.evaluate("(() => { const l = document.querySelector('.map-legend').getBoundingClientRect(),"
                                 " m = document.querySelector('.leaflet-container').getBoundingClientRect();"
                                 " return [l.width * l.height, m.width * m.height]; })()")
            assert box[0] < 0.05 * box[1], box  # a summary line, not a quarter of the map
            page.locator(MAP_IFRAME).scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / "map_phone.png"))
            frame.evaluate(f"{legend}.querySelector('summary').click()")
            assert frame.evaluate(f"{legend}.open") is True
            page.locator('[data-testid="stExpandSidebarButton"], [data-testid="stSidebarCollapsedControl"] button'
                         ).first.click()
            page.get_by_text("Only incidents with casualties").click()  # a filter change redraws the legend
            frame.wait_for_function("window.map_div && document.querySelectorAll('.incident-marker').length < %d"
                                    % len(PLACES), timeout=TIMEOUT_MS)
            assert frame.evaluate(f"{legend}.open") is True
        finally:
            browser.close()
    assert not recorder.blocked, f"non-local requests: {recorder.blocked}"


CELLS_JS = """(() => { let cells = null;  // are the incident layer's markers all cells?
    if (window.map_div) window.map_div.eachLayer(l => { if (l.allMarkers && l.allMarkers.length)
        cells = l.allMarkers.every(m => m.options.icon.options.className.includes('incident-cell')); });
    return cells === %s; })()"""


REPORTS_JS = """if (window.parent !== window) {  // in the map's frame: keep each view the component reports
    window.__reported = [];
    const post = window.parent.postMessage.bind(window.parent);
    window.parent.postMessage = (m, origin) => {
        if (m && m.type === 'streamlit:setComponentValue') window.__reported.push(m.value);
        return post(m, origin);
    };
}"""


def _assert_views_reported_are_shown(page, frame):
    """Every view the map reported (and so the URL) is the one on screen, within a pixel (Leaflet rounds
    the centre to pixels): no view from before the map settled."""
    page.wait_for_function("location.search.includes('view=')", timeout=TIMEOUT_MS)
    page.wait_for_timeout(1000)  # any later move would have been reported by now
    lat, lon, zoom = frame.evaluate(VIEW_JS)
    pixel = 360 / (256 * 2 ** zoom)
    url_lat, url_lon, url_zoom = parse_qs(urlsplit(page.url).query)["view"][0].split(",")
    reported = [(v["center"]["lat"], v["center"]["lng"], v["zoom"]) for v in frame.evaluate("window.__reported")]
    for v in [(float(url_lat), float(url_lon), int(url_zoom))] + reported:
        assert v[2] == zoom and abs(v[0] - lat) < 2 * pixel and abs(v[1] - lon) < 2 * pixel, \
            (v, (lat, lon, zoom), page.url, reported)


def test_the_first_view_reported_and_kept_in_the_url_is_the_view_shown(page, app):
    """The map opens on the incidents, and the views it reports (the URL keeps the last) are that one: an
    animated fit reported the view before it first, the theatre's centre at zoom 8, and the URL kept that
    view or the right one depending on timing."""
    page.add_init_script(REPORTS_JS)
    page.goto(app, timeout=TIMEOUT_MS)
    _assert_views_reported_are_shown(page, _frame(page))


def test_crossing_the_marker_limit_keeps_the_open_map(sync_api, tmp_path):
    """Above MARKER_LIMIT a note appears above the map; the map keeps its place and its document (not mounted anew)."""
    from geo.map import MARKER_LIMIT
    src = Source("b.txt", "https://example.org/b", "Many reports", "2020-10-10")
    incs = [Incident(id=f"c{k}", event_date=f"2020-10-{1 + k % 20:02d}", time_precision=1, event_type="Battles",
                     sub_event_type="Armed clash", actor1="Azerbaijan", actor2="Armenia", location=f"Village {k}",
                     country="AZ", admin1=None, lat=39.2 + (k % 97) / 60, lon=46.0 + (k // 97) / 60, geo_precision=1,
                     fatalities=1 if k < MARKER_LIMIT - 500 else 0, sources=[src], evidence=["Made up."])
            for k in range(MARKER_LIMIT + 200)]
    db = tmp_path / "many.gpkg"
    with store.connect(db) as conn:
        store.save_article(conn, Article("b.txt", "Many reports", None, [], []), incs)
    recorder = Recorder()
    with streamlit_app("app.py", "streamlit_app_limit.log", {"GEO_DB": str(db)}) as url, \
            sync_api.sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
            page.context.route("**/*", recorder.route)
            page.add_init_script(REPORTS_JS)
            page.goto(url, timeout=TIMEOUT_MS)
            frame = page.wait_for_selector(MAP_IFRAME, timeout=TIMEOUT_MS).content_frame()
            frame.wait_for_function(CELLS_JS % "true", timeout=TIMEOUT_MS)
            _assert_views_reported_are_shown(page, frame)
            frame.evaluate("window.__probe = 'same document'")
            page.get_by_text("Only incidents with casualties").click()
            page.get_by_text("aggregated into cells").wait_for(state="detached", timeout=TIMEOUT_MS)
            frame = page.wait_for_selector(MAP_IFRAME, timeout=TIMEOUT_MS).content_frame()
            frame.wait_for_function(CELLS_JS % "false", timeout=TIMEOUT_MS)
            assert frame.evaluate("window.__probe") == "same document"
        finally:
            browser.close()
    assert not recorder.blocked, f"non-local requests: {recorder.blocked}"
