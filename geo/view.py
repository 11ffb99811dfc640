"""What the app shows, as plain functions: filtering, popups and the folium map.

Kept out of `app.py` so that the data handed to `st_folium` can be tested without a browser.
All article text is escaped here: it is untrusted.
"""
from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from .offline import add_attribution, localize
from .records import Incident, Source

TYPE_STYLE = {
    "Explosions/Remote violence": ("#d35400", "bomb"),
    "Battles": ("#c0392b", "crosshairs"),
    "Violence against civilians": ("#8e44ad", "user"),
    "Protests": ("#27ae60", "bullhorn"),
    "Riots": ("#f39c12", "fire"),
    "Strategic developments": ("#2c3e50", "flag"),
}


@dataclass(frozen=True)
class Filters:
    start: str | None = None
    end: str | None = None
    actors: tuple[str, ...] = ()
    event_types: tuple[str, ...] = ()


def filter_incidents(incidents: list[Incident], f: Filters) -> list[Incident]:
    out = []
    for i in incidents:
        if f.start and i.event_date < f.start:
            continue
        if f.end and i.event_date > f.end:
            continue
        if f.actors and i.actor1 not in f.actors and i.actor2 not in f.actors:
            continue
        if f.event_types and i.event_type not in f.event_types:
            continue
        out.append(i)
    return out


def actors_of(incidents: list[Incident]) -> list[str]:
    return sorted({a for i in incidents for a in (i.actor1, i.actor2) if a})


def _safe_url(url: str | None) -> str | None:
    """Only http(s) links survive: a 'javascript:' URL in an article must never become a link."""
    if not url:
        return None
    u = urlparse(url.strip())
    return url.strip() if u.scheme in ("http", "https") and u.netloc else None


def _source_html(s: Source) -> str:
    label = html.escape(s.title or s.file)
    url = _safe_url(s.url)
    pub = f" ({html.escape(s.published)})" if s.published else ""
    if url:
        return f'<a href="{html.escape(url, quote=True)}" target="_blank" rel="noopener noreferrer">{label}</a>{pub}'
    return f"{label}{pub}"


def popup_html(i: Incident) -> str:
    e = html.escape
    prec = {1: "day", 2: "week", 3: "month"}.get(i.time_precision, "?")
    rows = [
        f"<b>{e(i.sub_event_type or i.event_type)}</b> &middot; {e(i.event_type)}",
        f"{e(i.event_date)} (precision: {prec}) &middot; {e(i.location)}"
        f"{' (approximate)' if i.geo_precision > 1 else ''}",
        f"Actors: {e(i.actor1 or 'unknown')} &rarr; {e(i.actor2 or 'unknown')}",
        f"Reported by: {e(', '.join(i.claimed_by) or 'not stated')}",
    ]
    if i.denied_by:
        rows.append(f"Denied by: {e(', '.join(i.denied_by))}")
    if i.fatalities is not None or i.injured is not None:
        rows.append(f"Fatalities: {e(str(i.fatalities if i.fatalities is not None else '?'))}, "
                    f"injured: {e(str(i.injured if i.injured is not None else '?'))}")
    ev = "".join(f"<li>{e(s)}</li>" for s in i.evidence[:3])
    if ev:
        rows.append(f"<ul style='margin:4px 0;padding-left:16px'>{ev}</ul>")
    rows.append("Sources: " + "; ".join(_source_html(s) for s in i.sources))
    return "<div style='max-width:320px;font-size:12px'>" + "<br>".join(rows) + "</div>"


def build_map(incidents: list[Incident], center=(39.8, 46.8), zoom=8):
    """A folium map of the incidents, drawing with no network: its scripts are served by the app."""
    import folium
    from folium.plugins import MarkerCluster

    m = folium.Map(location=center, zoom_start=zoom, tiles=None, control_scale=True)
    folium.TileLayer("OpenStreetMap", attr="&copy; OpenStreetMap contributors",
                     name="OpenStreetMap tiles (online)").add_to(m)
    add_attribution(m)
    cluster = MarkerCluster(name="Incidents", disableClusteringAtZoom=10).add_to(m)
    for i in incidents:
        color, _icon = TYPE_STYLE.get(i.event_type, ("#7f8c8d", "info"))
        radius = 6 + min(14, (i.fatalities or 0) ** 0.5 * 2)
        folium.CircleMarker(
            location=(i.lat, i.lon), radius=radius, color=color, fill=True, fill_opacity=0.8, weight=1,
            popup=folium.Popup(popup_html(i), max_width=340),
            tooltip=html.escape(f"{i.event_date} {i.location}: {i.sub_event_type}"),
        ).add_to(cluster)
    folium.LayerControl(collapsed=True).add_to(m)
    return localize(m)


def read_geojson(path: str | Path) -> list[Incident]:
    """Incidents from an exported snapshot (the bundled sample)."""
    fc = json.loads(Path(path).read_text(encoding="utf-8"))
    out = []
    for f in fc.get("features", []):
        p = f.get("properties") or {}
        if p.get("layer", "incident") != "incident" or (f.get("geometry") or {}).get("type") != "Point":
            continue
        lon, lat = f["geometry"]["coordinates"][:2]
        out.append(Incident(
            id=p["id"], event_date=p["event_date"], time_precision=p.get("time_precision") or 3,
            event_type=p["event_type"], sub_event_type=p.get("sub_event_type") or "", actor1=p.get("actor1"),
            actor2=p.get("actor2"), location=p.get("location") or "", country=p.get("country"),
            admin1=p.get("admin1"), lat=lat, lon=lon, geo_precision=p.get("geo_precision") or 3,
            fatalities=p.get("fatalities"), injured=p.get("injured"), claimed_by=p.get("claimed_by") or [],
            denied_by=p.get("denied_by") or [], sources=[Source(**s) for s in p.get("sources") or []],
            evidence=p.get("evidence") or [], geonameid=p.get("geonameid"), notes=p.get("notes") or ""))
    return out
