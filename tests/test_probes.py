"""Probe articles written in styles the rules were not written on (live blog, agency copy with a dateline,
ministry statement, translated text): what each must yield, read end to end from its file."""

from pathlib import Path

import pytest

from geo.extract import extract
from geo.reader import read_file

PROBES = Path(__file__).parent / "fixtures" / "probes"


def _incs(gazetteer, name):
    return {(i.location, i.event_date): i for i in extract(read_file(PROBES / name), gazetteer)}


def test_live_blog(gazetteer):
    incs = _incs(gazetteer, "p01_live_blog.txt")
    i = incs[("Tartar", "2020-10-15")]  # 'overnight' in a post of the 16th
    assert (i.actor1, i.claimed_by, i.denied_by) == ("Armenia", ["Azerbaijan"], ["Armenia"])
    assert not [k for k in incs if k[1] == "2020-09-27"]  # the start of the war is background


def test_agency_copy_dateline_is_no_place_and_no_date(gazetteer):
    incs = _incs(gazetteer, "p02_agency.txt")
    assert "Baku" not in {loc for loc, _ in incs}
    cap = incs[("Jabrayil", "2020-10-17")]
    assert (cap.event_type, cap.actor1, cap.claimed_by, cap.denied_by) == (
        "Battles", "Azerbaijan", ["Azerbaijan"], ["Armenia"])
    drone = incs[("Khojavend", "2020-10-17")]
    assert (drone.sub_event_type, drone.fatalities, drone.claimed_by) == (
        "Air/drone strike", 2, ["Nagorno-Karabakh"])
    assert len(incs) == 2  # the failed talks in Moscow two days before are no incident


def test_ministry_statement(gazetteer):
    incs = _incs(gazetteer, "p03_ministry.txt")
    assert list(incs) == [("Barda", "2020-10-27")]
    i = incs[("Barda", "2020-10-27")]
    assert (i.actor1, i.fatalities, i.injured, i.geo_precision) == ("Armenia", 1, 3, 2)


def test_translated_text(gazetteer):
    incs = _incs(gazetteer, "p04_translated.txt")
    assert list(incs) == [("Ganja", "2020-10-11")]
    i = incs[("Ganja", "2020-10-11")]
    assert (i.actor1, i.fatalities, i.denied_by) == ("Armenia", 9, ["Armenia"])
    assert all(inc.notes for inc in incs.values())


def test_weekly_summary_has_a_frame_per_clause(gazetteer):
    incs = _incs(gazetteer, "p05_weekly_summary.txt")
    cap = incs[("Zangilan", "2020-10-20")]  # 'on Tuesday they entered ...'
    assert (cap.event_type, cap.actor1) == ("Battles", "Azerbaijan")
    qub = incs[("Qubadlı", "2020-10-22")]  # '... and on Thursday ... had taken Qubadli': its own day and speaker
    assert (qub.actor1, qub.claimed_by, qub.denied_by) == ("Azerbaijan", ["Azerbaijan"], ["Armenia"])
    rocket = incs[("Khankendi", "2020-10-21")]
    assert (rocket.time_precision, rocket.injured, rocket.claimed_by) == (2, 2, ["Nagorno-Karabakh"])
    assert len(incs) == 3  # talks due in Washington are a plan, and no place of fighting


def test_rights_report_dates_each_town(gazetteer):
    incs = _incs(gazetteer, "p06_rights_report.txt")
    assert {("Barda", "2020-10-17"), ("Tartar", "2020-10-20")} <= set(incs)


def test_wire_dates_an_event_by_the_span_before_the_main_one(gazetteer):
    incs = _incs(gazetteer, "p07_wire_relative.txt")
    assert ("Barda", "2020-11-03") in incs
    ganja = incs[("Ganja", "2020-10-28")]  # 'came six days after a missile hit ... Ganja': Tuesday less six days
    assert ganja.fatalities == 10 and "six days after" in ganja.notes
    assert not [k for k in incs if k[0] == "Baku"]  # crowds celebrated there the capture of another town
    assert incs[("Hadrut", "2020-11-02")].actor1 == "Azerbaijan"
    assert "Tartar" not in {loc for loc, _ in incs}  # the dateline


