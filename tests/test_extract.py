"""Extraction rules, each on a sentence written for the test."""

import pytest

from geo.extract import casualties, extract, speakers
from geo.lexicon import load
from geo.lexicon import sub_event_ranks
from geo.merge import merge
from geo.reader import read_text

LEX = load()


def _article(body: str, published="October 14, 2020", file="t.txt"):
    return read_text(f"A test headline\n\n{published}\n\n{body}\n", file=file)


def _one(gazetteer, body, **kw):
    incs = extract(_article(body, **kw), gazetteer)
    assert len(incs) == 1, [(i.location, i.event_date, i.evidence) for i in incs]
    return incs[0]


@pytest.mark.parametrize("sentence,expected", [
    ("The strike left seven people dead and 33 wounded.", (7, 33)),
    ("A rocket hit the market, killing 12 people and injuring at least 40.", (12, 40)),
    ("At least 13 people had been killed and more than 40 injured.", (13, 40)),
    ("Three soldiers were wounded in the attack.", (None, 3)),
    ("There were no casualties.", (0, None)),
    ("Nearly 500 people have been killed since the war began.", (None, None)),
    ("The toll rose to 31 civilians killed.", (None, None)),
    ("An attack killed a soldier.", (1, None)),
])
def test_casualties(sentence, expected):
    assert casualties(sentence, LEX) == expected


def test_speakers_claim_and_deny():
    assert speakers("Azerbaijan's defence ministry said the town was shelled.", LEX) == (["Azerbaijan"], [])
    assert speakers("Armenia denied the accusation.", LEX) == ([], ["Armenia"])
    assert speakers("According to Karabakh officials, rockets hit the town.", LEX)[0] == ["Nagorno-Karabakh"]
    assert speakers("A Testwire reporter in the town heard explosions.", LEX)[0] == ["Media"]
    claim, _ = speakers("Baku accused Yerevan of shelling the city.", LEX)
    assert claim == ["Azerbaijan"]


def test_attack_with_claimant_target_and_casualties(gazetteer):
    i = _one(gazetteer, "Azerbaijan's defence ministry said on Tuesday that Armenian forces shelled the "
                        "town of Terter, leaving two civilians dead.")
    assert (i.location, i.event_date, i.time_precision) == ("Tartar", "2020-10-13", 1)
    assert (i.event_type, i.sub_event_type) == ("Explosions/Remote violence", "Shelling/artillery/missile attack")
    assert (i.actor1, i.actor2, i.claimed_by, i.fatalities) == ("Armenia", "Civilians", ["Azerbaijan"], 2)
    assert i.evidence and i.sources[0].file == "t.txt"


def test_venue_of_talks_is_not_a_place_of_fighting(gazetteer):
    incs = extract(_article("Fighting raged on Monday while ministers held talks in Moscow. "
                            "Officials in Yerevan said the clashes continued, the ministry said in Baku."),
                   gazetteer)
    assert not {i.location for i in incs} & {"Moscow", "Yerevan", "Baku"}


def test_observer_direction(gazetteer):
    i = _one(gazetteer, "In Stepanakert, a Testwire photographer heard the sounds of shelling from the direction "
                        "of Hadrut on Monday.")
    assert i.location == "Hadrut" and i.geo_precision == 2 and i.claimed_by == ["Media"]


def test_background_history_never_becomes_current(gazetteer):
    incs = extract(_article("A war in the early 1990s killed 30,000 people. In April 2016 clashes in Karabakh "
                            "killed 110 soldiers."), gazetteer)
    assert incs == []


def test_capture_sub_event_depends_on_the_actor(gazetteer):
    a = _one(gazetteer, "Azerbaijan's president said on Sunday that its army had captured the town of Hadrut.")
    assert (a.event_type, a.sub_event_type, a.actor1) == ("Battles", "Government regains territory", "Azerbaijan")
    b = _one(gazetteer, "Karabakh forces said on Sunday that they had retaken the village of Talish.")
    assert b.sub_event_type == "Non-state actor overtakes territory" and b.actor1 == "Nagorno-Karabakh"


def test_after_the_ceasefire_a_takeover_is_a_handover(gazetteer):
    i = _one(gazetteer, "Azerbaijan took over the Lachin district on Tuesday.", published="December 2, 2020")
    assert (i.event_type, i.sub_event_type) == ("Strategic developments", "Non-violent transfer of territory")
    assert i.geo_precision == 2


def test_denial_attaches_to_the_reported_incident(gazetteer):
    i = _one(gazetteer, "Azerbaijan said Armenian rockets hit Ganja overnight. Armenia denied shelling Ganja.")
    assert i.claimed_by == ["Azerbaijan"] and i.denied_by == ["Armenia"]


def test_region_named_as_topic_is_not_an_incident(gazetteer):
    assert extract(_article("The conflict over Nagorno-Karabakh has deep roots, and fighting over Karabakh "
                            "drew in Turkey."), gazetteer) == []


