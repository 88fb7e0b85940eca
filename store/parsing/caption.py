"""Reading what merchants type: item captions, prices, stock, durations, codes. Pure functions."""

import re
from dataclasses import dataclass, replace

from store.parsing.caption_lines import Line, read_caption_line
from store.parsing.caption_prices import (
    PRICE,
    SIZED,
    LineRead,
    Mention,
    read_line,
)
from store.parsing.caption_words import (
    HASHTAG,
    MAX_STOCK,
    UNLIMITED,
    clean_name,
    has_words,
    undecorated,
    without_trailing_hashtags,
)

__all__ = [  # MAX_STOCK and has_words live in caption_words since the split; still here too
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "MAX_DESCRIPTION",
    "MAX_NAME",
    "MAX_PRICE_CENTS",
    "MAX_STOCK",
    "Doubt",
    "ParsedCaption",
    "has_words",
    "is_unlimited",
    "looks_like_code",
    "normalise_code",
    "parse_caption",
    "parse_count",
    "parse_minutes",
    "parse_postcodes",
    "parse_price",
    "parse_stock",
    "price_problem",
]

MAX_PRICE_CENTS = 100_000 * 100  # over 100 000 € is a typo, not a price
MAX_NAME = 120
MAX_DESCRIPTION = 1000
FAR_ABOVE_USUAL = 10  # a price over 10 times the shop's usual one is questioned

_SIZE_TOKEN = re.compile(r"(?:\bT\.?\s?|\btaille\s+|\bpointure\s+|\bP)(\d{2})\b", re.I)
_TYPED_STOCK = re.compile(
    r"(?:stock|qt[eé])?\s*:?\s*(\d{1,6})\s*(?:pi[eè]ces?|ex\w*|en stock)?", re.I
)


@dataclass(frozen=True)
class Doubt:
    """A reading the bot should not take silently: `readings` are the prices to choose from.

    `kind`: `two_prices` (two amounts, no promotion word), `discount` (a percentage worked
    out), `price_or_size` (a bare number after a sized item), `grouped_number` ("3 150 €"),
    `far_above_usual` (over 10 times the shop's usual price).
    """

    kind: str
    readings: tuple[int, ...]


@dataclass(frozen=True)
class ParsedCaption:
    """What a photo caption says: name, price (cents), stock (None: not said), description.

    `problems` names what is wrong, for the bot to ask about: `name_missing`, `name_too_long`,
    `price_missing`, `price_not_positive`, `price_too_high`, `stock_not_number`,
    `description_too_long`. `doubts` are readings to confirm (see `Doubt`).
    """

    name: str = ""
    price_cents: int | None = None
    stock: int | None = None
    description: str = ""
    problems: tuple[str, ...] = ()
    doubts: tuple[Doubt, ...] = ()


def parse_price(text: str) -> int | None:
    """Cents of a typed price ("12,90", "35 €", "EUR 8.5", "35 € → 25 €"); negative when a
    minus leads. None when there is no number at all."""
    price, _ = _resolve([read_line(text.strip(), bare=True)], ())
    return price


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
    return bool(UNLIMITED.search(text))


def _resolve(reads: list[LineRead], lines: tuple[Line, ...]) -> tuple[int | None, list[Doubt]]:
    """The price a customer pays now, and the doubts about it."""
    doubts: list[Doubt] = []
    mentions: list[Mention] = []
    apart = [r.discount for r in reads if r.discount is not None and not r.mentions]
    for read in reads:
        line = [replace(m) for m in read.mentions]  # copies: the line's reading stays as read
        plain = [m for m in line if m.role == "plain"]
        discount = read.discount
        if discount is None and apart and plain and not _promoted(reads):
            discount = apart.pop()  # "Sweat 55€" then "PROMO -20% jusqu'à dimanche"
        if discount is not None and plain:
            before = plain[-1]
            after = round(before.cents * (100 - discount) / 100)
            before.role = "old"
            line.append(Mention(after, "new"))
            doubts.append(Doubt("discount", (after, before.cents)))
        mentions += line
    chosen: Mention | None = None
    news = [m for m in mentions if m.role == "new"]
    froms = [m for m in mentions if m.role == "from"]
    plains = [m for m in mentions if m.role == "plain"]
    if news:
        chosen = news[-1]
    elif froms:
        chosen = min(froms, key=lambda m: m.cents)
    elif plains and all(m.bare for m in plains):
        chosen = plains[-1]  # the price comes last: "Tablette 70% 4,50"
    elif plains:
        priced = [m for m in plains if not m.bare]
        chosen = priced[0]
        values = list(dict.fromkeys(m.cents for m in priced))
        if len(values) > 1:
            doubts.append(Doubt("two_prices", tuple(values[:3])))
    if chosen is None:
        return None, doubts
    if chosen.grouped and chosen.role == "plain":
        doubts.append(Doubt("grouped_number", (chosen.cents, chosen.grouped[1])))
    if chosen.other is not None and chosen.other != chosen.cents:
        doubts.append(Doubt("two_prices", (chosen.cents, chosen.other)))
    elif _maybe_a_size(chosen, lines):
        doubts.append(Doubt("price_or_size", (chosen.cents,)))
    return chosen.cents, doubts