def test_ministry_list_of_villages_each_in_its_district(gazetteer):
    incs = extract(read_file(PROBES / "p08_ministry_villages.txt"), gazetteer)
    got = {(i.location, i.admin1, i.geo_precision) for i in incs}
    assert got == {("Alxanlı", "Füzuli", 1), ("Shukyurbeyli", "Jabrayil", 1), ("Horovlu", "Jabrayil", 1)}
    assert all(i.sub_event_type == "Government regains territory" for i in incs)


def test_live_blog_summary_clause_and_also(gazetteer):
    incs = _incs(gazetteer, "p09_live_summary.txt")
    assert set(incs) == {("Tartar", "2020-10-12"), ("Goranboy", "2020-10-12")}  # the summary post is no incident
    also = incs[("Goranboy", "2020-10-12")]  # 'was also shelled': the report and the day of the post before
    assert (also.claimed_by, also.time_precision) == (["Azerbaijan"], 1)


def test_translated_passive_agent_and_the_town(gazetteer):
    incs = _incs(gazetteer, "p10_ombudsman_translated.txt")
    assert {("Khojavend", "2020-10-14"), ("Khojavend", "2020-10-15")} <= set(incs)  # 'the town came under fire'
    assert incs[("Horadiz", "2020-10-13")].claimed_by == ["Azerbaijan"]  # 'as reported by the ombudsman of X'


def test_spelling_variant_takes_the_district_named_beside_it(gazetteer):
    (inc,) = extract(read_file(PROBES / "p11_variant_district.txt"), gazetteer)
    assert (inc.location, inc.admin1, inc.country) == ("Qaradağlı", "Tǝrtǝr", "AZ")


def test_agency_roundup_eve_witnesses_and_ages(gazetteer):
    incs = _incs(gazetteer, "p12_agency_roundup.txt")
    assert incs[("Tartar", "2020-10-15")].time_precision == 1  # the eve of Friday's talks: Thursday
    assert ("Mingachevir", "2020-10-16") in incs
    assert "Ganja" not in {loc for loc, _ in incs}  # its residents heard the strike on another town
    assert incs[("Qarayusifli", "2020-10-17")].fatalities == 3  # 'three civilians, aged 45, 62 and 71,'
    assert "Aghdam" not in {loc for loc, _ in incs}  # a timetable is no event


def test_live_blog_since_dates_nothing_and_people_in_a_town(gazetteer):
    incs = _incs(gazetteer, "p13_liveblog_since.txt")
    assert ("Baku", "2020-07-14") in incs  # 'last night', not the Sunday 'since' refers to; the only place
    assert incs[("Tovuz", "2020-07-15")].injured == 4


def test_ministry_bulletin_fire_freed_villages_and_losses(gazetteer):
    incs = _incs(gazetteer, "p14_ministry_bulletin.txt")
    assert {loc for loc, day in incs if day == "2020-10-27"} >= {"Goranboy", "Tartar", "Aghdam"}  # 'under enemy fire'
    freed = incs[("Zǝngilan", "2020-10-27")]  # 'villages of the X district had been freed from occupation'
    assert (freed.sub_event_type, freed.geo_precision) == ("Government regains territory", 2)
    assert incs[("Fuzuli", "2020-10-28")].sub_event_type == "Armed clash"  # 'suffered heavy losses in the X direction'


def test_explainer_reference_points_and_other_events(gazetteer):
    incs = _incs(gazetteer, "p15_explainer.txt")
    assert "Khankendi" not in {loc for loc, _ in incs}  # '15 km south of Stepanakert' only situates Shusha
    assert [i.sub_event_type for (loc, _), i in incs.items() if loc == "Shusha"] == ["Armed clash"]  # no truce there
    assert incs[("Khojavend", "2020-11-07")].actor1 == "Azerbaijan"  # 'pushed back from Martuni'


def test_both_sides_each_keep_their_claim_and_tolls_read_right(gazetteer):
    incs = _incs(gazetteer, "p16_both_sides.txt")
    gor, had = incs[("Goranboy", "2020-10-12")], incs[("Hadrut", "2020-10-12")]
    assert (gor.actor1, gor.claimed_by) == ("Armenia", ["Azerbaijan"])  # 'with Baku saying ...
    assert (had.actor1, had.claimed_by) == ("Azerbaijan", ["Armenia"])  # ... and Yerevan saying ...'
    assert incs[("Tartar", "2020-10-11")].fatalities == 1  # 'a town of about 20,000' is its people
    assert incs[("Khankendi", "2020-10-12")].claimed_by == []  # the ministry that said it is not the attacker's
    assert {i.geo_precision for (loc, _), i in incs.items() if loc in ("Martakert", "Khojavend")} == {2}


