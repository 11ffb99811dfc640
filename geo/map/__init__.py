"""What the app shows, as plain functions, one feature a module (as folium's plugins are).

`selection` (filters over columns), `html` (all escaping), `popups`, `cells` (clustering on the
server), `incidents` (the incident rows), `front` (control areas and the front line), `legend`, `focus` (a
link to one incident), `layers` (what a filter changes, swapped into the open map), `basemap`, `chart`
(timeline, fatalities, actors, regions), `downloads`, `offline` (assets served by the app) and `figure`
(the map put together). Kept out of `app.py` so that everything handed to Streamlit can be tested
without a browser. Only this package and `app.py` import folium, altair or streamlit.
"""
from .basemap import BASEMAP
from .cells import MARKER_LIMIT, MAX_CELLS, Cell, aggregate, cell_rows, map_mode
from .chart import actors_chart, fatalities_chart, regions_chart, timeline_chart
from .downloads import (ACLED_COLUMNS, EXTRA_COLUMNS, acled_rows, snapshot_metadata, table_rows, to_csv, to_geojson,
                        to_gpkg)
from .figure import base_map, build_map, filter_layers, load_theatre
from .focus import FOCUS_ZOOM, Focus, find_focus, in_selection
from .front import control_evidence, front_data, front_features, front_steps
from .html import esc, js_json
from .incidents import incident_rows
from .layers import LAYERS_RE, LAYERS_URL, FilterLayers, MapSlot
from .legend import legend_html
from .popups import popup_html, tooltip_html
from .selection import Filters, IncidentTable, Selection, actors_of, as_selection, filter_incidents, read_geojson

__all__ = ["BASEMAP", "MARKER_LIMIT", "MAX_CELLS", "Cell", "aggregate", "cell_rows", "map_mode", "timeline_chart",
           "fatalities_chart", "actors_chart", "regions_chart",
           "ACLED_COLUMNS", "EXTRA_COLUMNS", "acled_rows", "snapshot_metadata", "table_rows", "to_csv", "to_geojson",
           "to_gpkg", "base_map", "build_map", "filter_layers", "load_theatre", "front_data", "front_features",
           "front_steps", "control_evidence", "esc", "js_json", "FOCUS_ZOOM", "Focus", "find_focus", "in_selection",
           "FilterLayers", "MapSlot", "LAYERS_RE", "LAYERS_URL", "incident_rows", "legend_html", "popup_html",
           "tooltip_html", "Filters", "IncidentTable", "Selection", "actors_of", "as_selection", "filter_incidents",
           "read_geojson"]
