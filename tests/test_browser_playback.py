"""Playback in the browser, with every non-local request blocked: the incidents of the range are sent once and
the map's playback control slides a window of a day or a week through them, never blanking the map."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from browser_util import ARTIFACTS, MAP_IFRAME, TIMEOUT_MS, offline_page, require_playwright, streamlit_app
from geo import store
from geo.records import Article, Incident, Source

pytestmark = pytest.mark.browser

START, DAYS = date(2020, 9, 27), 60
PLACES = [("Khankendi", 39.8177, 46.7528), ("Shusha", 39.7583, 46.7484), ("Tartar", 40.3422, 46.9322)]


CAPTURE = date(2020, 10, 17)  # Fuzuli taken: the front playback shows changes that day


def _per_day(k: int) -> int:
    return 1 + k % 3  # one to three incidents a day, so each window has its own count


def _db(path):
    incs = []
    for k in range(DAYS):
        day = (START + timedelta(days=k)).isoformat()
        for j in range(_per_day(k)):
            name, lat, lon = PLACES[j]
            incs.append(Incident(id=f"p{k}_{j}", event_date=day, time_precision=1, event_type="Battles",
                                 sub_event_type="Armed clash", actor1="Azerbaijan", actor2="Armenia", location=name,
                                 country="AZ", admin1=None, lat=lat, lon=lon, geo_precision=1,
                                 sources=[Source(f"p{k}.txt", f"https://example.org/p{k}", "A report", day)],
                                 evidence=[f"Made-up report {k} of fighting at {name}."]))
    incs.append(Incident(id="fuzuli", event_date=CAPTURE.isoformat(), time_precision=1, event_type="Battles",
                         sub_event_type="Government regains territory", actor1="Azerbaijan", actor2=None,
                         location="Fuzuli", country="AZ", admin1=None, lat=39.60094, lon=47.14529, geo_precision=1,
                         claimed_by=["Azerbaijan"], geonameid=148106,
                         sources=[Source("c.txt", "https://example.org/c", "A capture", CAPTURE.isoformat())],
                         evidence=["Made-up report that Fuzuli was taken."]))
    with store.connect(path) as conn:
        store.save_article(conn, Article("p.txt", "Reports", None, [], []), incs)


@pytest.fixture(scope="module")
def sync_api():
    return require_playwright()


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    db = tmp_path_factory.mktemp("play") / "play.gpkg"
    _db(db)
    with streamlit_app("app.py", "streamlit_app_play.log", {"GEO_DB": str(db)}) as url:
        yield url


@pytest.fixture
def frame(sync_api, app):
    with offline_page(sync_api, app) as page:
        frame = page.wait_for_selector(MAP_IFRAME, timeout=TIMEOUT_MS).content_frame()
        frame.wait_for_selector(".playback-play:not([disabled])", timeout=TIMEOUT_MS)
        yield frame


STATE_JS = """() => {
    let n = 0;
    window.map_div.eachLayer(l => { if (l instanceof L.MarkerClusterGroup) n += l.getLayers().length; });
    const label = document.querySelector('.playback-day');
    const overlays = Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label'));
    return {day: label.getAttribute('data-day'), text: label.textContent, markers: n,
            control: overlays.map(s => s.textContent.trim()).filter(t => t.startsWith('Control areas')),
            areas: document.querySelectorAll('.leaflet-overlay-pane path').length,
            basemap: document.querySelectorAll('.leaflet-basemap-pane path').length,
            drawn: document.querySelectorAll('.incident-marker, .marker-cluster').length,
            playing: document.querySelector('.playback').classList.contains('playing')};
}"""


def _count(first: str, last: str) -> int:
    return sum(_per_day(k) for k in range(DAYS) if first <= (START + timedelta(days=k)).isoformat() <= last) + \
        (first <= CAPTURE.isoformat() <= last)


def test_play_slides_a_day_through_the_range_and_never_blanks_the_map(frame):
    assert frame.evaluate(STATE_JS)["markers"] == _count("0000", "9999")  # every day before playing
    frame.click(".playback-play")
    samples = []
    for _ in range(50):  # 10 s, every 200 ms
        samples.append(frame.evaluate(STATE_JS))
        frame.page.wait_for_timeout(200)
    frame.page.screenshot(path=str(ARTIFACTS / "map_playback.png"))
    blank = [s for s in samples if not (s["basemap"] and s["drawn"] and s["markers"])]
    assert not blank, blank[:3]
    days = [s["day"] for s in samples if s["day"]]
    advances = sum(1 for a, b in zip(days, days[1:]) if b > a)
    assert advances >= 20, days
    assert all(s["markers"] == _count(s["day"], s["day"]) for s in samples if s["day"]), samples[:5]


def test_the_front_steps_with_playback_and_comes_back_to_the_end_date(frame):
    """While playing, the control areas are those of the day shown (the front changed with the capture), one
    layer of them at a time, never none; All brings back the end date's."""
    end = (START + timedelta(days=DAYS - 1)).isoformat()
    assert frame.evaluate(STATE_JS)["control"] == [f"Control areas as of {end}"]
    frame.select_option(".playback-speed", "8")
    frame.click(".playback-play")
    samples = []
    for _ in range(40):
        samples.append(frame.evaluate(STATE_JS))
        frame.page.wait_for_timeout(100)
    frame.click(".playback-play")  # pause
    shown = [s for s in samples if s["day"]]
    assert shown and all(s["areas"] for s in shown), samples[:3]
    expected = [[f"Control areas as of {START.isoformat() if s['day'] < CAPTURE.isoformat() else CAPTURE.isoformat()}"]
                for s in shown]
    assert [s["control"] for s in shown] == expected, [(s["day"], s["control"]) for s in shown]
    assert {s["day"] < CAPTURE.isoformat() for s in shown} == {True, False}, [s["day"] for s in shown]
    frame.click(".playback-all")
    assert frame.evaluate(STATE_JS)["control"] == [f"Control areas as of {end}"]


