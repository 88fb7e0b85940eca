"""A closure reading that could be wrong says so: the doubtful part comes back in `doubts` (or
`unread`) so the merchant confirms it; what cannot be a whole closed day is never read as one."""

import random
from datetime import date, timedelta

import pytest

from store.parsing.closures import parse_closures

TODAY = date(2026, 12, 8)  # a Tuesday
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre")  # fmt: skip
DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def test_a_weekday_that_does_not_fall_on_its_date_is_a_doubt_kept_as_the_date() -> None:
    closures = parse_closures("fermeture pour inventaire le lundi 5/01", TODAY)
    assert closures == [["2027-01-05", "2027-01-05"]]  # the 5th is a Tuesday
    assert closures.doubts == [("lundi 5/01", "weekday")] and closures.unread == []
    sure = parse_closures("fermeture pour inventaire le mardi 5/01", TODAY)
    assert sure == [["2027-01-05", "2027-01-05"]] and sure.doubts == []


def test_a_closure_of_more_than_three_months_is_a_doubt() -> None:
    closures = parse_closures("fermé du 8 décembre au 30 juin", TODAY)
    assert closures == [["2026-12-08", "2027-06-30"]]
    assert [why for _, why in closures.doubts] == ["long"]
    closures = parse_closures("fermé jusqu'au 30 juin", TODAY)  # and from today: both asked
    assert sorted(why for _, why in closures.doubts) == ["from_today", "long"]


def test_hours_before_their_dates_and_vague_durations_are_never_whole_days() -> None:
    assert parse_closures("on ferme à 16h le 24 et le 31", TODAY) is None
    assert parse_closures("fermé 3j à Noël", TODAY) is None
    assert parse_closures("Fermé 1 semaine du 4 au 10 janvier", TODAY) == [
        ["2027-01-04", "2027-01-10"]
    ]


def test_days_without_a_month_are_the_next_ones_their_weekdays_fall_on() -> None:
    assert parse_closures("fermé mardi 22 et mercredi 23", TODAY) == [["2026-12-22", "2026-12-23"]]
    assert parse_closures("fermé du 5 au 7", TODAY) == [["2027-01-05", "2027-01-07"]]  # past
    assert parse_closures("fermé du 28 déc au 3", TODAY) == [["2026-12-28", "2027-01-03"]]
    assert parse_closures("fermé demain et jeudi", TODAY) == [["2026-12-09", "2026-12-10"]]


def test_school_holidays_are_said_back_unless_dates_are_typed_beside_them() -> None:
    assert parse_closures("fermé pendant les vacances scolaires", TODAY) is None
    assert parse_closures("fermé pendant les vacances de la Toussaint", TODAY) is None  # not 1/11
    closures = parse_closures("fermé le 24 déc et pendant les vacances de février", TODAY)
    assert closures == [["2026-12-24", "2026-12-24"]]
    assert closures.unread == ["vacances de février"]
    beside = parse_closures("fermé du 18/02 au 25/02 (vacances scolaires)", TODAY)
    assert beside == [["2027-02-18", "2027-02-25"]] and beside.unread == []
    assert parse_closures("vacances de février : du 13 au 21", TODAY) == [
        ["2027-02-13", "2027-02-21"]
    ]


def test_a_half_day_beside_a_whole_one_is_said_back_and_the_whole_one_kept() -> None:
    closures = parse_closures("fermé le 29/12 toute la journée et le 30/12 matin", TODAY)
    assert closures == [["2026-12-29", "2026-12-29"]] and closures.unread == ["30/12 matin"]
    closures = parse_closures("Fermé le 12/12 et le 19/12 apm", TODAY)
    assert closures == [["2026-12-12", "2026-12-12"]] and closures.unread == ["19/12 apm"]
    assert parse_closures("fermé les 24/12 et 31/12 ap-m", TODAY) is None  # both half days
    assert parse_closures("fermé le 26 mat.", TODAY) is None


def test_reopening_verbs_close_until_the_day_before_and_ask_about_the_start() -> None:
    for text in ("nous rouvrirons le 6 janvier", "on reprend le 6 janvier", "réouvre le 6/01"):
        closures = parse_closures(text, TODAY)
        assert closures == [["2026-12-08", "2027-01-05"]], text
        assert [why for _, why in closures.doubts] == ["from_today"], text
    closures = parse_closures("We're closed, reopening on the 6th of January", TODAY)
    assert closures == [["2026-12-08", "2027-01-05"]] and closures.doubts


def test_months_apart_from_their_days_parts_of_months_and_excluded_ends() -> None:
    assert parse_closures("en janvier, du 4 au 9", TODAY) == [["2027-01-04", "2027-01-09"]]
    assert parse_closures("fermé les 3 premiers jours de janvier", TODAY) == [
        ["2027-01-01", "2027-01-03"]
    ]
    assert parse_closures("fermé la 2e quinzaine d'août", TODAY) == [["2027-08-16", "2027-08-31"]]
    assert parse_closures("fermé du 24 au 28 déc exclu", TODAY) == [["2026-12-24", "2026-12-27"]]
    assert parse_closures("fermé pr inventaire jsq au 4/01", TODAY) == [
        ["2026-12-08", "2027-01-04"]
    ]


