"""Front line: the baseline, territorial changes, the control surface and its export (synthetic reports)."""
import io
import json
import math
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import shapely
from shapely.geometry import Point, shape

from geo import frontline as fl
from geo import store
from geo.__main__ import main
from geo.records import Article, Incident, Source

from front_util import check_control_and_line, outer_border

ROOT = Path(__file__).resolve().parents[1]
BOUNDARIES = Path(__file__).resolve().parents[2] / "shared" / "data" / "boundaries"
BASELINE = ROOT / "data" / "control_baseline.geojson"

ARMENIAN = {"Stepanakert": (39.8153, 46.7519), "Shushi": (39.7581, 46.7486), "Aghdam": (39.9909, 46.9274),
            "Lachin": (39.6374, 46.5498)}
AZERBAIJANI = {"Ganja": (40.6828, 46.3606), "Barda": (40.3744, 47.1267), "Terter": (40.3417, 46.9319),
               "Beylagan": (39.7756, 47.6186)}
FUZULI = (148106, 39.60094, 47.14529)
SHUSHA = (147105, 39.7581, 46.7486)
KALBAJAR = (40.10984, 46.04446)
GAINED = "Government regains territory"
TRANSFER = "Non-violent transfer of territory"


def report(id, day, place, actor="Azerbaijan", claimed=("Azerbaijan",), denied=(), precision=1, sub=GAINED,
           location="somewhere", admin1=None) -> Incident:
    gid, lat, lon = place
    return Incident(id=id, event_date=day, time_precision=1,
                    event_type="Strategic developments" if sub == TRANSFER else "Battles", sub_event_type=sub,
                    actor1=actor, actor2=None, location=location, country="AZ", admin1=admin1, lat=lat, lon=lon,
                    geo_precision=precision, claimed_by=list(claimed), denied_by=list(denied), geonameid=gid)


def held(snap_or_features, lat, lon) -> list[tuple[str, str]]:
    """(controller, status) of the exported control areas covering the point."""
    feats = fl.features(snap_or_features) if isinstance(snap_or_features, fl.FrontSnapshot) else snap_or_features
    return [(f["properties"]["controller"], f["properties"]["status"]) for f in feats
            if f["properties"]["layer"] == "control" and shape(f["geometry"]).covers(Point(lon, lat))]


def _rings_ok(geom) -> None:
    assert geom.is_valid, shapely.is_valid_reason(geom)
    for poly in shapely.get_parts(geom):
        assert poly.exterior.is_ccw
        assert all(not r.is_ccw for r in poly.interiors)


def test_baseline_file_records_its_source_and_tiles_the_theatre():
    fc = json.loads(BASELINE.read_text(encoding="utf-8"))
    meta = fc["metadata"]
    assert "public domain" in meta["licence"] and meta["method"] and meta["command"].startswith("python -m geo")
    assert {s["file"] for s in meta["sources"]} == {"ne_10m_admin_0_countries_deu_caucasus6.geojson",
                                                   "ne_10m_breakaway_caucasus.geojson"}
    geoms = {f["properties"]["controller"]: shape(f["geometry"]) for f in fc["features"]}
    assert set(geoms) == {"armenian", "azerbaijani"}
    for g in geoms.values():
        _rings_ok(g)
    assert geoms["armenian"].intersection(geoms["azerbaijani"]).area < 1e-9


def test_baseline_alone_puts_each_town_on_its_side():
    feats = fl.features(fl.snapshot([], "2020-09-27"))
    for name, (lat, lon) in ARMENIAN.items():
        assert held(feats, lat, lon) == [("armenian", "confirmed")], name
    for name, (lat, lon) in AZERBAIJANI.items():
        assert held(feats, lat, lon) == [("azerbaijani", "confirmed")], name
    line = [f for f in feats if f["properties"]["layer"] == "front_line"]
    assert len(line) == 1 and line[0]["geometry"]["type"] == "LineString"
    assert line[0]["properties"]["as_of"] == "2020-09-27"


@pytest.mark.skipif(not BOUNDARIES.is_dir(), reason="../shared/data/boundaries is not present")
def test_rebuilding_the_baseline_reproduces_the_committed_file(tmp_path, capsys):
    out = tmp_path / "baseline.geojson"
    assert main(["control", "build", "--boundaries", str(BOUNDARIES), "--out", str(out)]) == 0
    assert "armenian" in capsys.readouterr().out
    assert out.read_bytes() == BASELINE.read_bytes()


