"""geo.map.selection: filters over columns."""
from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from geo.map import Filters, IncidentTable, filter_incidents
from map_util import fixture_incident


def test_filter_by_date_actor_type():
    a = fixture_incident(id="a")
    b = fixture_incident(id="b", event_date="2020-10-05", actor1="Armenia", actor2="Azerbaijan", event_type="Protests")
    assert [i.id for i in filter_incidents([a, b], Filters(start="2020-10-02"))] == ["b"]
    assert [i.id for i in filter_incidents([a, b], Filters(end="2020-10-01"))] == ["a"]
    assert [i.id for i in filter_incidents([a, b], Filters(event_types=("Battles",)))] == ["a"]
    assert len(filter_incidents([a, b], Filters(actors=("Armenia",)))) == 2
    assert filter_incidents([a, b], Filters(actors=("Turkey",))) == []


def test_filter_by_claimant_casualties_and_place():
    a = fixture_incident(id="a", claimed_by=["Azerbaijan"], fatalities=2, location="Tǝrtǝr")
    b = fixture_incident(id="b", claimed_by=["Armenia", "Nagorno-Karabakh"], injured=1, location="Stepanakert")
    c = fixture_incident(id="c", claimed_by=[], location="Ganja")
    incs = [a, b, c]
    assert [i.id for i in filter_incidents(incs, Filters(claimants=("Nagorno-Karabakh",)))] == ["b"]
    assert [i.id for i in filter_incidents(incs, Filters(claimants=("Armenia", "Azerbaijan")))] == ["a", "b"]
    assert [i.id for i in filter_incidents(incs, Filters(casualties_only=True))] == ["a", "b"]
    assert [i.id for i in filter_incidents(incs, Filters(place="TARTAR"))] == ["a"]  # folded: ǝ→a, case
    assert [i.id for i in filter_incidents(incs, Filters(place="tərtər"))] == ["a"]
    assert [i.id for i in filter_incidents(incs, Filters(place="step"))] == ["b"]
    assert filter_incidents(incs, Filters(place="Moscow")) == []


def _reference(incs, f: Filters):
    out = []
    for i in incs:
        if (f.start and i.event_date < f.start) or (f.end and i.event_date > f.end):
            continue
        if f.actors and i.actor1 not in f.actors and i.actor2 not in f.actors:
            continue
        if f.event_types and i.event_type not in f.event_types:
            continue
        if f.claimants and not set(i.claimed_by) & set(f.claimants):
            continue
        if f.casualties_only and not ((i.fatalities or 0) > 0 or (i.injured or 0) > 0):
            continue
        if f.place and f.place.casefold() not in i.location.casefold():
            continue
        out.append(i.id)
    return out


_names = st.sampled_from(["Armenia", "Azerbaijan", "Turkey", None])


_inc = st.builds(lambda d, a1, a2, t, c, fat, inj, loc: fixture_incident(
    event_date=f"2020-10-{d:02d}", actor1=a1, actor2=a2, event_type=t, claimed_by=c, fatalities=fat, injured=inj,
    location=loc), st.integers(1, 9), _names, _names, st.sampled_from(["Battles", "Protests", "Riots"]),
    st.lists(st.sampled_from(["Armenia", "Azerbaijan", "Media"]), max_size=2), st.sampled_from([None, 0, 2]),
    st.sampled_from([None, 0, 1]), st.sampled_from(["Tartar", "Ganja", "Barda"]))


_filters = st.builds(
    Filters, st.sampled_from([None, "2020-10-03"]), st.sampled_from([None, "2020-10-06"]),
    st.lists(st.sampled_from(["Armenia", "Turkey"]), max_size=2, unique=True).map(tuple),
    st.lists(st.sampled_from(["Battles", "Riots"]), max_size=2, unique=True).map(tuple),
    st.lists(st.sampled_from(["Azerbaijan", "Media"]), max_size=2, unique=True).map(tuple),
    st.booleans(), st.sampled_from(["", "ar", "GAN"]))


@settings(max_examples=150, deadline=None)
@given(st.lists(_inc, max_size=12), _filters)
def test_columnar_filter_matches_the_plain_definition(incs, f):
    for k, i in enumerate(incs):
        i.id = str(k)
    assert [i.id for i in filter_incidents(incs, f)] == _reference(incs, f)


def test_table_lists_widget_options_and_range():
    t = IncidentTable([fixture_incident(id="a", claimed_by=["Media"]), fixture_incident(id="b", event_date="2020-10-09",
                                                                           actor2=None, event_type="Riots")])
    assert t.actors() == ["Armenia", "Azerbaijan"]
    assert t.event_types() == ["Battles", "Riots"]
    assert t.claimants() == ["Media"]
    assert t.date_range() == (date(2020, 10, 1), date(2020, 10, 9))
    assert IncidentTable([]).date_range() is None
