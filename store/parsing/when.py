"""A day and time typed in words: "samedi 15h", "12/12 18h30", "demain 10h", "friday 3pm".

Read in the town's time zone, returned as aware UTC; never in the past.
"""

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from store.parsing.hours import DAY_NAMES
from store.search import fold

WEEKDAYS = DAY_NAMES
MONTHS = {
    **{
        m: i + 1
        for i, m in enumerate(
            (
                "janvier",
                "fevrier",
                "mars",
                "avril",
                "mai",
                "juin",
                "juillet",
                "aout",
                "septembre",
                "octobre",
                "novembre",
                "decembre",
            )
        )
    },  # fmt: skip
    **{
        m: i + 1
        for i, m in enumerate(
            (
                "january",
                "february",
                "march",
                "april",
                "may",
                "june",
                "july",
                "august",
                "september",
                "october",
                "november",
                "december",
            )
        )
    },  # fmt: skip
}
RELATIVE = {"aujourdhui": 0, "ce": 0, "today": 0, "demain": 1, "tomorrow": 1, "apresdemain": 2}

CLOCK = re.compile(r"\b(\d{1,2})\s*(?:h|:|heures?)\s*(\d{2})?\b|\b(\d{1,2})\s*(am|pm)\b")
NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2,4}))?\b")
WORD_DATE = re.compile(r"\b(\d{1,2})(?:er)?\s+([a-z]+)\b")


def _clock(text: str) -> tuple[time | None, str]:
    """The time of day, and the text without it (so "15h" is not read as a date)."""
    match = CLOCK.search(text)
    if match is None:
        return None, text
    if match.group(3):
        hour = int(match.group(3)) % 12 + (12 if match.group(4) == "pm" else 0)
        minute = 0
    else:
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if hour > 23 or minute > 59:
        return None, text
    return time(hour, minute), text[: match.start()] + " " + text[match.end() :]


def _day(text: str, today: date) -> date | None | bool:
    """The day named in `text`; True when none is named; None when it makes no sense."""
    words = re.sub(r"[^a-z ]", "", re.sub(r"['-]", "", text)).split()
    match = NUMERIC_DATE.search(text)
    if match:
        day, month, year = int(match.group(1)), int(match.group(2)), match.group(3)
        return _date(today, day, month, int(year) % 100 + 2000 if year else None)
    for number, word in WORD_DATE.findall(text):
        if word in MONTHS:
            return _date(today, int(number), MONTHS[word], None)
    for word in words:  # "ce samedi": the weekday wins over "ce" (soir)
        if word in WEEKDAYS:
            return today + timedelta(days=(WEEKDAYS[word] - today.weekday()) % 7)
    for word in words:
        if word in RELATIVE:
            return today + timedelta(days=RELATIVE[word])
    return True


def _date(today: date, day: int, month: int, year: int | None) -> date | None:
    try:
        found = date(year or today.year, month, day)
    except ValueError:
        return None
    if year is None and found < today:
        found = found.replace(year=today.year + 1)  # "12/01" typed in December: next January
    return found


def parse_when(text: str, now: datetime, tz: str) -> datetime | None:
    """The moment `text` names, after `now`; None when it names none."""
    zone = ZoneInfo(tz)
    local_now = now.astimezone(zone)
    moment, rest = _clock(fold(text).lower())
    if moment is None:
        return None
    day = _day(rest, local_now.date())
    if day is None:
        return None
    if day is True:
        day = local_now.date()
        if datetime.combine(day, moment, zone) <= local_now:
            day += timedelta(days=1)  # "15h" said at 16h means tomorrow
    assert isinstance(day, date)
    found = datetime.combine(day, moment, zone)
    if found <= local_now and any(w in rest for w in WEEKDAYS):
        found += timedelta(days=7)  # "mardi 9h" said on Tuesday at 10h: next week
    if found <= local_now:
        return None
    return found.astimezone(UTC)