def test_control_flips_on_the_day_of_the_capture():
    incs = [report("f1", "2020-10-17", FUZULI)]
    lat, lon = FUZULI[1:]
    assert held(fl.snapshot(incs, "2020-10-16"), lat, lon) == [("armenian", "confirmed")]
    assert held(fl.snapshot(incs, "2020-10-17"), lat, lon) == [("azerbaijani", "confirmed")]
    snap = fl.snapshot(incs, date(2020, 10, 30))
    assert held(snap, lat, lon) == [("azerbaijani", "confirmed")]
    (c,) = snap.changes
    assert (c.side, c.status, c.places, c.day) == ("azerbaijani", "confirmed", (148106,), date(2020, 10, 17))
    assert held(snap, *ARMENIAN["Stepanakert"]) == [("armenian", "confirmed")]


def test_a_denied_claim_stays_claimed_until_conceded():
    claim = report("s1", "2020-11-07", SHUSHA, denied=("Armenia",))
    again = report("s2", "2020-11-08", SHUSHA, claimed=("Azerbaijan",), denied=("Nagorno-Karabakh",))
    concession = report("s3", "2020-11-09", SHUSHA, claimed=("Armenia",))
    incs = [concession, again, claim]
    lat, lon = SHUSHA[1:]
    for day in ("2020-11-07", "2020-11-08"):
        snap = fl.snapshot(incs, day)
        assert held(snap, lat, lon) == [("azerbaijani", "claimed")]
        assert [c.status for c in snap.changes] == ["claimed"]
    snap = fl.snapshot(incs, "2020-11-09")
    assert held(snap, lat, lon) == [("azerbaijani", "confirmed")]
    (c,) = snap.changes
    assert (c.status, c.day, c.confirmed_on, c.incident_id) == ("confirmed", date(2020, 11, 7), date(2020, 11, 9), "s1")


def test_an_independent_report_confirms_and_a_later_denial_does_not_downgrade():
    lat, lon = SHUSHA[1:]
    media = [report("s1", "2020-11-07", SHUSHA, denied=("Armenia",)),
             report("m1", "2020-11-08", SHUSHA, claimed=("Azerbaijan", "Media"), denied=("Armenia",))]
    assert held(fl.snapshot(media, "2020-11-08"), lat, lon) == [("azerbaijani", "confirmed")]
    undenied = [report("s1", "2020-11-07", SHUSHA, claimed=()),
                report("s2", "2020-11-08", SHUSHA, denied=("Armenia",))]
    assert held(fl.snapshot(undenied, "2020-11-08"), lat, lon) == [("azerbaijani", "confirmed")]


def _retake(id, day, **kw) -> Incident:
    return report(id, day, FUZULI, actor="Nagorno-Karabakh", claimed=("Nagorno-Karabakh",), denied=("Azerbaijan",),
                  sub="Non-state actor overtakes territory", **kw)


def test_a_retaken_place_goes_back_when_the_retake_outweighs_the_capture():
    lat, lon = FUZULI[1:]
    capture = report("f1", "2020-10-17", FUZULI)
    one = [capture, _retake("f2", "2020-10-20")]
    assert held(fl.snapshot(one, "2020-10-20"), lat, lon) == [("azerbaijani", "confirmed")]
    denied = [*one, _retake("f3", "2020-10-21"), _retake("f4", "2020-10-21")]
    assert held(fl.snapshot(denied, "2020-10-20"), lat, lon) == [("azerbaijani", "confirmed")]
    assert held(fl.snapshot(denied, "2020-10-21"), lat, lon) == [("armenian", "claimed")]
    seen = [*one, report("m1", "2020-10-21", FUZULI, actor="Nagorno-Karabakh", claimed=("Media",),
                         sub="Non-state actor overtakes territory")]
    snap = fl.snapshot(seen, "2020-10-21")
    assert held(snap, lat, lon) == [("armenian", "confirmed")]
    assert [(c.side, c.day, c.incident_id) for c in snap.changes] == [
        ("azerbaijani", date(2020, 10, 17), "f1"), ("armenian", date(2020, 10, 21), "f2")]


