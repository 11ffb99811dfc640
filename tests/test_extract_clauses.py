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
