"""geo.map.chart: the timeline, fatalities per day and incidents by actor."""
from __future__ import annotations

from geo.map import actors_chart, as_selection, fatalities_chart, timeline_chart
from map_util import fixture_incident


def test_timeline_counts_per_day_and_type():
    sel = as_selection([fixture_incident(id="a"), fixture_incident(id="b"), fixture_incident(id="c", event_date="2020-10-03",
                                                                         event_type="Riots")])
    assert sel.per_day() == [{"day": "2020-10-01", "event_type": "Battles", "incidents": 2},
                             {"day": "2020-10-03", "event_type": "Riots", "incidents": 1}]
    spec = timeline_chart(sel).to_dict()
    assert spec["mark"]["type"] == "bar" and spec["encoding"]["color"]["scale"]["domain"] == ["Battles", "Riots"]


def test_fatalities_per_day_are_the_headline_s_conservative_tolls():
    src = fixture_incident().sources
    sel = as_selection([
        fixture_incident(id="a", event_date="2020-10-02", location="Shusha", fatalities=5),
        fixture_incident(id="b", event_date="2020-10-03", location="Shusha", fatalities=5),  # the same strike, next day
        fixture_incident(id="c", event_date="2020-10-03", location="Tartar", fatalities=2, injured=4),
        fixture_incident(id="d", event_date="2020-10-04", location="Karabakh", fatalities=2300, geo_precision=3),
        fixture_incident(id="e", event_date="2020-10-05", location="Barda", fatalities=40, time_precision=2),
        fixture_incident(id="f", event_date="2020-10-05", location="Barda", injured=3, sources=src)])
    per_day = sel.fatalities_per_day()
    assert per_day == [{"day": "2020-10-02", "fatalities": 5}, {"day": "2020-10-03", "fatalities": 2}]
    assert sum(d["fatalities"] for d in per_day) == sel.counts()["fatalities"] == 7
    spec = fatalities_chart(sel).to_dict()
    assert spec["mark"]["type"] == "bar" and spec["encoding"]["y"]["field"] == "fatalities"
    assert list(spec["datasets"].values())[0] == per_day


def test_incidents_by_actor_count_each_incident_once_per_actor_acting_or_targeted():
    sel = as_selection([fixture_incident(id="a"), fixture_incident(id="b", actor1="Armenia", actor2="Azerbaijan"),
                        fixture_incident(id="c", actor1="Armenia", actor2="Armenia"),
                        fixture_incident(id="d", actor1="Civilians (Azerbaijan)", actor2=None)])
    assert sel.per_actor() == [{"actor": "Armenia", "incidents": 3}, {"actor": "Azerbaijan", "incidents": 2},
                               {"actor": "Civilians (Azerbaijan)", "incidents": 1}]
    spec = actors_chart(sel, top=2).to_dict()
    assert list(spec["datasets"].values())[0] == sel.per_actor()[:2] and spec["encoding"]["y"]["sort"] == "-x"
    assert as_selection([]).per_actor() == [] and as_selection([]).fatalities_per_day() == []
