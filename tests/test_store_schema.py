"""geo.store.schema: the columns and codecs follow the record, whatever its fields."""
from __future__ import annotations

import dataclasses
import json

import pytest

from geo.records import Incident, Source
from geo.store import migrate, schema


def _incident(**kw) -> Incident:
    base = dict(id="i1", event_date="2020-10-04", time_precision=1, event_type="Battles", sub_event_type="Armed clash",
                actor1="Armenia", actor2=None, location="Talish", country="AZ", admin1=None, lat=40.1, lon=46.6,
                geo_precision=2, fatalities=3, injured=None, claimed_by=["Azerbaijan"], denied_by=["Armenia"],
                sources=[Source("a.txt", "https://x.example/a", "A <b>", "2020-10-05")], evidence=["It said \"so\"."],
                geonameid=42, notes="n")
    return Incident(**{**base, **kw})


def test_every_field_but_the_point_is_a_column_in_the_records_order():
    names = [f.name for f in dataclasses.fields(Incident) if f.name not in ("lat", "lon")]
    cols = [c for c, _ in schema.COLUMNS]
    assert cols[:2] == ["incident_id", "article_id"] and cols[2:] == names[1:] and "status" in cols


@pytest.mark.parametrize("status", ["reported", "planned"])
def test_a_row_reads_back_as_the_incident_it_was(status):
    inc = _incident(status=status)
    vals = schema.values(inc, "a.txt")
    assert dict(zip([c for c, _ in schema.COLUMNS], vals))["article_id"] == "a.txt"
    assert schema.incident(inc.lon, inc.lat, vals) == inc


def test_a_missing_column_reads_as_the_records_default():
    inc = _incident()
    vals = [None if c in ("status", "notes") else v for (c, _), v in zip(schema.COLUMNS, schema.values(inc, "a"))]
    back = schema.incident(inc.lon, inc.lat, vals)
    assert (back.status, back.notes) == ("reported", "")


def test_a_feature_reads_back_as_the_incident_and_never_carries_the_status():
    inc = _incident(status="planned")
    f = schema.feature(inc)
    assert "status" not in f["properties"] and f["properties"]["layer"] == "incident"
    assert list(f["properties"])[1:] == list(schema.FEATURE_FIELDS)
    back = schema.incident_from_feature(json.loads(json.dumps(f)))
    assert back == dataclasses.replace(inc, status="reported")
    head, evidence = schema.feature_parts(inc)
    assert json.loads(schema.feature_text(head, evidence)) == f


def test_a_bare_feature_gets_the_least_precise_defaults():
    f = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [46.0, 40.0]},
         "properties": {"id": "x", "event_date": "2020-10-01", "event_type": "Battles"}}
    inc = schema.incident_from_feature(f)
    assert (inc.time_precision, inc.geo_precision, inc.sub_event_type, inc.claimed_by, inc.sources) == (3, 3, "", [], [])
    assert schema.incident_from_feature({**f, "properties": {**f["properties"], "layer": "control"}}) is None


def test_an_unknown_status_is_refused_with_the_incident_named():
    with pytest.raises(ValueError, match="incident i1: status 'done'"):
        schema.values(_incident(status="done"), "a")


def test_migrations_add_what_a_store_lacks_with_the_records_default():
    present = {schema.LAYER: {c for c, _ in schema.COLUMNS} - {"status"}, "articles": set(schema.ARTICLE_COLUMNS)}
    assert migrate.missing(present) == [(schema.LAYER, "status", "TEXT")]
    assert migrate.add_column(schema.LAYER, "status", "TEXT") == \
        """ALTER TABLE "incidents" ADD COLUMN status TEXT DEFAULT 'reported'"""
    assert migrate.add_column("articles", "pipeline", "TEXT") == 'ALTER TABLE "articles" ADD COLUMN pipeline TEXT'
    assert "NULL AS status" in migrate.select_list(present[schema.LAYER])
