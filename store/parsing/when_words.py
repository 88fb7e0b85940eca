"""The words of typed times: phrases in one spelling, parts of the day, days and months."""

from datetime import time

from rapidfuzz.distance import Levenshtein

from store.parsing.hours import DAY_NAMES

# (pattern, replacement) on folded text, in this order: "apres-midi" before "midi".
PHRASES: tuple[tuple[str, str], ...] = (
    (r"\b(?:aujourd\s*hui|aujourdhui|aujourd|auj|ajd|ojd|today)\b", " aujourdhui "),
    (r"\b(?:apres[\s-]*demain|apredemain|day after tomorrow)\b", " apresdemain "),
    (r"\bavant[\s-]*hier\b", " avanthier "),
    (r"\b(?:tomorrow|tmrw|tmr|2main|2m1)\b", " demain "),
    (r"\byesterday\b", " hier "),
    (r"\b(?:en )?fin (?:d )?(?:apres[\s-]*midi|aprem)\b", " finaprem "),
    (r"\b(?:apres[\s-]*midi|aprem|aprm|apm|afternoon)\b", " aprem "),
    (r"\b(?:du|de l|de la|in the|le|la|l|this|cet?|cette)\s+(matin|aprem|soir|morning|evening)\b",
     r" \1 "),
    (r"\bmorning\b", " matin "),
    (r"\b(?:evening|tonight)\b", " soir "),
    (r"\b(?:(?:tout|tt|toute) de suite|de suite|immediatement|right now|now|asap)\b",
     " maintenant "),
    (r"\bmidi (?:et )?demie?\b|\bmidi ?30\b", " 12h30 "),
    (r"\b(?:midi|noon)\b", " 12h00 "),
    (r"\b(?:minuit|midnight)\b", " 0h00 "),
    (r"\b(?:une|1) demi[\s-]*heure\b|\b1/2\s*h(?:eure)?\b|\bhalf an hour\b", " 30 min "),
    (r"\bun quart d heure\b", " 15 min "),
    (r"\b(?:ds|dns)\b", " dans "),
    (r"\b(?:des que possible|au plus vite|en ce moment|la maintenant)\b", " maintenant "),
    (r"\b(?:la )?veille de noel\b|\breveillon de noel\b", " 24/12 "),
    (r"\b(?:le )?(?:jour de )?noel\b", " 25/12 "),
    (r"\b(?:la )?saint[\s-]sylvestre\b|\breveillon(?: du nouvel an)?\b", " 31/12 "),
    (r"\b(?:le )?(?:jour de l an|nouvel an)\b", " 1/1 "),
    (r"\b(?:en )?debut (?:d )?aprem\b", " debutaprem "),
    (r"\b(?:en )?fin (?:de )?matinee\b", " finmatin "),
    (r"\b(?:en )?fin (?:de )?journee\b", " finjournee "),
    (r"\bmatinee\b", " matin "),
    (r"\bsoiree\b", " soir "),
    (r"\b(dans|in|d ici) (?:une|un|an|one|a) (heure|hour|jour|day|minute|semaine|week)\b",
     r" \1 1 \2 "),
    (r"\b(\d{1,2})\s*h(?:eures?)?\s+et\s+demie?\b", r" \1h30 "),
)  # fmt: skip
# Said with no hour: the usual hour, shown back to be sure; and when that part of the day ends.
PART_DEFAULTS = {
    "matin": time(10), "finmatin": time(11), "debutaprem": time(14), "aprem": time(15),
    "finaprem": time(17), "finjournee": time(18), "soir": time(20),
}  # fmt: skip
PART_ENDS = {
    "matin": time(12), "finmatin": time(12), "debutaprem": time(16), "aprem": time(18),
    "finaprem": time(19), "finjournee": time(20), "soir": time(23),
}  # fmt: skip
AFTERNOON = ("debutaprem", "aprem", "finaprem", "finjournee", "soir")  # "2h" there is 14:00
# "dans deux heures": the numbers people spell out
NUMBER_WORDS = {
    "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "dix": 10, "quinze": 15,
    "vingt": 20, "trente": 30, "quarante": 40, "quarante cinq": 45, "cinquante": 50,
    "two": 2, "three": 3, "four": 4, "five": 5, "ten": 10, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty five": 45,
}  # fmt: skip

WEEKDAYS = {
    **DAY_NAMES,
    "lun": 0, "mon": 0, "mar": 1, "tue": 1, "tues": 1, "mer": 2, "merc": 2, "wed": 2,
    "jeu": 3, "thu": 3, "thur": 3, "thurs": 3, "ven": 4, "vend": 4, "fri": 4,
    "sam": 5, "sat": 5, "dim": 6, "sun": 6,
}  # fmt: skip
DAYS_FROM_TODAY = {
    "aujourdhui": 0, "demain": 1, "dem": 1, "apresdemain": 2, "hier": -1, "avanthier": -2,
}  # fmt: skip
MONTH_NAMES = {
    **{m: i + 1 for i, m in enumerate((
        "janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre",
        "octobre", "novembre", "decembre"))},
    **{m: i + 1 for i, m in enumerate((
        "january", "february", "march", "april", "may", "june", "july", "august", "september",
        "october", "november", "december"))},
}  # fmt: skip
FUZZY_MIN = 5  # a typo is forgiven in words of 5 letters or more ("samdi", "demin")


def _near(word: str, table: dict[str, int]) -> int | None:
    """The value of `word` in `table`, or of the one entry it is one typo away from."""
    if word in table:
        return table[word]
    if len(word) < FUZZY_MIN:
        return None
    close = {
        value
        for key, value in table.items()
        if len(key) >= FUZZY_MIN and Levenshtein.distance(word, key, score_cutoff=1) <= 1
    }
    return close.pop() if len(close) == 1 else None


def weekday_of(word: str) -> int | None:
    """0 for "lundi", "lun", "monday", "lundis", "lnudi"; None for any other word."""
    return _near(word.removesuffix("s") if len(word) > 4 else word, WEEKDAYS)


def relative_day(word: str) -> int | None:
    """Days from today "demain" names (1); None for any other word."""
    return _near(word, DAYS_FROM_TODAY)


def month_of(word: str) -> int | None:
    """12 for "decembre", "dec", "december"; None when no month, or two, start so."""
    if word in MONTH_NAMES:
        return MONTH_NAMES[word]
    if len(word) < 3:
        return None
    months = {number for name, number in MONTH_NAMES.items() if name.startswith(word)}
    return months.pop() if len(months) == 1 else None