def test_one_misread_recapture_does_not_undo_a_capture_several_outlets_confirm():
    lat, lon = SHUSHA[1:]
    confirmed = [report(f"s{n}", "2020-11-08", SHUSHA, claimed=claimed)
                 for n, claimed in enumerate([("Azerbaijan",), ("Media",), (), ("Armenia",)])]
    misread = report("x1", "2020-11-09", SHUSHA, actor="Nagorno-Karabakh", claimed=("Azerbaijan",),
                     sub="Non-state actor overtakes territory")
    for day in ("2020-11-09", "2020-11-30"):
        assert held(fl.snapshot([*confirmed, misread], day), lat, lon) == [("azerbaijani", "confirmed")]


def test_the_line_moves_with_a_capture():
    incs = [report("f1", "2020-10-17", FUZULI)]
    before, after = fl.snapshot(incs, "2020-10-16").line, fl.snapshot(incs, "2020-10-17").line
    assert {before.geom_type, after.geom_type} <= {"LineString", "MultiLineString"}
    assert not before.equals(after) and after.length != before.length


def test_region_level_and_nearby_reports_move_nothing():
    base = fl.snapshot([], "2020-10-01")
    incs = [report("r1", "2020-09-27", (-2001, 39.85, 46.75), precision=3, location="Nagorno-Karabakh"),
            report("n1", "2020-09-28", (146970, 39.8153, 46.7519), precision=2, location="near Stepanakert")]
    snap = fl.snapshot(incs, "2020-10-01")
    assert [(c.geo_precision, c.places) for c in snap.changes] == [(3, ()), (2, ())]
    assert snap.line.equals(base.line)
    assert [a.geometry.area for a in snap.control] == [a.geometry.area for a in base.control]


def test_district_handover_moves_the_district_but_not_the_corridor_town():
    kalbajar = report("k1", "2020-11-25", (586047, *KALBAJAR), sub=TRANSFER, precision=2, admin1="Kalbajar",
                      claimed=())
    lachin = report("l1", "2020-12-01", (147626, *ARMENIAN["Lachin"]), actor=None, sub=TRANSFER, precision=2,
                    admin1="Laçın", claimed=())
    town = report("l2", "2020-12-01", (147625, *ARMENIAN["Lachin"]), sub=TRANSFER, claimed=("Azerbaijan",))
    snap = fl.snapshot([kalbajar, lachin, town], "2020-12-02")
    assert held(snap, *KALBAJAR) == [("azerbaijani", "confirmed")]
    assert held(snap, *ARMENIAN["Lachin"]) == [("armenian", "confirmed")]
    assert held(snap, 40.05275, 46.54419) == [("armenian", "confirmed")]  # Vank: Kalbajar rayon, far from the town


def test_a_withdrawal_hands_the_place_to_the_other_side():
    aghdam = (None, *ARMENIAN["Aghdam"])  # no geonameid: the nearest place within the town radius stands for it
    snap = fl.snapshot([report("a1", "2020-11-20", aghdam, actor="Armenia", claimed=(), sub=TRANSFER)], "2020-11-20")
    assert held(snap, *ARMENIAN["Aghdam"]) == [("azerbaijani", "confirmed")]


def test_reports_before_the_war_and_non_captures_are_ignored():
    old = report("o1", "1993-04-03", (None, *KALBAJAR), actor="Armenia", sub="Non-state actor overtakes territory")
    shelling = report("x1", "2020-10-04", FUZULI, sub="Shelling/artillery/missile attack")
    snap = fl.snapshot([old, shelling], "2020-10-05")
    assert snap.changes == () and held(snap, *FUZULI[1:]) == [("armenian", "confirmed")]


def test_geometries_are_valid_oriented_and_rounded():
    incs = [report("f1", "2020-10-17", FUZULI), report("s1", "2020-11-07", SHUSHA, denied=("Armenia",)),
            report("k1", "2020-11-25", (586047, *KALBAJAR), sub=TRANSFER, precision=2, admin1="Kalbajar")]
    for day in ("2020-09-27", "2020-10-17", "2020-11-07", "2020-11-30"):
        snap = fl.snapshot(incs, day)
        for a in snap.control:
            _rings_ok(a.geometry)
        assert snap.line.is_valid
        feats = json.loads(json.dumps(fl.features(snap), allow_nan=False))
        for f in feats:
            g = shape(f["geometry"])
            if f["properties"]["layer"] == "control":
                _rings_ok(g)
                assert f["properties"]["controller_name"] in ("Armenian side", "Azerbaijani side")
            xy = shapely.get_coordinates(g)
            assert all(math.isfinite(v) and round(v, 6) == v for v in xy.ravel())
    claimed = fl.features(fl.snapshot(incs, "2020-11-07"))
    assert {(f["properties"]["controller"], f["properties"]["status"]) for f in claimed
            if f["properties"]["layer"] == "control"} == {("armenian", "confirmed"), ("azerbaijani", "confirmed"),
                                                          ("azerbaijani", "claimed")}


