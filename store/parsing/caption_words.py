"""Words of a caption that are not the product: stock phrases, tags, emoji, hashtags.

Pure functions used by `caption.parse_caption`.
"""

import re
import unicodedata
from dataclasses import dataclass

MAX_STOCK = 100_000
UNLIMITED = re.compile(r"illimit|infini|sur commande|unlimited|à la demande", re.I)


@dataclass(frozen=True)
class StockRead:
    """A stock phrase: a count, `None` for "not counted" (sur commande), or a bad value."""

    start: int
    end: int
    count: int | None
    bad: bool = False


_COUNT = r"(?P<n>\d{1,6})"
_ITEMS = (
    r"(?:\s*(?:pi[eè]ces?|ex(?:emplaires?)?|articles?|unit[eé]s?|produits?|paires?|pcs|pces?|pc)"
    r"\b\.?)?"
)
_STOCKED = r"(?:en\s+stock|dispo\w*|restant\w*|en\s+boutique)"
# Count phrases; each has the count in `n`.
_STOCK_COUNTS = [
    rf"\b(?:il\s+(?:ne\s+)?(?:en\s+)?|n'en\s+)?(?:reste|restent)\s*(?:que\s+|plus\s+que\s+)?:?\s*"
    rf"{_COUNT}{_ITEMS}(?:\s+{_STOCKED})*",
    rf"\bplus\s+qu(?:e\s+|')\s*{_COUNT}{_ITEMS}(?:\s+{_STOCKED})*",
    rf"(?:\bencore\s+)?(?<![\w.,]){_COUNT}{_ITEMS}\s*(?:en\s+stock|dispo(?:nibles?)?\b"
    rf"|restant(?:e)?s?\b)(?:\s+{_STOCKED})*",
    rf"(?<![\w.,]){_COUNT}\s*ex(?:emplaires?)?\b\.?",
    rf"\b(?:only\s+)?{_COUNT}\s+(?:left|in\s+stock|available)\b",
    rf"(?:\ben\s+)?\b(?:stock|qt[eé]|quantit[eé]|dispo(?:nible)?s?)(?:\s+(?:dispo\w*|en\s+stock))?"
    rf"\s*:?\s*{_COUNT}{_ITEMS}",
]
_STOCK_COUNT_PARTS = [re.compile(p, re.I) for p in _STOCK_COUNTS]
_ONE = (
    r"\b(?:pi[eè]ce|mod[eè]le|exemplaire|article)\s+unique\b"
    r"|\b(?:1|une?)\s+seule?\s+(?:exemplaire|pi[eè]ce|article|paire|dispo\w*)\b"
    r"|\bderni(?:[eè]re?\s+pi[eè]ce|er\s+exemplaire|[eè]re?\s+(?:dispo\w*|en\s+stock))\b"
    r"|\b(?:(?:il\s+)?(?:ne\s+)?(?:n'en\s+)?reste\s+|plus\s+)qu'une?\b"
    r"|\b(?:last\s+one|one\s+of\s+a\s+kind)\b"
    r"|\bderni(?:[eè]re|er)\b(?=\s*(?:!|\)|$))"  # "(dernière !)"
)
_NONE_LEFT = (
    r"\b(?:[ée]puis[ée]e?s?|(?:en\s+)?rupture(?:\s+de\s+stock)?|plus\s+de\s+stock|sold\s+out"
    r"|out\s+of\s+stock"
    r"|bient[ôo]t\s+de\s+retour|victime\s+de\s+son\s+succ[eè]s"
    r"|(?:momentan[ée]ment\s+)?indisponibles?)\b(?!\s+(?:en|dans)\s+(?:t\s?)?(?:\d|taille|\w+\b))"
)
_NOT_COUNTED = (
    r"\b(?:stock\s+)?(?:illimit[ée]|infini)\b|\bmade\s+to\s+order\b"
    r"|\b(?:(?:fabrication|fabriqu[ée]e?s?|r[ée]alis[ée]e?s?|faite?s?)\s+)?"
    r"(?:sur|[àa]\s+la)\s+(?:commande|demande)(?:\s+uniquement|\s+seulement)?\b"
    r"|\b(?:quantit[ée]|stock|s[ée]rie)s?\s+limit[ée]e?s?\b"
)
_STOCK_WORDS = [
    (re.compile(_ONE, re.I), 1),
    (re.compile(_NONE_LEFT, re.I), 0),
    (re.compile(_NOT_COUNTED, re.I), None),
]
_BAD_STOCK = re.compile(r"\b(?:stock|qt[eé]|quantit[eé])\s*:?\s*(?P<v>[^\W\d_][\w-]*)", re.I)
# "x3", "x 10": a stock after the price or on a boxed set ("Coffret x3"); "Oeufs x6" is a pack.
_TIMES = re.compile(r"(?<![\w.,])[x×]\s?(?P<n>\d{1,5})\b", re.I)
_BOXES = re.compile(r"\b(?:coffrets?|lots?|bo[iî]tes?|packs?|paniers?|caisses?|cartons?)\b", re.I)


