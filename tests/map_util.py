"""Fixtures shared by the tests of geo.map: incidents, hostile text, a rendered page's rows."""
from __future__ import annotations

import json
import re

from geo.records import Incident, Source


HOSTILE = ["{{ 6*7 }}{% for x in [1, 2] %}X{% endfor %}", "<script>alert(1)</script>", "<img src=x onerror=alert(2)>",
           "${alert(3)}", "\\`);alert(4);//",
           "'); alert(5); ('", "</script><script>alert(6)</script>", '"><svg onload=alert(7)>']


def fixture_incident(**kw):
    base = dict(id="x1", event_date="2020-10-01", time_precision=1, event_type="Battles",
                sub_event_type="Armed clash", actor1="Azerbaijan", actor2="Armenia", location="Tartar",
                country="AZ", admin1=None, lat=40.34, lon=46.93, geo_precision=1,
                sources=[Source("f.txt", "https://example.org/a", "T", "2020-10-01")], evidence=["E."])
    base.update(kw)
    return Incident(**base)


def many_incidents(n: int, seed: int = 1) -> list[Incident]:
    import random
    rnd = random.Random(seed)
    types = ["Battles", "Explosions/Remote violence", "Strategic developments"]
    return [fixture_incident(id=f"i{k}", event_date=f"2020-10-{1 + k % 28:02d}", event_type=rnd.choice(types),
                      lat=39 + rnd.random() * 2, lon=45.5 + rnd.random() * 3, fatalities=rnd.choice([None, 0, 3]),
                      location=f"Place {k % 40}") for k in range(n)]


def render(m) -> str:
    return m.get_root().render()


def page_rows(html: str) -> list[list]:
    """The rows IncidentLayer hands to the browser, parsed back from the rendered page."""
    match = re.search(r"var rows = (\[.*?\]);\n", html, re.S)
    return json.loads(match.group(1))


STUB_FEATURES = [
    {"type": "Feature",
     "geometry": {"type": "Polygon", "coordinates": [[[46.5, 39.5], [47, 39.5], [47, 40], [46.5, 39.5]]]},
     "properties": {"layer": "control", "controller": "armenian", "controller_name": "Armenian side",
                    "status": "confirmed"}},
    {"type": "Feature",
     "geometry": {"type": "Polygon", "coordinates": [[[47, 39.5], [47.5, 39.5], [47.5, 40], [47, 39.5]]]},
     "properties": {"layer": "control", "controller": "azerbaijani", "controller_name": "<b>x</b>",
                    "status": "claimed"}},
    {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[47, 39.5], [47, 40]]},
     "properties": {"layer": "front_line"}},
]
