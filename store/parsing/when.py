"""A day and time typed in words: "samedi 15h", "19/12 18h30", "dans 2h", "demain matin".

Read in the town's time zone, returned as aware UTC. `read_when` also says how sure the reading
is, so the bot can show back what it guessed ("ce soir" -> 20:00) and refuse a time gone by.
`dateparser` was weighed against this reader on tests/corpora/times*.tsv and scored lower
(bench/when.py prints both), so the phrases are read here.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from store.parsing.when_words import (
    AFTERNOON,
    NUMBER_WORDS,
    PART_DEFAULTS,
    PART_ENDS,
    PHRASES,
    month_of,
    relative_day,
    weekday_of,
)
from store.search import fold

Status = Literal["sure", "unsure", "now", "past", "day", "none"]
RECENT = timedelta(days=31)  # "le 5 décembre" typed on the 8th is gone, not next year's
COMPILED_PHRASES = tuple((re.compile(pattern), replacement) for pattern, replacement in PHRASES)
SPACES = re.compile(r"\s+")

RELATIVE_SPAN = re.compile(
    r"\b(?:dans|d ici|in)\s+(\d+)\s*(?:(h|heures?|hours?|hrs?)\s*(\d{1,2})?(?:\s*(?:min|mn)\w*)?"
    r"|(min|minutes?|mn|mins?)|(jours?|days?|j)|(semaines?|weeks?|sem))(?![a-z])"
)
AGO = re.compile(
    r"\b(?:il y a|ya)\s+(?:\d+|une?)\s*(?:h|heures?|min|minutes?|mn|jours?|semaines?)\b"
    r"|\b(?:\d+|an?)\s*(?:hours?|minutes?|mins?|days?)\s+ago\b"
)
SPELLED = re.compile(
    r"\b(dans|in|d ici)\s+(" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")\b"
)
BARE_HOUR = re.compile(r"\b(?:a|at|vers|pour)\s+(\d{1,2})\b(?![/.:\d]|\s*(?:er|eme)\b)")
CLOCK = re.compile(
    r"\b(\d{1,2})(?:[:h.](\d{2}))?\s*(am|pm)\b"  # "3pm", "10:30 am"
    r"|\b(\d{1,2})\s*(?:heures?|h)\s*(\d{2})?(?!\d)"  # "15h", "15 h 30", "18 heures"
    r"|\b(\d{1,2}):(\d{2})\b"  # "18:30"
)
HOUR_RANGE = re.compile(  # "de 10 à 11 h", "entre 14 et 16h", "15-16h": the start, to be checked
    r"\b(?:(?:de|entre)\s+(\d{1,2})(?:\s*h\s*(\d{2})?)?\s*(?:a|et|-)"
    r"|(\d{1,2})(?:\s*h\s*(\d{2})?)?\s*-)\s*\d{1,2}\s*(?:h|heures?)(?:\s*\d{2})?(?!\d)"
)
NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2,4}))?\b")
WORD_DATE = re.compile(r"\b(\d{1,2})(?:er|st|nd|rd|th|eme)?\s+([a-z]{3,9})\b\.?(?:\s+(\d{4}))?")
ENGLISH_DATE = re.compile(r"\b([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b")
DAY_OF_MONTH = re.compile(r"\b(?:le|the)\s+(\d{1,2})(?:er|st|nd|rd|th)?\b")
AFTER_DAY_NUMBER = re.compile(r"^\s*(\d{1,2})(?:er)?\b")


@dataclass(frozen=True)
class When:
    """What was read: `moment` (aware UTC) unless `status` is "day" or "none"."""

    status: Status
    moment: datetime | None = None
    day: date | None = None  # the local day named, also when no hour was given
    day_given: bool = False  # a day was named (not only an hour)


@dataclass
class _Found:
    """The parts of the text found so far; `guessed` when one was filled in for the person."""

    clock: time | None = None
    part: str | None = None  # matin, aprem, soir...
    day: date | None = None
    weekday: int | None = None
    next_week: bool = False  # "prochain"
    last_week: bool = False  # "dernier"
    explicit_today: bool = False  # "aujourd'hui", "ce matin": not to be rolled to tomorrow
    guessed: bool = False


def _normalise(text: str) -> str:
    """Folded, apostrophes and emoji out, common phrases in one spelling."""
    folded = fold(text).replace("’", " ").replace("'", " ")
    folded = re.sub(r"[^a-z0-9:/.\- ]", " ", folded)
    folded = re.sub(r"(?<![0-9])\.|\.(?![0-9])", " ", folded)  # keep "19.12", drop "sam."
    folded = SPACES.sub(" ", folded)
    for pattern, replacement in COMPILED_PHRASES:
        folded, replaced = pattern.subn(replacement, folded)
        if replaced:  # the next phrases see single spaces
            folded = SPACES.sub(" ", folded)
    return folded.strip()


def _take(pattern: re.Pattern[str], text: str) -> tuple[re.Match[str] | None, str]:
    match = pattern.search(text)
    if match is None:
        return None, text
    return match, text[: match.start()] + " " + text[match.end() :]


def _clock(text: str, found: _Found) -> str:
    span, rest = _take(HOUR_RANGE, text)
    if span is not None:
        hour = int(span.group(1) or span.group(3))
        minute = int(span.group(2) or span.group(4) or 0)
        if hour <= 23 and minute <= 59:
            found.clock, found.guessed = time(hour, minute), True
            return rest
    match, rest = _take(CLOCK, text)
    if match is None:
        bare, rest = _take(BARE_HOUR, text)  # "samedi à 15", "sat at 3"
        if bare is None or int(bare.group(1)) > 23:
            return text
        found.clock = time(int(bare.group(1)))
        return rest
    if match.group(3):
        hour = int(match.group(1)) % 12 + (12 if match.group(3) == "pm" else 0)
        minute = int(match.group(2) or 0)
    elif match.group(4):
        hour, minute = int(match.group(4)), int(match.group(5) or 0)
    else:
        hour, minute = int(match.group(6)), int(match.group(7))
    if hour == 24 and minute == 0:
        hour = 0
    if hour > 23 or minute > 59:
        return text
    found.clock = time(hour, minute)
    found.guessed = CLOCK.search(rest) is not None  # "15h30 ou 16h", "entre 14h et 15h"
    return rest


def _date(today: date, day: int, month: int, year: int | None) -> date | None:
    """The date, in the coming year when none is given (unless it has just gone by)."""
    if year is not None and year < 100:
        year += 2000
    try:
        found = date(year or today.year, month, day)
    except ValueError:
        return None
    if year is None and found < today - RECENT:
        found = found.replace(year=today.year + 1)  # "5/1" typed in December: next January
    return found


def _day_of_month(today: date, number: int) -> date | None:
    """ "le 19": this month, or next month once the day has gone by."""
    month, year = today.month, today.year
    if number < today.day:
        month, year = (1, year + 1) if month == 12 else (month + 1, year)
    try:
        return date(year, month, number)
    except ValueError:
        return None


def _days(text: str, today: date, found: _Found) -> str | None:
    """Take the dates and day words out of `text`; None when a date cannot be."""
    match, text = _take(NUMERIC_DATE, text)
    if match:
        year = int(match.group(3)) if match.group(3) else None
        found.day = _date(today, int(match.group(1)), int(match.group(2)), year)
        if found.day is None:
            return None
    for match in WORD_DATE.finditer(text):
        month = month_of(match.group(2))
        if month and found.day is None:
            year = int(match.group(3)) if match.group(3) else None
            found.day = _date(today, int(match.group(1)), month, year)
            if found.day is None:
                return None
            text = text[: match.start()] + " " + text[match.end() :]
            break
    for match in ENGLISH_DATE.finditer(text):
        month = month_of(match.group(1))
        if month and found.day is None and weekday_of(match.group(1)) is None:
            found.day = _date(today, int(match.group(2)), month, None)
            text = text[: match.start()] + " " + text[match.end() :]
            break
    words = text.split()
    for index, word in enumerate(words):
        weekday = weekday_of(word)
        if weekday is not None and found.weekday is None:
            found.weekday = weekday
            number = AFTER_DAY_NUMBER.match(" ".join(words[index + 1 :]))
            if number and found.day is None:  # "jeudi 10"
                found.day = _day_of_month(today, int(number.group(1)))
        elif word in ("prochain", "prochaine", "next", "pro"):
            found.next_week = True
        elif word in ("dernier", "derniere", "last"):
            found.last_week = True
        elif word in PART_DEFAULTS and found.part is None:
            found.part = word
        elif (offset := relative_day(word)) is not None and found.day is None:
            found.day = today + timedelta(days=offset)
            found.explicit_today = offset == 0
    if found.day is None:
        match = DAY_OF_MONTH.search(text)
        if match:
            found.day = _day_of_month(today, int(match.group(1)))
    return text


def _weekday_day(today: date, found: _Found) -> date:
    """The day a weekday names: the next one to come ("prochain" on today's: next week's)."""
    assert found.weekday is not None
    ahead = (found.weekday - today.weekday()) % 7
    if ahead == 0 and found.next_week:
        ahead = 7
    day = today + timedelta(days=ahead)
    if found.next_week and day.isocalendar()[1] == today.isocalendar()[1]:
        found.guessed = True  # "samedi prochain" on a Tuesday: this Saturday or the next?
    return day


def _hour_of_day(found: _Found) -> time | None:
    """The clock, read with the part of the day ("8h du soir"), or that part's usual hour."""
    clock, part = found.clock, found.part
    if clock is None:
        if part is None:
            return None
        found.guessed = True
        return PART_DEFAULTS[part]
    if part in AFTERNOON and 1 <= clock.hour < 12:
        return clock.replace(hour=clock.hour + 12)
    if part is None and 1 <= clock.hour <= 7:
        found.guessed = True  # "à 3h": a visit at 15:00 rather than in the night
        return clock.replace(hour=clock.hour + 12)
    return clock


