"""The app's logic through Streamlit's AppTest (st_folium is an unknown element there: check its data instead)."""
import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT
from geo.__main__ import main
from geo.records import Incident, Source
from geo.view import Filters, build_map, filter_incidents, popup_html


@pytest.fixture
def db(tmp_path, articles_dir):
    p = tmp_path / "app.gpkg"
    main(["ingest", str(articles_dir), "--db", str(p)])
    return p


def _run(monkeypatch, db):
    monkeypatch.setenv("GEO_DB", str(db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def _shown(at) -> int:
    return int(next(m for m in at.metric if m.label == "Incidents shown").value)


def test_filters_change_what_is_shown(monkeypatch, db):
    at = _run(monkeypatch, db)
    total = _shown(at)
    assert total > 1 and len(at.session_state["shown_ids"]) == total
    at.multiselect(key="actors").select("Armenia").run()
    by_actor = _shown(at)
    assert 0 < by_actor < total
    at.multiselect(key="actors").unselect("Armenia").run()
    assert _shown(at) == total
    lo, hi = at.slider(key="dates").value
    at.slider(key="dates").set_value((hi, hi)).run()
    assert _shown(at) < total
    assert at.session_state["dates"] == (hi, hi)  # filter state survives the rerun


def test_sample_shown_without_database(monkeypatch, tmp_path):
    at = _run(monkeypatch, tmp_path / "absent.gpkg")
    assert "bundled sample" in at.caption[0].value
    assert _shown(at) > 0


def test_download_offers_geojson(monkeypatch, db):
    at = _run(monkeypatch, db)
    assert any(b.label == "Download GeoJSON snapshot" for b in at.get("download_button"))


def _incident(**kw):
    base = dict(id="x1", event_date="2020-10-01", time_precision=1, event_type="Battles",
                sub_event_type="Armed clash", actor1="Azerbaijan", actor2="Armenia", location="Tartar",
                country="AZ", admin1=None, lat=40.34, lon=46.93, geo_precision=1,
                sources=[Source("f.txt", "https://example.org/a", "T", "2020-10-01")], evidence=["E."])
    base.update(kw)
    return Incident(**base)


def test_filter_incidents_by_date_actor_type():
    a = _incident(id="a")
    b = _incident(id="b", event_date="2020-10-05", actor1="Armenia", actor2="Azerbaijan", event_type="Protests")
    assert [i.id for i in filter_incidents([a, b], Filters(start="2020-10-02"))] == ["b"]
    assert [i.id for i in filter_incidents([a, b], Filters(event_types=("Battles",)))] == ["a"]
    assert len(filter_incidents([a, b], Filters(actors=("Armenia",)))) == 2
    assert filter_incidents([a, b], Filters(actors=("Turkey",))) == []


def test_popup_escapes_hostile_text():
    evil = _incident(location="<img src=x onerror=alert(1)>", evidence=["<script>alert(2)</script>"],
                     sources=[Source("f.txt", "javascript:alert(3)", "<b onmouseover=alert(4)>t</b>", "2020-10-01")])
    h = popup_html(evil)
    assert "<script>" not in h and "<img" not in h and "<b onmouseover" not in h
    assert "javascript:" not in h
    assert "&lt;script&gt;" in h


def test_map_holds_one_marker_per_incident():
    incs = [_incident(id=str(k), lat=40 + k / 100) for k in range(5)]
    html = build_map(incs).get_root().render()
    assert html.count("L.circleMarker(") == 5
    assert "GeoNames" in html
