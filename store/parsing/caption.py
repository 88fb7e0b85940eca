"""Reading what merchants type: item captions, prices, stock, durations, codes. Pure functions."""

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from price_parser import Price

MAX_PRICE_CENTS = 100_000 * 100  # over 100 000 € is a typo, not a price
MAX_NAME = 120
MAX_DESCRIPTION = 1000
MAX_STOCK = 100_000

_CURRENCY = r"(?:€|euros?\b|eur\b|e\b)"
_NUMBER = r"\d{1,3}(?:[  .]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
# "35€", "12,90 €", "8 euros", "EUR 8.5", "12€90", "€ 12".
_PRICE_WITH_CURRENCY = re.compile(
    rf"(?P<neg>(?<![\w-])-(?=\d))?(?:(?P<a>{_NUMBER})\s*{_CURRENCY}(?P<cents>\d{{2}}\b)?"
    rf"|(?:€|eur\b|euros?\b)\s*(?P<b>{_NUMBER}))",
    re.IGNORECASE,
)
# A bare number that is a price only when nothing else is: not "70%", "350 g", "2 paires".
_BARE_NUMBER = re.compile(
    rf"(?P<neg>(?<![\w-])-)?(?<![\w.,])(?P<n>{_NUMBER})(?![\w.,%]|\s*(?:%|g\b|kg|cl\b|ml\b|l\b|cm\b"
    r"|mm\b|m\b|paires?|pieces?|pièces?|pcs|x\b|ans\b|mois\b|ex\b))",
    re.IGNORECASE,
)
_STOCK = [
    re.compile(
        r"(?<![\w.,])(?P<n>\d+)\s*(?:en stock|pi[eè]ces? dispo\w*|ex(?:emplaires?)?\b"
        r"|dispo(?:nibles?)?\b|restants?\b)",
        re.I,
    ),
    re.compile(
        r"\b(?:stock|qt[eé]|quantit[eé]|dispo(?:nible)?s?)\s*:?\s*(?P<n>[^\s,;|()]+)"
        r"(?:\s*(?:pi[eè]ces?|ex(?:emplaires?)?|unit[eé]s?)\b)?",
        re.I,
    ),
    re.compile(r"(?<![\w.,])[x×]\s?(?P<n>\d+)\b", re.I),
]
_TYPED_STOCK = re.compile(
    r"(?:stock|qt[eé])?\s*:?\s*(\d{1,6})\s*(?:pi[eè]ces?|ex\w*|en stock)?", re.I
)
_UNLIMITED = re.compile(r"illimit|infini|sur commande|unlimited", re.I)
_SEPARATORS = " -–—|:;,/·*"
# Words that only introduce or qualify the price: "prix : 12 €", "à 12 €", "12 € la pièce".
_BEFORE_PRICE = re.compile(r"(?:\b(?:au\s+)?(?:prix|tarif)(?:\s+de)?|\bà|\bpour)\s*:?\s*$", re.I)
_AFTER_PRICE = re.compile(r"^\s*(?:la\s+|l')?(?:pi[eè]ce|unit[eé]|chacune?|ttc)\b", re.I)


@dataclass(frozen=True)
class ParsedCaption:
    """What a photo caption says: name, price (cents), stock (None: not said), description.

    `problems` names what is wrong, for the bot to ask about: `name_missing`, `name_too_long`,
    `price_missing`, `price_not_positive`, `price_too_high`, `stock_not_number`,
    `description_too_long`.
    """

    name: str = ""
    price_cents: int | None = None
    stock: int | None = None
    description: str = ""
    problems: tuple[str, ...] = ()


def has_words(text: str) -> bool:
    """True when `text` has letters or digits (an emoji-only name has none)."""
    return any(unicodedata.category(c)[0] in "LN" for c in text)


def _cents(fragment: str) -> int | None:
    """Cents of a number fragment read by price-parser (French decimal comma understood)."""
    price = Price.fromstring(fragment)
    if price.amount is None:
        return None
    return int((price.amount * 100).quantize(Decimal(1)))


def parse_price(text: str) -> int | None:
    """Cents of a typed price ("12,90", "35 €", "EUR 8.5"); negative when a minus leads.

    None when there is no number at all.
    """
    text = text.strip()
    match = _PRICE_WITH_CURRENCY.search(text) or _BARE_NUMBER.search(text)
    if match is None:
        return None
    cents = _price_of(match)
    return -cents if cents is not None and match.group("neg") else cents