def test_region_level_incident_is_imprecise(gazetteer):
    i = _one(gazetteer, "Armenia said on Monday that heavy fighting continued in Nagorno-Karabakh.")
    assert i.geo_precision == 3 and i.event_type == "Battles"


def test_questions_and_war_summaries_are_skipped(gazetteer):
    assert extract(_article("Why is there fighting in Terter? In 44 days of fighting that began on "
                            "27 September, troops shelled Terter."), gazetteer) == []


def test_hypothetical_and_negated_triggers(gazetteer):
    assert extract(_article("Officials warned that Turkey could strike Ganja. There was no shelling in "
                            "Barda on Monday."), gazetteer) == []


def test_continuation_names_the_place(gazetteer):
    i = _one(gazetteer, "Azerbaijan accused Armenia of firing on its villages on Tuesday. Among other "
                        "things, the Terter district is affected.")
    assert i.location and i.actor1 == "Armenia" and i.claimed_by == ["Azerbaijan"]


def test_merge_across_articles_keeps_sources_and_claimants(gazetteer):
    a = extract(_article("Azerbaijan said Armenian rockets hit Ganja on Monday.", file="a.txt"), gazetteer)
    b = extract(_article("A Testwire reporter in Ganja saw houses destroyed by rockets on Monday.",
                         file="b.txt"), gazetteer)
    merged = merge(a + b, sub_event_ranks())
    assert len(merged) == 1
    assert {s.file for s in merged[0].sources} == {"a.txt", "b.txt"}
    assert set(merged[0].claimed_by) == {"Azerbaijan", "Media"}


def test_merge_keeps_different_days_apart(gazetteer):
    a = extract(_article("Rockets hit Ganja on Monday.", file="a.txt"), gazetteer)
    b = extract(_article("Rockets hit Ganja on Sunday.", file="b.txt"), gazetteer)
    assert len(merge(a + b, sub_event_ranks())) == 2


def test_merge_of_points_without_a_place_id_across_zero(gazetteer):
    """Points with no gazetteer id merge by rounded coordinates; -0.0 and 0.0 are the same place."""
    from dataclasses import replace
    a = extract(_article("Rockets hit Ganja on Monday.", file="a.txt"), gazetteer)[0]
    one = replace(a, geonameid=None, lat=0.001, lon=-0.001)
    two = replace(a, id="other", geonameid=None, lat=-0.001, lon=0.001, sources=[replace(a.sources[0], file="b.txt")])
    assert len(merge([one, two], sub_event_ranks())) == 1


def test_no_publication_date_no_incidents(gazetteer):
    art = read_text("Headline only\n\nRockets hit Ganja on Monday.\n", file="n.txt")
    assert art.published is None and extract(art, gazetteer) == []


def test_quotation_dates_and_speaker_come_from_its_attribution(gazetteer):
    i = _one(gazetteer, '"Early this morning the enemy opened fire along the front. They are shelling Martakert '
                        'too. Stay in your shelters," the separatist defence ministry said on Sunday.')
    assert i.location == "Martakert" and i.event_date == "2020-10-11"
    assert i.claimed_by == ["Nagorno-Karabakh"]


def test_spelling_variants_of_theatre_towns(gazetteer):
    i = _one(gazetteer, "Rockets hit Stephanakert on Monday, a Testwire reporter there saw.")
    assert i.geonameid == gazetteer.resolve("Stepanakert").place.geonameid


def test_villages_of_a_district_are_district_level(gazetteer):
    incs = extract(_article("Baku said on Wednesday its troops had taken control of villages in the Jabrayil and "
                            "Fuzuli districts."), gazetteer)
    assert len(incs) == 2 and all(i.geo_precision == 2 for i in incs)


def test_reporter_account_is_a_media_claim(gazetteer):
    i = _one(gazetteer, "Explosions shook Stepanakert on Monday night, a Testwire correspondent reported.")
    assert i.claimed_by == ["Media"]


def test_an_aim_is_not_an_event(gazetteer):
    assert extract(_article("Azerbaijan is sending fresh troops to capture Shushi, officials said on Monday."),
                   gazetteer) == []
    i = _one(gazetteer, "Azerbaijani forces continued to shell Martakert on Monday.")
    assert i.sub_event_type == "Shelling/artillery/missile attack"


def test_handover_recipient_takes_control(gazetteer):
    i = _one(gazetteer, "Armenia handed over the Kalbajar district to Azerbaijan on Wednesday under the "
                        "November 10 agreement.", published="November 26, 2020")
    assert (i.sub_event_type, i.actor1, i.event_date) == ("Non-violent transfer of territory", "Azerbaijan",
                                                           "2020-11-25")


