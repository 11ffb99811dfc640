"""Tiny Streamlit page for tests/test_browser_offline.py: a localized folium map via st_folium."""
import sys
from pathlib import Path

import folium
import folium.plugins
import streamlit as st
from streamlit_folium import st_folium

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from geo.map.offline import add_attribution, localize  # noqa: E402

CENTER = [48.5, 35.0]
CLUSTER_SIZE = 10

m = folium.Map(location=CENTER, zoom_start=7)
folium.Marker([48.9, 34.2], tooltip="default icon 1").add_to(m)
folium.Marker([48.9, 34.6], tooltip="default icon 2").add_to(m)
folium.Marker([48.9, 35.0], tooltip="default icon 3").add_to(m)
folium.Marker([48.9, 35.4], icon=folium.Icon(icon="info-sign"), tooltip="glyphicon").add_to(m)
folium.Marker([48.9, 35.8], icon=folium.Icon(icon="fire", prefix="fa", color="red"), tooltip="font awesome").add_to(m)

cluster = folium.plugins.MarkerCluster(name="cluster").add_to(m)
for i in range(CLUSTER_SIZE):
    folium.Marker([48.0 + i * 0.002, 35.0 + i * 0.002]).add_to(cluster)

folium.GeoJson(
    {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "area"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[33.5, 47.6], [34.3, 47.6], [34.3, 48.2], [33.5, 48.2], [33.5, 47.6]]],
                },
            },
            {
                "type": "Feature",
                "properties": {"name": "line"},
                "geometry": {"type": "LineString", "coordinates": [[35.6, 47.6], [36.4, 48.3]]},
            },
        ],
    },
    name="geojson",
).add_to(m)
folium.plugins.HeatMap([[48.3, 36.0, 1.0], [48.31, 36.01, 0.5]], name="heat").add_to(m)
folium.plugins.Fullscreen().add_to(m)
folium.plugins.MeasureControl().add_to(m)
add_attribution(m)

st.title("Offline map")
st_folium(localize(m), returned_objects=[], height=520, width=700, key="offline_map")
