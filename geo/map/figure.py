"""The folium map the app hands to st_folium: the base map and the layers a filter changes, drawing with no network."""
from __future__ import annotations

import functools
from pathlib import Path

from branca.element import Element

from ..theatre import load_all
from .basemap import BASEMAP, add_basemap
from .cells import MARKER_LIMIT, MAX_CELLS, aggregate, cell_rows
from .front import front_data
from .incidents import incident_rows
from .layers import FilterLayers, MapSlot
from .legend import legend_html
from .offline import add_attribution, localize
from .selection import as_selection

__all__ = ["load_theatre", "MAP_CSS", "base_map", "filter_layers", "build_map"]


@functools.lru_cache(maxsize=1)
def load_theatre() -> dict:
    """The theatre of war the map is framed on (the first theatre file)."""
    theatres = load_all()
    return theatres[0] if theatres else {}


MAP_CSS = """
<style>
.leaflet-container { background: #dce6eb; }
.leaflet-bottom.leaflet-left .leaflet-control-scale { margin-bottom: 20px; }
.leaflet-container .leaflet-control-attribution, .leaflet-container .leaflet-control-scale-line { font-size: 11px; }
.leaflet-container .leaflet-control-layers { font-size: 13px; line-height: 1.3; }
.incident-marker > div { border-radius: 50%; color: #fff; text-align: center; font-size: 12px;
  border: 2px solid #fff; box-shadow: 0 0 3px rgba(0,0,0,.55); box-sizing: border-box; }
.incident-marker.approx > div { border-style: dashed; border-color: #222; }
.incident-cell > div { font-weight: bold; font-size: 11px; opacity: .9; }
.incident-popup { font-size: 12px; max-width: 340px; }
.incident-popup ul { margin: 2px 0 4px; padding-left: 16px; }
.incident-popup .evidence li { font-style: italic; }
.incident-popup .reason li { color: #444; }
.map-legend { background: rgba(255,255,255,.93); padding: 5px 8px; border-radius: 4px; font-size: 11px;
  line-height: 17px; box-shadow: 0 0 4px rgba(0,0,0,.3); max-width: 340px; }
.map-legend .grid { display: grid; grid-template-columns: auto auto auto; column-gap: 8px; }
.map-legend .note { color: #444; max-width: 320px; }
.map-legend summary { font-weight: bold; cursor: pointer; }
.map-legend .sym { display: inline-block; width: 16px; height: 16px; border-radius: 50%; color: #fff;
  font-size: 9px; text-align: center; line-height: 16px; margin-right: 5px; vertical-align: middle; }
.map-legend .area { display: inline-block; width: 16px; height: 11px; margin-right: 5px; vertical-align: middle; }
.map-legend .line { display: inline-block; width: 16px; border-top: 3px solid #111; margin-right: 5px;
  vertical-align: middle; }
.playback { background: rgba(255,255,255,.95); padding: 4px 6px; font: 12px sans-serif; min-width: 210px; }
.playback .playback-row { display: flex; align-items: center; gap: 5px; margin-bottom: 3px; }
.playback button { cursor: pointer; border: 1px solid #999; border-radius: 3px; background: #fff; padding: 1px 6px; }
.playback button[disabled] { cursor: default; opacity: .5; }
.playback .playback-day { flex: 1; font-weight: 600; white-space: nowrap; }
.playback select { font-size: 11px; }
.playback .playback-range { width: 100%; margin: 0; }
.playback.playing .playback-play { background: #333; color: #fff; }
.swatch { display: inline-block; width: 9px; height: 9px; border-radius: 50%; margin-right: 4px; }
.settlement-label span { font: 11px sans-serif; color: #333; white-space: nowrap; text-shadow: 0 0 2px #fff,
  0 0 2px #fff; position: relative; left: -50%; top: -7px; }
.settlement-label.rank-1 span { font-weight: 600; font-size: 12px; }
.settlement-label.rank-3 span { color: #555; font-size: 10px; }
.basemap-label span { font: 600 12px sans-serif; color: #6b6b6b; letter-spacing: .12em; white-space: nowrap;
  text-transform: uppercase; text-shadow: 0 0 2px #fff; position: relative; left: -50%; }
</style>
"""


