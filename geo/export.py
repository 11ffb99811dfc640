"""Write incidents as an RFC 7946 GeoJSON FeatureCollection (the export contract in the README)."""
from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path

from .records import Incident, Source
from .validate import validate_feature_collection

ATTRIBUTION = "Contains data from GeoNames (geonames.org), CC BY 4.0. Made with Natural Earth."


def feature(inc: Incident) -> dict:
    props = {
        "layer": "incident", "id": inc.id, "event_date": inc.event_date, "time_precision": inc.time_precision,
        "event_type": inc.event_type, "sub_event_type": inc.sub_event_type, "actor1": inc.actor1,
        "actor2": inc.actor2, "location": inc.location, "country": inc.country, "admin1": inc.admin1,
        "geo_precision": inc.geo_precision, "fatalities": inc.fatalities, "injured": inc.injured,
        "claimed_by": list(inc.claimed_by), "denied_by": list(inc.denied_by),
        "sources": [s.as_dict() for s in inc.sources], "evidence": list(inc.evidence),
        "geonameid": inc.geonameid, "notes": inc.notes,
    }
    lon, lat = round(inc.lon, 6), round(inc.lat, 6)
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise ValueError(f"incident {inc.id}: non-finite coordinates")
    return {"type": "Feature", "id": inc.id, "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": props}


def incident_from_feature(f: dict) -> Incident | None:
    """The inverse of `feature` (None for a feature that is not an incident point), for snapshots
    and the store's merged events."""
    p = f.get("properties") or {}
    if p.get("layer", "incident") != "incident" or (f.get("geometry") or {}).get("type") != "Point":
        return None
    lon, lat = f["geometry"]["coordinates"][:2]
    return Incident(
        id=p["id"], event_date=p["event_date"], time_precision=p.get("time_precision") or 3,
        event_type=p["event_type"], sub_event_type=p.get("sub_event_type") or "", actor1=p.get("actor1"),
        actor2=p.get("actor2"), location=p.get("location") or "", country=p.get("country"),
        admin1=p.get("admin1"), lat=lat, lon=lon, geo_precision=p.get("geo_precision") or 3,
        fatalities=p.get("fatalities"), injured=p.get("injured"), claimed_by=p.get("claimed_by") or [],
        denied_by=p.get("denied_by") or [], sources=[Source(**s) for s in p.get("sources") or []],
        evidence=p.get("evidence") or [], geonameid=p.get("geonameid"), notes=p.get("notes") or "")


def feature_parts(inc: Incident) -> tuple[str, str]:
    """The incident's feature as JSON text in two parts, everything but the evidence and the evidence.

    The store keeps these texts, checked when saved, so that an export streams them as they are
    (`feature_text`) and one without the article sentences needs no parsing either. The structure is
    `feature`'s own, so what is checked is what an incident brings: its position, and values JSON holds.
    """
    f = feature(inc)
    lon, lat = f["geometry"]["coordinates"]
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValueError(f"incident {inc.id}: position [{lon}, {lat}] out of range (longitude {lon}, latitude {lat}: "
                         "is it latitude first?)")
    evidence = f["properties"].pop("evidence")
    try:
        text = json.dumps(f, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        ev = json.dumps(evidence, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError) as e:  # NaN or infinity (not JSON), or a value of no JSON type
        raise ValueError(f"incident {inc.id}: not valid GeoJSON: {e}") from None
    return text[:-2], ev


def feature_text(head: str, evidence: str | None) -> str:
    """Join the parts of `feature_parts` again; ``evidence=None`` leaves the sentences out."""
    return f'{head},"evidence":{evidence or "[]"}}}}}'


def feature_collection(incidents: list[Incident], metadata: dict | None = None,
                       extra_features: list[dict] | None = None) -> dict:
    feats = [feature(i) for i in incidents] + list(extra_features or [])
    meta = {"generated": datetime.now(timezone.utc).isoformat(timespec="seconds"), "attribution": ATTRIBUTION,
            "count": len(incidents)}
    meta.update(metadata or {})
    return {"type": "FeatureCollection", "metadata": meta, "features": feats}


def write_geojson(fc: dict, out: str | Path) -> None:
    """Write atomically, and only valid RFC 7946: a reader never sees half a file, and a failure (an
    invalid collection, a full disk) leaves the previous file as it was. Raises ValueError if invalid."""
    _refuse_invalid(fc, out)
    data = json.dumps(fc, ensure_ascii=False, allow_nan=False).encode("utf-8")
    _write_atomically(out, lambda fh: fh.write(data))


def write_geojson_stream(features: Iterable[str], out: str | Path, metadata: dict | None = None,
                         extra_features: list[dict] | None = None) -> int:
    """Write a FeatureCollection from feature texts as they come (a million need no list in memory).

    The texts are trusted as valid, as the store checked each one when it saved it; the metadata and
    the extra features (the front line) are checked here. Atomic as `write_geojson`; returns the count.
    """
    extra = list(extra_features or [])
    _refuse_invalid({"type": "FeatureCollection", "features": extra, "metadata": metadata or {}}, out)
    count = 0

    def write(fh) -> None:
        nonlocal count
        fh.write(b'{"type":"FeatureCollection","features":[')
        sep = ""
        batch: list[str] = []
        for text in features:
            batch.append(text)
            if len(batch) == 10_000:
                fh.write((sep + ",".join(batch)).encode("utf-8"))
                count, sep, batch = count + len(batch), ",", []
        if batch:
            fh.write((sep + ",".join(batch)).encode("utf-8"))
            count, sep = count + len(batch), ","
        for f in extra:
            fh.write((sep + json.dumps(f, ensure_ascii=False, allow_nan=False, separators=(",", ":"))).encode("utf-8"))
            sep = ","
        meta = {"generated": datetime.now(timezone.utc).isoformat(timespec="seconds"), "attribution": ATTRIBUTION,
                "count": count, **(metadata or {})}
        fh.write(f'],"metadata":{json.dumps(meta, ensure_ascii=False, allow_nan=False)}}}'.encode("utf-8"))

    _write_atomically(out, write)
    return count


def _refuse_invalid(fc: dict, out) -> None:
    problems = validate_feature_collection(fc)
    if problems:
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise ValueError(f"refusing to write invalid GeoJSON to {out}: {'; '.join(problems[:5])}{more}")


def _write_atomically(out: str | Path, write) -> None:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