def read_when(text: str, now: datetime, tz: str) -> When:
    """What `text` names as a moment to come, and how sure the reading is."""
    zone = ZoneInfo(tz)
    local_now = now.astimezone(zone).replace(second=0, microsecond=0)
    today = local_now.date()
    words = _normalise(text)
    if not words:
        return When("none")
    if AGO.search(words):
        return When("past")
    found = _Found()
    words = SPELLED.sub(lambda m: f"{m.group(1)} {NUMBER_WORDS[m.group(2)]}", words)
    span, words = _take(RELATIVE_SPAN, words)
    if span and not (span.group(5) or span.group(6)):  # "dans 2h", "dans 30 min": from now
        hours = int(span.group(1)) if span.group(2) else 0
        minutes = int(span.group(3) or 0) if span.group(2) else int(span.group(1))
        moment = local_now.astimezone(UTC) + timedelta(hours=hours, minutes=minutes)  # real time
        return When("sure", moment, moment.astimezone(zone).date())
    if span:  # "dans 3 jours", "dans 2 semaines"
        found.day = today + timedelta(days=int(span.group(1)) * (7 if span.group(6) else 1))
    words = _clock(words, found)
    rest = _days(words, today, found)
    if rest is None:
        return When("none")
    if found.clock is None and found.part is None and "maintenant" in rest.split():
        if found.day in (None, today) and found.weekday is None:
            return When("now", local_now.astimezone(UTC), today, False)
    return _settle(found, today, local_now, zone)


