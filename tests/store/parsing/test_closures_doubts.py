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
