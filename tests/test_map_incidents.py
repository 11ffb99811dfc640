"""geo.map.incidents: the rows of the incident layer, and the styles it refuses."""
from __future__ import annotations

import pytest

from geo.map import as_selection, incident_rows, popup_html, tooltip_html
from geo.map.incidents import marker_size
from geo.map.layers import FilterLayers
from map_util import HOSTILE, fixture_incident


def test_a_row_holds_the_place_style_size_and_escaped_texts():
    i = fixture_incident(fatalities=4, injured=5, geo_precision=2, location=HOSTILE[1])
    (row,) = incident_rows(as_selection([i]))
    assert row[:3] == [40.34, 46.93, 1] and row[3:5] == ["#c0392b", "crosshairs"]
    assert row[5] == marker_size(9) > marker_size(0) and row[6] == 1  # sized by the toll, ring when approximate
    assert row[7] == tooltip_html(i) and row[8] == popup_html(i) and "<script>" not in row[7] + row[8]


def test_marker_size_grows_with_the_toll_and_is_capped():
    assert marker_size(0) < marker_size(4) < marker_size(100) == marker_size(10_000)


@pytest.mark.parametrize("color,icon", [("red;background:url(x)", "bomb"), ("#c0392b", "bomb\" onclick=\"x")])
def test_a_style_that_is_not_a_colour_and_an_icon_name_is_refused(color, icon):
    with pytest.raises(ValueError, match="bad marker style"):
        FilterLayers([[40.0, 46.0, 1, color, icon, 22, 0, "t", "p"]], name="x", legend="")


def test_rows_of_any_selection_are_each_incidents_own_whatever_was_selected_before():
    from geo.map import Filters, IncidentTable
    incs = [fixture_incident(id=f"i{k}", event_date=f"2020-10-{k + 1:02d}", fatalities=k, location=f"Town {k}")
            for k in range(6)]
    table = IncidentTable(incs)
    late = incident_rows(table.select(Filters(start="2020-10-04")))
    everything = incident_rows(table.select(Filters()))
    again = incident_rows(table.select(Filters(start="2020-10-04")))
    assert [r[10] for r in late] == ["i3", "i4", "i5"] and again == late
    assert everything == [incident_rows(as_selection([i]))[0] for i in incs]
    assert [r[5] for r in everything] == [marker_size(k) for k in range(6)]