def _settle(found: _Found, today: date, local_now: datetime, zone: ZoneInfo) -> When:
    """The moment from the parts found, rolled forward or refused when it has gone by."""
    day_given = found.day is not None or found.weekday is not None
    if found.last_week and found.weekday is None and found.day is None:
        return When("past")  # "la semaine dernière"
    if found.next_week and found.weekday is None and found.day is None:
        return When("none")  # "la semaine prochaine à 15h": which day?
    clock = _hour_of_day(found)
    if found.day is not None and found.weekday is not None:
        if found.day.weekday() != found.weekday:
            found.guessed = True  # "vendredi 19 décembre" is a Saturday: the date wins
    if clock is None:
        day = found.day
        if day is None and found.weekday is not None:
            day = _weekday_day(today, found)
        if day is not None and day < today:
            return When("past", None, day, True)  # "hier"
        return When("day", None, day, True) if day else When("none")
    if found.day is not None:
        day = found.day
    elif found.weekday is not None and found.last_week:  # "lundi dernier": gone
        day = today - timedelta(days=(today.weekday() - found.weekday) % 7 or 7)
    elif found.weekday is not None:
        day = _weekday_day(today, found)
    else:
        day = today
    moment = datetime.combine(day, clock, zone)
    if moment <= local_now and found.clock is None and day == today and found.part:
        if local_now.time() < PART_ENDS[found.part]:  # "ce soir" said at 20:00: soon
            found.guessed = True
            moment = local_now.replace(minute=0) + timedelta(hours=1)
    if moment <= local_now and not day_given and not found.explicit_today and not found.part:
        moment += timedelta(days=1)  # "15h" said at 16h: tomorrow, shown back to be sure
        found.guessed = True
    if moment <= local_now and found.weekday is not None and not (found.day or found.last_week):
        moment += timedelta(days=7)  # "mardi 9h" said on Tuesday at 10h: next week
    if moment <= local_now:
        return When("past", moment.astimezone(UTC), moment.date(), day_given)
    status: Status = "unsure" if found.guessed else "sure"
    return When(status, moment.astimezone(UTC), moment.date(), day_given)


def parse_when(text: str, now: datetime, tz: str) -> datetime | None:
    """The moment `text` names, after `now`; None when it names none (or one gone by)."""
    reading = read_when(text, now, tz)
    if reading.status in ("sure", "unsure", "now"):
        return reading.moment
    return None