def read_stock(line: str, price_at: int | None) -> StockRead | None:
    """The first stock phrase of a line; `price_at`: where its price starts, if it has one."""
    reads: list[StockRead] = []
    for pattern in _STOCK_COUNT_PARTS:
        for match in pattern.finditer(line):
            count = int(match.group("n"))
            reads.append(StockRead(match.start(), match.end(), count, count > MAX_STOCK))
    for pattern, said in _STOCK_WORDS:
        reads += [StockRead(m.start(), m.end(), said) for m in pattern.finditer(line)]
    for match in _TIMES.finditer(line):
        after_price = price_at is not None and match.start() > price_at
        if after_price or _BOXES.search(line[: match.start()]):
            reads.append(StockRead(match.start(), match.end(), int(match.group("n"))))
    for match in _BAD_STOCK.finditer(line):
        if not UNLIMITED.search(match.group("v")) and not re.match(r"limit", match.group("v")):
            reads.append(StockRead(match.start(), match.end(), None, bad=True))
    if not reads:
        return None
    return min(reads, key=lambda r: (r.start, -(r.end - r.start)))


# A line that only announces ("Nouveau ✨", "Arrivage !", "Coup de cœur 💖").
_TAG = (
    r"nouveaut[ée]s?|nouveau|nouvelle(?:\s+collection)?|new(?:\s+in)?|arrivages?|promos?"
    r"|promotions?|soldes?|sp[ée]cial\s+\w+|coup\s+de\s+c(?:œ|oe)ur|retour\s+en\s+stock"
    r"|r[ée]assort|(?:dispo(?:nible)?s?\s+)?en\s+boutique|dispo(?:nible)?s?|id[ée]es?\s+cadeaux?"
    r"|exclu(?:sivit[ée])?|black\s+friday|vente\s+flash|bons?\s+plans?|derni[eè]re\s+chance"
    r"|[àa]\s+saisir|offre\s+sp[ée]ciale|d[ée]stockage|collection\s+\w+|fait\s+main"
    r"|nouvel(?:le)?s?\s+(?:cr[ée]ations?|arrivages?|produits?|mod[eè]les?|p[eé]pites?)|restock"
    r"|enfin\s+(?:dispo\w*|l[àa]|arriv[ée]e?s?|de\s+retour)|de\s+retour|c'est\s+reparti"
    r"|sales?|new\s+arrivals?|just\s+in|back\s+in\s+stock"
    r"|(?:bonjour|bonsoir|coucou|hello|salut|hey)(?:\s+(?:[àa]\s+)?(?:tous|toutes|tout\s+le\s+monde"
    r"|les\s+\w+|vous))?|en\s+stock|in\s+stock"
)
TAG_LINE = re.compile(rf"(?:{_TAG})(?:\s+(?:{_TAG}))*", re.I)
_LEADING_TAG = re.compile(
    rf"^\s*(?P<tag>{_TAG})(?:\s*[!:.\-–—|,]+\s*|\s+(?=(?-i:[A-ZÀ-Ý]))|(?<=(?-i:[A-ZÉ]{{3}}))\s+)",
    re.I,
)
_PROMO_WORDS = re.compile(
    r"\b(?:promo(?:tion)?s?|sold[ée]e?s?|prix\s+(?:barr[ée]|cass[ée]|sold[ée])|bons?\s+plans?"
    r"|black\s+friday|vente\s+flash|offre\s+sp[ée]ciale|(?-i:SALE))\b",
    re.I,
)
HASHTAG = re.compile(r"#[\w-]+")
_TRAILING_HASHTAGS = re.compile(r"(?:\s*#[\w-]+)+\s*$")
_SEPARATOR = r"[|/•·:;,\-–—!?…]"
_SEPARATED = re.compile(rf"(\s*{_SEPARATOR}+\s+|\s+{_SEPARATOR}+\s*)")


