"""Write incidents as an RFC 7946 GeoJSON FeatureCollection (the export contract in the README)."""
from __future__ import annotations

import json
import os
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path

from .records import Incident
from .store.schema import feature, feature_parts, feature_text, incident_from_feature  # noqa: F401 - the codec
from .validate import validate_feature_collection

ATTRIBUTION = "Contains data from GeoNames (geonames.org), CC BY 4.0. Made with Natural Earth."


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
