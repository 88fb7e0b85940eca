"""Opening hours and closures typed in plain French, read into `Shop.hours` / `Shop.closures`.

`lun-sam 10h-12h30 14h-19h, fermé dimanche`, `du mardi au samedi de 9h30 à 19h`,
`tous les jours 8h-20h`, `fermé du 24/12 au 26/12`. Pure functions.
"""

import re
from datetime import date, timedelta

from store.hours import DAYS
from store.search import fold

# Day names in full, French and English; typed visit times (handlers/when.py) read them too.
DAY_NAMES = {
    "lundi": 0, "monday": 0, "mardi": 1, "tuesday": 1, "mercredi": 2, "wednesday": 2,
    "jeudi": 3, "thursday": 3, "vendredi": 4, "friday": 4, "samedi": 5, "saturday": 5,
    "dimanche": 6, "sunday": 6,
}  # fmt: skip
_DAY_WORDS = {
    **DAY_NAMES,
    "lun": 0, "mon": 0, "mar": 1, "tue": 1, "mer": 2, "wed": 2, "jeu": 3, "thu": 3,
    "ven": 4, "vend": 4, "fri": 4, "sam": 5, "sat": 5, "dim": 6, "sun": 6,
}  # fmt: skip
_DAY = r"(?:" + "|".join(sorted(_DAY_WORDS, key=len, reverse=True)) + r")s?\b\.?"
_TIME = r"(?:\d{1,2}(?:\s*[h:]\d{2}|\s*h)?|midi|minuit)"  # "9h30", "9:30", "9 h", "9"
_TOKENS = re.compile(
    rf"(?P<trange>(?:de\s+)?{_TIME}\s*(?:-|a|au|jusqu'?a)\s*{_TIME})"
    rf"|(?P<drange>(?:du\s+)?{_DAY}\s*(?:-|a|au)\s*{_DAY})"
    rf"|(?P<day>{_DAY})"
    r"|(?P<all>tous les jours|toute la semaine|7\s*j?\s*/\s*7|tlj|everyday|every day|daily)"
    r"|(?P<week>en semaine|la semaine|jours ouvres)"
    r"|(?P<weekend>week-?ends?|we\b)"
    r"|(?P<closed>fermeture|fermee?s?\b|repos|closed)"
    r"|(?P<unless>sauf|hormis|excepte|except)"
    r"|(?P<word>[a-z]+)",
)
_FILLER = {
    "le", "les", "la", "et", "de", "du", "des", "au", "a", "puis", "ouvert", "ouverte",
    "ouverts", "on", "open", "and", "from", "to", "h", "non", "stop", "continu", "journee",
    "matin", "apres", "midi", "soir", "horaire", "horaires", "jours", "d", "l", "en", "sur",
    "ouverture", "nos", "sont", "boutique", "magasin", "heures", "uniquement", "seulement",
    "aussi", "egalement", "feries", "ferie", "jour", "nous", "vous", "accueillons", "sommes",
}  # fmt: skip


def _minutes(text: str) -> int | None:
    text = text.strip()
    if text == "midi":
        return 12 * 60
    if text == "minuit":
        return 24 * 60
    match = re.fullmatch(r"(\d{1,2})\s*(?:[h:]\s*(\d{2})?)?", text)
    if match is None:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2) or 0)
    if hours > 24 or minutes > 59 or (hours == 24 and minutes):
        return None
    return hours * 60 + minutes


def _clock(minutes: int) -> str:
    minutes = min(minutes, 23 * 60 + 59)  # "minuit" closes at 23:59: a day has no 24:00
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _time_range(text: str) -> list[str] | None:
    text = re.sub(r"^de\s+", "", text)
    parts = re.split(r"\s*(?:-|jusqu'?a|\bau\b|\ba\b)\s*", text, maxsplit=1)
    if len(parts) != 2:
        return None
    start, end = _minutes(parts[0]), _minutes(parts[1])
    if start is None or end is None or start >= end:
        return None
    return [_clock(start), _clock(end)]


def _day(word: str) -> int:
    word = word.rstrip(".")
    return _DAY_WORDS[word] if word in _DAY_WORDS else _DAY_WORDS[word[:-1]]  # "lundis"


def _day_range(text: str) -> list[int]:
    found = [_day(w) for w in re.findall(_DAY, re.sub(r"^du\s+", "", text))]
    first, last = found[0], found[-1]
    return [(first + i) % 7 for i in range((last - first) % 7 + 1)]


class _Reader:
    """Walks the words once: days are selected, then get the time ranges that follow them."""

    def __init__(self) -> None:
        self.groups: list[tuple[set[int], list[list[str]]]] = []
        self.days: set[int] = set()
        self.times: list[list[str]] = []
        self.pending: list[list[str]] = []  # times before their days: "9h-19h du lundi au samedi"
        self.closed: set[int] = set()
        self.closing = False  # "fermé" / "sauf" was just read
        self.closed_chain = False  # days were just closed: "et" may add more
        self.chain_armed = False  # ... and "et" was read: the next days are closed too

    def select(self, chosen: list[int]) -> None:
        if self.closing or self.chain_armed:
            self.closed.update(chosen)
            self.closing, self.closed_chain, self.chain_armed = False, True, False
            return
        if self.times:  # the previous days got their times: a new group starts
            self.groups.append((self.days, self.times))
            self.days, self.times = set(), []
        self.days |= set(chosen)
        if self.pending:
            self.times, self.pending = self.pending, []

    def time_range(self, span: list[str]) -> None:
        (self.times if self.days else self.pending).append(span)

    def close(self) -> None:
        if self.days and not self.times:  # "lundi fermé"
            self.closed |= self.days
            self.days = set()
        else:
            self.closing = True

    def hours(self) -> dict[str, list[list[str]]]:
        if self.pending:  # hours with no days: every day but the closed ones
            self.groups.append((set(range(7)) - self.days, self.pending))
        self.groups.append((self.days, self.times))
        hours: dict[str, list[list[str]]] = {}
        for days, times in self.groups:
            for day in days:
                if times:
                    hours[DAYS[day]] = sorted(times)
        for day in self.closed:
            hours.pop(DAYS[day], None)
        return {day: hours[day] for day in DAYS if day in hours}


