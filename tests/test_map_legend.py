"""geo.map.legend: counts per type, what the symbols mean, and each side's areas, escaped."""
from __future__ import annotations

from geo.map import as_selection, legend_html
from map_util import fixture_incident

SIDES = {"armenian": {"label": "<i>A</i>", "color": "#c0392b"}, "bad": {"label": "B", "color": "red;x"}}


def test_the_legend_counts_the_selection_by_type_and_lumps_the_rest():
    sel = as_selection([fixture_incident(), fixture_incident(id="b"), fixture_incident(id="c", event_type="Other")])
    html = legend_html(sel, "incidents", 0.0, None, None, False)
    assert "Battles 2" in html and "Other 1" in html and "Size: casualties" in html and "Front line" not in html


def test_cells_and_front_are_explained_and_side_labels_escaped():
    html = legend_html(as_selection([fixture_incident()]), "cells", 0.1, SIDES, "2020-10-05", True)
    assert "~11 km cell" in html and "Front line as of 2020-10-05" in html
    assert "&lt;i&gt;A&lt;/i&gt;: held, claimed" in html and "<i>A</i>" not in html
    assert "red;x" not in html  # a colour that is not one is left out
