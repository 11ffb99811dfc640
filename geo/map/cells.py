"""Clustering on the server: above MARKER_LIMIT incidents the map shows grid cells, not one marker each."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .html import esc
from .selection import Selection
from .style import style_of

__all__ = ["MARKER_LIMIT", "MAX_CELLS", "CELL_SIZES", "Cell", "aggregate", "cell_popup_html", "cell_rows", "map_mode"]


MARKER_LIMIT = 5000  # above this many incidents the map shows aggregated cells, not one marker each
MAX_CELLS = 1500  # the aggregation grid coarsens until it has at most this many cells
CELL_SIZES = (0.0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0)  # degrees; 0 = one cell per place


@dataclass
class Cell:
    lat: float
    lon: float
    count: int
    fatalities: int
    injured: int
    first: str
    last: str
    by_type: dict[str, int]
    places: list[tuple[str, int]]


def aggregate(sel: Selection, max_cells: int = MAX_CELLS) -> tuple[list[Cell], float]:
    """Incidents binned on the finest lat/lon grid (from exact places up) with at most max_cells cells.

    Returns the cells (at the mean position of their incidents) and the cell size in degrees.
    """
    t, k = sel.table, sel.idx
    if not len(k):
        return [], 0.0
    lat, lon = t.lat[k], t.lon[k]
    for size in CELL_SIZES:
        if size == 0:
            key = np.round(lat, 3) * 1e7 + np.round(lon + 180, 3)
        else:
            key = np.floor((lat + 90) / size) * 1e7 + np.floor((lon + 180) / size)
        keys, inv, counts = np.unique(key, return_inverse=True, return_counts=True)
        if len(keys) <= max_cells:
            break
    n = len(keys)
    mlat = np.bincount(inv, weights=lat, minlength=n) / counts
    mlon = np.bincount(inv, weights=lon, minlength=n) / counts
    fat = np.bincount(inv, weights=t.fatalities[k], minlength=n)
    inj = np.bincount(inv, weights=t.injured[k], minlength=n)
    ntypes = len(t.type_names)
    by_type = np.bincount(inv * ntypes + t.type_code[k], minlength=n * ntypes).reshape(n, ntypes)
    days = t.day[k].astype(np.int64)
    first = np.full(n, np.iinfo(np.int64).max)
    last = np.full(n, np.iinfo(np.int64).min)
    np.minimum.at(first, inv, days)
    np.maximum.at(last, inv, days)
    nloc = len(t.location_names)
    pair, pair_n = np.unique(inv.astype(np.int64) * nloc + t.location_code[k], return_counts=True)
    places: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for p, c in zip(pair.tolist(), pair_n.tolist()):
        places[p // nloc].append((c, p % nloc))
    cells = []
    for c in range(n):
        top = sorted(places[c], key=lambda x: (-x[0], x[1]))[:5]
        cells.append(Cell(
            lat=float(mlat[c]), lon=float(mlon[c]), count=int(counts[c]), fatalities=int(fat[c]),
            injured=int(inj[c]), first=str(np.datetime64(int(first[c]), "D")),
            last=str(np.datetime64(int(last[c]), "D")),
            by_type={t.type_names[j]: int(v) for j, v in enumerate(by_type[c]) if v},
            places=[(t.location_names[j], cnt) for cnt, j in top]))
    return cells, size


def cell_popup_html(c: Cell, size_deg: float) -> str:
    e = esc
    area = "this place" if size_deg == 0 else f"this cell of about {size_deg * 111:.0f} km"
    kinds = "".join(
        f"<li><span class='swatch' style='background:{style_of(k)[0]}'></span>{e(k)}: {v}</li>"
        for k, v in sorted(c.by_type.items(), key=lambda kv: -kv[1]))
    places = ", ".join(f"{e(p or 'unnamed')} ({n})" for p, n in c.places)
    dates = e(c.first) if c.first == c.last else f"{e(c.first)} &ndash; {e(c.last)}"
    return ("<div class='incident-popup'>"
            f"<b>{c.count} incidents</b> in {area}<br>{dates}<br>"
            f"Casualties reported: {c.fatalities} killed, {c.injured} injured<br>"
            f"<ul class='evidence'>{kinds}</ul>Places: {places}<br>"
            f"<i>Narrow the filters to {MARKER_LIMIT:,} incidents or fewer to see each one.</i></div>")


def cell_rows(cells: list[Cell], size_deg: float) -> list[list]:
    rows = []
    for c in cells:
        main = max(c.by_type.items(), key=lambda kv: kv[1])[0]
        size = int(24 + min(26, 5 * math.log2(c.count)))
        tip = esc(f"{c.count} incidents · {c.places[0][0] if c.places else ''}")
        rows.append([round(c.lat, 5), round(c.lon, 5), c.count, style_of(main)[0], "", size, 0, tip,
                     cell_popup_html(c, size_deg), "", ""])
    return rows


def map_mode(n: int, marker_limit: int = MARKER_LIMIT) -> str:
    return "incidents" if n <= marker_limit else "cells"
