"""The dates of a closure notice: a date as typed (`Day`), months and years guessed from the
neighbours or from today, closures joined and cut. Read by `closures.py`."""

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from store.parsing.closures_words import WEEKDAYS
from store.parsing.reading import Token


@dataclass
class Day:
    """One date as typed; the month or year may come from a neighbour ("les 24, 25 et 26 déc")."""

    start: int
    end: int
    day: int = 0
    month: int | None = None
    year: int | None = None
    fixed: date | None = None  # holidays and "demain" are whole dates already
    last: date | None = None  # the end of a span typed in one ("ce week-end", "tout le mois")
    link: str = "list"  # how it joins the date before it: "list" or "range"
    weekday: int | None = None  # "lundi 5/01": the weekday typed with the date
    role: str = ""  # "until", "reopen", "open", "unless", "since", "weekfrom" or ""
    exclusive: bool = False  # "du 24 au 28 exclu": the 28th is open
    plural: bool = False  # typed after "les": "les 24/12 et 31/12 après-midi" share the half day
    half: bool = False  # "du 24 au soir au 4 janvier au matin": that end is not a whole day
    lead: int = -1  # where its role's word starts: "jusqu'au 4", "réouverture le 7"


def role_start(day: Day) -> int:
    return day.lead if 0 <= day.lead < day.start else day.start


def ends_closure(day: Day) -> bool:
    """The day ends a closure: "au 28" in a range or "jusqu'au 4" alone."""
    return day.link == "range" or day.role == "until"


def coming_weekdays(spec: tuple[str, int, int], today: date) -> list[date]:
    """("next", 5, 2): the 2 coming Saturdays (a count, not the second one)."""
    _, weekday, count = spec
    first = today + timedelta(days=(weekday - today.weekday()) % 7 or 7)
    return [first + timedelta(days=7 * k) for k in range(count)]


def month_part(part: tuple[str, int, int], today: date) -> tuple[date, date]:
    """The days of ("first", 3, 1) "les 3 premiers jours de janvier", ("last", 5, 12), or
    ("last", 0, 8) the second fortnight of August, in the next such month not over."""
    which, count, month = part
    year = today.year + (month < today.month)
    if date(year, month, calendar.monthrange(year, month)[1]) < today:
        year += 1
    length = calendar.monthrange(year, month)[1]
    first, last = (1, count) if which == "first" else (length - count + 1, length)
    if which == "last" and count == 0:
        first = 16
    return date(year, month, max(first, 1)), date(year, month, min(last, length))


def fill_months(chain: list[Day], today: date) -> None:
    """Months for days typed without one, from their neighbours or else from today."""
    following: Day | None = None
    for day in reversed(chain):  # "les 24, 25 et 26 décembre", "du 24 au 2 janvier"
        if day.fixed is None and day.month is None and following is not None:
            month = following.month or 1
            day.month = month if day.day <= following.day else (month - 2) % 12 + 1
        if day.fixed is None and day.month is not None:
            following = day
    before: tuple[int, int] | None = None  # (month, day) of the date before
    for day in chain:  # "du 24 au 26 décembre et le 31", "du 28 déc au 3", "demain et le 15"
        if day.fixed is None and day.month is None and before is not None:
            day.month = before[0] if day.day >= before[1] else before[0] % 12 + 1
        if day.fixed is not None:
            before = (day.fixed.month, day.fixed.day)
        elif day.month is not None:
            before = (day.month, day.day)
    floor = today
    for i, day in enumerate(chain):  # "le 24 et 25", "du 5 au 7", "mardi 22 et mercredi 23"
        if day.fixed is not None or day.month is not None:
            continue
        end = chain[i + 1].day if i + 1 < len(chain) and chain[i + 1].link == "range" else None
        found = _guess(day, floor, end) or _guess(Day(0, 0, day.day), floor, end)
        if found is None:
            continue
        day.month, day.year, floor = found.month, found.year, found


def _guess(day: Day, floor: date, end_day: int | None) -> date | None:
    """The first date on day number `day.day` (and its weekday) whose closure ends by `floor`."""
    for k in range(14):
        year, month = floor.year + (floor.month - 1 + k) // 12, (floor.month - 1 + k) % 12 + 1
        try:
            found = date(year, month, day.day)
        except ValueError:
            continue
        if day.weekday is not None and found.weekday() != day.weekday:
            continue
        last = found
        if end_day is not None and end_day >= found.day:
            last = found.replace(day=min(end_day, calendar.monthrange(year, month)[1]))
        elif end_day is not None:
            last = found + timedelta(days=end_day + calendar.monthrange(year, month)[1] - found.day)
        if last >= floor:
            return found
    return None


def minus(closure: tuple[date, date], first: date, last: date) -> list[tuple[date, date]]:
    start, end = closure
    pieces = [
        (start, min(end, first - timedelta(days=1))),
        (max(start, last + timedelta(days=1)), end),
    ]
    return [(a, b) for a, b in pieces if a <= b]


def merged(ranges: list[tuple[date, date]]) -> list[tuple[date, date]]:
    """In date order, touching days joined: "les 24, 25 et 26 décembre" is one closure."""
    out: list[tuple[date, date]] = []
    for start, end in sorted(ranges):
        if out and start <= out[-1][1] + timedelta(days=1):
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


def word_dates(token: Token, today: date) -> tuple[date, date | None] | None:
    """The first (and last) day a word for days means ("demain", "ce samedi", "Noël", "ce
    week-end", "tout le mois d'août"); None for a date typed in figures or month names."""
    kind, weekday = token.kind, today.weekday()
    monday = today + timedelta(days=7 - weekday)
    if kind == "holiday":
        make: Callable[[int], date] = token.value  # type: ignore[assignment]
        fixed = make(today.year)
        return (fixed if fixed >= today else make(today.year + 1)), None
    if kind in ("thisday", "nextday"):  # "ce samedi", "samedi prochain"
        ahead = (WEEKDAYS.index(str(token.value)) - weekday) % 7
        return today + timedelta(days=ahead or (7 if kind == "nextday" else 0)), None
    if kind == "nextweekday":  # "lundi et mardi la semaine prochaine"
        return monday + timedelta(days=WEEKDAYS.index(str(token.value))), None
    if kind == "nextweek":
        return monday, monday + timedelta(days=6)
    if kind == "weekend":  # "ce week-end": the coming Saturday and Sunday
        saturday = today + timedelta(days=(5 - weekday) % 7 if weekday < 6 else 0)
        return saturday, saturday + timedelta(days=6 - saturday.weekday())
    if kind == "wholemonth":  # "tout le mois d'août"
        month = int(token.value)  # type: ignore[call-overload]
        year = today.year + (month < today.month)
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    if kind == "monthpart":  # "les 3 premiers jours de janvier"
        return month_part(token.value, today)  # type: ignore[arg-type]
    if kind == "relative":
        ahead = 2 if token.text.startswith("apres") else 0 if "hui" in token.text else 1
        ahead = 0 if token.text in ("today", "auj", "auj.", "ajd", "ajrd", "aujd") else ahead
        return today + timedelta(days=ahead), None
    return None


def when(day: Day, after: date) -> date | None:
    """The date meant, the year guessed: the first one not before `after`."""
    if day.fixed is not None:
        return day.fixed
    if day.month is None or not 1 <= day.month <= 12:
        return None
    try:
        value = date(day.year or after.year, day.month, day.day)
        if day.year is None and value < after:
            value = value.replace(year=after.year + 1)  # "24/12" typed in January
    except ValueError:
        return None
    return value
