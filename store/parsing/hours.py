"""Opening hours typed in plain French, read into `Shop.hours`; closures in `closures.py`.

`lun-sam 10h-12h30 14h-19h, fermé dimanche`, `du mardi au samedi de 9h30 à 19h`,
`9h/12h - 14h/19h`, `journée continue le samedi`, `sauf mercredi après-midi`. Pure functions.
A later mention of a day overrides an earlier run ("lundi-samedi 9h-19h, samedi 9h-17h"); "sur
rendez-vous" is never opening hours; what is not understood comes back in `Hours.unread`.
"""

from dataclasses import dataclass, field

from store.hours import DAYS
from store.parsing.closures import parse_closures
from store.parsing.hours_words import DAY_NAMES, DAYLIKE, SAID_WITH, Span, at, lex, runs, skip
from store.parsing.reading import Folded, Token, unread_parts
from store.parsing.seasons import without_seasons
from store.parsing.spans import clock, half_closed, half_of, minus, union

__all__ = ["DAY_NAMES", "Hours", "parse_closures", "parse_hours"]


class Hours(dict[str, list[list[str]]]):
    """`Shop.hours` as read, with the parts not understood and whether "sur rendez-vous" was said.

    Compares equal to the plain week, so `parse_hours(text) == {...}` keeps working.
    """

    def __init__(
        self, week: dict[str, list[list[str]]], unread: list[str], appointment: bool
    ) -> None:
        super().__init__(week)
        self.unread = unread
        self.appointment = appointment


@dataclass
class _Group:
    """Days named together and the times they got."""

    days: list[int]
    spans: list[Span] = field(default_factory=list)
    continuous: bool = False  # "journée continue": no lunch break on these days
    end: int | None = None  # "jusqu'à 21h": a later closing on these days
    from_pending: bool = False  # its times were written before the days
    where: tuple[int, int] = (0, 0)  # the days as typed, said back if they get nothing
    half: str | None = None  # "le lundi après-midi": with no times, that half of the others'


_QUALIFIER = {"morning", "afternoon", "evening", "lunch"}
_NEUTRAL = {"filler", "of", "to", "noon", "from", "until", "evening", "morning", "afternoon"}
_SELECT = {"all": list(range(7)), "week": list(range(5)), "weekend": [5, 6]}


@dataclass
class _Item:
    days: list[int]
    half: str | None = None  # "morning" / "afternoon": only half of the day is meant
    after_comma: bool = False