def _db(tmp_path) -> Path:
    db = tmp_path / "t.gpkg"
    src = Source("synthetic.txt", None, "synthetic", "2020-10-18")
    incs = [report("cap", "2020-10-17", FUZULI, location="Fuzuli"),
            report("shell", "2020-10-18", (584871, *AZERBAIJANI["Terter"]), actor="Armenia", claimed=("Azerbaijan",),
                   sub="Shelling/artillery/missile attack", location="Tartar")]
    incs[1].event_type = "Explosions/Remote violence"
    for i in incs:
        i.sources = [src]
    with store.connect(db) as conn:
        store.save_article(conn, Article("synthetic.txt", "synthetic", date(2020, 10, 18), [], []), incs)
    return db


def test_export_with_front_line_uses_every_capture_whatever_the_filters(tmp_path):
    db, out = _db(tmp_path), tmp_path / "out.geojson"
    assert main(["export", "--db", str(db), "--out", str(out), "--event-type", "Explosions/Remote violence",
                 "--with-front-line"]) == 0
    fc = json.loads(out.read_text(encoding="utf-8"))
    layers = [f["properties"]["layer"] for f in fc["features"]]
    assert layers.count("incident") == 1 and layers.count("front_line") == 1 and layers.count("control") == 2
    assert fc["metadata"]["front_line"]["as_of"] == "2020-10-18"  # the latest incident
    assert held(fc["features"], *FUZULI[1:]) == [("azerbaijani", "confirmed")]
    layers = [f["properties"] for f in fc["features"] if f["properties"]["layer"] != "incident"]
    assert {p["as_of"] for p in layers} == {"2020-10-18"}
    assert main(["export", "--db", str(db), "--out", str(out), "--end", "2020-10-16", "--with-front-line"]) == 0
    fc = json.loads(out.read_text(encoding="utf-8"))
    assert fc["metadata"]["front_line"]["as_of"] == "2020-10-16"
    assert held(fc["features"], *FUZULI[1:]) == [("armenian", "confirmed")]
    assert main(["export", "--db", str(db), "--out", str(out)]) == 0
    assert {f["properties"]["layer"] for f in json.loads(out.read_text(encoding="utf-8"))["features"]} == {"incident"}


STEPANAKERT = (146970, 39.8153, 46.7519)
AGHDAM = (148619, *ARMENIAN["Aghdam"])


def test_a_premature_claim_lapses_when_the_fighting_goes_on_there():
    lat, lon = SHUSHA[1:]
    claim = report("c1", "2020-10-20", SHUSHA, denied=("Armenia",))
    fighting = [report(f"a{n}", "2020-10-22", SHUSHA, claimed=("Armenia",), sub="Shelling/artillery/missile attack")
                for n in range(3)]
    assert held(fl.snapshot([claim, *fighting], "2020-10-21"), lat, lon) == [("azerbaijani", "claimed")]
    snap = fl.snapshot([claim, *fighting], "2020-10-22")
    assert held(snap, lat, lon) == [("armenian", "confirmed")]
    (h,) = [h for h in snap.places if h.now.since]
    assert [(x.holder, x.status) for x in h.timeline] == [("armenian", "confirmed"), ("azerbaijani", "claimed"),
                                                          ("armenian", "confirmed")]
    before = [report(f"b{n}", "2020-10-18", SHUSHA, sub="Shelling/artillery/missile attack") for n in range(3)]
    assert held(fl.snapshot([*before, claim], "2020-10-20"), lat, lon) == [("azerbaijani", "claimed")]


