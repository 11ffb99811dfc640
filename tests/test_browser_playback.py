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
    return {day: label.getAttribute('data-day'), text: label.textContent, markers: n,
            basemap: document.querySelectorAll('.leaflet-basemap-pane path').length,
            drawn: document.querySelectorAll('.incident-marker, .marker-cluster').length,
            playing: document.querySelector('.playback').classList.contains('playing')};
}"""


def _count(first: str, last: str) -> int:
    return sum(_per_day(k) for k in range(DAYS) if first <= (START + timedelta(days=k)).isoformat() <= last)


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
