"""Streamlit app: the incidents on a map with filters, playback, timeline, table, exports and ingest.

Run with `streamlit run app.py`. Reads the GeoPackage or PostGIS URL (postgresql://...) named by
GEO_DB (default data/incidents.gpkg); without one, shows the bundled sample built from the seed articles.
Filters are bound to the URL's query parameters, so a view can be shared by its address.
"""
from __future__ import annotations

import io
import os
import tempfile
from datetime import date, timedelta
from pathlib import Path

import streamlit as st

from geo import paths, store
from geo.export import ATTRIBUTION
from geo.map import (LAYERS_RE, LAYERS_URL, MARKER_LIMIT, Filters, Focus, IncidentTable, actors_chart, base_map,
                     control_evidence, fatalities_chart, filter_layers, find_focus, front_features, front_steps,
                     in_selection, load_theatre, map_mode, read_geojson, regions_chart, snapshot_metadata,
                     table_rows, timeline_chart, to_csv, to_geojson, to_gpkg)

SAMPLE = paths.SAMPLE
TABLE_ROWS = 2000  # rows in the table; the exports hold every filtered incident
UPLOAD_TYPES = ["txt", "md", "text", "html", "htm"]
QUICK_DATES = ("last day", "last 7 days", "one day")
# The days a date slider can hold (Streamlit counts microseconds from 1970 in a JavaScript number: 1684-2255);
# an incident dated outside, a typo or a trap in some text, is left out of the date filter and said so.
DATE_WINDOW = (date(1700, 1, 1), date(2250, 12, 31))
CONSERVATIVE = ("The conservative reported figure, as ACLED counts it: only tolls reported for one incident "
                "(a day and a place), the lowest where reports differ, a toll repeated by the same source on "
                "the next day counted once; combined 'killed and wounded' figures and cumulative claims are "
                "never counted.")


@st.cache_resource(show_spinner="Loading incidents…", max_entries=2)
def load(db: str, stamp: tuple) -> tuple[IncidentTable, str]:
    """All incidents of the database, merged across articles as in an export (or the sample), as
    columns; shared by sessions until the database changes."""
    if db and store.exists(db):
        return IncidentTable(store.load_events(db), place_ids), f"database {store.display_name(db)}"
    return IncidentTable(read_geojson(SAMPLE), place_ids), "bundled sample (seed articles)"


@st.cache_data(show_spinner="Looking the place up…", max_entries=256)
def place_ids(query: str) -> list[int]:
    """The gazetteer ids of every place a query may name, in any of its spellings ("Stepanakert" → Khankendi)."""
    from geo.gazetteer import Gazetteer
    return [p.geonameid for p in Gazetteer.load().search(query)]


def _quick(lo: date, hi: date, choice: str) -> None:
    """Quick date choices: the last day, the last 7 days, or one day (the range's first day, to slide)."""
    start = st.session_state.get("dates", (lo, hi))[0]
    st.session_state["dates"] = {"last day": (hi, hi), "last 7 days": (max(lo, hi - timedelta(days=6)), hi),
                                 "one day": (start, start)}[choice]


def _date_filter(lo: date, hi: date) -> tuple[date, date]:
    """Date range slider with quick choices; playback is the map's own control (in the browser)."""
    if lo == hi:
        st.write(f"All incidents on {lo.isoformat()}")
        return lo, hi
    old_lo, old_hi = st.session_state.get("date_bounds", (lo, hi))
    st.session_state["date_bounds"] = (lo, hi)
    if "dates" in st.session_state:
        start, end = st.session_state["dates"]
        start, end = (lo if start == old_lo else start), (hi if end == old_hi else end)  # new data extends an open end
        start, end = min(max(start, lo), hi), min(max(end, lo), hi)
        if (start, max(start, end)) != st.session_state["dates"]:
            st.session_state["dates"] = (start, max(start, end))
        kw = {}
    else:
        kw = {"value": (lo, hi)}
    start, end = st.slider("Dates", min_value=lo, max_value=hi, key="dates", bind="query-params", **kw)
    for col, choice in zip(st.columns([0.9, 1.2, 0.9], gap="small"), QUICK_DATES):
        col.button(choice.capitalize(), key=f"quick_{choice.replace(' ', '_')}", on_click=_quick,
                   args=(lo, hi, choice), width="content", type="tertiary")
    return start, end


