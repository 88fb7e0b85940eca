"""Hours that change with the season: "du 1er juin au 31 août : 9h-19h, le reste de l'année
10h-18h". A shop has one week (`Shop.hours`), so the week kept is the one said for the rest of
the year; the seasonal part is said back as not understood, never mixed into that week."""

import re

from store.parsing.reading import Folded

_MONTHS = r"janv(?:ier)?|fev(?:rier)?|mars|avr(?:il)?|mai|juin|juil(?:let)?|aout|sept(?:embre)?"
_MONTHS += r"|oct(?:obre)?|nov(?:embre)?|dec(?:embre)?"
_MAIN = r"reste\s+de\s+l\s*'?\s*annee|hors\s+saison|basse\s+saison|reste\s+du\s+temps"
_SEASON = rf"\b(?:ete|l\s*'?\s*ete|hiver|haute\s+saison|en\s+saison|{_MONTHS})\b"
_CUT = re.compile(
    rf"[;\n]|\.(?!\d)|,(?=\s*(?:le\s+|en\s+|l\s*'?\s*|du\s+|de\s+)?(?:{_MAIN}|{_SEASON}))"
)
_MAIN_RE = re.compile(rf"(?:le\s+|la\s+|en\s+)?(?:{_MAIN})")
_LEAD = (
    r"(?:horaires\s+d\s*'?\s*|(?:en|le|la|du|de|des|pendant)\s+|l\s*'?\s*|\d{1,2}\s*(?:er)?\s+)*"
)
_SEASON_RE = re.compile(rf"[\s,;.]*{_LEAD}{_SEASON}")  # the part starts with its season
_TIME = re.compile(r"\d\s*h|\d:\d\d")


def without_seasons(folded: Folded) -> tuple[Folded, list[tuple[int, int]]]:
    """`folded` with its seasonal parts blanked when a rest-of-the-year week is also given, and
    those parts (to say back). Unchanged when every part is seasonal, or none is."""
    text = folded.text
    cuts = [0, *(m.end() for m in _CUT.finditer(text)), len(text)]
    parts = [(a, b) for a, b in zip(cuts, cuts[1:], strict=False) if text[a:b].strip(" ,;.\n")]
    main = [(a, b) for a, b in parts if _MAIN_RE.search(text, a, b)]
    seasonal = [(a, b) for a, b in parts if (a, b) not in main and _SEASON_RE.match(text, a, b)]
    rest = [(a, b) for a, b in parts if (a, b) not in seasonal]
    if not seasonal or not any(_TIME.search(text[a:b]) for a, b in rest):
        return folded, []
    letters = list(text)
    for a, b in seasonal:
        letters[a:b] = " " * (b - a)
    for a, b in main:
        for marker in _MAIN_RE.finditer(text, a, b):
            letters[marker.start() : marker.end()] = " " * (marker.end() - marker.start())
    blanked = Folded("")
    blanked.raw, blanked.origin, blanked.text = folded.raw, folded.origin, "".join(letters)
    said = [(a + len(text[a:b]) - len(text[a:b].lstrip(" ,;.")), b) for a, b in seasonal]
    return blanked, said