def test_a_lone_retrospective_or_month_dated_report_does_not_move_a_town_but_two_outlets_do():
    lat, lon = FUZULI[1:]
    late = report("r1", "2020-10-01", FUZULI)
    late.sources = [Source("late.txt", None, "late", "2020-11-20")]
    vague = replace(report("v1", "2020-10-02", FUZULI), time_precision=3)
    for alone in (late, vague):
        assert held(fl.snapshot([alone], "2020-10-05"), lat, lon) == [("armenian", "confirmed")]
    assert held(fl.snapshot([late, vague], "2020-10-05"), lat, lon) == [("azerbaijani", "confirmed")]  # two agree
    prompt = report("p1", "2020-10-17", FUZULI)
    snap = fl.snapshot([late, prompt], "2020-10-17")
    assert held(snap, lat, lon) == [("azerbaijani", "confirmed")]
    notes = {r["incident"]: r["note"] for f in fl.features(snap) for e in f["properties"].get("evidence", [])
             for r in e["reports"]}
    assert "retrospective" in notes["r1"] and notes["p1"] == ""


def test_after_the_ceasefire_a_capture_by_force_is_a_past_one():
    lat, lon = FUZULI[1:]
    after = [report(f"t{n}", "2020-11-12", FUZULI) for n in range(2)]
    snap = fl.snapshot(after, "2020-11-12")
    assert held(snap, lat, lon) == [("azerbaijani", "confirmed")]
    assert [c.day for c in snap.changes] == [date(2020, 11, 9)]
    assert held(fl.snapshot(after[:1], "2020-11-12"), lat, lon) == [("armenian", "confirmed")]
    assert held(fl.snapshot(after, "2020-11-11"), lat, lon) == [("armenian", "confirmed")]


def test_a_scheduled_handover_waits_for_its_day_and_is_marked_until_reported():
    lat, lon = ARMENIAN["Aghdam"]
    announced = report("p1", "2020-11-11", AGHDAM, actor="Armenia", claimed=("Armenia",), sub=TRANSFER)
    assert held(fl.snapshot([announced], "2020-11-19"), lat, lon) == [("armenian", "confirmed")]
    assert held(fl.snapshot([announced], "2020-11-20"), lat, lon) == [("azerbaijani", "scheduled")]
    done = report("d1", "2020-11-20", AGHDAM, claimed=("Azerbaijan",), sub=TRANSFER)
    snap = fl.snapshot([announced, done], "2020-11-20")
    assert held(snap, lat, lon) == [("azerbaijani", "confirmed")]
    ev = [e for f in fl.features(snap) for e in f["properties"].get("evidence", []) if e["place"] == "Aghdam"]
    assert [(r["incident"], r["role"], r["counted"]) for r in ev[0]["reports"] if r["incident"] != "d1"] == [
        ("p1", "plan", False), ("scheduled:148617", "scheduled", True)]


def test_a_planned_incident_is_a_scheduled_change_on_its_own_day():
    lat, lon = FUZULI[1:]
    plan = report("q1", "2020-12-10", FUZULI, sub=TRANSFER, claimed=())
    plan.status = "planned"
    assert held(fl.snapshot([plan], "2020-12-09"), lat, lon) == [("armenian", "confirmed")]
    assert held(fl.snapshot([plan], "2020-12-10"), lat, lon) == [("azerbaijani", "scheduled")]


def test_a_capital_moves_only_on_a_sentence_about_its_own_fall():
    lat, lon = STEPANAKERT[1:]
    near = "Azerbaijani forces took Shusha, a town above Stepanakert."
    misread = [report(f"k{n}", "2020-11-08", STEPANAKERT, claimed=()) for n in range(4)]
    shusha = [report(f"s{n}", "2020-11-08", SHUSHA, claimed=()) for n in range(4)]
    for n, (k, s) in enumerate(zip(misread, shusha, strict=True)):
        k.evidence = s.evidence = [near]
        k.sources = s.sources = [Source(f"o{n}.txt", None, "o", "2020-11-08")]
    assert held(fl.snapshot(misread + shusha, "2020-11-09"), lat, lon) == [("armenian", "confirmed")]
    unnamed = report("u1", "2020-11-08", STEPANAKERT, claimed=())
    unnamed.evidence = ["The regional capital fell."]
    assert held(fl.snapshot([unnamed], "2020-11-09"), lat, lon) == [("armenian", "confirmed")]
    own = report("o1", "2020-11-08", STEPANAKERT, claimed=())
    own.evidence = ["Azerbaijani troops entered Khankendi."]
    assert held(fl.snapshot([own], "2020-11-09"), lat, lon) == [("azerbaijani", "confirmed")]


def test_a_capture_of_a_landmark_moves_no_town():
    church = report("c1", "2020-10-08", (-1101, *SHUSHA[1:]), claimed=("Armenia",),
                    location="Ghazanchetsots Cathedral")
    snap = fl.snapshot([church], "2020-10-09")
    assert held(snap, *SHUSHA[1:]) == [("armenian", "confirmed")]
    assert [(c.location, c.places) for c in snap.changes] == [("Ghazanchetsots Cathedral", ())]