def test_a_week_window_and_the_slider_pick_what_is_shown_and_all_brings_every_day_back(frame):
    frame.select_option(".playback-window", "week")
    frame.fill(".playback-range", "20")
    state = frame.evaluate(STATE_JS)
    last = (START + timedelta(days=20)).isoformat()
    first = (START + timedelta(days=14)).isoformat()
    assert state["day"] == last and first in state["text"] and not state["playing"], state
    assert state["markers"] == _count(first, last)
    frame.select_option(".playback-speed", "8")
    frame.click(".playback-play")
    frame.wait_for_function("document.querySelector('.playback-day').getAttribute('data-day') > '%s'" % last,
                            timeout=TIMEOUT_MS)
    frame.click(".playback-play")  # pause
    paused = frame.evaluate(STATE_JS)
    assert not paused["playing"] and paused["markers"] == _count(
        (date.fromisoformat(paused["day"]) - timedelta(days=6)).isoformat(), paused["day"])
    frame.click(".playback-all")
    assert frame.evaluate(STATE_JS)["markers"] == _count("0000", "9999")


def test_a_click_on_a_control_area_says_who_holds_it_and_which_places_the_reports_moved(frame):
    """Barda, far from any incident, lies in the Azerbaijani-held area, into which the capture moved Fuzuli."""
    x, y = frame.evaluate("(() => { const p = window.map_div.latLngToContainerPoint([40.3744, 47.1267]);"
                          " return [p.x, p.y]; })()")
    box = frame.frame_element().bounding_box()
    frame.page.mouse.click(box["x"] + x, box["y"] + y)
    frame.wait_for_selector(".control-popup", timeout=TIMEOUT_MS)
    text = frame.evaluate("document.querySelector('.control-popup').innerText")
    assert "confirmed" in text and f"Fuzuli, since {CAPTURE.isoformat()} (1 report)" in text, text