def _filters(table: IncidentTable) -> Filters:
    lo, hi = table.date_range(DATE_WINDOW)
    st.header("Filters")
    start, end = _date_filter(lo, hi)
    actors = st.multiselect("Actors", table.actors(), key="actors", bind="query-params",
                            help="Incidents where the actor acts or is targeted")
    types = st.multiselect("Event types", table.event_types(), key="types", bind="query-params")
    claimants = st.multiselect("Reported by", table.claimants(), key="by", bind="query-params",
                               help="Who the articles say reported the incident")
    casualties = st.checkbox("Only incidents with casualties", key="casualties", bind="query-params")
    place = st.text_input("Place", key="q", bind="query-params", placeholder="e.g. Stepanakert",
                          help="Any name of the place, in any script (Stepanakert or Khankendi, Shushi or "
                               "Shusha), or part of the name shown; accents and case are ignored")
    return Filters(start.isoformat(), end.isoformat(), tuple(actors), tuple(types), tuple(claimants),
                   bool(casualties), place.strip())


class _ProgressOut(io.StringIO):
    """Receives geo.ingest.ingest's report lines and moves a progress bar, one step per file."""

    def __init__(self, bar, total: int):
        super().__init__()
        self.bar, self.total, self.done = bar, total, 0

    def write(self, s: str) -> int:
        n = super().write(s)
        for line in s.splitlines():
            if line and not line.startswith("ingested ") and self.done < self.total:
                self.done += 1
                self.bar.progress(self.done / self.total, text=f"{self.done} of {self.total} file(s)")
        return n


def _report_row(r) -> dict:
    """One file of an ingest as the upload report shows it: ingested, unchanged (stored already) or skipped, and why."""
    status = "skipped" if not r.ok else "unchanged" if r.unchanged else "ingested"
    why = r.reason if not r.ok else ("the same text was stored already, by the same extractor" if r.unchanged
                                     else "; ".join(r.notes))
    return {"file": Path(r.file).name, "status": status, "ingested": status == "ingested", "incidents": r.incidents,
            "reason": why}


def _ingest_panel(db: str) -> None:
    """Upload article files, ingest them into the app's database, then reload the map."""
    from geo.ingest import ingest

    with st.expander("Add articles", expanded=bool(st.session_state.get("ingest_report"))):
        n = st.session_state.get("upload_round", 0)
        first = not store.exists(db)
        if first:
            st.info(f"No database yet: the map shows the bundled sample. The first ingest creates "
                    f"{store.display_name(db)}, and the map then shows the articles added there, not the sample.")
        files = st.file_uploader("Article files (.txt, .md, .html)", type=UPLOAD_TYPES, accept_multiple_files=True,
                                 key=f"uploads_{n}")
        if st.button("Ingest", key="ingest", disabled=not files, type="primary"):
            bar = st.progress(0.0, text=f"0 of {len(files)} file(s)")
            with tempfile.TemporaryDirectory(prefix="geo-upload-") as tmp:
                paths = []
                for k, f in enumerate(files):
                    name = Path(f.name).name or f"upload_{k}.txt"
                    path = Path(tmp) / name
                    if path.exists():
                        path = Path(tmp) / f"{k}_{name}"
                    path.write_bytes(f.getvalue())
                    paths.append(str(path))
                try:
                    reports = ingest(paths, db, out=_ProgressOut(bar, len(paths)), progress=False)
                except store.StoreError as e:
                    st.error(str(e))
                    return
            st.session_state["ingest_report"] = [_report_row(r) for r in reports]
            st.session_state["ingest_created"] = first
            st.session_state["upload_round"] = n + 1
            load.clear()
            st.rerun()
        report = st.session_state.get("ingest_report")
        if report:
            status = [r["status"] for r in report]
            st.caption(f"Last ingest of {len(report)} file(s) into {store.display_name(db)}: "
                       f"{status.count('ingested')} ingested, {status.count('unchanged')} unchanged, "
                       f"{status.count('skipped')} skipped; {sum(r['incidents'] for r in report)} incident(s)")
            if st.session_state.get("ingest_created"):
                st.caption("This ingest created the database: the map shows its incidents instead of the sample.")
            st.dataframe(report, hide_index=True, width="stretch",
                         column_order=["file", "status", "incidents", "reason"])
            st.text("\n".join(f"{r['file']}: {r['status']}" + (f": {r['reason']}" if r["reason"] else "")
                              for r in report))  # every reason in full, as text (the table cuts long ones)


