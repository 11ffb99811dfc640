"""Clause scope of times, truce anchors and the reason of every incident (geo/extract/clauses.py), on
sentences written for the test."""

from geo.extract import extract
from geo.extract.clauses import blank, clauses, foreign_spans
from geo.lexicon import load
from geo.reader import read_text

LEX = load()


def _incs(gazetteer, body, published="October 14, 2020"):
    return extract(read_text(f"A test headline\n\n{published}\n\n{body}\n", file="t.txt"), gazetteer)


def test_clauses_cut_at_subordinating_words_not_inside_figures():
    s = "After talks on Monday, troops shelled the town, which had been calm since 30,000 people left."
    parts = [(s[c.start:c.end].strip(), c.subordinate) for c in clauses(s, LEX)]
    assert parts[0] == ("After talks on Monday,", True)
    assert ("troops shelled the town,", False) in parts
    assert any(p.startswith("which had been calm") and sub for p, sub in parts)
    assert not any(p.startswith("000") for p, _ in parts)
    trig = s.index("shelled")
    assert [s[a:b].strip() for a, b in foreign_spans(s, (trig, trig + 7), LEX)][0] == "After talks on Monday,"
    assert len(blank(s, foreign_spans(s, (trig, trig + 7), LEX))) == len(s)


def test_time_of_another_clause_does_not_date_the_incident(gazetteer):
    incs = _incs(gazetteer, "Following talks in Moscow on Monday, Azerbaijani forces shelled Martuni on Tuesday.")
    assert [i.event_date for i in incs] == ["2020-10-13"]


def test_event_after_yesterdays_event_is_not_dated_yesterday(gazetteer):
    incs = _incs(gazetteer, "After yesterday's shelling, Armenian forces struck the city of Barda again, "
                            "killing five civilians.", published="October 28, 2020")
    assert [(i.location, i.event_date, i.actor1) for i in incs] == [("Barda", "2020-10-28", "Armenia")]


def test_minutes_after_the_truce_is_the_truce_day(gazetteer):
    body = ("The truce was agreed overnight after long talks. Minutes after the truce took effect, the Armenian "
            "military accused Azerbaijan of shelling the town of Kapan, killing one civilian.")
    incs = [i for i in _incs(gazetteer, body, published="October 11, 2020") if i.location == "Kapan"]
    assert [(i.event_date, i.time_precision, i.fatalities) for i in incs] == [("2020-10-10", 1, 1)]
    assert "truce" in incs[0].notes


def test_quoted_speakers_day_beats_the_paragraphs_date(gazetteer):
    body = ("Fighting went on across the front on Thursday. \u201cA rocket hit the outskirts of Yevlakh,\u201d an aide "
            "to the president wrote late on Tuesday.")
    incs = [i for i in _incs(gazetteer, body, published="October 8, 2020") if i.location == "Yevlakh"]
    assert [i.event_date for i in incs] == ["2020-10-06"]


def test_a_place_in_the_name_of_a_pipeline_is_not_the_place(gazetteer):
    incs = _incs(gazetteer, "Armenian forces fired a rocket at the Baku-Tbilisi-Ceyhan pipeline on Tuesday.")
    assert "Baku" not in {i.location for i in incs}


def test_a_secondary_event_of_a_past_year_is_background(gazetteer):
    incs = _incs(gazetteer, "The poet was born in Stepanakert the day after the signing of the 1994 truce, after the war that "
                            "caused some 30,000 deaths.")
    assert incs == []


def test_every_incident_says_why(gazetteer):
    incs = _incs(gazetteer, "Azerbaijan's defence ministry said on Tuesday that Armenian forces shelled the town of "
                            "Terter. Karabakh officials said drones struck Martuni.")
    assert len(incs) == 2
    for i in incs:
        assert i.notes.startswith("trigger '") and "date " in i.notes and "place '" in i.notes
        assert "actor1 " in i.notes


def test_a_scheduled_handover_is_not_an_event(gazetteer):
    body = ("Under the agreement, the Kalbajar district will be handed over to Azerbaijan on November 25. "
            "The prime minister agreed the deal, handing over Aghdam and Lachin.")
    assert _incs(gazetteer, body, published="November 11, 2020") == []


def test_a_reference_point_is_not_the_captured_place(gazetteer):
    incs = _incs(gazetteer, "On Sunday the army said it had captured Shusha, a hilltop town above Stepanakert.",
                 published="November 9, 2020")
    assert [i.location for i in incs] == ["Shusha"]


def test_distance_from_a_town_makes_it_a_reference_point(gazetteer):
    incs = _incs(gazetteer, "On Monday a missile struck a field 20 km from Barda.")
    assert [(i.location, i.geo_precision) for i in incs] == [("Barda", 2)]


