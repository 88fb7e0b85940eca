"""Small text helpers the store needs."""

import re

from store.search import fold

__all__ = ["fold", "slugify"]


def slugify(value: str) -> str:
    """ "Crêperie du Perche" -> "creperie-du-perche"."""
    return re.sub(r"[^a-z0-9]+", "-", fold(value)).strip("-")[:80] or "x"
