"""Prices in one line of a caption: amounts, ranges, promotions, "à partir de", per-kg units.

A line is read left to right into `Mention`s: each amount with its role (`plain`, `old` price
of a promotion, `new` price, `from` the lowest of a range). Pure functions.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from price_parser import Price

NUMBER = r"(?:\d{1,3}(?:[ \u00a0\u202f.]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)"
_CUR = r"(?:€(?:uros?\b)?|euros?\b|eur\b|e\b)"
_N = rf"(?<![\w.,/×#]){NUMBER}"
# "35€", "12,90 €", "8 euros", "12€90", "€ 12", "12.-", "-5€".
PRICE = re.compile(
    rf"(?P<neg>(?<![\w-])[-−](?=\d))?(?:(?P<a>{_N})(?:\s*{_CUR}\s?(?P<cents>\d{{2}}(?![\w,.€]|\s*(?:[^\W\d_]|€|\d)))?|[.,]-)"
    rf"|(?<!\w)(?:€|eur\b|euros?\b)\s*(?P<b>{NUMBER}))",
    re.IGNORECASE,
)
# A number with no currency, read as a price only when nothing better is there, and never
# when a word follows it ("3 mèches", "350 g", "6 mois") or a size word leads it ("taille 38").
BARE = re.compile(
    rf"(?P<neg>(?<![\w-])-)?(?P<n>{_N})(?![\w.,%°'\"×/]|\s*(?:[^\W\d_]|%|°))"
    r"|(?P<unit>(?<![\w.,])\d+(?:[.,]\d{1,2})?)(?=\s*(?:le|la|les|au|/)\s*(?:kg|kilo)\b)",
    re.IGNORECASE,
)
_SIZE_BEFORE = re.compile(
    r"(?:\b(?:taille|tailles|t|pointure|p|du|au|de|à|a|et|h|l|n°|ref|réf|modèle)|[-–/x×])\s*$",
    re.IGNORECASE,
)
_RANGE = re.compile(
    rf"(?:\b(?:de|entre|between|from)\s+)?(?P<low>{_N})\s*{_CUR}?\s*(?:-|–|\bà\b|\ba\b|\bet\b|\band\b"
    rf"|\bto\b)\s*"
    rf"(?P<high>{NUMBER})\s*(?:{_CUR}|(?=\s*(?:le|la|au|/)\s*(?:kg|kilo|litre)\b))",
    re.IGNORECASE,
)
# Names of things sold by size: a bare number after them may be the size, not the price.
SIZED = re.compile(
    r"\b(?:robe|jupe|pull|pantalon|jean|short|veste|manteau|chemise|chemisier|blouse|gilet"
    r"|t-?shirt|tee|sweat|chaussures?|baskets?|bottes?|bottines?|sandales?|escarpins?|bague"
    r"|body|legging|parka|doudoune|taille|pointure|mocassins?|derbies|ballerines?|chaussons?)s?\b",
    re.I,
)
_MARKERS = re.compile(
    r"(?P<from>\b(?:[àa]\s+partir\s+de|d[èe]s|from|starting\s+(?:at|from))\b)(?=\s*:?\s*(?:€\s*)?\d)"
    r"|(?P<old>\bau\s+lieu\s+de\b|\bavant\b|\bancien\s+prix\b|\bprix\s+barr[ée]e?\b"
    r"|\bprix\s+(?:initial|normal|de\s+base)\b|\bvaleur\b|\bwas\b|\binstead\s+of\b|\brrp\b"
    r"|\boriginally\b)(?=\s*:?\s*(?:€\s*)?\d)"
    r"|(?P<old2>\bpass(?:e|[ée]e?)(?=\s+de\b))"
    r"|(?P<new>\bmaintenant\b|\bsold[ée]e?s?(?:\s+[àa])?|\bprix\s+(?:sold[ée]|promo|cass[ée]|sp[ée]cial)"
    r"|\bpromo(?:tion)?\b|\bnouveau\s+prix\b|\bnow\b|\bsale\s+price\b)(?=\s*:?\s*(?:€\s*)?\d)"
    r"|(?P<arrow>→|->|=>|⇒|➜|➡\ufe0f?|=)"
    r"|(?P<intro>\b(?:prix|tarif|price)\b)(?=\s*:?\s*\d)"
    r"|(?P<crossed>❌|✖\ufe0f?|\bbarr[ée]e?\b)|(?P<strike>~~)"
    r"|(?P<pct>(?:\b[àa]\s+)?(?<!\w)[-−]\s?(?P<p>\d{1,2})\s?%(?:\s+sur\s+(?:(?:ce|cet|cette|ces|le|la"
    r"|les|tout|toute|tous|toutes)\b)?)?|\b(?:remise|r[ée]duction)\s+de\s+(?P<p2>\d{1,2})\s?%"
    r"|(?<![\w.,])(?P<p3>\d{1,2})\s?%\s+de\s+(?:remise|r[ée]duction)\b)",
    re.IGNORECASE,
)
_BEFORE_PRICE = re.compile(
    r"(?:\b(?:au\s+|le\s+)?(?:prix|tarif)(?:\s+(?:unitaire|de\s+vente|public|ttc))?(?:\s+de)?"
    r"|\bprice(?:d\s+at)?|\bfor|\bonly"
    r"|\b[àa]|\bpour|\bvendue?s?|\bseulement"
    r"|\bd'une\s+valeur\s+de|\bde)\s*:?\s*$",
    re.IGNORECASE,
)
_AFTER_PRICE = re.compile(
    r"^\s*(?:(?:la\s+|l'|par\s+|/\s*)?(?:pi[eè]ce|unit[eé]|chacune?|u)\b|l'une?\b|ttc\b|seulement\b|"
    r"(?:each|a\s+piece|per\s+(?:piece|unit|item)|only)\b|"
    r"(?:prix\s+)?(?:ferme|n[ée]gociable|[àa]\s+d[ée]battre)\b|"
    r"(?:les\s+(?:deux|2|trois|3)|le\s+lot|l'ensemble)\b|"
    r"(?P<unit>(?:le|la|les|au|par|per|a|/)\s*(?:kg|kilo|litre|l|part|personne|pers|100\s?g|sachet|pot"
    r"|botte|barquette|bouteille|douzaine|paquet|m[eè]tre|m|paire|bo[iî]te|bocal|tranche|portion"
    r"|verre)\b"
    r"(?:\s+de\s+\d+\s?(?:g|kg|cl|ml|l|pi[eè]ces)\b)?))",
    re.IGNORECASE,
)
# "frais de port 8€", "livraison offerte dès 50€": not the item's price.
SHIPPING = re.compile(
    rf"(?:\bfrais\s+de\s+(?:port|livraison)|\b(?:livraison|port|envoi|exp[ée]dition)s?)"
    rf"(?:\s+(?:offerte?s?|gratuite?s?|possibles?|en\s+sus))?\s*(?:\b(?:d[èe]s|[àa]\s+partir\s+de"
    rf"|pour|de|à|a)\b)?\s*:?\s*\+?\s*(?:{NUMBER})\s*{_CUR}?(?:\s*d'achats?)?",
    re.IGNORECASE,
)
_UNITS = {"kg": "le kg", "kilo": "le kg", "litre": "le litre", "l": "le litre"}
_UNITS |= {"part": "la part", "personne": "par personne", "pers": "par personne"}


@dataclass
class Mention:
    """An amount read in a line, with its role in the line."""

    cents: int
    role: str  # plain | old | new | from
    bare: bool = False
    grouped: tuple[int, int] | None = None  # "3 150 €": also readable as 150 €
    other: int | None = None  # "Jean 40 35": the bare number before, the other reading


@dataclass
class LineRead:
    """What one line says about the price, and which of its spans said it."""

    mentions: list[Mention] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)
    discount: int | None = None  # a percentage with no price after it: "50 € -20 %"
    unit: str = ""


def cents_of(fragment: str) -> int | None:
    """Cents of a number fragment read by price-parser (French decimal comma understood)."""
    if sum(c.isdigit() for c in fragment) > 12:  # no price has that many digits
        return None
    amount = Price.fromstring(fragment.replace("\u202f", " ").replace("\u00a0", " ")).amount
    return None if amount is None else int((amount * 100).quantize(Decimal(1)))


def _just_before(line: str, at: int) -> str:
    """The few words before `at`: what a word that leads a number can be found in."""
    return line[max(0, at - 40) : at]


def _grouped_after_size(line: str, match: re.Match[str]) -> bool:
    """ "du 40 au 44 149€": a size then a price, not 44 149 €."""
    number = match.group("a") or ""
    return bool(re.search(r"\s", number)) and bool(
        _SIZE_BEFORE.search(_just_before(line, match.start("a")))
    )


def _price_at(line: str, pos: int, bare: bool) -> re.Match[str] | None:
    """The next price from `pos`; a number after a size word is cut to its last group."""
    match = (BARE if bare else PRICE).search(line, pos)
    if match is None or bare or not _grouped_after_size(line, match):
        return match
    last = match.start("a") + max(match.group("a").rfind(" "), match.group("a").rfind("\xa0")) + 1
    return PRICE.match(line, last) or PRICE.search(line, last)


def _amount(match: re.Match[str]) -> Mention | None:
    groups = match.groupdict()
    number = groups.get("a") or groups.get("b") or groups.get("n") or groups.get("unit") or ""
    cents = cents_of(number)
    if cents is None:
        return None
    if groups.get("cents"):
        cents += int(groups["cents"])
    if groups.get("neg"):
        cents = -cents
    grouped = None
    parts = re.split(r"[ \u00a0\u202f]", number)
    if len(parts) == 2 and "," not in number and "." not in number:
        grouped = (int(parts[0]) * 100, int(parts[1]) * 100)
    return Mention(cents, "plain", bare="n" in groups or "unit" in groups, grouped=grouped)


def _next(kind: str, line: str, pos: int) -> re.Match[str] | None:
    """The next range, marker, price or bare number from `pos`."""
    if kind == "range":
        return _RANGE.search(line, pos)
    if kind == "marker":
        return _MARKERS.search(line, pos)
    return _price_at(line, pos, bare=kind == "bare")


def read_line(line: str, *, bare: bool) -> LineRead:
    """The amounts of one line with their roles; `bare`: numbers without € may be prices."""
    return _LineReader(line, bare).run()


def _unmarked(mention: Mention) -> bool:
    return mention.bare and mention.role == "plain"


class _LineReader:
    """Reads a line left to right; a marker ("au lieu de", "→", "-20%") sets the role of the
    amount that follows it, or of the one before ("❌", "barré")."""

    def __init__(self, line: str, bare: bool) -> None:
        self.line, self.bare = line, bare
        self.read = LineRead()
        self.pending = ""  # the role waiting for the next amount: plain | from | old | new
        self.struck = False  # inside ~~struck-through~~ text
        self.percent: int | None = None

    def run(self) -> LineRead:
        pos = 0
        ahead: dict[str, re.Match[str] | None] = {}  # each kind's next match, while ahead
        while pos < len(self.line):
            found = []
            for name in ("range", "marker", "price", "bare"):
                if name == "bare" and not (self.bare or self.pending):
                    continue
                kept = ahead.get(name)
                if name not in ahead or (kept is not None and kept.start() < pos):
                    ahead[name] = kept = _next(name, self.line, pos)
                if kept is not None:
                    found.append(kept)
            if not found:
                break
            match = min(found, key=lambda m: (m.start(), -len(m.group(0))))
            if match.re is _RANGE:
                pos = self._range(match)
            elif match.re is _MARKERS:
                self._marker(match)
                pos = match.end()
            else:
                self._amount(match)
                pos = match.end()
        return self._finish()

    def _range(self, match: re.Match[str]) -> int:
        """ "de 12 à 18€", "20-35€": the lowest; "de 35€ à 25€": a promotion. Where to go on."""
        line, read = self.line, self.read
        low, high = cents_of(match.group("low")), cents_of(match.group("high"))
        worded = match.group(0)[:2].lower() in ("de", "en")
        if low is None or high is None or low == high or min(low, high) <= 0:
            return match.start("high")
        if worded and low > high:
            read.mentions += [Mention(low, "old"), Mention(high, "new")]
            read.spans.append((match.start(), match.end()))
            self.pending = ""
            return match.end()
        low_priced = re.search(_CUR, match.group(0)[: match.end("low") - match.start()], re.I)
        a_size = SIZED.search(line[: match.start()]) is not None and low_priced is None
        after_size = _SIZE_BEFORE.search(_just_before(line, match.start()))
        if low > high or after_size or ((high > 5 * low or a_size) and not worded):
            return match.start("high")  # "taille 38 - 49€", "925 - 89 €", "gants 7,5 - 49€"
        read.mentions.append(Mention(low, "from"))
        self.pending = ""
        _cut_words_around(line, match, read)
        return match.end()

    def _marker(self, match: re.Match[str]) -> None:
        """A word or sign that says which amount is the price."""
        kind, read = match.lastgroup, self.read
        if kind == "old" and match.group(0).lower() == "valeur" and not read.mentions:
            return  # "d'une valeur de 30€" is the price; "(valeur 55€)" is the old one
        if kind == "intro":  # "prix 9": a number after it is a price
            self.pending = self.pending or "plain"
        elif kind in ("from", "old", "new"):
            self.pending = kind
        elif kind == "arrow":
            if read.mentions and read.mentions[-1].role == "plain":
                read.mentions[-1].role = "old"
            self.pending = "new"
        elif kind == "strike":
            self.struck = not self.struck
            self.pending = "old" if self.struck else ""
        elif kind == "crossed" and read.mentions:
            read.mentions[-1].role = "old"
        elif kind == "pct":  # a price after a percentage is the new one
            self.percent = int(match.group("p") or match.group("p2") or match.group("p3"))
            self.pending = self.pending or "new"
        # "old2", "passe" in "passe de 120€ à 89€": the range that follows says the rest.
        read.spans.append((match.start(), match.end()))

    def _amount(self, match: re.Match[str]) -> None:
        mention = _amount(match)
        if mention is None:
            return
        before = _just_before(self.line, match.start())
        if mention.bare and not self.pending and _SIZE_BEFORE.search(before):
            return  # "taille 38", "du 0 au 24"
        read = self.read
        if mention.bare and not self.pending and read.mentions and _unmarked(read.mentions[-1]):
            # "Jean 40 35": the price comes last; the number before stays in the name.
            mention.other = read.mentions.pop().cents
            read.spans.pop()
        mention.role = self.pending or "plain"
        self.pending = ""
        read.mentions.append(mention)
        _cut_words_around(self.line, match, read)

    def _finish(self) -> LineRead:
        read = self.read
        for index, mention in enumerate(read.mentions):  # "-10€ : 25€": an amount off
            if mention.cents < 0 and any(m.cents > 0 for m in read.mentions[index + 1 :]):
                mention.role = "off"
        promoted = any(m.role in ("old", "new") for m in read.mentions)
        if self.percent is not None and self.pending == "new" and not promoted:
            read.discount = self.percent  # "50 € -20 %": no price after the percentage
        return read


def _cut_words_around(line: str, match: re.Match[str], read: LineRead) -> None:
    """Drop the amount and what only introduces it ("prix :", "à") or qualifies it ("pièce")."""
    start, end = match.start(), match.end()
    before = _BEFORE_PRICE.search(_just_before(line, start))
    if before:
        start -= len(_just_before(line, start)) - before.start()
    after = _AFTER_PRICE.match(line[end : end + 60])
    if after:
        if after.group("unit") and not read.unit:
            word = re.sub(r"^(?:le|la|les|au|par|per|a|/)\s*", "", after.group("unit").lower())
            word = re.sub(r"\s+", " ", word)
            typed = re.sub(
                r"^(?:/|per|a)\s*", "le ", re.sub(r"\s+", " ", after.group("unit").lower())
            )
            read.unit = _UNITS.get(word, "les 100 g" if word.startswith("100") else typed)
        end += after.end()
    read.spans.append((start, end))