def test_front_report_materiel_vague_tolls_and_roads(gazetteer):
    incs = _incs(gazetteer, "p17_front_report.txt")
    talish = incs[("Talish", "2020-10-02")]  # 'killed dozens': a report of casualties with no figure to store
    assert (talish.fatalities, talish.claimed_by) == (None, ["Armenia"])  # the four are tanks, not dead
    assert {incs[(loc, "2020-10-02")].geo_precision for loc in ("Goris", "Khankendi")} == {2}  # 'between A and B'


def test_translated_ministry_numeric_dates_birth_years_and_tolls(gazetteer):
    incs = _incs(gazetteer, "p18_translated_ministry.txt")
    assert incs[("Tartar", "2020-10-14")].time_precision == 1  # '14.10.2020'
    assert incs[("Aghdam", "2020-10-14")].fatalities == 2  # 'on October 14, 2 servicemen': the 2 is no day
    assert incs[("Qarayusifli", "2020-10-14")].fatalities == 1  # 'born in 1958' is no date of the event


def test_each_place_of_a_list_keeps_its_own_toll(gazetteer):
    incs = _incs(gazetteer, "p19_casualty_list.txt")
    assert (incs[("Martakert", "2020-10-16")].fatalities, incs[("Khojavend", "2020-10-16")].injured) == (1, 3)
    assert incs[("Tartar", "2020-10-16")].fatalities is None  # 'two killed in A and B': no place's own toll


def test_live_updates_media_flags_and_history(gazetteer):
    incs = _incs(gazetteer, "p20_live_updates.txt")
    assert incs[("Khankendi", "2020-10-20")].claimed_by == ["Media"]  # 'our correspondent says'
    flag = incs[("Hadrut", "2020-10-09")]  # a flag raised in a town 'which it said was taken on October 9'
    assert (flag.sub_event_type, flag.actor1) == ("Government regains territory", "Azerbaijan")
    assert "Kalbajar" not in {loc for loc, _ in incs}  # the 1990s war is background


def test_the_turn_that_names_places_keeps_its_own_speaker(gazetteer):
    incs = _incs(gazetteer, "p21_two_turns.txt")
    assert {loc for loc, _ in incs} == {"Tartar", "Aghdam"}
    assert all((i.actor1, i.claimed_by) == ("Armenia", ["Azerbaijan"]) for i in incs.values())  # not Karabakh's turn


def test_roundup_villages_in_a_region_and_observers_hit(gazetteer):
    incs = _incs(gazetteer, "p22_overnight_roundup.txt")
    cap = incs[("Jabrayil", "2020-10-07")]  # 'claiming to have taken several villages in the X region'
    assert (cap.sub_event_type, cap.geo_precision, cap.claimed_by) == ("Government regains territory", 2,
                                                                       ["Azerbaijan"])
    assert incs[("Shusha", "2020-10-08")].injured == 2  # the journalists there are the victims, not observers


def test_words_of_falling_retreating_and_flags(gazetteer):
    incs = _incs(gazetteer, "p23_fall_and_flags.txt")
    for key in (("Jabrayil", "2020-11-07"), ("Hadrut", "2020-11-06"), ("Fuzuli", "2020-11-05")):
        i = incs[key]  # 'flag flies over X', 'X has fallen' (told by the side that lost it), 'retreated from X'
        assert (i.sub_event_type, i.actor1, i.geo_precision) == ("Government regains territory", "Azerbaijan", 1), key
    edge = incs[("Khankendi", "2020-11-07")]  # 'reached the outskirts of': fighting near the city, no capture
    assert (edge.sub_event_type, edge.geo_precision) == ("Armed clash", 2)


def test_accusations_and_counter_claims(gazetteer):
    incs = _incs(gazetteer, "p24_claims_and_denials.txt")
    ganja = incs[("Ganja", "2020-10-04")]  # "Armenia rejected Baku's accusation that it had fired": the accused fired
    assert (ganja.actor1, ganja.claimed_by, ganja.denied_by) == ("Armenia", ["Azerbaijan"], ["Armenia"])
    talish = incs[("Talish", "2020-10-04")]  # '..., but Armenian officials insisted it remained under their control'
    assert (talish.actor1, talish.claimed_by, talish.denied_by) == ("Azerbaijan", ["Azerbaijan"], ["Armenia"])


