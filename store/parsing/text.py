"""Small text helpers the store needs."""

import re
import unicodedata

from store.search import fold

__all__ = ["fold", "slugify"]


def slugify(value: str) -> str:
    """ "Crêperie du Perche" -> "creperie-du-perche"."""
    return re.sub(r"[^a-z0-9]+", "-", fold(value)).strip("-")[:80] or "x"


# C0 and C1 control characters but tab and newline (NUL among them, which PostgreSQL refuses
# in text), and surrogates: in a Python string they are always unpaired (a JSON "\ud83d" alone).
_UNWANTED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def clean(value: str) -> str:
    """Text as people meant it: line ends as \\n, no control characters, NFC-composed."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", _UNWANTED.sub("", value))