def test_a_range_from_or_to_a_half_day_keeps_the_whole_days_and_says_the_halves_back() -> None:
    closures = parse_closures("Fermé le 31/12 à midi jusqu'au 2/01 inclus", TODAY)
    assert closures == [["2027-01-01", "2027-01-02"]]  # never "from today"
    assert closures.unread == ["31/12 à midi"]
    closures = parse_closures("fermé du 24 décembre au soir jusqu'au 4 janvier au matin", TODAY)
    assert closures == [["2026-12-25", "2027-01-03"]]
    assert closures.unread == ["24 décembre au soir", "4 janvier au matin"]


def test_an_exception_for_half_a_day_leaves_that_day_open_and_says_it_back() -> None:
    closures = parse_closures("Fermé du 20 décembre au 3 janvier, sauf le 24 matin", TODAY)
    assert closures == [["2026-12-20", "2026-12-23"], ["2026-12-25", "2027-01-03"]]
    assert closures.unread == ["24 matin"]


def test_a_date_followed_by_open_is_an_opening_and_by_closed_a_closure() -> None:
    closures = parse_closures("25/12 fermé, 26/12 ouvert 10h-18h", TODAY)
    assert closures == [["2026-12-25", "2026-12-25"]]
    assert closures.unread == ["26/12 ouvert 10h-18h"]  # an opening cannot be saved: said back
    assert parse_closures("24/12 ouvert, 25/12 fermé", TODAY) == [["2026-12-25", "2026-12-25"]]
    shorter = parse_closures("le 24/12 ouvert jusqu'à 16h, fermé le 25", TODAY)
    assert shorter == [["2026-12-25", "2026-12-25"]] and shorter.unread == ["24/12", "16h"]


def test_durations_give_an_end_or_must_agree_with_the_days_else_they_are_said_back() -> None:
    assert parse_closures("fermé 6 semaines pour travaux à partir du 4 janvier", TODAY) == [
        ["2027-01-04", "2027-02-14"]
    ]
    assert parse_closures("Fermé 48h : les 4 et 5 janvier", TODAY) == [["2027-01-04", "2027-01-05"]]
    assert parse_closures("fermé 3 jours la semaine prochaine", TODAY) is None  # which three?
    assert parse_closures("on ferme qq jours apres noel", TODAY) is None
    assert parse_closures("lun 21 & mar 22 9h-19h, ven 25 fermé", TODAY) == [
        ["2026-12-25", "2026-12-25"]
    ]


# Every path where a closure's start or end is not typed but inferred carries a doubt, so the
# merchant confirms it with a button before it is saved (handlers/merchant/setup.py).


@pytest.mark.parametrize(
    ("text", "typed"),
    [
        ("réouverture le 7 janvier", "réouverture le 7 janvier"),
        ("Back on January 7th", "Back on January 7th"),
        ("De retour le 7/01 !", "retour le 7/01"),
        ("on revient le 7 janvier", "revient le 7 janvier"),
    ],
)
def test_a_reopening_alone_closes_from_today_and_asks_about_that_start(text, typed) -> None:
    closures = parse_closures(text, TODAY)
    assert closures == [["2026-12-08", "2027-01-06"]]
    assert closures.doubts == [(typed, "from_today")] and closures.unread == []


@pytest.mark.parametrize(
    ("text", "last"),
    [
        ("fermé jusqu'au 4 janvier", "2027-01-04"),
        ("Fermé jusqu'au 4 janvier exclu", "2027-01-03"),  # "exclu" after "jusqu'au"
        ("closed until January 4th", "2027-01-04"),
        ("fermé jusqu'à samedi", "2026-12-12"),
    ],
)
def test_until_with_no_start_closes_from_today_and_asks_about_that_start(text, last) -> None:
    closures = parse_closures(text, TODAY)
    assert closures == [["2026-12-08", last]], text
    assert [why for _, why in closures.doubts] == ["from_today"], text


def test_an_end_taken_from_a_reopening_is_asked_about_one_typed_is_not() -> None:
    closures = parse_closures("Fermé le 28 décembre, réouverture le 31", TODAY)
    assert closures == [["2026-12-28", "2026-12-30"]]  # the 29th and 30th were not typed
    assert closures.doubts == [("réouverture le 31", "to_reopening")]
    typed = parse_closures("Fermé du 28 au 30 décembre, réouverture le 31", TODAY)
    assert typed == [["2026-12-28", "2026-12-30"]] and typed.doubts == []
    beside = parse_closures("fermée demain, réouverture jeudi", TODAY)  # nothing between
    assert beside == [["2026-12-09", "2026-12-09"]] and beside.doubts == []


