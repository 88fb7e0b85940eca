"""A closure reading that could be wrong says so: the doubtful part comes back in `doubts` (or
`unread`) so the merchant confirms it; what cannot be a whole closed day is never read as one."""

from datetime import date

from store.parsing.closures import parse_closures

TODAY = date(2026, 12, 8)  # a Tuesday


def test_a_weekday_that_does_not_fall_on_its_date_is_a_doubt_kept_as_the_date() -> None:
    closures = parse_closures("fermeture pour inventaire le lundi 5/01", TODAY)
    assert closures == [["2027-01-05", "2027-01-05"]]  # the 5th is a Tuesday
    assert closures.doubts == [("lundi 5/01", "weekday")] and closures.unread == []
    sure = parse_closures("fermeture pour inventaire le mardi 5/01", TODAY)
    assert sure == [["2027-01-05", "2027-01-05"]] and sure.doubts == []


def test_a_closure_of_more_than_three_months_is_a_doubt() -> None:
    closures = parse_closures("fermé jusqu'au 30 juin", TODAY)
    assert closures == [["2026-12-08", "2027-06-30"]]
    assert [why for _, why in closures.doubts] == ["long"]


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


def test_reopening_verbs_close_until_the_day_before() -> None:
    for text in ("nous rouvrirons le 6 janvier", "on reprend le 6 janvier", "réouvre le 6/01"):
        assert parse_closures(text, TODAY) == [["2026-12-08", "2027-01-05"]], text
    assert parse_closures("We're closed, reopening on the 6th of January", TODAY) == [
        ["2026-12-08", "2027-01-05"]
    ]


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
    assert closures == [["2026-12-25", "2026-12-25"]] and closures.unread == []
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
