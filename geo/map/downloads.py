"""What the app lets a reader take away: the table, a GeoJSON snapshot, ACLED-style CSV, a GeoPackage."""
from __future__ import annotations

import csv
import io
import json
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlparse

from ..export import feature_collection
from ..records import Incident, Source
from .html import safe_url
from .selection import Selection
from .style import COUNTRY_NAMES

__all__ = ["ACLED_COLUMNS", "EXTRA_COLUMNS", "table_rows", "source_name", "snapshot_metadata", "to_geojson",
           "acled_rows", "to_csv", "to_gpkg"]


ACLED_COLUMNS = ["event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type",
                 "actor1", "actor2", "country", "admin1", "location", "latitude", "longitude", "geo_precision",
                 "source", "notes", "fatalities"]
EXTRA_COLUMNS = ["claimed_by", "denied_by", "injured", "source_urls"]


def table_rows(sel: Selection, limit: int | None = None, first: int | None = None) -> list[dict]:
    """The filtered incidents for st.dataframe, newest first; ``first`` (a table index, the incident a link
    points at) leads, so the reader finds its row without scrolling. The id is the one ?incident= takes."""
    order = sel.newest_first().tolist()
    if first is not None and first in order:
        order = [first] + [k for k in order if k != first]
    incs = [sel.table.incidents[k] for k in order[:limit]]
    return [{"id": i.id, "date": i.event_date, "type": i.sub_event_type or i.event_type, "location": i.location,
             "actor1": i.actor1, "actor2": i.actor2, "reported by": ", ".join(i.claimed_by),
             "denied by": ", ".join(i.denied_by), "fatalities": i.fatalities, "injured": i.injured,
             "sources": ", ".join(source_name(s) for s in i.sources)} for i in incs]


def source_name(s: Source) -> str:
    url = safe_url(s.url)
    host = urlparse(url).netloc if url else ""
    return host[4:] if host.startswith("www.") else (host or s.file)


def snapshot_metadata(sel: Selection, origin: str, front_day: str | None, n_front: int) -> dict:
    return {"filters": sel.filters.as_dict(), "exported_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "counts": {**sel.counts(), "front_features": n_front}, "front_line_as_of": front_day if n_front else None,
            "source": origin}


def to_geojson(sel: Selection, metadata: dict, front: list[dict] | None = None) -> bytes:
    fc = feature_collection(sel.incidents, metadata, list(front or []))
    return json.dumps(fc, ensure_ascii=False, allow_nan=False).encode("utf-8")


def acled_rows(incidents: list[Incident], spreadsheet_safe: bool = False) -> list[dict]:
    """Incidents under ACLED's column names plus ours (claimed_by, denied_by, injured, source_urls).

    fatalities and injured stay empty when no toll was reported (ACLED writes 0).
    ``spreadsheet_safe`` prefixes text that a spreadsheet would run as a formula with a quote.
    """
    def text(v) -> str:
        v = "" if v is None else str(v)
        return "'" + v if spreadsheet_safe and v[:1] in ("=", "+", "-", "@", "\t", "\r") else v

    rows = []
    for i in incidents:
        rows.append({
            "event_id_cnty": i.id, "event_date": i.event_date, "year": int(i.event_date[:4]),
            "time_precision": i.time_precision, "event_type": text(i.event_type),
            "sub_event_type": text(i.sub_event_type), "actor1": text(i.actor1), "actor2": text(i.actor2),
            "country": text(COUNTRY_NAMES.get(i.country or "", i.country)), "admin1": text(i.admin1),
            "location": text(i.location), "latitude": round(i.lat, 6), "longitude": round(i.lon, 6),
            "geo_precision": i.geo_precision, "source": text("; ".join(dict.fromkeys(map(source_name, i.sources)))),
            "notes": text(i.notes or " | ".join(i.evidence)), "fatalities": i.fatalities,
            "claimed_by": text("; ".join(i.claimed_by)), "denied_by": text("; ".join(i.denied_by)),
            "injured": i.injured,
            "source_urls": text("; ".join(u for u in (safe_url(s.url) for s in i.sources) if u)),
        })
    return rows


def to_csv(sel: Selection) -> bytes:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=ACLED_COLUMNS + EXTRA_COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(acled_rows(sel.incidents, spreadsheet_safe=True))
    return buf.getvalue().encode("utf-8")


def to_gpkg(sel: Selection, front: list[dict] | None = None) -> bytes:
    """A GeoPackage: layer `incidents` (ACLED columns) and, when present, `control` and `front_line`."""
    import geopandas as gpd
    import pandas as pd

    rows = acled_rows(sel.incidents)
    df = pd.DataFrame(rows, columns=ACLED_COLUMNS + EXTRA_COLUMNS)
    for c in ("fatalities", "injured", "year", "time_precision", "geo_precision"):
        df[c] = pd.array(df[c], dtype="Int64")
    for c in ("latitude", "longitude"):
        df[c] = df[c].astype("float64")
    gdf = gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df["longitude"], df["latitude"]), crs="EPSG:4326")
    with tempfile.TemporaryDirectory(prefix="geo-export-") as d:
        path = Path(d) / "incidents.gpkg"
        gdf.to_file(path, layer="incidents", driver="GPKG", engine="pyogrio", geometry_type="Point")
        for layer in ("control", "front_line"):
            feats = [f for f in front or [] if (f.get("properties") or {}).get("layer") == layer]
            if feats:
                fg = gpd.GeoDataFrame.from_features(feats, crs="EPSG:4326")
                for c in fg.columns:
                    if c != "geometry" and fg[c].map(lambda v: isinstance(v, (list, dict))).any():
                        fg[c] = fg[c].map(lambda v: json.dumps(v, ensure_ascii=False)
                                          if isinstance(v, (list, dict)) else v)
                fg.to_file(path, layer=layer, driver="GPKG", engine="pyogrio")
        return path.read_bytes()