class _Week:
    """Walks the tokens once: days are selected, then get the times that follow them."""

    def __init__(self, tokens: list[Token], unread: list[tuple[int, int]]) -> None:
        self.tokens, self.unread = tokens, unread
        self.groups: list[_Group] = []
        self.current: _Group | None = None
        self.pending: list[Span] = []  # times before their days: "9h-19h du lundi au samedi"
        self.pending_at: list[tuple[int, int]] = []
        self.pending_first = False  # the pending times came before any day: the default week
        self.closed: set[int] = set()
        self.halves: list[tuple[list[int], str]] = []  # "fermé le mercredi après-midi"
        self.breaks: list[Span] = []  # "pause déjeuner 12h-14h", "fermé de 12h30 à 14h"
        self.closing = False  # "fermé" / "sauf" / "sur rendez-vous" waits for its days
        self.unless = False
        self.pause = False
        self.continuous_next = False
        self.end_next: int | None = None  # "(18h le samedi)": the closing time of the days next
        self.broken = False  # an unknown word came after the current days' times
        self.appointment = False
        self.last = ""
        self.items: list[_Item] = []  # the days last named, with their half days
        self.keep_pending = False  # the days next have hours of their own: not the pending ones

    def walk(self) -> None:
        i = 0
        while i < len(self.tokens):
            token = self.tokens[i]
            if token.kind in DAYLIKE:
                i = self._selection(i)
                continue
            getattr(self, "_" + token.kind, self._neutral)(token)
            i += 1

    def _selection(self, i: int) -> int:
        """Days named together ("lundi, mardi et jeudi matin"), then what they are for."""
        items: list[_Item] = []
        j, comma = i, False
        while True:
            item = _Item(self._days_of(self.tokens[j]), after_comma=comma)
            items.append(item)
            j = skip(self.tokens, j + 1, {"filler", "of"})
            if j < len(self.tokens) and self.tokens[j].kind in _QUALIFIER:
                item.half = self.tokens[j].kind
                j = skip(self.tokens, j + 1, {"filler", "of"})

            link = skip(self.tokens, j, {"and", "comma", "plus", "filler", "slash", "of"})
            comma = any(t.kind == "comma" for t in self.tokens[j:link])
            if comma and self.pending:
                break  # "9h30-19h du mardi au samedi, lundi 14h-19h": the times were theirs
            if link < len(self.tokens) and self.tokens[link].kind in DAYLIKE:
                j = link
                continue
            break
        k = j
        while k < len(self.tokens) and (
            self.tokens[k].kind in ("filler", "of", "noon", "from", "comma")
            or self.tokens[k].text == "("  # "sauf le dimanche (9h - 12h)"
        ):
            k += 1
        self.items = items
        where = (self.tokens[i].start, self.tokens[j - 1].end)
        if self._aside(i, j, items):
            self.last = "selection"
            return j
        if self.pending and self._bracketed(i) and self.tokens[k : k + 1]:
            self.keep_pending = self.tokens[k].kind == "spans"  # "9h-19h (lun. 14h-19h)"
        self._selected(items, k < len(self.tokens) and self.tokens[k].kind == "spans", where)
        self.last = "selection"
        return j

    def _bracketed(self, i: int) -> bool:
        before = [t for t in self.tokens[:i] if t.kind != "filler"][-1:]
        return bool(before and before[0].text == "(")

    def _aside(self, i: int, j: int, items: list[_Item]) -> bool:
        """ "tous les jours (même le dimanche) de 7h à 20h": days in brackets said again."""
        after = at(self.tokens, j)
        bracketed = self._bracketed(i) and after is not None and after.text == ")"
        days = {d for item in items for d in item.days}
        current = self.current
        return (
            bracketed
            and not self.closing
            and current is not None
            and not current.spans
            and days <= set(current.days)
        )

    def _days_of(self, token: Token) -> list[int]:
        if token.kind == "others":
            named = set().union(*(set(g.days) for g in self.groups)) if self.groups else set()
            return [d for d in range(7) if d not in self.closed and d not in named]
        if token.kind in _SELECT:
            return list(_SELECT[token.kind])
        days: list[int] = list(token.value)  # type: ignore[call-overload]
        return days

    def _selected(self, items: list[_Item], times_follow: bool, where: tuple[int, int]) -> None:
        keep_pending, self.keep_pending = self.keep_pending, False
        if self.closing:
            self.closing = False
            cut = max((n for n, item in enumerate(items) if item.after_comma), default=0)
            if times_follow and cut:  # "fermé le lundi, mardi-samedi 9h-19h"
                self._close(items[:cut])
                items = items[cut:]
            elif times_follow and self.unless and self.current and self.current.spans:
                pass  # "lun-sam 9h-19h sauf le samedi : 9h-18h": other hours that day
            elif times_follow and self.unless and self.pending and self.current is None:
                keep_pending = True  # "de 9h à 19h, sauf le dimanche (9h - 12h)"
            else:
                self._close(items)
                return
        halves = {item.half for item in items}
        later: list[_Group] = []
        if len(halves) > 1 and None in halves:  # "du mardi au samedi et le lundi après-midi"
            later = [_Group(i.days, where=where, half=i.half) for i in items if i.half]
            items = [item for item in items if not item.half]
        group = _Group(sorted({d for item in items for d in item.days}), where=where)
        if len(halves) == 1 and None not in halves:
            group.half = items[0].half
        if self.pending and not keep_pending:
            group.spans, group.from_pending, self.pending = self.pending, True, []
            self.pending_at = []
        group.continuous, self.continuous_next = self.continuous_next, False
        group.end, self.end_next = self.end_next, None
        self.groups += [group, *later]
        self.current, self.broken, self.unless = group, False, False

    def _close(self, items: list[_Item]) -> None:
        for item in items:
            if item.half:
                self.halves.append((item.days, item.half))
            else:
                self.closed.update(item.days)
        self.unless = False

    def _spans(self, token: Token) -> None:
        spans: list[Span] = list(token.value)  # type: ignore[call-overload]
        if self.closing or self.pause:  # "fermé entre 12h et 14h", "pause 12h30-14h"
            self.breaks += spans
            self.closing = self.pause = False
        elif self.current is None:
            self._wait(token, spans)
        elif self.broken:
            self.unread.append((token.start, token.end))
            self.current = None
        elif not self.current.spans:
            self.current.spans = spans
        elif self.current.from_pending or self.last == "sep":
            self._wait(token, spans)  # "9h-19h du lundi au vendredi, 9h-12h le samedi"
        else:
            self.current.spans += spans
        self.continuous_next = False
        self.last = "spans"

    def _end_next(self, token: Token) -> None:
        self.end_next = int(token.value)  # type: ignore[call-overload]

    def _wait(self, token: Token, spans: list[Span]) -> None:
        self.pending_first = self.pending_first or not self.groups
        self.pending += spans
        self.pending_at.append((token.start, token.end))

    def _end(self, token: Token) -> None:
        if self.current is None:
            self.unread.append((token.start, token.end))
        else:
            self.current.end = int(token.value)  # type: ignore[call-overload]
        self.last = "spans"

    def _days_follow(self, token: Token) -> bool:
        """ "(fermé le mercredi)": the days come after; not "lundi Fermé mardi 09:00–19:00"."""
        start = self.tokens.index(token) + 1
        k = skip(self.tokens, start, {"filler"})
        following = at(self.tokens, k)
        if following is None or following.kind not in DAYLIKE:
            return False
        article = any(t.text in ("le", "les") for t in self.tokens[start:k])
        chain = DAYLIKE | {"filler", "of", "comma", "and", "plus", "slash", "morning", "afternoon"}
        after = at(self.tokens, skip(self.tokens, k + 1, chain))
        return article or after is None or after.kind != "spans"

    def _closed(self, token: Token) -> None:
        if (
            self.last == "selection"
            and self.current
            and not self.current.spans
            and not self._days_follow(token)
        ):
            self._close_current(token)
        else:
            self.closing = True
            self.last = "closed"

    def _close_current(self, token: Token) -> None:
        """ "lundi fermé", "le mercredi fermé l'après-midi", "dimanche : sur rendez-vous"."""
        assert self.current is not None
        half = at(self.tokens, skip(self.tokens, self.tokens.index(token) + 1, {"filler", "of"}))
        if half is not None and half.kind in ("morning", "afternoon"):
            self.halves.append((self.current.days, half.kind))
        else:
            self._close(self.items)
        self.groups.remove(self.current)
        self.current = None
        self.last = "closed"

    def _unless(self, token: Token) -> None:
        self.closing = self.unless = True
        self.last = "closed"

    def _appt(self, token: Token) -> None:
        self.appointment = True
        if self._days_follow(token):
            self.closing = True  # "sur rendez-vous le samedi"
            self.last = "closed"
        elif self.last == "selection" and self.current and not self.current.spans:
            self._close_current(token)
        elif self.last == "spans" and self.current and self.current.spans:
            self.groups.remove(self.current)  # "lundi 9h-12h sur rendez-vous": not open hours
            self.current = None
        else:
            self.closing = True
            self.last = "closed"

    def _continuous(self, token: Token) -> None:
        if self.last == "selection" and self.current and not self.current.spans:
            self.current.continuous = True
        else:
            self.continuous_next = True

    def _pause(self, token: Token) -> None:
        self.pause = True

    def _sep(self, token: Token) -> None:
        self.closing = self.unless = self.pause = self.continuous_next = False
        self.last = "sep"

    def _dash(self, token: Token) -> None:
        self._sep(token)

    def _slash(self, token: Token) -> None:
        self._sep(token)

    def _comma(self, token: Token) -> None:
        self.last = "comma"

    def _same(self, token: Token) -> None:
        """ "Mardi idem": the hours of the days named before."""
        earlier = [g for g in self.groups if g.spans and g is not self.current]
        if self.last == "selection" and self.current and not self.current.spans and earlier:
            self.current.spans = list(earlier[-1].spans)
            self.last = "spans"
        else:
            self._word(token)

    def _word(self, token: Token) -> None:
        self.unread.append((token.start, token.end))
        self.closing = self.unless = False
        self.broken = self.current is not None  # the times that follow may not be its days'
        if self.current and self.current.end and not self.current.spans:
            self.current.end = None  # "jusqu'à 22h les jeudis lors des Nuits blanches": when?
            self.unread.append(self.current.where)
        self.last = "word"

    def _ordinal(self, token: Token) -> None:
        self._word(token)

    def _num(self, token: Token) -> None:
        self._word(token)

    def _neutral(self, token: Token) -> None:
        pass

    def week(self) -> dict[int, list[Span]]:
        """Each open day's spans once every mention, break and closure is applied."""
        named = {d for g in self.groups if g.spans for d in g.days}
        if self.pending and named and not self.pending_first:
            self.unread += self.pending_at  # times after all the days: which days are they for?
        elif self.pending:  # hours with no days: every day but the closed and the named ones
            free = [d for d in range(7) if d not in self.closed and d not in named]
            self.groups.insert(0, _Group(free, self.pending))
        for n, group in enumerate(self.groups):
            others = [g.spans for g in self.groups[:n] if g.spans][-1:] or [
                g.spans for g in self.groups[n:] if g.spans
            ][:1]
            if not group.spans and group.half and others:
                group.spans = half_of(others[0], group.half)  # "et le lundi après-midi"
            restated = not group.half and set(group.days) <= named  # "dimanche compris"
            if not (group.spans or group.continuous or group.end or restated):
                self.unread.append(group.where)  # "et le dimanche matin": at what time?
        hours: dict[int, list[Span]] = {}
        for group in self.groups:
            for day in group.days if group.spans else []:
                hours[day] = sorted(group.spans)
        for day, spans in hours.items():
            inner = [s for s in spans if any(o[0] < s[0] and s[1] < o[1] for o in spans)]
            hours[day] = minus([s for s in spans if s not in inner], [*self.breaks, *inner])
        for group in self.groups:
            for day in (d for d in group.days if hours.get(d)):
                spans = hours[day]
                if group.continuous:  # "journée continue le samedi"
                    hours[day] = spans = [(spans[0][0], spans[-1][1])]
                if group.end and group.end > spans[0][0]:  # "jusqu'à 21h", "jusqu'à 13h"
                    kept = [span for span in spans if span[0] < group.end]
                    hours[day] = [*kept[:-1], (kept[-1][0], group.end)]
        for days, half in self.halves:
            for day in (d for d in days if d in hours):
                hours[day] = half_closed(hours[day], half)
        return {d: union(hours[d]) for d in range(7) if hours.get(d) and d not in self.closed}


def parse_hours(text: str) -> Hours | None:
    """Weekly hours from plain words, as `Shop.hours` (with `unread` and `appointment`).

    None when no opening hours at all could be read (and no "sur rendez-vous" either).
    """
    folded = Folded(text)
    read, seasonal = without_seasons(folded)  # "le reste de l'année 10h-18h": that week
    unread: list[tuple[int, int]] = list(seasonal)
    reader = _Week(runs(lex(read), unread), unread)
    reader.walk()
    week = reader.week()
    if not week and not reader.appointment:
        return None
    shown = {DAYS[d]: [[clock(a), clock(b)] for a, b in spans] for d, spans in week.items()}
    return Hours(shown, unread_parts(folded, unread, SAID_WITH), reader.appointment)
