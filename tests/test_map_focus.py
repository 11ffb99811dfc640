"""geo.map.focus: a link to one incident (?incident=ID): where the map opens, which popup, which row first."""
from __future__ import annotations

import json

from geo.map import FOCUS_ZOOM, Filters, IncidentTable, filter_layers, find_focus, in_selection, table_rows
from map_util import HOSTILE, fixture_incident


def _table():
    return IncidentTable([fixture_incident(id=f"f{k}", event_date=f"2020-10-0{1 + k}", lat=40 + k / 10, lon=46 + k / 10)
                          for k in range(4)])


def test_an_incident_is_found_by_its_id_with_a_close_view():
    table = _table()
    focus = find_focus(table, " f1 ")
    assert (focus.id, focus.index, focus.view) == ("f1", 1, (40.1, 46.1, FOCUS_ZOOM)) and FOCUS_ZOOM >= 12
    assert find_focus(table, "f9") is None and find_focus(table, HOSTILE[1]) is None
    assert in_selection(focus, table.select(Filters())) and not in_selection(focus, table.select(Filters("2020-10-03")))


def test_the_layers_name_the_incident_whose_popup_opens_and_each_marker_carries_its_id():
    sel = _table().select(Filters())
    layers = filter_layers(sel, sides={}, focus="f2")
    assert json.loads(layers.data_json)["focus"] == "f2"
    assert sorted(r[10] for r in layers.rows) == ["f0", "f1", "f2", "f3"]
    assert json.loads(filter_layers(sel, sides={}).data_json)["focus"] == ""


def test_the_linked_incident_s_row_comes_first_and_the_rest_stay_newest_first():
    sel = _table().select(Filters())
    assert [r["id"] for r in table_rows(sel)] == ["f3", "f2", "f1", "f0"]
    assert [r["id"] for r in table_rows(sel, first=1)] == ["f1", "f3", "f2", "f0"]
    assert [r["id"] for r in table_rows(sel, limit=2, first=0)] == ["f0", "f3"]
