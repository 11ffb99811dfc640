"""The optional online fallback of `gazetteer resolve --online`: Nominatim through geopy, cached on disk.

Never called by extraction or tests; the only code of the project that touches the network.
"""
from __future__ import annotations

import json
from pathlib import Path


def geocode_online(name: str, cache_dir: str | Path, user_agent: str = "geo-incident-map/0.1",
                   geocoder_factory=None) -> dict | None:
    """Nominatim lookup (1 request/s), cached in cache_dir/nominatim.json. Only called when --online is given."""
    cache_dir = Path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    cache_file = cache_dir / "nominatim.json"
    cache = json.loads(cache_file.read_text(encoding="utf-8")) if cache_file.exists() else {}
    if name in cache:
        return cache[name]
    if geocoder_factory is None:
        from geopy.geocoders import Nominatim

        geocoder_factory = Nominatim
    from geopy.extra.rate_limiter import RateLimiter

    geocoder = geocoder_factory(user_agent=user_agent)
    geocode = RateLimiter(geocoder.geocode, min_delay_seconds=1)
    loc = geocode(name)
    result = None
    if loc is not None:
        result = {"query": name, "name": loc.address, "lat": loc.latitude, "lon": loc.longitude,
                  "country": None, "admin1": None, "geonameid": None, "feature_code": None,
                  "geo_precision": 2, "score": None, "source": "nominatim"}
    cache[name] = result
    cache_file.write_text(json.dumps(cache, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    return result
