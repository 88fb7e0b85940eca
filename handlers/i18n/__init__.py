"""Translations and locale formatting: French first, English when the user's app is English.

Texts live in `handlers/i18n/locales/*.toml`, one table a key with its `fr` and `en` side by side.
"""

import tomllib
from datetime import date, datetime
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from babel.numbers import format_currency

LANGUAGES = ("fr", "en")
DEFAULT = "fr"
LOCALES = {"fr": "fr_FR", "en": "en_GB"}
HERE = Path(__file__).parent / "locales"


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """Every text, keyed by name then language."""
    texts: dict[str, dict[str, str]] = {}
    for path in sorted(HERE.glob("*.toml")):
        with path.open("rb") as fh:
            for key, value in tomllib.load(fh).items():
                if key in texts:
                    raise ValueError(f"text {key!r} of {path.name} is already defined")
                texts[key] = value
    return texts


def language_of(code: str | None) -> str:
    """Our language for an app's language code ("en-US" -> "en"); French when unsure."""
    base = (code or "").split("-")[0].split("_")[0].lower()
    return base if base in LANGUAGES else DEFAULT


def t(lang: str, key: str, **values: object) -> str:
    """The text `key` in `lang` (French if missing), with `values` filled in."""
    entry = catalogue()[key]
    template = entry.get(lang) or entry[DEFAULT]
    return template.format(**values) if values else template


# Babel formats a price, a day or a time in tens of microseconds, and menus show dozens:
# the same few values come back all day, so each is formatted once.
@lru_cache(maxsize=8192)
def money(cents: int, lang: str, currency: str = "EUR") -> str:
    """`3500` -> "35,00 €" in French, "€35.00" in English."""
    return format_currency(Decimal(cents) / 100, currency, locale=LOCALES[lang])


def local(moment: datetime, tz: str) -> datetime:
    return moment.astimezone(ZoneInfo(tz))


def day(value: date | datetime, lang: str, tz: str | None = None) -> str:
    """ "samedi 12 décembre" / "Saturday 12 December"."""
    if isinstance(value, datetime):
        value = (local(value, tz) if tz else value).date()
    return _day(value, lang)


@lru_cache(maxsize=4096)
def _day(value: date, lang: str) -> str:
    return format_date(value, "EEEE d MMMM", locale=LOCALES[lang])


@lru_cache(maxsize=8192)
def clock(value: datetime, lang: str, tz: str) -> str:
    """ "14:30" in the town's zone."""
    return format_time(local(value, tz), "HH:mm", locale=LOCALES[lang])