def is_decoration(char: str) -> bool:
    """Emoji and pictographs, their joiners and variation selectors."""
    if char in "°©®™№":  # symbols of the text itself: "n°3", "30°"
        return False
    return unicodedata.category(char) in ("So", "Sk", "Cn", "Co") or char in "\u200d\ufe0f\u20e3"


def has_words(text: str) -> bool:
    """True when `text` has letters or digits (an emoji-only name has none)."""
    return any(unicodedata.category(c)[0] in "LN" for c in text)


def undecorated(text: str) -> str:
    """The text without emoji and hashtags."""
    text = HASHTAG.sub(" ", text)
    return "".join(" " if is_decoration(c) else c for c in text)


def without_trailing_hashtags(line: str) -> str:
    """ "Doublé coton #faitmain #lin" -> "Doublé coton"."""
    return _TRAILING_HASHTAGS.sub("", line).rstrip()


# "État : neuf", "Taille : M": a detail for the description, never the name.
FIELD = re.compile(
    r"^\W*(?:[ée]tat|taille|tailles|couleurs?|coloris|mati[eè]res?|dimensions?|poids|marque"
    r"|composition|contenance|format|r[ée]f[ée]rence|r[ée]f|mesures?|entretien)\s*:",
    re.I,
)


def is_tag_line(text: str) -> bool:
    """A line that only announces: its words are tags."""
    words = re.sub(r"[^\w'’\s]", " ", undecorated(text))
    return bool(TAG_LINE.fullmatch(re.sub(r"\s+", " ", words).strip()))


def tidy_separators(text: str) -> str:
    """Keep a separator only between two parts with words: "Bougie, , 3" -> "Bougie"."""
    parts = _SEPARATED.split(f" {text} ")
    kept: list[str] = []
    for index, part in enumerate(parts):
        if index % 2 == 1:
            continue
        if has_words(part):
            if kept:
                kept.append(parts[index - 1])
            kept.append(part)
    return "".join(kept)


_ABBREVIATION = re.compile(
    r"(?<!\.)\b(?:pers|env|r[ée]f|dim|coul|long|larg|haut|max|min|etc|nb|qt[ée]|cm|gr)\.$", re.I
)
MARKER_DECORATIONS = "❌✖➡➜"


def clean_name(text: str, *, price_first: bool = False) -> str:
    """What a customer sees in a list: no emoji, tags, promotion words or dangling separators."""
    text = undecorated(text)
    text = re.sub(r"\s+", " ", text).strip()
    while match := _LEADING_TAG.match(text):
        if not has_words(text[match.end() :]):
            break
        text = text[match.end() :]
    text = _PROMO_WORDS.sub(" ", text)
    text = re.sub(r"\(\s*[-–,;:]*\s*\)", " ", text)
    text = re.sub(r"\s+", " ", tidy_separators(text)).strip()
    if price_first:  # "25€ le bouquet de pivoines"
        text = re.sub(r"^(?:(?:le|la|les)\s+|l')(?=\w{3})", "", text, flags=re.I)
    text = text.strip(" -–—|:;,/·•*!?…()").strip()
    if re.fullmatch(r"[«\"“].*[»\"”]", text):  # « Bougie Noël »: the whole name in quotes
        text = text[1:-1].strip()
    if text.endswith(".") and not _ABBREVIATION.search(text):
        text = text.rstrip(".").strip()
    if text.count("(") > text.count(")"):
        text += ")"
    letters = [c for c in text if c.isalpha()]
    if len(letters) >= 5 and all(c.isupper() for c in letters):
        text = text[:1] + text[1:].lower()
    return text
