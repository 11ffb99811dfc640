from datetime import date

import pytest

from geo.dates import last_weekday, resolve

PUB = date(2020, 10, 14)  # a Wednesday


@pytest.mark.parametrize("sentence,day,precision", [
    ("Shelling continued on Sunday.", date(2020, 10, 11), 1),
    ("The ministry said on Wednesday that the town was hit.", date(2020, 10, 14), 1),
    ("The town was shelled overnight.", date(2020, 10, 13), 1),
    ("Rockets fell yesterday.", date(2020, 10, 13), 1),
    ("Fighting broke out on October 4.", date(2020, 10, 4), 1),
    ("Fighting broke out on 4 October.", date(2020, 10, 4), 1),
    ("Clashes in July killed 17 soldiers.", date(2020, 7, 15), 3),
    ("A strike hit the town late last month.", date(2020, 9, 25), 3),
    ("The town was shelled.", date(2020, 10, 14), 2),
    ("Sunday night was restless, with explosions.", date(2020, 10, 11), 2),
])
def test_relative_dates(sentence, day, precision):
    w = resolve(sentence, PUB)
    assert (w.day, w.precision, w.background) == (day, precision, False)


@pytest.mark.parametrize("sentence", [
    "The war in the early 1990s killed 30,000 people.",
    "A 1994 ceasefire ended the fighting.",
    "Clashes in April 2016 killed 110 people.",
])
def test_background_history_is_flagged(sentence):
    w = resolve(sentence, PUB)
    assert w.background and w.precision == 3 and w.day.year < 2020


def test_comparisons_with_the_past_are_not_background():
    w = resolve("The worst fighting since 1994 erupted on Sunday.", PUB)
    assert not w.background and w.day == date(2020, 10, 11)


def test_counts_are_not_years():
    assert not resolve("Baku says 2020 troops were killed on Monday.", PUB).background
    assert not resolve("It claims to have killed 2,300 troops on Monday.", PUB).background


def test_may_the_verb_is_not_a_month():
    assert resolve("The truce may not hold.", PUB).precision == 2


def test_no_publication_date():
    assert resolve("Shelling on Sunday.", None) is None


def test_last_weekday_same_day():
    assert last_weekday("wednesday", PUB) == PUB


@pytest.mark.parametrize("sentence", [
    "Troops left the district on Tuesday under the November 10 agreement.",
    "Under the deal signed on 10 November, troops left the district on Tuesday.",
])
def test_dates_of_agreements_are_not_event_dates(sentence):
    w = resolve(sentence, date(2020, 11, 26))
    assert w.day == date(2020, 11, 24)


def test_unicode_lookalikes_of_day_and_month_names_do_not_break_the_resolver():
    """Case-insensitive patterns match 'ſ' for 's' and a dotless 'ı' for 'i'; such a name is read as the
    name it stands for instead of raising (which cost the article)."""
    published = date(2020, 10, 12)
    assert resolve("Rockets hit the town on ſunday night.", published) == resolve(
        "Rockets hit the town on sunday night.", published)
    for s in ("Shelling resumed on frıday.", "On 3 ſeptember the village fell.", "Fighting on ſeptember 30."):
        resolve(s, published)


def test_a_day_and_month_soon_after_publication_is_to_come_not_last_year():
    assert resolve("Armenia is due to return the district by 20 November.", date(2020, 11, 12)).day == date(2020, 11, 20)
    assert resolve("The shelling on 28 December was the worst.", date(2021, 1, 5)).day == date(2020, 12, 28)


def test_since_a_weekday_yields_to_the_sentence_s_own_time():
    assert resolve("Last night, for the first time since Sunday, the front was quiet.", date(2020, 7, 15)).day \
        == date(2020, 7, 14)
    assert resolve("Fighting has gone on since Sunday.", date(2020, 7, 15)).day == date(2020, 7, 12)


def test_days_named_reads_lists_with_a_shared_month():
    from geo.dates import days_named
    pub = date(2020, 10, 23)
    assert days_named("struck on 17 and 20 October", pub) == [date(2020, 10, 17), date(2020, 10, 20)]
    assert days_named("hit on October 17 and October 20, 2020", pub) == [date(2020, 10, 17), date(2020, 10, 20)]
    assert days_named("under the 10 November agreement", pub) == []  # the date of a text, not of an event


def test_dotted_dates_and_birth_years():
    assert resolve("On 14.10.2020, the town was shelled.", date(2020, 10, 15)).day == date(2020, 10, 14)
    w = resolve("A woman, born in 1962, was killed on 14 October.", date(2020, 10, 15))
    assert (w.day, w.background) == (date(2020, 10, 14), False)


@pytest.mark.parametrize("sentence,day", [
    ("On the night of 10 to 11 October, the town was shelled.", date(2020, 10, 10)),
    ("During the night from October 12 to October 13, rockets fell.", date(2020, 10, 12)),
    ("On the night of October 12-13 drones struck.", date(2020, 10, 12)),
    ("In the night from 30 September to 1 October the town was hit.", date(2020, 9, 30)),
])
def test_a_night_between_two_days_is_dated_by_the_first(sentence, day):
    w = resolve(sentence, PUB)
    assert (w.day, w.precision) == (day, 1)


def test_two_days_that_are_no_night_keep_the_day_named():
    assert resolve("On the night of 3 to 8 October, five towns were hit.", PUB).day == date(2020, 10, 8)
