"""Streamlit app: the incidents on a map, filtered by date, actor and event type, exportable as GeoJSON.

Run with `streamlit run app.py`. Reads the GeoPackage named by GEO_DB (default
data/incidents.gpkg); without one, shows the bundled sample built from the seed articles.
"""
from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import streamlit as st

from geo import store
from geo.export import ATTRIBUTION, feature_collection
from geo.view import Filters, actors_of, build_map, filter_incidents, read_geojson

ROOT = Path(__file__).parent
SAMPLE = ROOT / "data" / "sample_incidents.geojson"


@st.cache_data(show_spinner=False)
def load(db: str, mtime: float):
    """All incidents of the database (or the sample); cached until the file changes."""
    if db and Path(db).exists():
        return store.load_incidents(db), f"database {db}"
    return read_geojson(SAMPLE), "bundled sample (seed articles)"


def main() -> None:
    st.set_page_config(page_title="Conflict incident map", layout="wide")
    db = os.environ.get("GEO_DB", str(ROOT / "data" / "incidents.gpkg"))
    mtime = Path(db).stat().st_mtime if Path(db).exists() else 0.0
    try:
        incidents, origin = load(db, mtime)
    except store.StoreError as e:
        st.error(str(e))
        incidents, origin = read_geojson(SAMPLE), "bundled sample (database unreadable)"
    st.title("Conflict incident map")
    st.caption(f"{len(incidents)} incidents from the {origin}. {ATTRIBUTION}")
    if not incidents:
        st.info("No incidents yet: ingest articles with `python -m geo ingest PATH`.")
        return
    days = sorted(date.fromisoformat(i.event_date) for i in incidents)
    lo, hi = days[0], days[-1]
    with st.sidebar:
        st.header("Filters")
        if lo < hi:
            start, end = st.slider("Dates", min_value=lo, max_value=hi, value=(lo, hi), key="dates")
        else:
            start = end = lo
            st.write(f"All incidents on {lo.isoformat()}")
        actors = st.multiselect("Actors", actors_of(incidents), key="actors")
        types = st.multiselect("Event types", sorted({i.event_type for i in incidents}), key="types")
    f = Filters(start.isoformat(), end.isoformat(), tuple(actors), tuple(types))
    shown = filter_incidents(incidents, f)
    st.session_state["shown_ids"] = [i.id for i in shown]
    c1, c2, c3 = st.columns(3)
    c1.metric("Incidents shown", len(shown))
    c2.metric("Reported fatalities", sum(i.fatalities or 0 for i in shown))
    c3.metric("Places", len({i.location for i in shown}))
    snapshot = feature_collection(shown, {"filters": {"start": f.start, "end": f.end, "actors": list(f.actors),
                                                      "event_types": list(f.event_types)}})
    st.download_button("Download GeoJSON snapshot", json.dumps(snapshot, ensure_ascii=False),
                       file_name=f"incidents_{f.start}_{f.end}.geojson", mime="application/geo+json",
                       key="download_geojson")
    from streamlit_folium import st_folium
    st_folium(build_map(shown), height=600, use_container_width=True, returned_objects=[], key="map")
    st.dataframe([{"date": i.event_date, "type": i.sub_event_type, "location": i.location, "actor1": i.actor1,
                   "actor2": i.actor2, "reported by": ", ".join(i.claimed_by), "fatalities": i.fatalities}
                  for i in shown], width="stretch")


main()