def _price_of(match: re.Match[str]) -> int | None:
    groups = match.groupdict()
    number = groups.get("a") or groups.get("b") or groups.get("n") or ""
    cents = _cents(number)
    if cents is not None and groups.get("cents"):
        cents += int(groups["cents"])
    return cents


def price_problem(cents: int | None) -> str | None:
    """Why a price can't be used, or None when it can."""
    if cents is None:
        return "price_missing"
    if cents <= 0:
        return "price_not_positive"
    if cents > MAX_PRICE_CENTS:
        return "price_too_high"
    return None


def parse_stock(text: str) -> int | None:
    """A typed stock ("4", "stock 4", "12 pièces"); None when it is not a whole number >= 0."""
    text = text.strip()
    match = _TYPED_STOCK.fullmatch(text)
    if match is None:
        return None
    value = int(match.group(1))
    return value if value <= MAX_STOCK else None


def is_unlimited(text: str) -> bool:
    """ "illimité", "sur commande": a stock nobody counts."""
    return bool(_UNLIMITED.search(text))


def _clean_name(text: str) -> str:
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\(\s*\)", "", text)
    return text.strip(_SEPARATORS + "()").strip()


def parse_caption(text: str) -> ParsedCaption:
    """Read `Pull en laine rouge 35€`, `Bougie - 12,90 € - stock 4`, `Coffret x3 24.50`.

    The first line holds name, price and stock; the following lines are the description.
    """
    first, _, rest = (text or "").strip().partition("\n")
    problems: list[str] = []
    stock: int | None = None
    line = first
    for pattern in _STOCK:
        match = pattern.search(line)
        if match is None:
            continue
        value = match.group("n")
        if value.isdigit() and int(value) <= MAX_STOCK:
            stock = int(value)
        elif not _UNLIMITED.search(value):
            problems.append("stock_not_number")
        line = line[: match.start()] + " " + line[match.end() :]
        break
    match = _PRICE_WITH_CURRENCY.search(line)
    if match is None:
        bare = list(_BARE_NUMBER.finditer(line))
        match = bare[-1] if bare else None  # the price comes last: "Tablette 70% 4,50"
    price: int | None = None
    if match is not None:
        price = _price_of(match)
        if price is not None and match.group("neg"):
            price = -price
        before = _BEFORE_PRICE.sub("", line[: match.start()])
        line = before + " " + _AFTER_PRICE.sub("", line[match.end() :])
    problem = price_problem(price)
    if problem:
        problems.append(problem)
    name = _clean_name(line)
    if not has_words(name):
        problems.append("name_missing")
        name = ""
    elif len(name) > MAX_NAME:
        problems.append("name_too_long")
    description = rest.strip()
    if len(description) > MAX_DESCRIPTION:
        problems.append("description_too_long")
    return ParsedCaption(name, price, stock, description, tuple(problems))


# Invite codes: no 0/O, 1/I/L, so they survive being read aloud and typed by hand.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


def normalise_code(text: str) -> str | None:
    """ "k7pm 3qxa" -> "K7PM3QXA"; None unless it has the shape of an invite code."""
    code = re.sub(r"[\s\-_.]", "", text).upper()
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        return None
    return code


def looks_like_code(text: str) -> bool:
    """A typed word that is surely a code, not a search: code shape with a digit and a letter."""
    code = normalise_code(text)
    return code is not None and any(c.isdigit() for c in code) and any(c.isalpha() for c in code)


def parse_minutes(text: str) -> int | None:
    """A duration: "30", "45 min", "1h", "1h30", "2 heures"; None when unreadable."""
    text = text.strip().lower()
    match = re.fullmatch(r"(\d{1,3})\s*(?:h|heures?)\s*(\d{1,2})?\s*(?:min)?", text)
    if match:
        return int(match.group(1)) * 60 + int(match.group(2) or 0)
    match = re.fullmatch(r"(\d{1,4})\s*(?:m|min|mn|minutes?)?", text)
    return int(match.group(1)) if match else None


def parse_count(text: str, maximum: int = 1000) -> int | None:
    """A whole number between 0 and `maximum` ("4", "3 jours"); None otherwise."""
    match = re.fullmatch(r"(\d{1,6})\s*[^\d]*", text.strip())
    if match is None:
        return None
    value = int(match.group(1))
    return value if value <= maximum else None


def parse_postcodes(text: str) -> list[str]:
    """French postcodes in typed text: "28400, 28330 et 61400" -> ["28400", "28330", "61400"]."""
    return list(dict.fromkeys(re.findall(r"(?<!\d)\d{5}(?!\d)", text)))