def base_map(bounds: list[list[float]] | None = None, basemap: str | Path | None = BASEMAP):
    """The map without the incidents: tiles, the offline basemap and its labels, controls and the legend's box.

    It depends on nothing a filter changes, so the app draws it once and swaps :func:`filter_layers` in.
    ``bounds`` ([[south, west], [north, east]]) frames the view, by default the theatre's bbox.
    """
    import folium
    from folium.map import FitBounds
    from folium.plugins import Fullscreen

    theatre = load_theatre()
    w, s, e, n = theatre.get("bbox", (-180.0, -85.0, 180.0, 85.0))  # without a theatre file, the world
    m = folium.Map(location=((s + n) / 2, (w + e) / 2), zoom_start=8, tiles=None, control_scale=True)
    m.options["maxZoom"] = 18  # clustering needs the map's own: the tile layer, off by default, gives none
    m.get_root().header.add_child(Element(MAP_CSS), name="incident_map_css")
    folium.TileLayer("OpenStreetMap", attr="&copy; OpenStreetMap contributors",
                     name="OpenStreetMap tiles (online)", show=False).add_to(m)
    folium.FeatureGroup(name="Offline basemap", overlay=False, show=True).add_to(m)
    if basemap:
        add_basemap(m, basemap)
    Fullscreen(position="topleft").add_to(m)
    control = folium.LayerControl(collapsed=True, position="topright").add_to(m)
    MapSlot(control).add_to(m)
    add_attribution(m)
    fit = FitBounds(bounds or [[s, w], [n, e]], max_zoom=11, padding_top_left=(10, 10),
                    padding_bottom_right=(10, 120))  # keep incidents clear of the legend
    # Not animated: the view the component first reports (and the URL keeps) must be the one shown, and the
    # clusters must be computed at the fitted zoom; an animated fit, depending on timing, gave neither.
    fit.options["animate"] = False
    m.add_child(fit)
    return localize(m)


def filter_layers(data, front: list[dict] | None = None, front_day: str | None = None, sides: dict | None = None,
                  marker_limit: int = MARKER_LIMIT, max_cells: int = MAX_CELLS, focus: str = "",
                  front_steps: list[tuple[str, list[dict]]] = (), layers: str = "") -> FilterLayers:
    """What a filter changes: the incidents, their heat map, the front line, the legend's text and the days
    the playback control steps through (in the browser: the incidents of the range are sent once).

    Up to ``marker_limit`` incidents are drawn one marker each (clustered where dense); above
    that, server-side aggregated cells keep the page small. ``front`` holds geo.frontline
    features, drawn as toggleable layers; ``front_steps`` (geo.map.front.front_steps') the front of each day
    it changed, which playback steps through. ``focus`` is the incident whose popup opens, ``layers`` the
    layers a link keeps (FilterLayers).
    """
    sel = as_selection(data)
    sides = sides if sides is not None else load_theatre().get("sides", {})
    fdata = front_data(front or [], sides, front_day, front_steps)
    if len(sel) <= marker_limit:
        mode, size_deg, rows = "incidents", 0.0, incident_rows(sel)
        name = f"Incidents ({len(sel):,})"
    else:
        cells, size_deg = aggregate(sel, max_cells)
        mode, rows = "cells", cell_rows(cells, size_deg)
        name = f"Incidents ({len(sel):,}, aggregated)"
    legend = legend_html(sel, mode, size_deg, sides, front_day, bool(fdata))
    start, end = sel.filters.start, sel.filters.end
    if not (start and end) and mode == "incidents":
        days = [i.event_date[:10] for i in sel.incidents]
        start, end = start or min(days, default=""), end or max(days, default="")
    play = {"start": start or "", "end": end or "", "play_note": "" if mode == "incidents" else
            f"More than {marker_limit:,} incidents: narrow the filters to play them day by day"}
    return localize(FilterLayers(rows, name, legend, fdata, play, focus, layers))


def build_map(data, front: list[dict] | None = None, front_day: str | None = None, sides: dict | None = None,
              basemap: str | Path | None = BASEMAP, marker_limit: int = MARKER_LIMIT,
              max_cells: int = MAX_CELLS, bounds: list[list[float]] | None = None):
    """The whole map in one piece, drawing with no network (its scripts are served by the app): the
    base map with the filter's layers in it. The app hands them to st_folium apart."""
    m = base_map(bounds, basemap)
    filter_layers(data, front, front_day, sides, marker_limit, max_cells).add_to(m)
    return m