def test_a_start_and_a_reopening_both_typed_make_the_closure_with_no_doubt() -> None:
    text = "Fermé pour congés à partir du 24 décembre, réouverture le 5 janvier"
    closures = parse_closures(text, TODAY)
    assert closures == [["2026-12-24", "2027-01-04"]] and closures.doubts == []
    assert closures.unread == []
    assert parse_closures("fermé à partir du 24 décembre", TODAY) is None  # until when?
    week = parse_closures("fermé une semaine à partir du lundi 4 janvier", TODAY)
    assert week == [["2027-01-04", "2027-01-10"]] and week.doubts == []


def test_a_reopening_day_is_never_closed() -> None:
    text = "on ferme du 27/12 au 30/12 pour souffler un peu 😅 On revient le 31 !"
    assert parse_closures(text, TODAY) == [["2026-12-27", "2026-12-30"]]
    clash = parse_closures("fermé du 27/12 au 31/12, réouverture le 31", TODAY)
    assert clash == [["2026-12-27", "2026-12-30"]]  # typed both ways: asked
    assert clash.doubts == [("réouverture le 31", "reopening_day")]


def test_an_opening_on_a_date_is_said_back_never_dropped() -> None:
    text = "Votre fleuriste sera ouvert le dimanche 20 décembre de 9h à 13h, et fermé le lundi 28"
    closures = parse_closures(text, TODAY)
    assert closures == [["2026-12-28", "2026-12-28"]]
    assert closures.unread == ["dimanche 20 décembre de 9h à 13h"]
    assert parse_closures("ouverture exceptionnelle le dimanche 20/12", TODAY) is None
    usual = parse_closures("on reste ouvert tout le mois de décembre !", TODAY)
    assert usual == [] and usual.unread == []  # usual opening: nothing closed, nothing lost


def test_not_knowing_yet_is_not_read_as_no_closure() -> None:
    assert parse_closures("fermé les 2 prochains jours", TODAY) is None  # from when?
    assert parse_closures("je sais pas encore, je vous dirai", TODAY) is None
    assert (
        parse_closures("fermé quelques jours en janvier, je ne sais pas encore quand", TODAY)
        is None
    )
    assert parse_closures("ouvert non-stop de 9h à 19h", TODAY) is None  # hours, not "non"
    assert parse_closures("on ne ferme jamais !", TODAY) == []
    assert parse_closures("pas de fermeture prévue", TODAY) == []
    known = parse_closures("le 25 décembre, le reste je vous dirai", TODAY)
    assert known == [["2026-12-25", "2026-12-25"]] and known.unread  # asked, not saved


def test_counts_of_coming_weekdays_and_dates_written_month_first_in_english() -> None:
    assert parse_closures("Fermé les 2 prochains samedis", TODAY) == [
        ["2026-12-12", "2026-12-12"],
        ["2026-12-19", "2026-12-19"],
    ]
    assert parse_closures("Closed 12/24 and 12/25", TODAY) == [["2026-12-24", "2026-12-25"]]
    assert parse_closures("fermé le 12/24", TODAY) is None  # French: not swapped, said back


def test_filler_and_reasons_are_not_said_back() -> None:
    for text in ("seulement noel et jour de l'an", "oui : 25/12 et 01/01"):
        assert parse_closures(text, TODAY).unread == [], text
    assert parse_closures("fermeture exeptionelle le 2 janvier", TODAY).unread == []
    galette = parse_closures("fermé le mercredi 6 janvier pour la galette 😄", TODAY)
    assert galette == [["2027-01-06", "2027-01-06"]] and galette.unread == []


INFERRED = (
    "fermé jusqu'au {d2} {m2}",
    "jsq au {d2:02d}/{n2:02d}",
    "réouverture le {d2} {m2}",
    "On rouvre le {wd2} {d2} {m2} !",
    "closed until {m2} {d2}",
    "fermé le {d1} {m1}, réouverture le {d2} {m2}",
)


@pytest.mark.parametrize("written", INFERRED)
def test_a_closed_day_that_was_never_typed_is_always_asked_about(written) -> None:
    rng = random.Random(written)
    for _ in range(120):
        first = TODAY + timedelta(days=rng.randint(1, 200))
        last = first + timedelta(days=rng.randint(2, 14))
        text = written.format(
            d1=first.day, m1=MONTHS[first.month - 1], d2=last.day, n2=last.month,
            m2=MONTHS[last.month - 1], wd2=DAYS[last.weekday()],
        )  # fmt: skip
        closures = parse_closures(text, TODAY)
        typed = {first, last} if "{d1}" in written else {last}
        closed = {date.fromisoformat(a) + timedelta(days=k) for a, b in closures or [] for k in
                  range((date.fromisoformat(b) - date.fromisoformat(a)).days + 1)}  # fmt: skip
        assert closed, text
        assert closed <= typed or closures.doubts, text  # a day read but not typed: asked