def _remove(db: str, ids: list[str]) -> None:
    try:
        with store.connect(db) as conn:
            removed = store.remove_articles(conn, ids)
    except store.StoreError as e:
        st.session_state["remove_report"] = f"Nothing removed: {e}"
        return
    st.session_state["remove_ids"] = []
    st.session_state["remove_report"] = (f"Removed {len(removed)} article(s) and their incidents; their places and "
                                         "days were merged again.")
    load.clear()


def _remove_panel(db: str) -> None:
    """Remove stored articles (and their incidents) from the app's database, as `python -m geo remove` does."""
    if not store.exists(db):
        return
    try:
        stored = store.articles(db)
    except store.StoreError:
        return
    with st.expander("Remove articles", expanded=bool(st.session_state.get("remove_report"))):
        if st.session_state.get("remove_report"):
            st.caption(st.session_state["remove_report"])
        labels = {a["article_id"]: f"{a['published'] or '?'} · {a['title'] or a['file']} ({a['n_incidents']} "
                                   f"incident(s))" for a in stored}
        chosen = st.multiselect("Stored articles", list(labels), format_func=labels.get, key="remove_ids")
        st.button("Remove them and their incidents", key="remove", disabled=not chosen, on_click=_remove,
                  args=(db, list(chosen)))


@st.cache_resource(show_spinner="Drawing the front line…", max_entries=256)
def front_for(db: str, stamp: tuple, day: str, _table: IncidentTable) -> list[dict]:
    """Control areas and front line as of `day`, from every incident (not the filtered ones)."""
    return front_features(_table.incidents, date.fromisoformat(day))


def _front(db: str, stamp: tuple, table: IncidentTable, day: str) -> list[dict]:
    try:
        return front_for(db, stamp, day, table)
    except Exception as e:  # the front line is an extra layer: a failure there must not blank the map
        st.warning(f"Front line unavailable: {e}")
        return []


@st.cache_resource(show_spinner="Drawing the front line day by day…", max_entries=64)
def front_steps_for(db: str, stamp: tuple, start: str, end: str, _table: IncidentTable) -> list:
    """The front of each day it changed between `start` and `end`, for playback (geo.map.front_steps)."""
    return front_steps(_table.incidents, start, end)


def _front_steps(db: str, stamp: tuple, table: IncidentTable, start: str, end: str) -> list:
    try:
        return front_steps_for(db, stamp, start, end, table)
    except Exception as e:  # as _front: playback then keeps the end date's line
        st.warning(f"Front line for playback unavailable: {e}")
        return []


def _downloads(sel, origin: str, front: list[dict], day: str) -> None:
    """Exports are generated when clicked (deferred), so a rerun never pays for them."""
    f = sel.filters
    stem = f"incidents_{f.start}_{f.end}"
    meta = snapshot_metadata(sel, origin, day, len(front))
    st.download_button("Download GeoJSON snapshot", lambda: to_geojson(sel, meta, front), file_name=f"{stem}.geojson",
                       mime="application/geo+json", key="download_geojson", on_click="ignore", width="stretch",
                       help="Filtered incidents, the front line as of the end date, and the filters and counts")
    st.download_button("Download CSV (ACLED columns)", lambda: to_csv(sel), file_name=f"{stem}.csv",
                       mime="text/csv", key="download_csv", on_click="ignore", width="stretch",
                       help="ACLED's column names plus claimed_by, denied_by, injured, source_urls; "
                            "fatalities and injured are empty when no toll was reported")
    st.download_button("Download GeoPackage", lambda: to_gpkg(sel, front), file_name=f"{stem}.gpkg",
                       mime="application/geopackage+sqlite3", key="download_gpkg", on_click="ignore",
                       width="stretch", help="Layers: incidents, and control / front_line when available")


def _url_view() -> tuple[float, float, int] | None:
    """The view in the URL, ?view=lat,lon,zoom (None when absent or not three numbers)."""
    try:
        lat, lon, zoom = st.query_params.get("view", "").split(",")
        return float(lat), float(lon), int(zoom)
    except ValueError:
        return None