def test_the_export_carries_each_disputed_place_with_its_reports(tmp_path):
    db, out = _db(tmp_path), tmp_path / "out.geojson"
    assert main(["export", "--db", str(db), "--out", str(out), "--with-front-line"]) == 0
    fc = json.loads(out.read_text(encoding="utf-8"))
    areas = {(f["properties"]["controller"], f["properties"]["status"]): f["properties"] for f in fc["features"]
             if f["properties"]["layer"] == "control"}
    (fuzuli,) = areas[("azerbaijani", "confirmed")]["evidence"]
    assert (fuzuli["place"], fuzuli["holder"], fuzuli["since"]) == ("Fuzuli", "azerbaijani", "2020-10-17")
    assert [(t["holder"], t["since"]) for t in fuzuli["timeline"]] == [("armenian", None),
                                                                      ("azerbaijani", "2020-10-17")]
    assert [(r["incident"], r["role"], r["counted"], r["outlet"]) for r in fuzuli["reports"]] == [
        ("cap", "capture", True, "synthetic.txt")]
    assert areas[("armenian", "confirmed")]["evidence"] == []


def test_the_relevant_incidents_give_the_same_control_as_all():
    lat, lon = SHUSHA[1:]
    incs = [report("c1", "2020-10-20", SHUSHA, denied=("Armenia",)),
            *[report(f"a{n}", "2020-10-22", SHUSHA, claimed=("Armenia",), sub="Shelling/artillery/missile attack")
              for n in range(3)],
            report("g1", "2020-10-22", (None, *AZERBAIJANI["Ganja"]), actor="Armenia",
                   sub="Shelling/artillery/missile attack")]
    kept = fl.relevant(incs)
    assert sorted(i.id for i in kept) == ["a0", "a1", "a2", "c1"]
    for day in ("2020-10-21", "2020-10-22"):
        assert fl.features(fl.snapshot(kept, day)) == fl.features(fl.snapshot(incs, day))
    assert held(fl.snapshot(kept, "2020-10-22"), lat, lon) == [("armenian", "confirmed")]


def test_evidence_rows_tell_a_reader_who_holds_each_disputed_place_and_why():
    incs = [report("s1", "2020-11-07", SHUSHA, denied=("Armenia",)),
            report("s2", "2020-11-09", SHUSHA, claimed=("Armenia",)), report("f1", "2020-10-17", FUZULI)]
    places, reports = fl.evidence_rows(fl.features(fl.snapshot(incs, "2020-11-09")))
    assert [(p["place"], p["holder"], p["status"], p["since"]) for p in places] == [
        ("Fuzuli", "azerbaijani", "confirmed", "2020-10-17"), ("Shusha", "azerbaijani", "confirmed", "2020-11-07")]
    shusha = places[1]
    assert shusha["history"] == ("armenian confirmed → azerbaijani claimed (2020-11-07) → "
                                 "azerbaijani confirmed (2020-11-09)")
    assert (shusha["weight for"], shusha["weight against"], shusha["reports"]) == (2.0, 0.5, 3)
    assert [(r["place"], r["incident"], r["role"], r["side"]) for r in reports] == [
        ("Fuzuli", "f1", "capture", "azerbaijani"), ("Shusha", "s1", "capture", "azerbaijani"),
        ("Shusha", "s1", "denial", "armenian"), ("Shusha", "s2", "concession", "azerbaijani")]