def test_capture_is_not_merged_into_the_fighting_around_it(gazetteer):
    incs = extract(_article("Azerbaijan said on Sunday its army had captured Shusha. Azerbaijan said on Sunday that "
                            "fierce fighting raged around Shusha."), gazetteer)
    assert sorted(i.sub_event_type for i in incs) == ["Armed clash", "Government regains territory"]
    cap = next(i for i in incs if i.sub_event_type == "Government regains territory")
    assert cap.claimed_by == ["Azerbaijan"]


def test_the_losing_sides_fighting_continues_is_a_denial_of_the_capture(gazetteer):
    incs = extract(_article("Azerbaijan said on Sunday its army had captured Shusha. Armenia said on Sunday that "
                            "fierce fighting for Shusha continued."), gazetteer)
    assert [(i.sub_event_type, i.claimed_by, i.denied_by) for i in incs] == [
        ("Government regains territory", ["Azerbaijan"], ["Armenia"])]


def test_passive_denial_names_the_denier(gazetteer):
    i = _one(gazetteer, "Azerbaijan said on Sunday it had recaptured Shusha, a claim denied by Armenian officials.")
    assert i.claimed_by == ["Azerbaijan"] and i.denied_by == ["Armenia"]


def test_listed_districts_and_a_denial_in_the_next_sentence(gazetteer):
    incs = extract(_article("Azerbaijan said Armenian forces subjected the Tartar, Aghdam and Aghjabadi districts to "
                            "artillery fire on Monday. Yerevan denies it."), gazetteer)
    assert len(incs) == 3 and all(i.geo_precision == 2 and i.denied_by == ["Armenia"] for i in incs)


def test_residents_of_a_town_are_not_its_government(gazetteer):
    i = _one(gazetteer, "Residents of Ganja said they heard loud blasts overnight.")
    assert i.location == "Ganja"


def test_capture_phrased_as_control(gazetteer):
    i = _one(gazetteer, "Baku says the city of Hadrut is now under its full control. Yerevan denies it.")
    assert i.sub_event_type == "Government regains territory" and i.denied_by == ["Armenia"]


def test_unattributed_strike_on_a_town_comes_from_the_side_that_does_not_hold_it(gazetteer):
    assert _one(gazetteer, "Rockets hit Ganja on Monday.").actor1 == "Armenia"
    assert _one(gazetteer, "Rockets hit Stepanakert on Monday.").actor1 == "Azerbaijan"
    i = _one(gazetteer, "Mingachevir was attacked on Monday, but its missile was shot down by Azerbaijani air "
                        "defence.")
    assert i.actor1 == "Armenia"


def test_calling_a_report_fake_is_a_denial(gazetteer):
    i = _one(gazetteer, "Armenia said on Tuesday that drones struck a convoy near Goris. Baku called the report "
                        "\"fake news\".")
    assert i.claimed_by == ["Armenia"] and i.denied_by == ["Azerbaijan"] and i.geo_precision == 2


def test_a_single_victim_counts_one(gazetteer):
    i = _one(gazetteer, "Baku said rockets hit Tartar on Monday and a woman was killed.")
    assert i.fatalities == 1


def test_words_are_not_hypothetical_inside_names(gazetteer):
    i = _one(gazetteer, "The mayor said Armenian artillery shelled Tartar on Monday.")
    assert i.location == "Tartar"


@pytest.mark.parametrize("sentence,expected", [
    ("Rocket fire on the town on September 27 left three people dead.", (3, None)),
    ("Shells hit the town on 5 October, wounding three people.", (None, 3)),
])
def test_day_of_month_is_not_a_toll(sentence, expected):
    assert casualties(sentence, LEX) == expected


def test_a_name_cut_by_the_look_back_window_is_not_a_hypothetical(gazetteer):
    i = _one(gazetteer, "Defence ministry spokesman Vagif Dargahli said ethnic Armenian separatists shelled Barda "
                        "early on Sunday.")
    assert i.location == "Barda"


@pytest.mark.parametrize("sentence,expected", [
    ("A two-year-old girl was among the wounded.", (None, None)),
    ("A 7-year-old boy was killed and three people were wounded.", (1, 3)),
    ("Two men, aged 60 and 72, were hurt.", (None, 2)),  # the ages are no toll, the two men are
    ("The shelling of the town, a city of about 20,000, killed a teenage girl.", (1, None)),  # its people, then one
    ("In the north on October 14, 2 servicemen were killed.", (2, None)),  # after the day, the 2 is a count
    ("A resident of the village, born in 1958, was killed.", (1, None)),
])
def test_an_age_is_not_a_toll(sentence, expected):
    assert casualties(sentence, LEX) == expected


@pytest.mark.parametrize("sentence", [
    "Over 2,300 enemy servicemen were killed and wounded in the clashes, the ministry claimed.",
    "The shelling left 40 people dead or injured.",
])
def test_a_figure_for_killed_and_wounded_together_is_neither(sentence):
    assert casualties(sentence, LEX) == (None, None)