_SELECT = {"all": list(range(7)), "week": list(range(5)), "weekend": [5, 6]}


def parse_hours(text: str) -> dict[str, list[list[str]]] | None:
    """Weekly hours from plain words, as `Shop.hours`; None when they can't be read surely."""
    text = fold(text).replace("–", "-").replace("—", "-").replace("’", "'")
    reader = _Reader()
    for match in _TOKENS.finditer(text):
        kind, value = match.lastgroup, match.group()
        if kind == "word" and value == "et" and reader.closed_chain:
            reader.chain_armed = True  # "fermé dimanche et lundi"
            continue
        if not (reader.chain_armed and kind in ("day", "drange")):
            reader.closed_chain = reader.chain_armed = False
        if kind == "trange":
            span = _time_range(value)
            if span is None:
                return None
            reader.time_range(span)
        elif kind == "drange":
            reader.select(_day_range(value))
        elif kind == "day":
            reader.select([_day(value)])
        elif kind in _SELECT:
            reader.select(_SELECT[kind])
        elif kind == "closed":
            reader.close()
        elif kind == "unless":
            reader.closing = True
        elif value not in _FILLER:
            return None
    hours = reader.hours()
    if not hours or any(_overlap(spans) for spans in hours.values()):
        return None
    return hours


def _overlap(spans: list[list[str]]) -> bool:
    return any(a[1] > b[0] for a, b in zip(spans, spans[1:], strict=False))


_MONTHS = {
    "janvier": 1, "janv": 1, "jan": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3,
    "avril": 4, "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "aout": 8,
    "septembre": 9, "sept": 9, "sep": 9, "octobre": 10, "oct": 10, "novembre": 11, "nov": 11,
    "decembre": 12, "dec": 12,
}  # fmt: skip
_MONTH_WORD = "|".join(sorted(_MONTHS, key=len, reverse=True))


def _date_pattern(n: int) -> str:
    """ "24/12", "24.12.2026", "1er août", "24 décembre 2026" with groups named d1, m1, w1, y1."""
    return (
        rf"(?P<d{n}>\d{{1,2}})(?:er)?"
        rf"(?:\s*[/.]\s*(?P<m{n}>\d{{1,2}})(?:\s*[/.]\s*(?P<y{n}>\d{{4}}|\d{{2}})(?!\d))?"
        rf"|\s+(?P<w{n}>{_MONTH_WORD})\b\.?(?:\s+(?P<Y{n}>\d{{4}}))?)?"
    )


_CLOSURE = re.compile(
    rf"(?:du\s+|le\s+)?{_date_pattern(1)}(?:\s*(?:-|au|a|jusqu'?au)\s*{_date_pattern(2)})?"
)


def _date(day: str, month: int | None, year: str | None, today: date) -> date | None:
    if month is None:
        return None
    full_year = int(year) + (2000 if year and len(year) == 2 else 0) if year else None
    try:
        value = date(full_year or today.year, month, int(day))
    except ValueError:
        return None
    if full_year is None and value < today - timedelta(days=1):
        value = value.replace(year=today.year + 1)  # "24/12" typed in January: next Christmas
    return value


def _month(number: str | None, word: str | None) -> int | None:
    if number:
        month = int(number)
        return month if 1 <= month <= 12 else None
    if word:
        return _MONTHS.get(word.rstrip("."))
    return None


def parse_closures(text: str, today: date) -> list[list[str]] | None:
    """Exceptional closures as `Shop.closures` ([[start, end], ...] ISO, inclusive).

    The year is guessed from `today` when not typed; [] for "aucune"; None when unreadable.
    """
    folded = fold(text).replace("–", "-")
    if re.fullmatch(r"\s*(aucune?s?|rien|non|pas de fermeture|none|no)\s*", folded):
        return []
    closures: list[list[str]] = []
    for match in _CLOSURE.finditer(folded):
        g = match.groupdict()
        month2 = _month(g["m2"], g["w2"]) if g["d2"] else None
        month1 = _month(g["m1"], g["w1"]) or month2  # "du 24 au 26 décembre"
        start = _date(g["d1"], month1, g["y1"] or g["Y1"] or g["y2"] or g["Y2"], today)
        if start is None:
            return None
        end = start
        if g["d2"]:
            end_value = _date(g["d2"], month2 or month1, g["y2"] or g["Y2"], start)
            if end_value is None:
                return None
            end = end_value
        if end < start or (end - start).days > 366:
            return None
        closures.append([start.isoformat(), end.isoformat()])
    return closures or None
