"""Days and times typed in French (and English), read in the town's zone."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from store.parsing.when import parse_when

NOW = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)  # Tuesday 10:00 in Paris


@pytest.mark.parametrize(
    ("typed", "paris"),
    [
        ("samedi 15h", "2026-12-12 15:00"),
        ("Samedi à 15 h", "2026-12-12 15:00"),
        ("12/12 18h30", "2026-12-12 18:30"),
        ("le 12/12/2026 à 18:30", "2026-12-12 18:30"),
        ("demain 10h", "2026-12-09 10:00"),
        ("après-demain 14h30", "2026-12-10 14:30"),
        ("aujourd'hui 18h", "2026-12-08 18:00"),
        ("ce soir 20h", "2026-12-08 20:00"),
        ("15h", "2026-12-08 15:00"),
        ("9h", "2026-12-09 09:00"),  # 9h has passed today: tomorrow
        ("mardi 9h", "2026-12-15 09:00"),  # said on Tuesday at 10h: next week
        ("12 décembre 18h", "2026-12-12 18:00"),
        ("5/1 10h", "2027-01-05 10:00"),  # January: next year
        ("friday 3pm", "2026-12-11 15:00"),
        ("tomorrow 10:15", "2026-12-09 10:15"),
    ],
)
def test_typed_times_are_read_in_the_towns_zone(typed, paris):
    moment = parse_when(typed, NOW, "Europe/Paris")
    assert moment is not None and moment.tzinfo is not None
    assert moment.astimezone(ZoneInfo("Europe/Paris")).strftime("%Y-%m-%d %H:%M") == paris


@pytest.mark.parametrize(
    "typed", ["samedi", "bientôt", "31/02 10h", "25h", "aujourd'hui 8h", "12/12/2025 10h", ""]
)
def test_no_time_or_a_past_one_is_not_understood(typed):
    assert parse_when(typed, NOW, "Europe/Paris") is None


def test_in_two_hours_across_the_spring_change_is_two_real_hours():
    night = datetime(2027, 3, 28, 0, 30, tzinfo=UTC)  # 01:30 in Paris; clocks go to 03:00 at 02:00
    moment = parse_when("dans 2h", night, "Europe/Paris")
    assert moment == datetime(2027, 3, 28, 2, 30, tzinfo=UTC)
    assert moment.astimezone(ZoneInfo("Europe/Paris")).strftime("%H:%M") == "04:30"


def test_a_summer_afternoon_is_two_hours_ahead_of_utc():
    moment = parse_when(
        "dimanche 28 mars 15h", datetime(2027, 3, 20, 9, tzinfo=UTC), "Europe/Paris"
    )
    assert moment == datetime(2027, 3, 28, 13, 0, tzinfo=UTC)
