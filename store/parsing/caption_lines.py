"""One line of a caption, read: its price words, its stock phrase, and what is left of it.

Pure functions used by `caption.parse_caption`.
"""

import re
from dataclasses import dataclass

from store.parsing.caption_prices import PRICE, SHIPPING, LineRead, read_line
from store.parsing.caption_words import (
    FIELD,
    MARKER_DECORATIONS,
    StockRead,
    has_words,
    is_decoration,
    is_tag_line,
    read_stock,
    tidy_separators,
    undecorated,
)


@dataclass
class Line:
    text: str
    read: LineRead
    stock: StockRead | None
    rest: str  # what is left once price, stock and hashtags are taken out
    price_first: bool
    before_price: str  # what comes before the first price word: the name, when it has words
    after_price: str  # what the merchant wrote after the price: for the description
    shipping: bool  # it speaks of delivery costs: information for customers

    @property
    def promotes(self) -> bool:
        """It gives a promotion ("-20% ce week-end : 36€"): its price counts."""
        read = self.read
        return read.discount is not None or any(m.role in ("old", "new") for m in read.mentions)

    @property
    def field(self) -> str:
        """ "Prix : 20 € | État : neuf" -> "État : neuf"; "" unless the line gives a detail."""
        rest = re.sub(r"\s+", " ", undecorated(self.rest)).strip(" -–—|:;,/·•*")
        return rest if FIELD.match(rest) else ""

    @property
    def says_nothing_else(self) -> bool:
        """Only a price, a stock, a tag or decoration: not a name nor a description."""
        if self.shipping:
            return False
        return not has_words(undecorated(self.rest)) or is_tag_line(self.rest)


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def read_caption_line(line: str, bare: bool) -> Line:
    body = _without_hashtags(line)
    body = "".join(" " if is_decoration(c) and c not in MARKER_DECORATIONS else c for c in body)
    shipped = SHIPPING.sub(_spaces, body)
    shipping, body = shipped != body, shipped
    first_price = PRICE.search(body)
    stock = read_stock(body, first_price.start() if first_price else None)
    if stock is not None:
        body = _blank(body, [(stock.start, stock.end)])
    read = read_line(body, bare=bare)
    rest = _blank(body, read.spans)
    first = min((start for start, _ in read.spans), default=len(body))
    before, after = rest, ""
    if read.mentions:
        before, after = rest[:first], _after_first_price(body, rest, read)
    return Line(line, read, stock, rest, not has_words(body[:first]), before, after, shipping)


def _without_hashtags(line: str) -> str:
    """Hashtag runs that open or close a line are blanked; "Bougie #soja 12€" keeps "soja"."""
    line = re.sub(r"^(?:\s*#[\w-]+)+", _spaces, line)
    line = re.sub(r"(?:\s*#[\w-]+)+\s*$", _spaces, line)
    return re.sub(r"#(?=\w)", " ", line)


def _spaces(match: re.Match[str]) -> str:
    """As many spaces as the match: what is blanked out keeps the line's positions."""
    return " " * len(match.group(0))


def _after_first_price(body: str, rest: str, read: LineRead) -> str:
    """ "Ceinture 19€ neuve avec étiquette": the words after the price, prices kept."""
    first_end = min(end for start, end in read.spans if start == min(s for s, _ in read.spans))
    words = undecorated(rest[first_end:])
    if any(m.role in ("old", "new") for m in read.mentions):  # the promotion is understood
        words = re.sub(r"\s+", " ", tidy_separators(words)).strip(" ()")
        return "" if is_tag_line(words) else words
    offers = len({m.cents for m in read.mentions if m.role == "plain" and not m.bare})
    if offers < 2 and (not any(c.isalpha() for c in words) or is_tag_line(words)):
        return ""  # nothing but what was read: no second offer ("15€ les deux") to keep
    tail = re.sub(r"\s+", " ", body[first_end:]).lstrip(" -–—|:;,/·•*!?.…")
    return tail.rstrip(" -–—|:;,/·•*").strip()
