"""geo.map.cells: clustering on the server."""
from __future__ import annotations

from geo.map import MARKER_LIMIT, aggregate, as_selection, build_map
from map_util import fixture_incident, many_incidents, page_rows, render


def test_map_aggregates_above_the_marker_limit():
    incs = many_incidents(600)
    html = render(build_map(incs, marker_limit=100, max_cells=50))
    rows = page_rows(html)
    assert 0 < len(rows) <= 50
    assert sum(r[2] for r in rows) == 600 and all(r[4] == "" for r in rows)
    assert "aggregated" in html and "Narrow the filters" in html


def test_aggregate_coarsens_until_the_cell_budget_holds():
    sel = as_selection(many_incidents(2000))
    cells, size = aggregate(sel, max_cells=100)
    assert len(cells) <= 100 and size > 0
    assert sum(c.count for c in cells) == 2000
    assert sum(c.fatalities for c in cells) == sum(i.fatalities or 0 for i in sel.incidents)
    same_place = as_selection([fixture_incident(id=str(k)) for k in range(7)])
    cells, size = aggregate(same_place, max_cells=100)
    assert size == 0 and len(cells) == 1 and cells[0].count == 7 and cells[0].places == [("Tartar", 7)]


def test_marker_limit_is_the_documented_threshold():
    assert MARKER_LIMIT == 5000