def _maybe_a_size(price: Mention, lines: tuple[Line, ...]) -> bool:
    """ "Robe 38", "Robe T38 38€": a price that reads as well as a size."""
    if price.cents % 100:
        return False
    texts = [line.text for line in lines]
    if price.bare and any(SIZED.search(text) for text in texts):
        return 1600 <= price.cents <= 5600
    sizes = {int(n) for text in texts for n in _SIZE_TOKEN.findall(text)}
    return price.cents // 100 in sizes


def _promoted(reads: list[LineRead]) -> bool:
    return any(m.role in ("old", "new", "from") for r in reads for m in r.mentions)


def _far_above(price: int, usual: int | None) -> Doubt | None:
    """A price much higher than the shop's usual one: maybe "1290" meant 12,90 €."""
    if usual is None or usual <= 0 or price <= FAR_ABOVE_USUAL * usual:
        return None
    smaller = price // 100
    readings = (price, smaller) if price % 100 == 0 and smaller >= 100 else (price,)
    return Doubt("far_above_usual", readings)


def _named(lines: tuple[Line, ...]) -> int | None:
    """The line that names the product: the first with words, unless it only exclaims
    ("Trop mignon !!", "Ça vient d'arriver ! 😍") above a line with a product and its price."""
    saying = [i for i, line in enumerate(lines) if not line.says_nothing_else and not line.field]
    if not saying:  # only details: the first one is all there is to call it by
        saying = [i for i, line in enumerate(lines) if not line.says_nothing_else]
    if len(saying) > 1 and _exclaims(lines[saying[0]]):
        second = lines[saying[1]]
        if second.read.mentions and has_words(undecorated(second.before_price)):
            return saying[1]
    return saying[0] if saying else None


def _exclaims(line: Line) -> bool:
    """A short exclamation with no number ("Trop mignon !!", "Le retour ! 😍")."""
    text = undecorated(line.text).strip()
    words = re.findall(r"[^\W\d_]+", text)
    return 0 < len(words) <= 4 and not any(c.isdigit() for c in text) and text.endswith("!")


def _name(lines: tuple[Line, ...], named: int | None) -> tuple[str, str]:
    """The name a customer sees, and what the merchant wrote after its price."""
    if named is None:
        return "", ""
    line = lines[named]
    name, tail = clean_name(line.before_price), line.after_price  # the price ends the name
    if not name:  # "15€ Bougie coton", "Black friday -40% sur ce plaid : 39€"
        name, tail = clean_name(line.rest, price_first=line.price_first), ""
    unit = next((line.read.unit for line in lines if line.read.unit), "")
    name = f"{name} ({unit})" if name and unit else name
    return name[:1].upper() + name[1:], tail  # typed in lowercase, read with a capital


def _description(lines: tuple[Line, ...], named: int | None, tail: str) -> str:
    """The lines after the name, as typed, less those that only gave price, stock or tags."""
    if named is None:
        return ""
    if tail.startswith("(") and tail.endswith(")"):
        tail = tail[1:-1]
    kept = [line.field for line in lines[:named] if line.field]  # "Prix : 20 € | État : neuf"
    kept += [tail] + [
        without_trailing_hashtags(line.text)
        for line in lines[named + 1 :]
        if not line.says_nothing_else
    ]
    return "\n".join(line for line in kept if line)


def parse_caption(text: str, *, usual_cents: int | None = None) -> ParsedCaption:
    """Read `Pull en laine rouge 35€`, `Nouveau ✨\nBougie 35 € → 25 €\nplus que 2`.

    The first line that names something is the name; price and stock are read on any line;
    the other lines are the description. `usual_cents`: the shop's median item price, to
    question a price far above it.
    """
    raw = [line.strip() for line in (text or "").strip().splitlines()]
    bare = PRICE.search(HASHTAG.sub(" ", text or "")) is None
    lines = tuple(read_caption_line(line, bare) for line in raw if line)
    named = _named(lines)
    problems: list[str] = []
    stocks = [line.stock for line in lines if line.stock is not None]
    stock = stocks[0].count if stocks else None
    if stocks and stocks[0].bad:
        problems.append("stock_not_number")
    told = [
        line
        for i, line in enumerate(lines)
        if i == named or line.says_nothing_else or line.promotes
    ]
    price, doubts = _resolve([line.read for line in told], lines)
    if price is None:  # a price only inside a description line: "Dimensions 20 cm, 15€"
        price, doubts = _resolve([line.read for line in lines], lines)
    problem = price_problem(price)
    if problem:
        problems.append(problem)
    if price is not None and (far := _far_above(price, usual_cents)):
        doubts.append(far)
    name, tail = _name(lines, named)
    if not has_words(name):
        problems.append("name_missing")
        name = ""
    elif len(name) > MAX_NAME:
        problems.append("name_too_long")
    description = _description(lines, named, tail)
    if len(description) > MAX_DESCRIPTION:
        problems.append("description_too_long")
    return ParsedCaption(name, price, stock, description, tuple(problems), tuple(doubts))


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
