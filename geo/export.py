"""Write incidents as an RFC 7946 GeoJSON FeatureCollection (the export contract in the README)."""
from __future__ import annotations

import json
import math
import os
from datetime import datetime, timezone
from pathlib import Path

from .records import Incident

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
    from .validate import validate_feature_collection

    problems = validate_feature_collection(fc)
    if problems:
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise ValueError(f"refusing to write invalid GeoJSON to {out}: {'; '.join(problems[:5])}{more}")
    data = json.dumps(fc, ensure_ascii=False, allow_nan=False).encode("utf-8")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