def test_an_earlier_event_a_clause_refers_to_is_not_new(gazetteer):
    body = ("Fighting went on near Fuzuli on Monday. The two sides exchanged the bodies of soldiers who died in the "
            "clashes around Shusha, the ministry said.")
    assert "Shusha" not in {i.location for i in _incs(gazetteer, body)}


def test_people_returning_home_is_no_handover(gazetteer):
    assert _incs(gazetteer, "Displaced families return to their homes in Aghdam this week.") == []


def test_the_side_that_gives_a_place_up_is_not_the_one_that_gains_it(gazetteer):
    pub = "November 21, 2020"
    out = _incs(gazetteer, "Armenian forces withdrew from Aghdam on Friday.", published=pub)
    assert [(i.location, i.actor1, i.event_date) for i in out] == [("Aghdam", "Azerbaijan", "2020-11-20")]
    assert "gave the place up" in out[0].notes
    out = _incs(gazetteer, "On Friday Armenian troops lost control of Hadrut after days of fighting.", published=pub)
    assert [(i.location, i.actor1) for i in out if i.sub_event_type != "Armed clash"] == [("Hadrut", "Azerbaijan")]
    assert _incs(gazetteer, "Aghdam is the first district to be turned over.", published=pub) == []


def test_a_district_listed_with_a_town_is_its_own_incident(gazetteer):
    out = _incs(gazetteer, "On Thursday Baku said the city of Barda, and the Goranboy region were shelled by "
                           "Armenian forces, killing one civilian.")
    got = {(i.location, i.geo_precision, i.fatalities) for i in out}
    assert got == {("Barda", 1, None), ("Goranboy", 2, None)}  # one toll for two places belongs to neither


def test_a_passive_capture_by_a_side(gazetteer):
    out = _incs(gazetteer, "The holiday was moved to November 8, when Shusha was taken by Azerbaijani forces.",
                published="December 3, 2020")
    assert [(i.location, i.event_date, i.actor1) for i in out] == [("Shusha", "2020-11-08", "Azerbaijan")]


def test_event_dates_are_bounded(gazetteer):
    for when in ("on 9999-12-31", "on 0001-01-01", "on 1700-01-01", "on 2020-10-20"):
        assert _incs(gazetteer, f"Armenian forces shelled Tartar {when}.") == [], when
    assert [i.event_date for i in _incs(gazetteer, "Armenian forces shelled Tartar on 2020-10-12.")] == ["2020-10-12"]


def test_the_town_is_the_settlement_named_last(gazetteer):
    body = "Armenian forces shelled Tartar on Monday. On Tuesday, drones struck the town again, the ministry said."
    got = {(i.location, i.event_date, i.sub_event_type) for i in _incs(gazetteer, body)}
    assert got == {("Tartar", "2020-10-12", "Shelling/artillery/missile attack"),
                   ("Tartar", "2020-10-13", "Air/drone strike")}
    assert _incs(gazetteer, "Drones struck the town of Nowhereville on Tuesday.") == []


def test_a_subordinate_event_takes_no_time_from_the_main_clause(gazetteer):
    body = "On Saturday the two sides exchanged the bodies of soldiers, who died in the clashes around Shusha."
    assert _incs(gazetteer, body) == []
    out = _incs(gazetteer, "The army captured Shusha and was within striking distance of the region's largest city, "
                           "Stepanakert, on Sunday.", published="November 9, 2020")
    assert [i.location for i in out] == ["Shusha"]


def test_a_past_perfect_capture_after_the_ceasefire_is_still_by_force(gazetteer):
    pub = "November 11, 2020"
    out = _incs(gazetteer, "By then Azerbaijani forces had captured the town of Shusha.", published=pub)
    assert [(i.location, i.event_type) for i in out] == [("Shusha", "Battles")]
    out = _incs(gazetteer, "Azerbaijani forces captured the town of Shusha, the ministry said.", published=pub)
    assert [(i.location, i.event_type) for i in out] == [("Shusha", "Strategic developments")]


def test_fighting_goes_on_from_the_losing_side_denies_the_capture(gazetteer):
    body = ("Azerbaijan's defence ministry said on Sunday that its forces had captured the town of Shusha. "
            "Armenian officials said on Sunday that fighting was still going on in Shusha.")
    out = _incs(gazetteer, body, published="November 8, 2020")
    assert [(i.location, i.event_type, i.actor1, i.claimed_by, i.denied_by) for i in out] == [
        ("Shusha", "Battles", "Azerbaijan", ["Azerbaijan"], ["Armenia"])]