def test_villages_after_including_a_governor_and_directions(gazetteer):
    incs = _incs(gazetteer, "p25_lists_and_governors.txt")
    for loc in ("Aşağı Maralyan", "Sheybey"):  # 'villages, including A and B in the X district'
        assert incs[(loc, "2020-10-28")].admin1 == "Jabrayil"
    barda = incs[("Barda", "2020-10-28")]  # '..., the district's governor told reporters': not the attacker's claim
    assert (barda.actor1, barda.fatalities, barda.injured, barda.claimed_by) == ("Armenia", 4, 10, [])
    assert {incs[(loc, "2020-10-28")].geo_precision for loc in ("Qubadlı", "Zangilan")} == {2}  # 'direction of A and B'


def test_own_forces_and_another_name_of_the_same_place(gazetteer):
    incs = _incs(gazetteer, "p26_own_forces_aliases.txt")
    east = incs[("Khojavend", "2020-11-02")]  # 'X said its forces had killed 60 ...': X acted
    assert (east.actor1, east.fatalities, east.claimed_by) == ("Azerbaijan", 60, ["Azerbaijan"])
    assert [loc for loc, day in incs if day == "2020-10-03"] == ["Sugovushan"]  # 'which Armenians call Talish'


def test_bullet_lead_items_are_sentences_of_their_own(gazetteer):
    incs = _incs(gazetteer, "p27_bullet_lead.md")
    barda = incs[("Barda", "2020-10-28")]  # '- Azerbaijan says 19 killed in Barda ...': a toll at Barda, not a venue
    assert (barda.fatalities, barda.claimed_by, barda.denied_by) == (19, ["Azerbaijan"], ["Armenia"])
    assert "Tartar" not in {loc for loc, _ in incs}  # a link to another story is no sentence of this one


def test_defence_army_losses_inflicted_and_a_toll_told_at_length(gazetteer):
    incs = _incs(gazetteer, "p28_defence_army.txt")
    assert incs[("Jabrayil", "2020-10-19")].sub_event_type == "Armed clash"  # 'inflicted heavy losses near Jrakan'
    assert incs[("Hadrut", "2020-10-18")].fatalities == 4  # 'four servicemen of the Azerbaijani army were killed'


def test_a_craft_shot_down_is_the_air_strike_of_its_own_side(gazetteer):
    incs = _incs(gazetteer, "p29_air_defence_bulletin.txt")
    fuzuli = incs[("Fuzuli", "2020-10-20")]  # '... of the Azerbaijani Army shot down an Armenian Su-25 over ...'
    assert (fuzuli.sub_event_type, fuzuli.actor1, fuzuli.actor2) == ("Air/drone strike", "Armenia", "Azerbaijan")
    heli = incs[("Vardenis", "2020-10-20")]  # 'Armenia said its forces had shot down a helicopter': not Armenia's
    assert (heli.actor1, heli.claimed_by) == ("Azerbaijan", ["Armenia"])
    assert incs[("Goris", "2020-10-20")].actor1 == "Azerbaijan"  # 'The Armenian air defence shot down a drone'


def test_the_side_that_was_hit_is_no_attacker(gazetteer):
    incs = _incs(gazetteer, "p30_losses_agency.txt")
    hadrut = incs[("Hadrut", "2020-10-21")]  # 'servicemen of the Armenian army were killed', Baku says
    assert (hadrut.actor1, hadrut.actor2, hadrut.fatalities) == ("Azerbaijan", "Armenia", 7)
    assert incs[("Jabrayil", "2020-10-21")].actor1 == "Azerbaijan"  # 'drones destroying Armenian tanks'
    assert incs[("Khojavend", "2020-10-21")].actor1 == "Armenia"  # 'soldiers of the Azerbaijani forces died'
    assert incs[("Tartar", "2020-10-21")].actor1 == "Armenia"  # 'its troops had been shelled': not its own act


def test_a_death_told_after_its_wounding_is_the_wounding(gazetteer):
    incs = _incs(gazetteer, "p31_live_blog_wounds.txt")
    hadrut = incs[("Hadrut", "2020-10-12")]  # 'died in a hospital in Yerevan on Wednesday, two days after ...'
    assert (hadrut.fatalities, hadrut.injured, hadrut.actor1) == (1, None, "Azerbaijan")
    assert "Yerevan" not in {loc for loc, _ in incs}  # where he died, not where he was hit
    assert incs[("Tartar", "2020-10-12")].fatalities is None  # '10:31 - A teacher died': a time of day, no toll