def test_made_up_articles_move_the_line_only_as_far_as_their_evidence(tmp_path):
    """Twelve invented articles through the whole pipeline: a claim denied then conceded (Fuzuli), a premature
    claim undone by the claimant's own attacks on the town (Martakert), a capture several outlets report, a
    later retrospective sentence and the other side's lone claim to have retaken it (Shusha), a handover plan
    (Kalbajar: scheduled), a scheduled handover a report says happened (Aghdam: confirmed), a capital named
    only as a landmark."""
    from geo.ingest import ingest
    db = tmp_path / "front.gpkg"
    ingest([str(ROOT / "tests" / "fixtures" / "front")], str(db), out=io.StringIO(), progress=False)
    incs = store.load_incidents(db)
    towns = {"Fuzuli": FUZULI[1:], "Martakert": (40.2124, 46.8209), "Shusha": SHUSHA[1:], "Kalbajar": KALBAJAR,
             "Stepanakert": STEPANAKERT[1:], "Aghdam": ARMENIAN["Aghdam"]}
    expected = {
        "2020-10-16": {},
        "2020-10-17": {"Fuzuli": ("azerbaijani", "claimed")},
        "2020-10-19": {"Fuzuli": ("azerbaijani", "confirmed")},
        "2020-10-21": {"Fuzuli": ("azerbaijani", "confirmed"), "Martakert": ("azerbaijani", "claimed")},
        "2020-10-23": {"Fuzuli": ("azerbaijani", "confirmed")},
        "2020-11-08": {"Fuzuli": ("azerbaijani", "confirmed"), "Shusha": ("azerbaijani", "confirmed")},
        "2020-11-10": {"Fuzuli": ("azerbaijani", "confirmed"), "Shusha": ("azerbaijani", "confirmed")},
        "2020-11-19": {"Fuzuli": ("azerbaijani", "confirmed"), "Shusha": ("azerbaijani", "confirmed")},
        "2020-11-24": {"Fuzuli": ("azerbaijani", "confirmed"), "Shusha": ("azerbaijani", "confirmed"),
                       "Aghdam": ("azerbaijani", "confirmed")},
        "2020-11-26": {"Fuzuli": ("azerbaijani", "confirmed"), "Shusha": ("azerbaijani", "confirmed"),
                       "Aghdam": ("azerbaijani", "confirmed"), "Kalbajar": ("azerbaijani", "scheduled")},
    }
    for day, changed in expected.items():
        feats = fl.features(fl.snapshot(incs, day))
        got = {t: held(feats, *ll) for t, ll in towns.items()}
        assert got == {t: [changed.get(t, ("armenian", "confirmed"))] for t in towns}, day


def test_the_exported_control_is_valid_and_its_line_is_the_border_between_the_sides(tmp_path):
    """On each day the export's control polygons are valid and its front line runs where the two sides' areas
    meet: not along the theatre's outer border, also where a gain (Kalbajar) reaches it."""
    db, out = tmp_path / "t.gpkg", tmp_path / "out.geojson"
    incs = [report("f1", "2020-10-17", FUZULI, location="Fuzuli"),
            report("s1", "2020-11-08", SHUSHA, denied=("Armenia",), location="Shusha"),
            report("k1", "2020-11-25", (586047, *KALBAJAR), sub=TRANSFER, precision=2, admin1="Kalbajar",
                   claimed=(), location="Kalbajar District")]
    for i in incs:
        i.sources = [Source(f"{i.id}.txt", None, i.id, i.event_date)]
    with store.connect(db) as conn:
        store.save_article(conn, Article("t.txt", "t", date(2020, 11, 25), [], []), incs)
    outer = outer_border()
    seen = set()
    for day in ("2020-09-27", "2020-10-17", "2020-11-08", "2020-11-21", "2020-11-25", "2020-12-02"):
        assert main(["export", "--db", str(db), "--out", str(out), "--end", day, "--with-front-line"]) == 0
        feats = json.loads(out.read_text(encoding="utf-8"))["features"]
        check_control_and_line(feats, outer)
        seen |= {f["properties"]["status"] for f in feats if f["properties"]["layer"] == "control"}
    assert seen == {"confirmed", "claimed", "scheduled"}


def test_the_front_line_takes_its_theatre_from_geo_theatre(monkeypatch):
    """geo.theatre is the one reader of the theatre files: what it hands out is what the front line uses."""
    import copy

    from geo import theatre
    real = theatre._read

    def edited(path):
        t = copy.deepcopy(real(path))
        t["sides"]["armenian"]["label"] = "Side A"
        return t

    monkeypatch.setattr(theatre, "_read", edited)
    fl._setup.cache_clear()
    try:
        feats = fl.features(fl.snapshot([], "2020-10-01"))
    finally:
        fl._setup.cache_clear()
    assert {f["properties"]["controller_name"] for f in feats if f["properties"]["layer"] == "control"} == {
        "Side A", "Azerbaijani side"}


