"""Exceptional closures typed in plain French, read into `Shop.closures`.

`fermé du lundi 28 décembre au samedi 2 janvier inclus`, `les 24, 25 et 26 décembre`,
`du 24/12 au 02/01`, `congés annuels du 1er au 15 août`, `fermé à Noël et le lundi de Pâques`,
`fermé jusqu'au 3 janvier`, `fermé demain et jeudi`, `ce week-end`, `tout le mois d'août`. A
date with hours or a half day ("le 24 après-midi", "à 16h le 24") is not a whole closed day: it
comes back in `Closures.unread` with every other part not understood. A reading that may be
wrong ("lundi 5/01" when the 5th is a Tuesday) is kept and named in `Closures.doubts`, so the
merchant confirms it before it counts. Words in `closures_words.py`, tokens in `closures_lex.py`,
date arithmetic in `closures_days.py`.

Also read: a month typed before its days ("février : du 13 au 21"), reopening verbs ("nous
rouvrirons le 6", "on reprend le 4", "back on the 5th"), SMS and English words ("pr", "ts", "jsq",
"apm", "we're closed", "refurbishment"), "les 3 premiers jours de janvier", "la 2e quinzaine
d'août", "exclu", "6 semaines à partir du 4 janvier", a range from or to a half day ("le 31 à
midi jusqu'au 2/01": the whole days, the half said back), "26/12 ouvert" as an opening. School
holidays ("vacances scolaires", "de la Toussaint") are never turned into dates: beside typed
dates they only name them, alone they are said back. A duration that disagrees with the days
("3 jours la semaine prochaine") is said back rather than guessed.

Nothing inferred is saved unasked: a start or an end that was not typed (from today, up to a
reopening) is a doubt; an opening on a date ("ouvert le dimanche 20/12 de 10h à 18h") cannot be
saved, so it is said back; "je vous dirai" is not "aucune"; a reopening day is never closed.
"""

from datetime import date, timedelta

from store.parsing.closures_days import (
    Day,
    coming_weekdays,
    ends_closure,
    fill_months,
    merged,
    minus,
    role_start,
    when,
    word_dates,
)
from store.parsing.closures_lex import (
    CLOSING,
    DATE_KINDS,
    LINKS,
    closed_date,
    lex,
    near,
    opened_date,
    prose,
)
from store.parsing.closures_words import FILLER
from store.parsing.reading import COMMON_FRENCH, Folded, Token, unread_parts


class Closures(list[list[str]]):
    """`Shop.closures` as read, with the parts that were not understood and the doubts: parts
    read but worth asking about, as (typed, why) - why is "weekday" (the weekday typed does not
    fall on that date), "long" (a closure of more than 100 days), "from_today" (no start typed:
    "jusqu'au 4 janvier", "réouverture le 7") or "to_reopening" (days up to a reopening that were
    not typed: "fermé le 28, réouverture le 31") or "reopening_day" (a reopening on a day typed
    as closed: that day is left open)."""

    def __init__(
        self,
        ranges: list[list[str]],
        unread: list[str],
        doubts: list[tuple[str, str]] | None = None,
    ) -> None:
        super().__init__(ranges)
        self.unread, self.doubts = unread, doubts or []


_INTO = ("au", "a", "en", "dans", "la", "l", "le")  # "le 2 au matin", "le 24 en soirée"
_HALF_DAYS = ("mat", "ap", "soir", "midi", "morning", "afternoon", "evening")