def _url_layers() -> str:
    """The layers in the URL, ?layers=heat,-control,tiles ('' when absent or not of that form). Read once per
    session: the map applies them when it opens, and a layer switched on later must not redraw the layers."""
    layers = st.query_params.get("layers", "")
    return layers if LAYERS_RE.fullmatch(layers) else ""


def _focus(table: IncidentTable, sel, slot) -> Focus | None:
    """The incident a link points at (?incident=ID), or None; an unknown or filtered-out id is said, not raised."""
    wanted = st.query_params.get("incident", "").strip()
    if not wanted:
        return None
    focus = find_focus(table, wanted)
    if focus is None:
        slot.warning(f"No incident with the id {wanted!r} among the {len(table):,} here; "
                     "the link may be from another database.")
    elif not in_selection(focus, sel):
        slot.warning(f"Incident {wanted!r} is hidden by the filters: clear them to see it on the map.")
        return None
    return focus


@st.fragment
def _map(bounds: list[list[float]], layers, focus: Focus | None = None) -> None:
    """The base map drawn once per database, the filter's layers swapped into it, and the view kept.

    streamlit-folium keeps the open map while its script is unchanged (the base map depends on the
    database only) and replaces the feature groups in it. The view and the layers switched on or off are
    returned so the URL keeps them; a pan reruns this fragment only. Centre and zoom are handed back only when
    the base map is new (first load, another database) or a link points at another incident (``focus``: then on
    it, close up), so that a rerun never moves the map under the user's hand.
    """
    from streamlit_folium import st_folium

    view = st.session_state.get("map_view") or _url_view()
    if st.session_state.get("map_bounds") != bounds or st.session_state.get("map_focus") != focus:
        st.session_state["map_bounds"], st.session_state["map_focus"] = bounds, focus
        st.session_state["map_restore"] = focus.view if focus else view
    restore = st.session_state.get("map_restore")
    out = st_folium(base_map(bounds), feature_group_to_add=layers, height=620, use_container_width=True,
                    returned_objects=["zoom", "center", "selected_layers"], key="map",
                    center=restore[:2] if restore else None, zoom=restore[2] if restore else None)
    reported = [x.get("name", "") for x in (out or {}).get("selected_layers") or [] if x.get("url") == LAYERS_URL]
    if reported and reported[0] != st.query_params.get("layers", ""):
        if LAYERS_RE.fullmatch(reported[0]):
            st.query_params["layers"] = reported[0]
        else:
            st.query_params.pop("layers", None)
    center, zoom = (out or {}).get("center"), (out or {}).get("zoom")
    if center and zoom:
        view = (round(center["lat"], 4), round(center["lng"], 4), int(zoom))
        if view != st.session_state.get("map_view"):
            st.session_state["map_view"] = view
            st.query_params["view"] = ",".join(map(str, view))


