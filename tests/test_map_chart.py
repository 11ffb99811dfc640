"""geo.map.chart: the timeline."""
from __future__ import annotations

from geo.map import as_selection, timeline_chart
from map_util import fixture_incident


def test_timeline_counts_per_day_and_type():
    sel = as_selection([fixture_incident(id="a"), fixture_incident(id="b"), fixture_incident(id="c", event_date="2020-10-03",
                                                                         event_type="Riots")])
    assert sel.per_day() == [{"day": "2020-10-01", "event_type": "Battles", "incidents": 2},
                             {"day": "2020-10-03", "event_type": "Riots", "incidents": 1}]
    spec = timeline_chart(sel).to_dict()
    assert spec["mark"]["type"] == "bar" and spec["encoding"]["color"]["scale"]["domain"] == ["Battles", "Riots"]