def test_a_scheduled_transfer_is_evidence_only_about_the_places_it_hands_over():
    """The Aghdam district's villages that the Azerbaijani side held before the war are not handed over to it:
    with no report at all, every place in the evidence is one the schedules move."""
    entries = [e for f in fl.features(fl.snapshot([], "2020-12-02")) for e in f["properties"].get("evidence", [])]
    assert {"Aghdam", "Kalbajar"} <= {e["place"] for e in entries}
    assert [e["place"] for e in entries if e["timeline"][0]["holder"] == e["holder"]] == []
    assert {(e["holder"], e["status"]) for e in entries} == {("azerbaijani", "scheduled")}


def test_a_district_handover_moves_only_the_losing_sides_places_whoever_is_named():
    """The Aghdam district had villages on both sides of the pre-war line. Whether the report names the side
    that withdraws, the side that takes over or no one, the district's seat passes to the Azerbaijani side and
    its Azerbaijani-held village is not handed to the side that withdrew, nor listed as disputed."""
    lat, lon = ARMENIAN["Aghdam"]
    banovshalar = (40.12646, 47.0802)
    for actor in ("Armenia", "Azerbaijan", None):
        handover = report("h1", "2020-11-20", (148617, lat, lon), actor=actor, claimed=(), sub=TRANSFER,
                          precision=2, admin1="Ağdam", location="Aghdam District")
        snap = fl.snapshot([handover], "2020-11-21")
        assert held(snap, lat, lon) == [("azerbaijani", "confirmed")], actor
        assert held(snap, *banovshalar) == [("azerbaijani", "confirmed")], actor
        listed = {e["place"] for f in fl.features(snap) for e in f["properties"].get("evidence", [])}
        assert "Banovshalar" not in listed and "Aghdam" in listed, actor


def test_a_capture_by_the_side_that_holds_the_place_does_not_raise_the_bar_for_the_real_one():
    """Sentences like 'X fell to the attackers' misread as the defender taking X, before anyone claimed X, are
    no evidence: they must not outweigh the first report of the actual capture."""
    lat, lon = SHUSHA[1:]
    misread = [report(f"m{n}", "2020-11-07", SHUSHA, actor="Nagorno-Karabakh", claimed=("Azerbaijan",),
                      sub="Non-state actor overtakes territory") for n in range(2)]
    capture = report("c1", "2020-11-08", SHUSHA, claimed=())
    snap = fl.snapshot([*misread, capture], "2020-11-08")
    assert held(snap, lat, lon) == [("azerbaijani", "confirmed")]
    (h,) = snap.places
    assert [(x.holder, x.by) for x in h.timeline] == [("armenian", None), ("azerbaijani", "c1")]
    notes = {r.incident_id: (n in h.counted, r.note) for n, r in enumerate(h.reports)}
    assert not notes["m0"][0] and "holds it" in notes["m0"][1] and notes["c1"][0]
    retake = report("r1", "2020-11-09", SHUSHA, actor="Nagorno-Karabakh", claimed=("Media",),
                    sub="Non-state actor overtakes territory")
    snap = fl.snapshot([*misread, capture, retake], "2020-11-09")
    assert [r.incident_id for n, r in enumerate(snap.places[0].reports) if n in snap.places[0].counted] == ["c1", "r1"]


def test_steps_give_the_front_on_each_day_it_changed_as_the_end_date_weighs_it():
    """Playback's front: the start, then each change; a claim confirmed later shows as claimed until then."""
    incs = [report("f1", "2020-10-17", FUZULI), report("s1", "2020-11-07", SHUSHA, denied=("Armenia",)),
            report("s2", "2020-11-09", SHUSHA, claimed=("Armenia",))]
    steps = fl.steps(incs, "2020-10-01", "2020-11-12")
    assert [s.day for s in steps] == [date(2020, 10, 1), date(2020, 10, 17), date(2020, 11, 7), date(2020, 11, 9)]
    fuzuli, shusha = FUZULI[1:], SHUSHA[1:]
    assert [held(s, *fuzuli) for s in steps] == [[("armenian", "confirmed")]] + [[("azerbaijani", "confirmed")]] * 3
    assert [held(s, *shusha) for s in steps] == [[("armenian", "confirmed")]] * 2 + [
        [("azerbaijani", "claimed")], [("azerbaijani", "confirmed")]]
    end = fl.features(fl.snapshot(incs, "2020-11-12"))
    assert [f["geometry"] for f in fl.features(steps[-1])] == [f["geometry"] for f in end]
    assert [s.day for s in fl.steps(incs, "2020-10-20", "2020-10-30")] == [date(2020, 10, 20)]  # no change inside