class _Reader:
    """Dates in order; neighbours joined by "au" / "-" make ranges, by "et" / "," lists."""

    def __init__(
        self, today: date, unread: list[tuple[int, int]], hints: dict[int, tuple[int, int]]
    ) -> None:
        self.today, self.unread, self.hints = today, unread, hints
        self.chain: list[Day] = []
        self.ranges: list[tuple[date, date]] = []
        self.singles: set[tuple[date, date]] = set()
        self.doubts: list[tuple[tuple[int, int], str]] = []
        self.link, self.locked = "list", False
        self.role = ""  # "until" ("jusqu'au 3 janvier") or "reopen" ("réouverture le 5")
        self.reopen: date | None = None
        self.except_days: list[tuple[date, date]] = []
        self.between = False
        self.nothing = False
        self.ahead: list[tuple[int, int]] = []  # "à 16h le 24": hours before their date
        self.dated = False  # a date was read since the sentence began
        self.duration: tuple[int, int, int] | None = None  # "3j à Noël": (start, end, days)
        self.since: list[tuple[date, tuple[int, int]]] = []  # "à partir du 4" with no end
        self.half: Day | None = None  # "le 31 à midi": a half day a range may start from
        self.month: int | None = None  # "février : du 13 au 21", "en janvier, du 4 au 9"
        self.sealed = 0  # "le 29 toute la journée et le 30 au matin": the 29th stays whole
        self.plural = False  # "les" typed since the last date
        self.role_at = 0  # where the role's word ("jusqu'au", "réouverture") starts
        self.reopen_typed: tuple[int, int] = (0, 0)  # "réouverture le 7 janvier", as typed
        self.undecided = False  # "je ne sais pas encore": no closure cannot be read from "pas"

    def read(self, tokens: list[Token]) -> None:
        for n, token in enumerate(tokens):
            kind = token.kind
            if kind not in ("filler", "nothing", "until", "range", "partial"):
                self.half = None
            if kind in ("until", "range") and self.half and not self.chain:
                self.chain, self.half = [self.half], None  # "le 31/12 à midi jusqu'au 2/01"
                self.chain[0].half = True
            self.plural = self.plural or (kind == "filler" and token.text == "les")
            if kind == "word" and prose(tokens, n):
                continue  # "Chers clients", "bonne année à tous": far from any date
            if kind in DATE_KINDS:
                self._date(token)
                self.dated = True
            elif kind == "year" and self.chain and self.chain[-1].year is None:
                self.chain[-1].year = int(token.text)
                self.chain[-1].end = token.end
            elif kind == "range" and self.chain and not self.locked:
                self.link = "range"
            elif kind == "until" and self.chain:
                self.link, self.locked = "range", True
            elif kind == "list" and self.between and self.chain:
                self.link, self.locked, self.between = "range", True, False  # "entre X et Y"
            elif kind == "list":
                self.link, self.locked = "list", True
            elif kind == "between":
                self.flush()
                self.between = True
            elif kind == "open" and self.chain and opened_date(tokens, n):
                opened = self.chain.pop()  # "25/12 fermé, 26/12 ouvert 10h-18h"
                self.flush()
                opened.role, opened.link, self.chain, self.role = "open", "list", [opened], "open"
            elif kind in ("until", "reopen", "open", "since", "weekfrom"):
                self.flush()
                self.role, self.role_at = kind, token.start
            elif kind == "stayopen":  # "on reste ouvert tout le mois de décembre"
                self.flush()
                self.role, self.role_at, self.nothing = "open", token.start, True
            elif kind == "undecided":  # "je vous dirai": not "aucune", and said back
                self.flush()
                self.unread.append((token.start, token.end))
                self.undecided = True
            elif kind == "partial":
                self._partial(token, tokens[max(n - 2, 0) : n])
            elif kind == "unless":
                self.flush()
                self.role = "unless"
            elif kind == "duration":
                self.duration = (token.start, token.end, int(token.value))  # type: ignore[call-overload]
            elif kind == "filler" and self.ahead and self.chain and token.text.startswith(CLOSING):
                self.flush()  # "fermeture à 12h le 24/12 et le 31/12, fermé le 25/12": anew
            elif kind == "filler" and self.role == "open" and token.text.startswith(CLOSING):
                if self.chain and closed_date(tokens, n):
                    self.chain[-1].role = ""  # "24/12 ouvert, 25/12 fermé"
                self.flush()
                self.role = ""  # "ouvert le 24 jusqu'à 16h, fermé le 25"
            elif kind == "nothing":
                self.nothing = True
            elif kind == "month" and self._month(tokens, n):
                pass
            elif kind == "school":
                self._school(tokens, n)
            elif kind == "whole":
                self.sealed = len(self.chain)
            elif kind == "excluded" and self.chain and ends_closure(self.chain[-1]):
                self.chain[-1].exclusive = True  # "du 24 au 28 exclu", "jusqu'au 4 janvier exclu"
            elif kind in ("word", "month", "weekly", "year", "nextweek", "excluded"):
                self.flush()
                self.unread.append((token.start, token.end))
            elif kind == "sep":
                self.flush()
                self.role, self.ahead, self.dated = "", [], False
        self.flush()
        self._finish()

    def _month(self, tokens: list[Token], n: int) -> bool:
        """A month typed apart from its days: before them ("février : du 13 au 21") it is theirs,
        after days typed without one ("les 24 et 31 du mois de décembre") too. False if neither."""
        month, chain = tokens[n].value, self.chain
        if not isinstance(month, int):
            return False
        if chain and chain[-1].fixed is None and chain[-1].month is None and near(tokens, n, -1):
            chain[-1].month = month
            return True
        if near(tokens, n, 1, ("day",), LINKS):
            self.month = month
            return True
        return False

    def _school(self, tokens: list[Token], n: int) -> None:
        """ "vacances scolaires" beside dates names them; alone it is said back: which dates
        depends on the zone and the year, never guessed. February's gives its month."""
        token = tokens[n]
        if isinstance(token.value, int) and near(tokens, n, 1, ("day",), LINKS):
            self.month = token.value
        elif not (near(tokens, n, -1) or near(tokens, n, 1, (), LINKS)):
            self.flush()
            self.unread.append((token.start, token.end))

    def _duration(self, start: int, end: int, days: int) -> None:
        """ "6 semaines à partir du 4 janvier" ends there; "fermé 2 jours : le 4 et le 5" agrees;
        "fermé 3j à Noël", "3 jours la semaine prochaine": which days? Said back."""
        if days and len(self.since) == 1 and not self.ranges:
            first, typed = self.since[0]
            self.unread.remove(typed)
            self.ranges.append((first, first + timedelta(days=days - 1)))
            return
        total = sum((b - a).days + 1 for a, b in self.ranges)
        if days and abs(total - days) <= (1 if days < 7 else 2):
            return
        if days or all(a == b for a, b in self.ranges):
            self.unread.append((start, end))
            self.ranges = []

    def _finish(self) -> None:
        for first, last in self.except_days:  # "du 24/12 au 3/01, sauf le 31/12"
            self.ranges = [piece for r in self.ranges for piece in minus(r, first, last)]
        if self.duration:
            self._duration(*self.duration)
        if self.reopen and len(self.since) == 1 and not self.ranges:
            first, typed = self.since[0]  # "à partir du 24 décembre, réouverture le 5 janvier"
            if first < self.reopen:
                self.unread.remove(typed)
                self.ranges.append((first, self.reopen - timedelta(days=1)))
        doubt = bool(self.unread)  # "fermons le 24 à 16h et rouvrons le 28": not closed till then
        if self.reopen and not self.ranges and not doubt and self.reopen > self.today:
            self.ranges.append((self.today, self.reopen - timedelta(days=1)))
            self.doubts.append((self.reopen_typed, "from_today"))  # the start was not typed
        elif self.reopen and self.ranges and not doubt:
            latest = max(self.ranges, key=lambda r: r[1])
            gap = (self.reopen - latest[1]).days
            if latest in self.singles and 1 < gap <= 14:  # "fermé le 24, réouverture le 26"
                self.ranges.append((latest[1], self.reopen - timedelta(days=1)))
                self.doubts.append((self.reopen_typed, "to_reopening"))  # the end was not typed
        if self.reopen and any(a <= self.reopen <= b for a, b in self.ranges):
            self.ranges = [p for r in self.ranges for p in minus(r, self.reopen, self.reopen)]
            self.doubts.append((self.reopen_typed, "reopening_day"))  # "du 24 au 31, retour le 31"

    def _date(self, token: Token, fixed: date | None = None) -> None:
        day = Day(token.start, token.end, link=self.link if self.chain else "list")
        day.plural, self.plural = self.plural, False
        if token.start in self.hints:  # "lundi 5/01": said back whole
            day.weekday, day.start = self.hints[token.start]
        if token.kind == "multi":  # "les 2 prochains samedis", "tous les lundis de décembre"
            for fixed in coming_weekdays(token.value, self.today):  # type: ignore[arg-type]
                self._date(Token("relative", token.text, token.start, token.end), fixed)
            return
        span = (fixed, None) if fixed is not None else word_dates(token, self.today)
        if span is not None:
            day.fixed, day.last = span
        else:
            day.day, day.month, day.year = token.value  # type: ignore[misc]
            if day.month is None and self.month and not self.chain:
                day.month = self.month  # "février : du 13 au 21"
        if self.role:
            day.role, day.lead = self.role, self.role_at
            if self.role not in ("unless", "open") and fixed is None:  # "sauf le 24 et le 31"
                self.role = ""
        self.chain.append(day)
        self.link, self.locked = "list", False

    def _partial(self, token: Token, before: list[Token]) -> None:
        """ "le 24 après-midi", "à partir de 17h": not a whole closed day."""
        role = self.chain[-1].role if self.chain else self.role
        if role == "reopen":
            return  # "réouverture le 3 janvier à 9h"
        if role == "open" and not any(t.text == "jusqu" for t in before):
            self.unread.append((token.start, token.end))  # "ouvert le dimanche 20/12 de 10h à 18h"
            return  # said back with its date; "ouvert le 24 jusqu'à 16h" goes on below
        if not self.chain:
            if not self.dated:
                self.ahead.append((token.start, token.end))  # "on ferme à 16h le 24 et le 31"
            return
        chain, k = self.chain, len(self.chain) - 1
        if k > 0 and chain[k].link == "range" and chain[k - 1].half:
            chain[k].half = True  # "du 24 au soir jusqu'au 4 janvier au matin"
            self.unread += [(chain[k].start, chain[k].end), (token.start, token.end)]
            return
        near = before[-1].start if before and before[-1].text in _INTO else token.start
        alone = near - chain[-1].end <= 2 and not any(d.plural for d in chain)  # "le 2 au matin"
        alone = alone and token.text.startswith(_HALF_DAYS)  # not hours: "lun 21 & mar 22 9h-19h"
        while k > 0 and chain[k].link == "list" and chain[k - 1].link != "range":
            prior = chain[k - 1]
            if alone and (prior.month or prior.fixed or prior.weekday is not None):
                break  # "le 12/12 et le 19/12 apm", "jeudi 10 et vendredi 11 matin": whole
            k -= 1  # "les 24 et 31 décembre à partir de 17h": the whole list
        if k > 0 and chain[k].link == "range":
            k -= 1  # "du 24 au 26 à partir de 14h": the whole range
        k = max(k, self.sealed)  # "le 29 toute la journée et le 30 au matin"
        self.unread += [(d.start, d.end) for d in chain[max(k, 0) :]]
        self.unread.append((token.start, token.end))
        if role == "unless":
            return  # "sauf le 24 matin": not closed that day, and said back
        if k == len(chain) - 1 and chain[k].link == "list":
            self.half = chain[k]  # "le 31/12 à midi jusqu'au 2/01": a range may start here
        self.chain = chain[: max(k, 0)]
        self.flush()

    def flush(self) -> None:
        chain, self.chain, self.sealed = self.chain, [], 0
        if chain and self.ahead:  # hours typed before the dates they change
            self.unread += [(d.start, d.end) for d in chain] + self.ahead
            self.ahead = []
            return
        fill_months(chain, self.today)
        i = 0
        while i < len(chain):
            pair = i + 1 < len(chain) and chain[i + 1].link == "range"
            self._resolve(chain[i], chain[i + 1] if pair else None)
            i += 2 if pair else 1

    def _resolve(self, first: Day, last: Day | None) -> None:
        role = first.role
        if last is not None and last.year and not first.year and first.fixed is None:
            behind = (first.month or 0, first.day) > (last.month or 0, last.day)
            first.year = last.year - 1 if behind else last.year
        start = when(first, self.today - timedelta(days=1))
        end = when(last, start) if last is not None and start else (first.last or start)
        if start is None and role == "reopen":
            return  # "réouverture le 11": the closure said it already
        if start is None or end is None or not 0 <= (end - start).days <= 366:
            spans = [(first.start, first.end)] + ([(last.start, last.end)] if last else [])
            self.unread += spans
            return
        if role == "since" and last is None:  # "à partir du 24" and no end: until when?
            self.unread.append((first.start, first.end))
            self.since.append((start, (first.start, first.end)))
            return
        if first.half:
            start += timedelta(days=1)  # "du 24 au soir"
        if last is not None and last.half:
            end -= timedelta(days=1)  # "jusqu'au 4 janvier au matin"
        if end < start:
            return  # both halves said back already
        if last is not None and first.year is None and end < self.today:
            start, end = start.replace(year=start.year + 1), end.replace(year=end.year + 1)
        for typed, value in ((first, start), (last, end)):
            if typed is not None and typed.weekday is not None and value.weekday() != typed.weekday:
                self.doubts.append(((typed.start, typed.end), "weekday"))  # "lundi 5/01"
        if last is not None and last.exclusive:
            end -= timedelta(days=1)  # "du 24 au 28 exclu"
            if end < start:
                self.unread += [(first.start, first.end), (last.start, last.end)]
                return
        if role == "until" and first.exclusive:
            start -= timedelta(days=1)  # "jusqu'au 4 janvier exclu": the 3rd is the last
        if role == "weekfrom" and last is None:
            end = start + timedelta(days=6)  # "la semaine du 4 janvier"
        if role == "reopen":
            self.reopen, self.reopen_typed = start, (role_start(first), first.end)
        elif role == "unless":
            self.except_days.append((start, end))
        elif role == "open":  # "ouvert le dimanche 20/12": an opening on a date cannot be saved,
            if last is not None or first.last is None:  # so it is said back; "ouvert tout le
                self.unread += [(first.start, (last or first).end)]  # mois", usual, loses nothing
        elif role == "until":  # "fermé jusqu'au 3 janvier": from today? The start was not typed
            self._closed(first, last, self.today, max(start, self.today))
            self.doubts.append(((role_start(first), first.end), "from_today"))
        else:
            self._closed(first, last, start, end)
            if last is None and first.last is None:
                self.singles.add((start, end))

    def _closed(self, first: Day, last: Day | None, start: date, end: date) -> None:
        if (end - start).days > 100:  # "jusqu'au 3/06": more than three months?
            self.doubts.append(((first.start, (last or first).end), "long"))
        self.ranges.append((start, end))


_OPEN_WORDS = {"ouvert", "ouverte", "ouverts", "ouvertes", "ouverture", "open"}  # said as one


def parse_closures(text: str, today: date) -> Closures | None:
    """Exceptional closures as `Shop.closures` ([[start, end], ...] ISO, inclusive).

    The year is guessed from `today` when not typed; [] for "aucune"; None when nothing could be
    read. The parts not understood are in `unread`, the doubtful ones in `doubts`.
    """
    folded = Folded(text)
    unread: list[tuple[int, int]] = []
    tokens, hints = lex(folded)
    reader = _Reader(today, unread, hints)
    reader.read(tokens)
    ranges = [[a.isoformat(), b.isoformat()] for a, b in merged(reader.ranges)]
    if not ranges and (not reader.nothing or reader.undecided):
        return None
    doubts = [(folded.original(a, b).strip(" ,;:.-/"), why) for (a, b), why in reader.doubts]
    said = unread_parts(folded, unread, FILLER | COMMON_FRENCH | _OPEN_WORDS)
    return Closures(ranges, said, doubts)
