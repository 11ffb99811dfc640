"""The app's logic through Streamlit's AppTest (st_folium is an unknown element there: check its data instead)."""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, timedelta

import pytest
import streamlit.elements.widgets.button as st_button
from streamlit.testing.v1 import AppTest

from conftest import ROOT
from geo import store
from geo.__main__ import main
from geo.records import Article, Incident, Source
from geo.map import ACLED_COLUMNS, EXTRA_COLUMNS, MARKER_LIMIT


@pytest.fixture
def db(tmp_path, articles_dir):
    p = tmp_path / "app.gpkg"
    main(["ingest", str(articles_dir), "--db", str(p)])
    return p


@pytest.fixture
def downloads(monkeypatch):
    """What each download button offers, by file name (deferred data is generated, as a click would)."""
    offered: dict[str, bytes] = {}
    original = st_button.marshall_file

    def capture(coordinates, data, proto, mimetype, file_name=None, **kw):
        content = data() if callable(data) else data
        offered[file_name] = content.encode("utf-8") if isinstance(content, str) else content
        return original(coordinates, data, proto, mimetype, file_name, **kw)

    monkeypatch.setattr(st_button, "marshall_file", capture)
    return offered


def _app(monkeypatch, db, query: dict | None = None) -> AppTest:
    monkeypatch.setenv("GEO_DB", str(db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if query:
        at.query_params.update(query)
    return at


def _run(monkeypatch, db, query: dict | None = None) -> AppTest:
    at = _app(monkeypatch, db, query)
    at.run()
    assert not at.exception, at.exception
    return at


def _shown(at) -> int:
    return int(next(m for m in at.metric if m.label == "Incidents shown").value.replace(",", ""))


def test_filters_change_what_is_shown(monkeypatch, db):
    at = _run(monkeypatch, db)
    total = _shown(at)
    assert total > 1
    at.multiselect(key="actors").select("Armenia").run()
    by_actor = _shown(at)
    assert 0 < by_actor < total
    at.multiselect(key="actors").unselect("Armenia").run()
    assert _shown(at) == total
    at.multiselect(key="by").select("Azerbaijan").run()
    assert 0 < _shown(at) < total
    at.multiselect(key="by").set_value([]).run()
    at.checkbox(key="casualties").check().run()
    with_casualties = _shown(at)
    assert 0 < with_casualties < total
    at.checkbox(key="casualties").uncheck().run()
    at.text_input(key="q").input("tart").run()
    assert _shown(at) == 1
    at.text_input(key="q").input("").run()
    lo, hi = at.slider(key="dates").value
    at.slider(key="dates").set_value((hi, hi)).run()
    assert _shown(at) < total
    assert at.session_state["dates"] == (hi, hi)  # filter state survives the rerun
    at.run()
    assert at.session_state["dates"] == (hi, hi) and _shown(at) < total


def test_query_parameters_set_the_filters(monkeypatch, db):
    at = _run(monkeypatch, db)
    total = _shown(at)
    lo, hi = at.slider(key="dates").value
    at = _run(monkeypatch, db, {"actors": ["Armenia", "Nobody"], "dates": [lo.isoformat(), lo.isoformat()],
                                "casualties": "true", "q": "Tartar"})
    assert at.multiselect(key="actors").value == ["Armenia"]  # unknown values are dropped
    assert at.slider(key="dates").value == (lo, lo)
    assert at.checkbox(key="casualties").value is True and at.text_input(key="q").value == "Tartar"
    assert 0 < _shown(at) < total


def test_downloads_offer_valid_geojson_csv_and_geopackage(monkeypatch, db, downloads, tmp_path):
    at = _run(monkeypatch, db)
    at.multiselect(key="actors").select("Armenia").run()
    shown = _shown(at)
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Download GeoJSON snapshot", "Download CSV (ACLED columns)", "Download GeoPackage"]
    name = next(n for n in downloads if n.endswith(".geojson"))
    fc = json.loads(downloads[name])
    incidents = [f for f in fc["features"] if f["properties"]["layer"] == "incident"]
    assert fc["type"] == "FeatureCollection" and len(incidents) == shown
    assert fc["metadata"]["filters"]["actors"] == ["Armenia"]
    assert fc["metadata"]["counts"]["incidents"] == shown and fc["metadata"]["exported_at"]
    assert fc["metadata"]["front_line_as_of"] in (None, fc["metadata"]["filters"]["end"])
    for f in incidents:
        assert f["geometry"]["type"] == "Point" and len(f["geometry"]["coordinates"]) == 2
    rows = list(csv.DictReader(io.StringIO(downloads[name.replace(".geojson", ".csv")].decode("utf-8"))))
    assert list(rows[0]) == ACLED_COLUMNS + EXTRA_COLUMNS and len(rows) == shown
    gpkg = tmp_path / "export.gpkg"
    gpkg.write_bytes(downloads[name.replace(".geojson", ".gpkg")])
    import geopandas as gpd
    assert len(gpd.read_file(gpkg, layer="incidents")) == shown


def test_sample_shown_without_database(monkeypatch, tmp_path):
    at = _run(monkeypatch, tmp_path / "absent.gpkg")
    assert "bundled sample" in at.caption[0].value
    assert _shown(at) > 0


def test_upload_ingests_into_the_database_and_updates_the_map(monkeypatch, tmp_path, articles_dir):
    db = tmp_path / "uploaded.gpkg"
    at = _run(monkeypatch, db)
    assert "bundled sample" in at.caption[0].value
    files = [(p.name, p.read_bytes(), "text/plain") for p in sorted(articles_dir.iterdir())]
    at.file_uploader[0].set_value(files).run()
    at.button(key="ingest").click().run()
    assert not at.exception, at.exception
    report = at.session_state["ingest_report"]
    assert [r["file"] for r in report] == [f[0] for f in files]
    assert [r["ingested"] for r in report] == [True, True, False, False]
    assert "no publication date" in report[2]["reason"]
    assert db.exists() and f"database {db}" in at.caption[0].value
    assert _shown(at) == sum(r["incidents"] for r in report) > 0
    assert at.button(key="ingest").disabled  # the uploader was reset: nothing is ingested twice
    assert "created the database" in " ".join(c.value for c in at.caption)
    at.file_uploader[0].set_value(files).run()  # the same files again
    at.button(key="ingest").click().run()
    again = at.session_state["ingest_report"]
    assert [r["status"] for r in again] == ["unchanged", "unchanged", "skipped", "skipped"]
    assert [r["incidents"] for r in again[:2]] == [r["incidents"] for r in report[:2]]
    text = at.text[0].value
    assert all(f"{r['file']}: {r['status']}: {r['reason']}" in text for r in again)  # every reason, in full
    assert "0 ingested, 2 unchanged, 2 skipped" in " ".join(c.value for c in at.caption)
    assert not any("created the database" in c.value for c in at.caption)


def test_the_first_upload_says_it_starts_a_database_instead_of_the_sample(monkeypatch, tmp_path):
    db = tmp_path / "new.gpkg"
    at = _run(monkeypatch, db)
    assert any("bundled sample" in i.value and "first ingest creates" in i.value and str(db) in i.value
               for i in at.info)


def _synthetic_db(path, n: int):
    incs = [Incident(id=f"s{k}", event_date=f"2020-10-{1 + k % 30:02d}", time_precision=1,
                     event_type="Battles" if k % 3 else "Explosions/Remote violence", sub_event_type="Armed clash",
                     actor1="Azerbaijan" if k % 2 else "Armenia", actor2="Armenia", location=f"Village {k % 500}",
                     country="AZ", admin1=None, lat=39.2 + (k % 97) / 60, lon=46.0 + (k % 89) / 50, geo_precision=1,
                     fatalities=k % 4, sources=[Source("s.txt", None, "Synthetic", "2020-10-01")])
            for k in range(n)]
    with store.connect(path) as conn:
        store.save_article(conn, Article("s.txt", "Synthetic", None, [], []), incs)


def test_many_incidents_are_aggregated_on_the_map(monkeypatch, tmp_path):
    db = tmp_path / "big.gpkg"
    _synthetic_db(db, MARKER_LIMIT + 500)
    at = _run(monkeypatch, db)
    assert _shown(at) == MARKER_LIMIT + 500 and at.session_state["map_mode"] == "cells"
    assert any("aggregated into cells" in c.value for c in at.caption)
    at.multiselect(key="actors").select("Armenia").run()
    assert at.session_state["map_mode"] == "cells"
    at.slider(key="dates").set_value((at.slider(key="dates").value[0],) * 2).run()
    assert at.session_state["map_mode"] == "incidents"


def test_unreadable_database_shows_an_error_and_the_sample(monkeypatch, tmp_path):
    bad = tmp_path / "bad.gpkg"
    bad.write_text("not a geopackage")
    at = _run(monkeypatch, bad)
    assert "not an incident GeoPackage" in at.error[0].value
    assert "database unreadable" in at.caption[0].value and _shown(at) > 0


def _toll_db(path):
    src, other = Source("a.txt", None, "A", "2020-10-05"), Source("b.txt", None, "B", "2020-10-05")

    def inc(k, day, location, fatalities, sources, time_precision=1, geo_precision=1):
        return Incident(id=f"t{k}", event_date=day, time_precision=time_precision, event_type="Battles",
                        sub_event_type="Armed clash", actor1="Azerbaijan", actor2="Armenia", location=location,
                        country="AZ", admin1=None, lat=39.8, lon=46.7 + k / 10, geo_precision=geo_precision,
                        fatalities=fatalities, sources=sources)

    incs = [inc(0, "2020-10-02", "Shusha", 5, [src]), inc(1, "2020-10-03", "Shusha", 5, [src]),  # one strike, two days
            inc(2, "2020-10-04", "Shusha", 5, [other]),  # another source, another day: counted
            inc(3, "2020-10-01", "Tartar", 2, [src]),
            inc(4, "2020-10-05", "Nagorno-Karabakh", 2300, [src], geo_precision=3),  # a region's figure
            inc(5, "2020-10-06", "Tartar", 40, [src], time_precision=2)]  # a week's figure
    with store.connect(path) as conn:
        store.save_article(conn, Article("a.txt", "A", None, [], []), incs)


def test_headline_counts_conservative_tolls_and_table_is_newest_first(monkeypatch, tmp_path):
    db = tmp_path / "tolls.gpkg"
    _toll_db(db)
    at = _run(monkeypatch, db)
    fatalities = next(m for m in at.metric if m.label == "Reported fatalities")
    assert fatalities.value == "12" and "conservative" in fatalities.help
    days = list(at.dataframe[-1].value["date"])
    assert days == sorted(days, reverse=True) and len(days) == 6
    assert not at.info and at.get("vega_lite_chart")
    at.text_input(key="q").input("nowhere").run()
    assert _shown(at) == 0 and at.info[0].value == "No incident matches the filters."
    assert not at.get("vega_lite_chart")


def _named_db(path):
    """Incidents stored under GeoNames' names, which news spell otherwise."""
    places = [("Khankendi", 146970), ("Laçın", 147625), ("Shusha", 147105), ("Aghdam", 148619), ("Tartar", 584871)]
    incs = [Incident(id=f"n{k}", event_date=f"2020-10-{1 + 3 * k:02d}", time_precision=1, event_type="Battles",
                     sub_event_type="Armed clash", actor1="Azerbaijan", actor2="Armenia", location=name, country="AZ",
                     admin1=None, lat=39.8, lon=46.7 + k / 10, geo_precision=1, geonameid=gid,
                     sources=[Source("n.txt", None, "N", "2020-10-20")])
            for k, (name, gid) in enumerate(places)]
    with store.connect(path) as conn:
        store.save_article(conn, Article("n.txt", "N", None, [], []), incs)


@pytest.mark.parametrize("query, location", [("Stepanakert", "Khankendi"), ("Lachin", "Laçın"),
                                             ("Shushi", "Shusha"), ("Ağdam", "Aghdam"), ("khank", "Khankendi")])
def test_place_search_finds_incidents_by_any_name(monkeypatch, tmp_path, query, location):
    db = tmp_path / "named.gpkg"
    _named_db(db)
    at = _run(monkeypatch, db, {"q": query})
    assert _shown(at) == 1 and list(at.dataframe[-1].value["location"]) == [location]


def test_quick_date_choices(monkeypatch, tmp_path):
    db = tmp_path / "named.gpkg"
    _named_db(db)
    at = _run(monkeypatch, db)
    lo, hi = at.slider(key="dates").value
    at.button(key="quick_last_day").click().run()
    assert at.slider(key="dates").value == (hi, hi) and _shown(at) == 1
    at.slider(key="dates").set_value((lo, hi)).run()
    at.button(key="quick_last_7_days").click().run()
    assert at.slider(key="dates").value == (hi - timedelta(days=6), hi) and _shown(at) == 3
    at.button(key="quick_one_day").click().run()
    start = at.slider(key="dates").value[0]
    assert at.slider(key="dates").value == (start, start) and _shown(at) == 1


def test_control_evidence_beside_the_map(monkeypatch, tmp_path):
    """Made-up front reports: the app lists each place the reports moved, with its holder, status and history,
    and the reports for and against the chosen place."""
    db = tmp_path / "front.gpkg"
    main(["ingest", str(ROOT / "tests" / "fixtures" / "front"), "--db", str(db)])
    at = _run(monkeypatch, db)
    assert any(h.value.startswith("Who holds what") for h in at.subheader)
    places = next(d.value for d in at.dataframe if "holder" in d.value.columns)
    held = {r["place"]: (r["holder"], r["status"]) for _, r in places.iterrows()}
    assert held["Shusha"] == ("azerbaijani", "confirmed")
    assert held["Martakert"] == ("armenian", "confirmed")  # the premature claim undone, as in the export
    at.selectbox(key="evidence_place").select("Fuzuli").run()
    reports = next(d.value for d in at.dataframe if "role" in d.value.columns)
    assert set(reports["place"]) == {"Fuzuli"} and set(reports["role"]) == {"capture", "denial", "concession"}
    steps = re.findall(r'\["(\d{4}-\d\d-\d\d)",\{"control"', _map_args(at)["feature_group"])
    assert len(steps) >= 3 and steps == sorted(steps), steps  # playback's front: the start, then each change
    assert at.slider(key="dates").value[0].isoformat() == steps[0]


def _dated_db(path, days):
    incs = [Incident(id=f"d{k}", event_date=day, time_precision=1, event_type="Battles", sub_event_type="Armed clash",
                     actor1="Azerbaijan", actor2="Armenia", location="Tartar", country="AZ", admin1=None, lat=40.34,
                     lon=46.93, geo_precision=1, geonameid=584871, sources=[Source("d.txt", None, "D", "2020-10-20")])
            for k, day in enumerate(days)]
    with store.connect(path) as conn:
        store.save_article(conn, Article("d.txt", "D", None, [], []), incs)


@pytest.mark.parametrize("days", [["2020-10-05", "9999-12-31", "0001-01-01"], ["9999-12-31"], ["1500-06-01", "2300-01-01"]])
def test_any_date_in_the_store_leaves_the_app_up(monkeypatch, tmp_path, days):
    """Dates no slider can hold (a JavaScript date ends in 275760, Streamlit's microseconds in 2255) are left out of
    the date filter and said so; the rest of the store is shown."""
    db = tmp_path / "dates.gpkg"
    _dated_db(db, days)
    at = _run(monkeypatch, db)
    inside = [d for d in days if "1700-01-01" <= d <= "2250-12-31"]
    assert (_shown(at) if inside else len(at.metric)) == len(inside)
    assert any(f"{len(days) - len(inside)} incident(s) dated outside" in w.value for w in at.warning)


def test_an_article_can_be_removed_from_the_app(monkeypatch, db):
    before = _shown(_run(monkeypatch, db))
    at = _run(monkeypatch, db)
    stored = store.articles(db)
    gone = next(a for a in stored if a["n_incidents"])
    at.multiselect(key="remove_ids").select(gone["article_id"]).run()
    at.button(key="remove").click().run()
    assert not at.exception
    assert [a["article_id"] for a in store.articles(db)] == [a["article_id"] for a in stored if a is not gone]
    assert _shown(at) < before
    assert any("Removed 1 article(s)" in c.value for c in at.caption)


def _map_args(at) -> dict:
    """What the app handed to st_folium (an unknown element to AppTest): centre, zoom, the layers' script."""
    return json.loads(at.get("component_instance")[0].proto.json_args)


def test_a_link_to_one_incident_opens_the_map_on_it(monkeypatch, tmp_path):
    db = tmp_path / "named.gpkg"
    _named_db(db)
    at = _run(monkeypatch, db)
    assert _map_args(at)["center"] is None and '"focus":""' in _map_args(at)["feature_group"]
    ids, locations = list(at.dataframe[-1].value["id"]), list(at.dataframe[-1].value["location"])
    wanted = ids[-1]  # the oldest: last in the table until a link points at it
    at = _run(monkeypatch, db, {"incident": wanted})
    args = _map_args(at)
    assert args["center"] == [39.8, 46.7] and args["zoom"] == 13  # Khankendi, n0, close up
    assert f'"focus":"{wanted}"' in args["feature_group"]
    assert list(at.dataframe[-1].value["id"]) == [wanted] + ids[:-1] and at.dataframe[-1].value["location"][0] == \
        locations[-1]
    assert not at.warning
    at.checkbox(key="casualties").check().run()  # none has casualties: the linked one is filtered out
    assert "hidden by the filters" in at.warning[0].value and not at.exception


def test_a_link_to_an_unknown_incident_says_so(monkeypatch, tmp_path):
    db = tmp_path / "named.gpkg"
    _named_db(db)
    at = _run(monkeypatch, db, {"incident": "no-such-id"})
    assert "No incident with the id 'no-such-id'" in at.warning[0].value
    assert _map_args(at)["center"] is None and _shown(at) == 5


def _chart_data(chart) -> list[dict]:
    """The rows an altair chart hands to the browser (Arrow in the element; AppTest does not decode it)."""
    from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
    name = json.loads(chart.proto.spec)["data"]["name"]
    data = next(d for d in chart.proto.datasets if d.name == name).data.data
    return convert_arrow_bytes_to_pandas_df(data).to_dict("records")


def test_charts_of_fatalities_per_day_and_incidents_by_actor(monkeypatch, tmp_path):
    db = tmp_path / "tolls.gpkg"
    _toll_db(db)
    at = _run(monkeypatch, db)
    assert [h.value for h in at.subheader][:3] == ["Incidents per day", "Reported fatalities per day",
                                                    "Incidents by actor"]
    timeline, fatalities, actors = at.get("vega_lite_chart")
    per_day = _chart_data(fatalities)
    assert per_day == [{"day": "2020-10-01", "fatalities": 2}, {"day": "2020-10-02", "fatalities": 5},
                       {"day": "2020-10-04", "fatalities": 5}]  # one strike on two days once; no region, no week
    assert sum(d["fatalities"] for d in per_day) == int(next(m for m in at.metric
                                                              if m.label == "Reported fatalities").value) == 12
    assert _chart_data(actors) == [{"actor": "Armenia", "incidents": 6}, {"actor": "Azerbaijan", "incidents": 6}]
    at.slider(key="dates").set_value((date(2020, 10, 1), date(2020, 10, 2))).run()
    assert _chart_data(at.get("vega_lite_chart")[1]) == per_day[:2]


def test_a_chart_of_incidents_by_region_in_english_spelling(monkeypatch, tmp_path):
    """Regions are the places' first-level areas, spelled as English news do; region-wide reports are left out."""
    regions = [("Tǝrtǝr", "AZ"), ("Tǝrtǝr", "AZ"), ("Syunik", "AM"), (None, "AZ")]
    incs = [Incident(id=f"r{k}", event_date=f"2020-10-0{1 + k}", time_precision=1, event_type="Battles",
                     sub_event_type="Armed clash", actor1="Azerbaijan", actor2="Armenia", location=f"Place {k}",
                     country=country, admin1=admin1, lat=39.8, lon=46.7 + k / 10, geo_precision=1,
                     sources=[Source("r.txt", None, "R", "2020-10-05")]) for k, (admin1, country) in enumerate(regions)]
    db = tmp_path / "regions.gpkg"
    with store.connect(db) as conn:
        store.save_article(conn, Article("r.txt", "R", None, [], []), incs)
    at = _run(monkeypatch, db)
    assert "Incidents by region" in [h.value for h in at.subheader]
    assert _chart_data(at.get("vega_lite_chart")[3]) == [{"region": "Tartar", "incidents": 2},
                                                         {"region": "Syunik", "incidents": 1}]
    at.slider(key="dates").set_value((date(2020, 10, 3), date(2020, 10, 4))).run()
    assert _chart_data(at.get("vega_lite_chart")[3]) == [{"region": "Syunik", "incidents": 1}]
