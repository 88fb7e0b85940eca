"""What a new shop still misses, and the first answer of its set-up read as typed.

Before the first sale the set-up asks only what a customer needs: the kind of shop, and
the hours when they come in the same message ("Fromagerie, mar-sam 9h-19h"). Everything
else is offered from "Ma boutique" and by a gentle reminder (`handlers/notices/setup.py`),
which is why this lives in common/.
"""

import re

from handlers import i18n
from store.models import Shop
from store.parsing.hours import parse_hours
from store.search import fold

# What a customer notices missing, in the order a merchant is asked for it.
WORTH_ADDING = ("hours", "photo", "address", "phone", "description")
WORD = re.compile(r"[a-z]{4,}")


def missing(shop: Shop) -> list[str]:
    """The settings customers would notice missing (hours, photo, address, ...)."""
    have = {
        "hours": bool(shop.hours),
        "photo": bool(shop.photo),
        "address": bool(shop.address),
        "phone": bool(shop.phone),
        "description": bool(shop.description),
    }
    return [field for field in WORTH_ADDING if not have[field]]


def missing_text(lang: str, shop: Shop) -> str:
    """ "les horaires, une photo de la boutique" (empty when nothing is missing)."""
    return ", ".join(i18n.t(lang, f"m_missing_{field}") for field in missing(shop))


def read_category(text: str, categories: tuple[str, ...]) -> str | None:
    """The category whose name (French or English) a typed answer names, if exactly one."""
    words = set(WORD.findall(fold(text)))
    found = set()
    for key in categories:
        for lang in i18n.LANGUAGES:
            label = fold(i18n.t(lang, f"category_{key}"))
            if words & set(WORD.findall(label)) - {"autres", "other", "shops", "commerces"}:
                found.add(key)
    return found.pop() if len(found) == 1 else None


def read_hours(text: str) -> dict[str, list[list[str]]] | None:
    """Weekly hours written anywhere in the text: the longest tail that reads as hours."""
    starts = [0, *(m.end() for m in re.finditer(r"[\s,;:.]+", text))]
    for start in starts:
        hours = parse_hours(text[start:])
        if hours:
            return hours
    return None
