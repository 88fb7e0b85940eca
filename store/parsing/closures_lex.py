"""Closure notices cut into tokens: dates, holidays, links ("au", "et"), weekdays told apart
(the weekday written with a date, "lundi" alone for the coming Monday, "le lundi" for every one),
and what sits around a token (a date near it, a word of prose, a date before "ouvert").
"""

import re
from collections.abc import Callable

from store.parsing.closures_words import (
    ENGLISH,
    FILLER,
    HOLIDAY_GROUPS,
    HOLIDAYS,
    LEXEMES,
    MONTHS,
    NOTHING,
    NUMBERS,
    SCHOOL_MONTHS,
    WEEKDAYS,
    fix_typos,
)
from store.parsing.reading import COMMON_FRENCH, MEANINGFUL, Folded, Token

DATE_KINDS = frozenset(
    ("numdate", "day", "holiday", "relative", "thisday", "nextday", "wholemonth", "weekend")
) | {"nextweek", "nextweekday", "monthpart", "multi"}
# a notice in English may write its dates month first: "12/24" is read as 24/12 then
_ENGLISH_NOTICE = re.compile(r"\b(?:closed|and|the|until|from|we|shop|store|open|through)\b")


def _full_year(text: str | None) -> int | None:
    if not text:
        return None
    return int(text) + (2000 if len(text) == 2 else 0)


def _weekday(name: str) -> str:
    return ENGLISH.get(name[:3], name[:3])


def _month_part(groups: dict[str, str | None]) -> tuple[str, int, int]:
    """(which end, how many days, month): ("first", 3, 1) for "les 3 premiers jours de janvier",
    a fortnight as 15 days from its end ("last", 0, 8 is the second half of August)."""
    if groups["fq"]:
        second = groups["fq"][0] in "2dsl"  # deuxième, seconde, dernière, last
        return ("last" if second else "first", 0 if second else 15, MONTHS[groups["fm3"] or ""])
    count = groups["fn"] or groups["fn2"] or "0"
    number = int(count) if count.isdigit() else NUMBERS[count]
    end = "first" if (groups["fw"] or groups["fw2"] or "") in ("premiers", "first") else "last"
    return end, number, MONTHS[groups["fm"] or groups["fm2"] or ""]


def _days(groups: dict[str, str | None]) -> int:
    unit, number = groups["du"] or "", int(groups["dn"] or (1 if groups["dw"] else 0))
    if unit.startswith("mois"):
        return 0  # a month is 28 to 31 days: which?
    return number * 7 if unit.startswith(("sem", "week")) else number


def _count(text: str) -> int:
    return int(text) if text.isdigit() else NUMBERS[text]


def _numdate(groups: dict[str, str | None], english: bool) -> tuple[int, int, int | None]:
    """(day, month, year); "12/24" in an English notice is December 24th."""
    day, month = int(groups["nd"] or 0), int(groups["nm"] or 0)
    if english and month > 12 >= day:
        day, month = month, day
    return day, month, _full_year(groups["ny"])


def lex(folded: Folded) -> tuple[list[Token], dict[int, tuple[int, int]]]:
    """The tokens, and the weekday typed with a date ("lundi 5/01") by the date token's start:
    (weekday, where the weekday starts)."""
    tokens: list[Token] = []
    english = bool(_ENGLISH_NOTICE.search(folded.text))
    for match in LEXEMES.finditer(folded.text):
        kind, groups = match.lastgroup or "", match.groupdict()
        token = Token(kind, match.group(), match.start(), match.end())
        if kind == "holiday":
            group, name = next(
                (k, v) for k, v in groups.items() if k[0] == "h" and k[1:].isdigit() and v
            )
            name = re.sub(r"\s+", " ", name).replace("xmas", "christmas")
            key = {"christmas eve": "eve", "eve": "newyeareve"}.get(name, name)
            key = HOLIDAY_GROUPS.get(group, key)
            token.value = HOLIDAYS[key.replace("new year", "newyear")]
        elif kind == "school":  # "vacances de février": February for the days after it
            token.value = SCHOOL_MONTHS.get(groups["sm"] or "")
        elif kind == "monthpart":  # "les 3 premiers jours de janvier", "la 2e quinzaine d'août"
            token.value = _month_part(groups)
        elif kind == "duration":  # "3 jours", "2 semaines": days, or 0 when vague
            token.value = _days(groups)
        elif kind == "longhours":  # "fermé 48h"
            token.kind, token.value = "duration", int(re.match(r"\d+", token.text).group()) // 24  # type: ignore[union-attr]
        elif kind in ("greeting", "aside"):
            token.kind = "filler"  # "Joyeux Noël !" closes nothing
        elif kind == "numdate":
            token.value = _numdate(groups, english)
        elif kind == "nextcount":  # "les 2 prochains samedis": ("next", weekday, how many)
            weekday = WEEKDAYS.index(_weekday(groups["cw"] or groups["cw2"] or ""))
            token.kind = "multi"
            token.value = ("next", weekday, _count(groups["cn"] or groups["cn2"] or "1"))
        elif kind == "nonstop":
            token.kind = "word"  # "ouvert non-stop": opening hours, not "non"
        elif kind == "dashdate":
            day, month = groups["xd"] or groups["xd2"], groups["xm"] or groups["xm2"]
            token.kind, token.value = "numdate", (int(day), int(month), _full_year(groups["xy"]))
        elif kind == "daylist":  # "24/25/26 déc": three days of one month
            month = MONTHS[token.text.split()[-1]]
            for number in re.finditer(r"\d+", token.text):
                at = token.start + number.start()
                if tokens and tokens[-1].kind == "numdate":
                    tokens.append(Token("list", "/", at - 1, at))
                value = (int(number.group()), month, None)
                tokens.append(Token("numdate", number.group(), at, at + len(number.group()), value))
            tokens[-1].end = token.end
            continue
        elif kind == "monthday":
            token.kind, token.value = "numdate", (int(groups["md"]), MONTHS[groups["mm"]], None)
        elif kind == "daymonth":
            token.kind, token.value = "numdate", (int(groups["dd"]), MONTHS[groups["dm"]], None)
        elif kind == "wholemonth":
            token.value = MONTHS[groups["wm"]]
        elif kind in ("thisday", "nextday"):
            token.value = _weekday(groups["wd"] or groups["nd2"] or groups["nd3"])
        elif kind == "weekday":
            token.value = _weekday(token.text)
        elif kind == "day":
            token.value = (int(re.match(r"\d+", token.text).group()), None, None)  # type: ignore[union-attr]
        elif kind == "word" and token.text in MONTHS:
            token.kind, token.value = "month", MONTHS[token.text]
        elif kind == "word" and (token.text in FILLER or token.text in COMMON_FRENCH):
            token.kind = "nothing" if token.text in NOTHING else "filler"
        tokens.append(token)
    fix_typos(tokens)
    return _weekdays(_days_with_months(tokens))