def test_an_event_going_on_since_a_day_is_dated_by_the_report(gazetteer):
    incs = _incs(gazetteer, "p32_translated_since.txt")
    city = incs[("Khankendi", "2020-10-16")]  # 'is under fire ... since Tuesday': to the report's day, within a week
    assert city.time_precision == 2
    assert incs[("Martakert region", "2020-10-16")].time_precision == 3  # 'since 1 October': within a month
    assert incs[("Shusha", "2020-10-15")].time_precision == 1  # 'On Thursday a drone hit ...': its own day


def test_a_fall_to_a_side_a_war_entering_a_week_a_toll_of_the_attack_and_an_adviser(gazetteer):
    incs = _incs(gazetteer, "p33_wire_fall_and_tolls.txt")
    assert incs[("Goris", "2020-11-03")].sub_event_type == "Shelling/artillery/missile attack"  # 'entered its week'
    fall = incs[("hin Shen", "2020-11-02")]  # 'fell to Azerbaijani forces': the side it fell to took it
    assert (fall.sub_event_type, fall.actor1) == ("Government regains territory", "Azerbaijan")
    assert incs[("Khojavend", "2020-11-02")].fatalities == 3  # '... lost their lives as a result of the attack'
    barda = incs[("Barda", "2020-11-02")]  # '..., said NAME, an adviser to Azerbaijan's prosecutor general'
    assert (barda.claimed_by, barda.actor1) == (["Azerbaijan"], "Armenia")


def test_a_speaker_before_a_colon_and_places_that_came_under_fire(gazetteer):
    incs = _incs(gazetteer, "p34_headlines_colon.txt")
    assert incs[("Martakert", "2020-10-19")].claimed_by == ["Nagorno-Karabakh"]  # 'Artsakh Defence Army: ...'
    fuzuli = incs[("Fuzuli", "2020-10-19")]  # 'Armenian positions ... came under fire': no clause of another event
    assert (fuzuli.actor1, fuzuli.claimed_by) == ("Azerbaijan", ["Azerbaijan"])
    assert ("Talish", "2020-10-19") in incs  # '... came under fire again', with no time of its own


def test_days_told_against_the_last_date_and_a_side_that_lost_servicemen(gazetteer):
    incs = _incs(gazetteer, "p35_ministry_sequence.txt")
    assert ("Ağdam", "2020-10-18") in incs  # 'On the same day', after 'On October 18' in the paragraph before
    assert ("Goranboy", "2020-10-19") in incs  # 'The next day'
    jab = incs[("Jabrayil", "2020-10-21")]  # 'In the battles ..., the Armenian side lost 15 servicemen'
    assert (jab.fatalities, jab.actor1) == (15, "Azerbaijan")


def test_once_again_opens_no_clause_and_a_display_or_a_burial_is_a_venue(gazetteer):
    incs = _incs(gazetteer, "p36_agency_once_again.txt")
    terter = incs[("Tartar", "2020-10-24")]  # 'Yesterday, ... once again shelled the city of Terter, ...'
    assert (terter.actor1, terter.fatalities) == ("Armenia", 1)
    assert "Yerevan" not in {loc for loc, _ in incs}  # '... were displayed in Yerevan': where they were shown
    assert incs[("Syunik", "2020-10-24")].actor1 == "Azerbaijan"
    assert incs[("Fuzuli", "2020-10-24")].fatalities == 4  # '... were buried in Ganja': a funeral, no place of it
    assert "Ganja" not in {loc for loc, _ in incs}


def test_fire_opened_on_a_place_from_the_direction_of_another(gazetteer):
    incs = _incs(gazetteer, "p37_translated_fire_opened.txt")
    goris = incs[("Goris", "2020-10-13")]  # 'fire was opened on Goris from the direction of ... Zangilan district'
    assert (goris.sub_event_type, goris.actor1) == ("Shelling/artillery/missile attack", "Azerbaijan")
    assert "Zangilan" not in {loc for loc, _ in incs}  # where the fire came from, not where it fell