def main() -> None:
    st.set_page_config(page_title="Conflict incident map", layout="wide")
    db = os.environ.get("GEO_DB", str(paths.APP_DB))
    try:
        stamp = store.stamp(db)  # changes whenever the database does, so the cache reloads
        table, origin = load(db, stamp)
    except store.StoreError as e:
        stamp = ("unreadable",)
        st.error(str(e))
        table, origin = IncidentTable(read_geojson(SAMPLE), place_ids), "bundled sample (database unreadable)"
    with st.sidebar:
        _ingest_panel(db)
        _remove_panel(db)
    st.title("Conflict incident map")
    st.caption(f"{len(table):,} incidents from the {origin}. {ATTRIBUTION}")
    if not len(table):
        st.info("No incidents yet: add articles in the sidebar, or run `python -m geo ingest PATH`.")
        return
    outside = table.count_outside(DATE_WINDOW)
    if outside:
        st.warning(f"{outside:,} incident(s) dated outside {DATE_WINDOW[0].year}-{DATE_WINDOW[1].year} are not shown "
                   "(a date no report of this war can have: check their articles, or remove them with "
                   "`python -m geo remove`).")
    if table.date_range(DATE_WINDOW) is None:
        return
    with st.sidebar:
        f = _filters(table)
    sel = table.select(f)
    counts = sel.counts()
    c = st.columns(5)
    c[0].metric("Incidents shown", f"{counts['incidents']:,}")
    c[1].metric("Reported fatalities", f"{counts['fatalities']:,}", help=CONSERVATIVE)
    c[2].metric("Reported injured", f"{counts['injured']:,}", help=CONSERVATIVE)
    c[3].metric("Places", f"{counts['places']:,}")
    c[4].metric("Days", f"{counts['days']:,}")
    key = stamp if origin.startswith("database") else ("sample",)
    front = _front(db, key, table, f.end)
    st.session_state["map_mode"] = map_mode(len(sel))
    playable = front and st.session_state["map_mode"] == "incidents"  # cells do not play
    steps = _front_steps(db, key, table, f.start, f.end) if playable else []
    focus = _focus(table, sel, st.empty())  # always there, as the note below
    left, right = st.columns([5, 2])
    with left:
        note = st.empty()  # always there, so the map keeps its place among the elements and is not mounted anew
        if len(sel) > MARKER_LIMIT:
            note.caption(f"More than {MARKER_LIMIT:,} incidents: the map shows them aggregated into cells.")
        theatre = load_theatre()
        _map(table.bounds(theatre.get("bbox")),
             filter_layers(sel, front=front, front_day=f.end, sides=theatre.get("sides", {}),
                           focus=focus.id if focus else "", front_steps=steps,
                           layers=st.session_state.setdefault("opened_layers", _url_layers())), focus)
    with right:
        st.subheader("Incidents per day")
        if len(sel):
            st.altair_chart(timeline_chart(sel), width="stretch")
            st.subheader("Reported fatalities per day", help=CONSERVATIVE)
            st.altair_chart(fatalities_chart(sel), width="stretch")
            st.subheader("Incidents by actor", help="Acting or targeted: an incident counts for each of its actors")
            st.altair_chart(actors_chart(sel), width="stretch")
            if sel.per_region():
                st.subheader("Incidents by region", help="The first-level area of each incident's place (a district "
                                                         "of Azerbaijan, a province of Armenia); region-wide reports "
                                                         "of no one place are left out")
                st.altair_chart(regions_chart(sel), width="stretch")
        else:
            st.info("No incident matches the filters.")
        st.subheader("Export")
        _downloads(sel, origin, front, f.end)
    st.subheader("Incidents", help="Tick a row to show its incident on the map, with its popup open; the link "
                                   "(?incident=ID in the address) opens it there again")
    if len(sel) > TABLE_ROWS:
        st.caption(f"The {TABLE_ROWS:,} most recent of {len(sel):,}; the exports hold them all.")
    _table(sel, focus)
    _evidence(front, f.end)


def _table(sel, focus: Focus | None) -> None:
    """The incidents, newest first (a linked one leads). A click on a row links to its incident, as ?incident=ID
    does: the map flies to it and opens its popup. The table is then drawn anew, so that no selection outlives the
    reordering and points at another row."""
    rows = table_rows(sel, TABLE_ROWS, first=focus.index if focus else None)
    n = st.session_state.get("table_round", 0)
    event = st.dataframe(rows, width="stretch", hide_index=True, on_select="rerun", selection_mode="single-row",
                         key=f"incidents_table_{n}")
    picked = event.selection.rows if event else []
    if picked and picked[0] < len(rows):
        st.query_params["incident"] = rows[picked[0]]["id"]
        st.session_state["table_round"] = n + 1
        st.rerun()


def _evidence(front: list[dict], day: str) -> None:
    """Why the line is where it is: each place the reports moved, and the reports for and against it."""
    places, reports = control_evidence(front)
    if not places:
        return
    st.subheader(f"Who holds what, and why (as of {day})")
    st.caption("Every place whose holder the reports changed, from all incidents whatever the filters: a change "
               "needs the weight of independent reports, a denial or concession by the other side counts, and a "
               "reversal needs more than the first change. 'claimed' is contested, 'scheduled' agreed but not "
               "yet reported done.")
    st.dataframe(places, width="stretch", hide_index=True)
    pick = st.selectbox("Reports for and against", [p["place"] for p in places], key="evidence_place")
    st.dataframe([r for r in reports if r["place"] == pick], width="stretch", hide_index=True)


main()
