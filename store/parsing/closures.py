"""Exceptional closures typed in plain French, read into `Shop.closures`.

`fermé du lundi 28 décembre au samedi 2 janvier inclus`, `les 24, 25 et 26 décembre`,
`du 24/12 au 02/01`, `congés annuels du 1er au 15 août`, `fermé à Noël et le lundi de Pâques`,
`fermé jusqu'au 3 janvier`. A date with hours or a half day ("le 24 après-midi") is not a whole
closed day: it comes back in `Closures.unread` with every other part not understood.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.easter import easter

from store.parsing.reading import COMMON_FRENCH, MEANINGFUL, Folded, Token, unread_parts

MONTHS = {
    "janvier": 1, "janv": 1, "jan": 1, "january": 1, "fevrier": 2, "fevr": 2, "fev": 2,
    "february": 2, "feb": 2, "mars": 3, "march": 3, "avril": 4, "avr": 4, "april": 4, "apr": 4,
    "mai": 5, "may": 5, "juin": 6, "june": 6, "jun": 6, "juillet": 7, "juil": 7, "july": 7,
    "jul": 7, "aout": 8, "august": 8, "aug": 8, "septembre": 9, "sept": 9, "sep": 9,
    "september": 9, "octobre": 10, "oct": 10, "october": 10, "novembre": 11, "nov": 11,
    "november": 11, "decembre": 12, "dec": 12, "december": 12,
}  # fmt: skip
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_WEEKDAYS = ("lun", "mar", "mer", "jeu", "ven", "sam", "dim")
_ENGLISH = {
    "mon": "lun",
    "tue": "mar",
    "wed": "mer",
    "thu": "jeu",
    "fri": "ven",
    "sat": "sam",
    "sun": "dim",
}
_WEEKDAY = r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lun|mar|mer|jeu|ven|sam|dim)"


_HOLIDAYS: dict[str, Callable[[int], date]] = {
    "noel": lambda y: date(y, 12, 25),
    "an": lambda y: date(y, 1, 1),
    "sylvestre": lambda y: date(y, 12, 31),
    "paques": lambda y: easter(y) + timedelta(days=1),  # shops close on Easter Monday
    "ascension": lambda y: easter(y) + timedelta(days=39),
    "pentecote": lambda y: easter(y) + timedelta(days=50),
    "toussaint": lambda y: date(y, 11, 1),
    "armistice": lambda y: date(y, 11, 11),
    "travail": lambda y: date(y, 5, 1),
    "assomption": lambda y: date(y, 8, 15),
    "christmas": lambda y: date(y, 12, 25),
    "eve": lambda y: date(y, 12, 24),
    "newyear": lambda y: date(y, 1, 1),
    "newyeareve": lambda y: date(y, 12, 31),
    "boxing": lambda y: date(y, 12, 26),
    "easter": lambda y: easter(y) + timedelta(days=1),
}
_LEXEMES = re.compile(
    rf"(?P<weekly>(?:tous\s+les|chaque)\s+{_WEEKDAY}s?\b)"
    r"|(?P<holiday>(?:le\s+)?(?:lundi\s+de\s+)?(?P<h1>paques)|(?:jeudi\s+de\s+l\s*'?\s*)?(?P<h2>ascension)"
    r"|(?:lundi\s+de\s+)?(?P<h3>pentecote)|(?P<h4>noel)|(?:jour|nouvel|premier)\s+(?:de\s+l\s*'?\s*)?(?P<h5>an)\b"
    r"|saint[\s-]*(?P<h6>sylvestre)|(?P<h7>toussaint|armistice|assomption)|fete\s+du\s+(?P<h8>travail)"
    r"|(?P<h9>christmas)(?:\s+day)?\b(?!\s+eve)|(?P<h10>christmas\s+eve)|new\s+year\s*'?\s*s?\s+(?P<h11>eve)"
    r"|(?P<h12>new\s+year)\s*'?\s*s?(?:\s+day)?|(?P<h13>boxing)\s+day|(?P<h14>easter)(?:\s+monday)?)"
    r"|(?P<relative>apres[\s-]*demain|demain|aujourd\s*'?\s*hui|tomorrow|today)"
    rf"|(?P<thisday>\b(?:ce|this)\s+(?P<wd>{_WEEKDAY}|monday|tuesday|wednesday|thursday|friday"
    r"|saturday|sunday)\b(?!\s*\d))"
    rf"|(?P<nextday>\b(?P<nd2>{_WEEKDAY})\s+prochain\b|\bnext\s+(?P<nd3>monday|tuesday|wednesday"
    r"|thursday|friday|saturday|sunday)\b)"
    r"|(?P<between>\bentre\b|\bbetween\b)"
    r"|(?P<partial>apres[\s-]*midi|aprem|matin(?:ee)?|soir(?:ee)?|midi|a\s+partir\s+de|des(?=\s*\d{1,2}\s*[h:])"
    r"|(?:apres|avant|after|before)(?=\s*\d{1,2}\s*[h:])|\d{1,2}\s*h\s*\d{0,2}|\d{1,2}:\d{2}|\d{1,2}\s*[ap]\.?m\b\.?|afternoon|morning|evening)"
    r"|(?P<unless>\b(?:sauf|excepte|hormis|except)\b)"
    r"|(?P<weekof>\bsemaine\b(?=\s+du\s+\d{1,2}\s*(?:er)?\s+au\b))"  # "cette semaine du 14 au 19"
    r"|(?P<since>a\s+partir\s+du|a\s+compter\s+du|from\s+the)"
    r"|(?P<until>jusqu\s*['’]?\s*au)"
    r"|(?P<reopen>reouverture|reouvrons|reprise|retour|rouvre|rouvrons|reopening)"
    r"|(?P<open>\bouverte?s?\b|\bouverture\b|\bopen\b)"
    r"|(?P<numdate>(?P<nd>\d{1,2})\s*[/.]\s*(?P<nm>\d{1,2})(?:\s*[/.]\s*(?P<ny>\d{4}|\d{2}))?(?!\d))"
    r"|(?P<year>\b20\d\d\b)"
    rf"|(?P<monthday>(?P<mm>{_MONTH})\.?\s+(?P<md>\d{{1,2}})(?:st|nd|rd|th)?\b)"
    rf"|(?P<daymonth>(?P<dd>\d{{1,2}})\s*(?:er|ere|e|st|nd|rd|th)?\s+(?P<dm>{_MONTH})\b"
    r"(?:(?<=dec|jan|fev|avr|oct|nov|sep|aug|feb|apr|jul|jun)\.|(?<=janv|fevr|juil|sept)\.)?)"
    r"|(?P<day>\d{1,2}\s*(?:er|ere|e|st|nd|rd|th)?\b)"
    r"|(?P<range>-|–|—|→|->|>|\bau\b|\ba\b|\bto\b|\bjusqu\b|\bthrough\b|\bthru\b)"
    r"|(?P<list>,|&|\+|\bet\b|\band\b|\bainsi\s+que\b|\bpuis\b|\bplus\b)"
    r"|(?P<word>[a-z0-9]+)"
    r"|(?P<sep>[;.!?\n])"
)
_NOTHING = {"aucune", "aucun", "rien", "non", "none", "no", "pas", "nothing"}
_FILLER = {
    "ferme", "fermee", "fermes", "fermees", "fermeture", "fermetures", "fermons", "ferment",
    "exceptionnelle", "exceptionnelles", "exceptionnel", "exceptionnellement", "conges", "conge",
    "annuels", "annuel", "annuelle", "annuelles", "vacances", "estivale", "estivales", "ete", "d",
    "l", "le", "la", "les", "du", "de", "des", "pour", "nous", "serons", "sera", "seront",
    "sommes", "magasin", "boutique", "inclus", "incluse", "inclusivement", "compris", "y", "on",
    "closed", "close", "from", "the", "merci", "prevu", "prevue", "prevues", "prevus",
    "inventaire", "travaux", "fetes", "bonnes", "bientot", "ce", "cette", "en", "lundi", "mardi",
    "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "lun", "mar", "mer", "jeu", "ven",
    "sam", "dim", "lundis", "mardis", "mercredis", "jeudis", "vendredis", "samedis", "dimanches",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "we", "will",
    "be", "is", "shop", "store", "for", "holidays", "holiday", "jour", "jours", "ferie", "feries",
    "exception", "repos", "cause", "raison", "familiale", "familiales", "personnelle", "aux",
    "notre", "nos", "vous", "tous", "toutes", "tout", "belles", "belle", "bonne", "joyeuses",
    "joyeux", "pendant", "raisons", "week", "end", "weekend", "toute", "journee", "entiere",
    "complete", "serai", "suis", "clients", "fidele", "fideles", "a", "au", "remercions",
    "comprehension", "votre", *_NOTHING, "est", "c", "ces", "cet", "il", "elle", "ils", "que",
    "qui", "par", "avec", "chez", "vos", "leur", "leurs", "bienvenue", "welcome", "tres", "plus",
    "info", "infos", "contact", "contactez", "appelez", "n", "hesitez", "pas", "sont", "annee",
    "nouvelle", "nouvel", "excellentes", "excellente", "famille", "familial", "familiaux", "suite",
    "demenagement", "formation", "retrouvons", "retrouver", "prochainement", "soyez", "desole",
    "desolee", "desoles", "occasion", "fermerons", "fermera", "fermeront", "fermer", "rouvrira",
    "hiver", "printemps", "automne", "commande", "commandes", "livraisons", "livraison",
    "retraits", "pensez", "anticiper", "achats", "chers", "cher", "chere", "cheres", "clientes",
    "ses", "sa", "son", "portes", "porte", "rideau", "un", "une", "prenons", "prendre", "prend",
    "partons", "quelques", "peu", "petit", "petite", "pause", "break", "off", "bien", "merite",
    "meritee", "meritees", "attention", "important", "avis", "annonce", "nb", "rappel",
}  # fmt: skip


@dataclass
class _Day:
    """One date as typed; the month or year may come from a neighbour ("les 24, 25 et 26 déc")."""

    start: int
    end: int
    day: int = 0
    month: int | None = None
    year: int | None = None
    fixed: date | None = None  # holidays and "demain" are whole dates already
    link: str = "list"  # how it joins the date before it: "list" or "range"


class Closures(list[list[str]]):
    """`Shop.closures` as read, with the parts that were not understood."""

    def __init__(self, ranges: list[list[str]], unread: list[str]) -> None:
        super().__init__(ranges)
        self.unread = unread


def _full_year(text: str | None) -> int | None:
    if not text:
        return None
    return int(text) + (2000 if len(text) == 2 else 0)


def _lex(folded: Folded) -> list[Token]:
    tokens: list[Token] = []
    for match in _LEXEMES.finditer(folded.text):
        kind, groups = match.lastgroup or "", match.groupdict()
        token = Token(kind, match.group(), match.start(), match.end())
        if kind == "holiday":
            name = next(v for k, v in groups.items() if k[0] == "h" and k[1:].isdigit() and v)
            key = {"christmas eve": "eve", "eve": "newyeareve"}.get(re.sub(r"\s+", " ", name), name)
            token.value = _HOLIDAYS[key.replace("new year", "newyear")]
        elif kind == "numdate":
            token.value = (int(groups["nd"]), int(groups["nm"]), _full_year(groups["ny"]))
        elif kind == "monthday":
            token.kind, token.value = "numdate", (int(groups["md"]), MONTHS[groups["mm"]], None)
        elif kind == "daymonth":
            token.kind, token.value = "numdate", (int(groups["dd"]), MONTHS[groups["dm"]], None)
        elif kind in ("thisday", "nextday"):
            name = (groups["wd"] or groups["nd2"] or groups["nd3"])[:3]
            token.value = _ENGLISH.get(name, name)
        elif kind == "day":
            token.value = (int(re.match(r"\d+", token.text).group()), None, None)  # type: ignore[union-attr]
        elif kind == "word" and token.text in MONTHS:
            token.kind = "month"
        elif kind == "word" and (token.text in _FILLER or token.text in COMMON_FRENCH):
            token.kind = "nothing" if token.text in _NOTHING else "filler"
        tokens.append(token)
    return tokens


class _Reader:
    """Dates in order; neighbours joined by "au" / "-" make ranges, by "et" / "," lists."""

    def __init__(self, today: date, unread: list[tuple[int, int]]) -> None:
        self.today, self.unread = today, unread
        self.chain: list[_Day] = []
        self.ranges: list[tuple[date, date]] = []
        self.link, self.locked = "list", False
        self.role = ""  # "until" ("jusqu'au 3 janvier") or "reopen" ("réouverture le 5")
        self.roles: dict[int, str] = {}
        self.reopen: date | None = None
        self.except_days: list[tuple[date, date]] = []
        self.between = False
        self.nothing = False

    def read(self, tokens: list[Token]) -> None:
        for n, token in enumerate(tokens):
            kind = token.kind
            if kind == "word" and _prose(tokens, n):
                continue  # "Chers clients", "bonne année à tous": far from any date
            if kind in ("numdate", "day", "holiday", "relative", "thisday", "nextday"):
                self._date(token)
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
            elif kind in ("until", "reopen", "open", "since"):
                self.flush()
                self.role = kind
            elif kind == "partial":
                self._partial(token)
            elif kind == "unless":
                self.flush()
                self.role = "unless"
            elif kind == "weekof":
                pass
            elif kind == "nothing":
                self.nothing = True
            elif kind in ("word", "month", "weekly", "year"):
                self.flush()
                self.unread.append((token.start, token.end))
            elif kind == "sep":
                self.flush()
                self.role = ""
        self.flush()
        for first, last in self.except_days:  # "du 24/12 au 3/01, sauf le 31/12"
            self.ranges = [piece for r in self.ranges for piece in _minus(r, first, last)]
        doubt = bool(self.unread)  # "fermons le 24 à 16h et rouvrons le 28": not closed till then
        if self.reopen and not self.ranges and not doubt and self.reopen > self.today:
            self.ranges.append((self.today, self.reopen - timedelta(days=1)))

    def _date(self, token: Token) -> None:
        day = _Day(token.start, token.end, link=self.link if self.chain else "list")
        if token.kind == "holiday":
            make: Callable[[int], date] = token.value  # type: ignore[assignment]
            day.fixed = make(self.today.year)
            if day.fixed < self.today:
                day.fixed = make(self.today.year + 1)
        elif token.kind in ("thisday", "nextday"):  # "ce samedi", "samedi prochain"
            ahead = (_WEEKDAYS.index(str(token.value)) - self.today.weekday()) % 7
            day.fixed = self.today + timedelta(days=ahead or (7 if token.kind == "nextday" else 0))
        elif token.kind == "relative":
            ahead = 2 if token.text.startswith("apres") else 0 if "hui" in token.text else 1
            day.fixed = self.today + timedelta(days=ahead if token.text != "today" else 0)
        else:
            day.day, day.month, day.year = token.value  # type: ignore[misc]
        if self.role:
            self.roles[id(day)] = self.role
            if self.role not in ("unless", "open"):  # "sauf le 24 et le 31"
                self.role = ""
        self.chain.append(day)
        self.link, self.locked = "list", False

    def _partial(self, token: Token) -> None:
        """ "le 24 après-midi", "à partir de 17h": not a whole closed day."""
        if self.chain and self.roles.get(id(self.chain[-1])) == "reopen":
            return  # "réouverture le 3 janvier à 9h"
        chain, k = self.chain, len(self.chain) - 1
        while k > 0 and chain[k].link == "list" and chain[k - 1].link != "range":
            k -= 1  # "les 24 et 31 décembre à partir de 17h": the whole list
        if k > 0 and chain[k].link == "range":
            k -= 1  # "du 24 au 26 à partir de 14h": the whole range
        self.unread += [(d.start, d.end) for d in chain[max(k, 0) :]]
        self.unread.append((token.start, token.end))
        self.chain = chain[: max(k, 0)]
        self.flush()

    def flush(self) -> None:
        chain, self.chain = self.chain, []
        month: int | None = None
        for day in reversed(chain):  # "les 24, 25 et 26 décembre", "du 24 au 26/12"
            if day.fixed is None and day.month is None:
                day.month = month
            month = day.month if day.fixed is None else month
        for before, day in zip(chain, chain[1:], strict=False):  # "Dec 24-27"
            if day.fixed is None and day.month is None and day.link == "range":
                day.month = before.month
        if len(chain) == 2 and chain[1].link == "range" and chain[0].month is None:
            first = self.today if chain[0].day >= self.today.day else _next_month(self.today)
            chain[0].month = chain[1].month = first.month  # "fermé du 28 au 31"
        i = 0
        while i < len(chain):
            pair = i + 1 < len(chain) and chain[i + 1].link == "range"
            self._resolve(chain[i], chain[i + 1] if pair else None)
            i += 2 if pair else 1

    def _resolve(self, first: _Day, last: _Day | None) -> None:
        role = self.roles.get(id(first), "")
        if last is not None and last.year and not first.year and first.fixed is None:
            behind = (first.month or 0, first.day) > (last.month or 0, last.day)
            first.year = last.year - 1 if behind else last.year
        start = self._when(first, self.today - timedelta(days=1))
        end = self._when(last, start) if last is not None and start else start
        if start is None and role == "reopen":
            return  # "réouverture le 11": the closure said it already
        if start is None or end is None or not 0 <= (end - start).days <= 366:
            spans = [(first.start, first.end)] + ([(last.start, last.end)] if last else [])
            self.unread += spans
            return
        if role == "since" and last is None:  # "à partir du 24" and no end: until when?
            self.unread.append((first.start, first.end))
            return
        if last is not None and first.year is None and end < self.today:
            start, end = start.replace(year=start.year + 1), end.replace(year=end.year + 1)
        if role == "reopen":
            self.reopen = start
        elif role == "unless":
            self.except_days.append((start, end))
        elif role == "open":
            pass  # "ouverture exceptionnelle le dimanche 20/12": an opening, not a closure
        elif role == "until":
            self.ranges.append((self.today, max(start, self.today)))
        else:
            self.ranges.append((start, end))

    def _when(self, day: _Day, after: date) -> date | None:
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


def _minus(closure: tuple[date, date], first: date, last: date) -> list[tuple[date, date]]:
    start, end = closure
    pieces = [
        (start, min(end, first - timedelta(days=1))),
        (max(start, last + timedelta(days=1)), end),
    ]
    return [(a, b) for a, b in pieces if a <= b]


_DATED = {"numdate", "day", "holiday", "relative", "thisday", "nextday", "month", "year", "partial"}
_ALWAYS_SAID = {"semaine", "semaines", "mois", "jours", "jour", "ouvert", "ouverte", "quinzaine"}


def _prose(tokens: list[Token], n: int) -> bool:
    """A word with no date beside it (filler skipped) is part of the notice's prose."""
    word = tokens[n].text
    if word in _ALWAYS_SAID or (word in MEANINGFUL and word not in _FILLER):
        return False
    for step in (-1, 1):
        k = n + step
        while 0 <= k < len(tokens) and tokens[k].kind in ("filler", "nothing", "word"):
            if tokens[k].kind == "word":
                break
            k += step
        if 0 <= k < len(tokens) and tokens[k].kind in _DATED:
            return False
    return True


def _merged(ranges: list[tuple[date, date]]) -> list[tuple[date, date]]:
    """In date order, touching days joined: "les 24, 25 et 26 décembre" is one closure."""
    out: list[tuple[date, date]] = []
    for start, end in sorted(ranges):
        if out and start <= out[-1][1] + timedelta(days=1):
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


def _next_month(today: date) -> date:
    return (today.replace(day=1) + timedelta(days=32)).replace(day=1)


def parse_closures(text: str, today: date) -> Closures | None:
    """Exceptional closures as `Shop.closures` ([[start, end], ...] ISO, inclusive).

    The year is guessed from `today` when not typed; [] for "aucune"; None when nothing could be
    read. The parts not understood are in `unread`.
    """
    folded = Folded(text)
    unread: list[tuple[int, int]] = []
    reader = _Reader(today, unread)
    reader.read(_lex(folded))
    ranges = [[a.isoformat(), b.isoformat()] for a, b in _merged(reader.ranges)]
    if not ranges and not reader.nothing:
        return None
    return Closures(ranges, unread_parts(folded, unread, _FILLER | COMMON_FRENCH))