def _days_with_months(tokens: list[Token]) -> list[Token]:
    """ "22 fevier" (a month read through its typo) is one date."""
    out: list[Token] = []
    for token in tokens:
        before = out[-1] if out else None
        if token.kind == "month" and before is not None and before.kind == "day":
            day = before.value[0]  # type: ignore[index]
            before.kind, before.value, before.end = "numdate", (day, token.value, None), token.end
            continue
        out.append(token)
    return out


def _weekdays(tokens: list[Token]) -> tuple[list[Token], dict[int, tuple[int, int]]]:
    """A weekday before a date checks it; after "demain" it checks that; after "le" / "les" it
    is every such day (opening hours, not a closure); alone it is the coming one, or next week's
    when the notice says "la semaine prochaine"."""
    hints: dict[int, tuple[int, int]] = {}
    next_week = any(t.kind == "nextweek" for t in tokens)
    shifted = False
    for n, token in enumerate(tokens):
        if token.kind != "weekday":
            continue
        before = tokens[n - 1] if n else None
        after = tokens[n + 1] if n + 1 < len(tokens) else None
        index = WEEKDAYS.index(str(token.value))
        if after is not None and after.kind in ("numdate", "day"):
            hints[after.start], token.kind = (index, token.start), "filler"
        elif before is not None and before.kind == "relative":
            hints[before.start], token.kind = (index, before.start), "filler"
        elif before is not None and before.text in ("le", "les"):
            token.kind = "filler"
        else:
            token.kind = "nextweekday" if next_week else "thisday"
            shifted = shifted or next_week
    if shifted:
        for token in tokens:
            if token.kind == "nextweek":
                token.kind = "filler"  # "du lundi au mercredi la semaine prochaine"
    return tokens, hints


CLOSING = ("ferm", "closed", "conge")
_BECAUSE = ("pour", "for", "cause", "because")
_DATED = {*DATE_KINDS, "month", "year", "partial", "duration"}
_ALWAYS_SAID = {"semaine", "semaines", "mois", "jours", "jour", "ouvert", "ouverte", "quinzaine"}


def prose(tokens: list[Token], n: int) -> bool:
    """A word with no date beside it (filler skipped) is part of the notice's prose."""
    word = tokens[n].text
    if word in _ALWAYS_SAID or (word in MEANINGFUL and word not in FILLER):
        return False
    for step in (-1, 1):
        k = n + step
        while 0 <= k < len(tokens) and tokens[k].kind in ("filler", "nothing", "word"):
            if tokens[k].kind == "word":
                break
            if step < 0 and tokens[k].text in _BECAUSE:
                return True  # "fermé le 6 janvier pour la galette": a reason, not a date
            k += step
        if 0 <= k < len(tokens) and tokens[k].kind in _DATED:
            return False
    return True


_FILL = ("filler", "nothing")
LINKS = ("filler", "nothing", "list", "range")


def near(
    tokens: list[Token],
    n: int,
    step: int,
    kinds: tuple[str, ...] = (),
    skip: tuple[str, ...] = _FILL,
) -> bool:
    """A date token (of `kinds` if given) next to tokens[n], the `skip` kinds skipped."""
    k = n + step
    while 0 <= k < len(tokens) and tokens[k].kind in skip:
        k += step
    if not 0 <= k < len(tokens):
        return False
    return tokens[k].kind in kinds if kinds else tokens[k].kind in DATE_KINDS


def opened_date(tokens: list[Token], n: int) -> bool:
    """ "26/12 ouvert": the date just before "ouvert", with no closing word in its own clause."""
    return _date_alone_before(
        tokens, n, lambda t: t.kind == "filler" and t.text.startswith(CLOSING)
    )


def closed_date(tokens: list[Token], n: int) -> bool:
    """ "24/12 ouvert, 25/12 fermé": the date just before "fermé", no "ouvert" in its clause."""
    return _date_alone_before(tokens, n, lambda t: t.kind == "open")


def _date_alone_before(tokens: list[Token], n: int, other: Callable[[Token], bool]) -> bool:
    k = n - 1
    while k >= 0 and tokens[k].kind in _FILL and not other(tokens[k]):
        k -= 1
    if k < 0 or tokens[k].kind not in DATE_KINDS:
        return False
    k -= 1
    while k >= 0 and tokens[k].kind not in ("list", "sep", "range", "until"):
        if other(tokens[k]):
            return False
        k -= 1
    return True