def test_military_equipment_destroyed_is_a_strike(gazetteer):
    incs = _incs(gazetteer, "p39_equipment_bulletin.txt")
    s300 = incs[("Khojavend", "2020-10-24")]  # 'destroyed an S-300 air defence system near Khojavend'
    assert (s300.event_type, s300.actor1, s300.claimed_by) == ("Explosions/Remote violence", "Azerbaijan",
                                                               ["Azerbaijan"])
    assert incs[("Fuzuli", "2020-10-24")].actor1 == "Armenia"

def test_an_unnamed_ministry_speaks_for_the_party_whose_seat_or_country_datelines_the_copy(gazetteer):
    incs = _incs(gazetteer, "p38_agency_datelines.txt")
    assert incs[("Tǝrtǝr", "2020-10-22")].claimed_by == ["Azerbaijan"]  # 'BAKU ... - ..., the defence ministry said'
    assert incs[("Khojavend", "2020-10-22")].claimed_by == ["Nagorno-Karabakh"]  # 'STEPANAKERT ...', the seat
    kapan = incs[("Kapan", "2020-10-22")]  # 'GORIS, Armenia, ...': the dateline's country
    assert (kapan.claimed_by, kapan.actor1) == (["Armenia"], "Azerbaijan")


def test_a_night_told_by_the_two_days_it_spans_is_dated_by_the_first(gazetteer):
    incs = _incs(gazetteer, "p40_translated_night_of.txt")
    martakert = incs[("Martakert", "2020-10-20")]  # 'In the night of 20 to 21 October, ...'
    assert (martakert.time_precision, martakert.claimed_by) == (1, ["Nagorno-Karabakh"])  # '... informs'
    assert ("Barda", "2020-10-21") in incs  # 'the night from October 21 to October 22'


def test_an_attempt_to_attack_that_was_repelled_is_the_attackers_attack(gazetteer):
    incs = _incs(gazetteer, "p41_ministry_attempts_repelled.txt")
    martuni = incs[("Khojavend", "2020-10-16")]  # 'an attempt by the enemy to attack our positions ... was prevented'
    assert (martuni.actor1, martuni.claimed_by) == ("Azerbaijan", ["Armenia"])
    fuzuli = incs[("Fuzuli", "2020-10-16")]  # 'An attempt of Armenian units to attack ... was repelled'
    assert (fuzuli.actor1, fuzuli.sub_event_type) == ("Armenia", "Armed clash")


def test_a_crash_for_technical_reasons_denies_a_shoot_down(gazetteer):
    incs = _incs(gazetteer, "p42_live_blog_crash_denied.txt")
    jet = incs[("Qubadlı", "2020-10-20")]  # '... said the aircraft had crashed for technical reasons'
    assert (jet.actor1, jet.claimed_by, jet.denied_by) == ("Azerbaijan", ["Armenia"], ["Azerbaijan"])


def test_according_to_a_speaker_a_comma_ends_it_and_an_ambush_is_a_clash_of_its_own_day(gazetteer):
    incs = _incs(gazetteer, "p43_agency_ambush_told_later.txt")
    tartar = incs[("Tartar", "2020-12-02")]  # after 'According to the prosecutors, Armenian saboteurs ...'
    assert (tartar.actor1, tartar.claimed_by) == ("Armenia", ["Azerbaijan"])  # 'The enemy fired on ...'
    hadrut = incs[("Hadrut", "2020-11-26")]  # '... ambushed an Azerbaijani army patrol near Hadrut on November 26'
    assert (hadrut.sub_event_type, hadrut.actor1, hadrut.fatalities) == ("Armed clash", "Armenia", 4)
    assert hadrut.claimed_by == ["Azerbaijan"]  # 'According to the prosecutors': those named just before


def test_an_attempt_to_retake_a_place_is_fighting_there_and_the_enemy_is_the_reporters_opponent(gazetteer):
    incs = _incs(gazetteer, "p44_bulletin_the_enemy.txt")
    jab = incs[("Jabrayil", "2020-10-12")]  # 'enemy units tried to retake positions near Jabrayil ... pushed back'
    assert (jab.sub_event_type, jab.actor1) == ("Armed clash", "Armenia")
    assert incs[("Talish", "2020-10-12")].actor1 == "Azerbaijan"  # 'the enemy retreated from ...', told by Azerbaijan
    jets = incs[("Martakert", "2020-10-12")]  # 'the enemy, using Turkish F-16 jets, struck ...', told by Armenia
    assert (jets.sub_event_type, jets.actor1) == ("Air/drone strike", "Azerbaijan")
