"""The words of opening hours: "mar-sam 9h30/12h30 - 14h/19h, fermé le lundi" as tokens.

Days and day ranges, time ranges (any run of times paired in order: "8h 12 14h 17h30"), and the
words that change their meaning ("fermé", "sauf", "sur rendez-vous", "journée continue", ...).
Anything else is an unknown word, said back to the merchant.
"""

import re

from store.parsing.reading import COMMON_FRENCH, Folded, Token, one_edit_apart

DAY_NAMES = {
    "lundi": 0, "monday": 0, "mardi": 1, "tuesday": 1, "mercredi": 2, "wednesday": 2,
    "jeudi": 3, "thursday": 3, "vendredi": 4, "friday": 4, "samedi": 5, "saturday": 5,
    "dimanche": 6, "sunday": 6,
}  # fmt: skip
_ABBREVIATIONS = {
    "lun": 0, "mar": 1, "tue": 1, "tues": 1, "mer": 2, "merc": 2, "wed": 2, "jeu": 3, "thu": 3,
    "thur": 3, "thurs": 3, "ven": 4, "vend": 4, "fri": 4, "sam": 5, "sat": 5, "dim": 6, "sun": 6,
}  # fmt: skip
# Too short or too common alone ("me", "sa", "mon"): a day only in a range, "lu-ve", "Mon-Fri".
_RANGE_ONLY = {
    "lu": 0, "ma": 1, "me": 2, "je": 3, "ve": 4, "sa": 5, "di": 6, "mon": 0,
    "l": 0, "j": 3, "v": 4, "s": 5, "d": 6,  # "L-V", "L-S"
}  # fmt: skip
MONTH_WORDS = {
    "janvier", "janv", "fevrier", "fevr", "fev", "mars", "avril", "avr", "mai", "juin", "juillet",
    "juil", "aout", "septembre", "sept", "octobre", "oct", "novembre", "nov", "decembre", "dec",
}  # fmt: skip
KEYWORDS = {
    **dict.fromkeys(("ferme", "fermee", "fermes", "fermees", "fermeture", "fermetures",
                     "closed", "close", "clos", "repos"), "closed"),
    **dict.fromkeys(("sauf", "sf", "hormis", "excepte", "except", "excepted", "pas"), "unless"),
    **dict.fromkeys(("idem", "pareil", "itou", "same"), "same"),
    **dict.fromkeys(("dejeuner", "repas", "lunch"), "pause"),
    **dict.fromkeys(("matin", "matins", "matinee", "matinees", "morning", "mornings"), "morning"),
    **dict.fromkeys(("soir", "soirs", "soiree", "evening", "nocturne", "nocturnes"), "evening"),
    **dict.fromkeys(("et", "and", "puis"), "and"),
    **dict.fromkeys(("a", "au", "to"), "to"),
    **dict.fromkeys(("de", "du", "entre"), "of"),
}  # fmt: skip
FILLER = {
    "n", "ne", "inclus", "fonctionne", "fonctionnera", "ouvre", "ouvrons", "ouvrent", "ouvrira",
    "le", "la", "les", "l", "des", "d", "en", "aux", "sur", "ouvert", "ouverte", "ouverts",
    "ouvertes", "ouverture", "ouvertures", "hebdomadaire", "hebdomadaires", "open", "opened", "on",
    "horaire", "horaires", "heure", "heures", "hours", "opening", "nos", "notre", "nous", "vous",
    "sommes", "est", "sont", "sera", "seront", "magasin", "boutique", "commerce", "boulangerie",
    "patisserie", "boucherie", "epicerie", "librairie", "fromagerie", "cave", "atelier", "salon",
    "fleuriste", "restaurant", "jours", "jour", "feries", "ferie", "uniquement", "seulement",
    "aussi", "egalement", "toute", "tout", "journee", "journees", "the", "is", "are", "we", "our",
    "y", "compris", "accueil", "accueillons", "merci", "bientot", "bonjour", "tous", "us", "every",
    "c", "ce", "ces", "cet", "il", "elle", "ils", "que", "qui", "pour", "par", "avec", "chez",
    "votre", "vos", "leur", "leurs", "bienvenue", "welcome", "bonne", "bonnes", "belle", "belles",
    "tres", "info", "infos", "contact", "contactez", "appelez", "hesitez", "accueille",
    "clientele", "retrouvez", "boutiques", "bar", "cafe", "tabac", "presse",
}  # fmt: skip
Span = tuple[int, int]  # minutes after midnight, end excluded
DAYLIKE = {"day", "all", "week", "weekend", "others"}
_HALF = {"morning", "afternoon"}
_CONNECT = {"dash", "slash", "to", "and", "comma", "of", "plus", "until"}

_KNOWN = FILLER | KEYWORDS.keys() | MONTH_WORDS | COMMON_FRENCH  # never a mistyped day

# Words that may sit inside one phrase said back: "2e dimanche du mois".
SAID_WITH = (
    FILLER
    | COMMON_FRENCH
    | {word for word, kind in KEYWORDS.items() if kind in ("of", "to", "and")}
)

_SPELLED_HOURS = {
    "une": 1, "un": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
    "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14,
    "quinze": 15, "seize": 16, "dix-sept": 17, "dix-huit": 18, "dix-neuf": 19, "vingt": 20,
    "vingt et une": 21, "vingt-et-une": 21, "vingt-deux": 22, "vingt-trois": 23,
}  # fmt: skip
_SPELLED_MINUTES = {"et demie": 30, "et demi": 30, "et quart": 15, "trente": 30, "quinze": 15,
                    "quarante-cinq": 45, "quarante cinq": 45, "vingt": 20, "dix": 10}  # fmt: skip


def _alternatives(words: dict[str, int]) -> str:
    """A regex alternation of spelled numbers, dashes and spaces typed either way."""
    forms = (re.sub(r"[\s-]+", r"[\\s-]+", word) for word in sorted(words, key=len, reverse=True))
    return "|".join(forms)


def _key(typed: str) -> str:
    return re.sub(r"[\s-]+", " ", typed)


_HOURS_BY_KEY = {_key(w): n for w, n in _SPELLED_HOURS.items()}
_MINUTES_BY_KEY = {_key(w): n for w, n in _SPELLED_MINUTES.items()}
_HOUR_WORD, _MINUTE_WORD = _alternatives(_SPELLED_HOURS), _alternatives(_SPELLED_MINUTES)
_DASH = r"(?:->|=>|[-–—−→>~])"
_LEXEMES = re.compile(
    r"(?P<allday>24\s*h?\s*(?:/|sur)\s*24)"
    r"|(?P<all>(?:tous|tout|tt|ts)\s+les\s+jours|toute\s+la\s+semaine|tlj|every\s*day|daily"
    r"|7\s*j(?:ours)?\s*(?:/|sur)\s*7\s*j?|7\s*/\s*7|7\s*days(?:\s+a\s+week)?)"
    r"|(?P<others>(?:les\s+)?autres\s+jours)"
    r"|(?P<week>(?:en|la)\s+semaine\b|jours\s+ouvr[ea]s\b|weekdays\b|semaine\b)"
    r"|(?P<weekend>week[\s-]?ends?\b)"
    r"|(?P<appt>(?:sur|par)\s+(?:rendez[\s-]*vous\b|r\.?d\.?v\b\.?)|by\s+appointment"
    r"|rendez[\s-]*vous|rdv\b)"
    r"|(?P<from>a\s+partir\s+de|des(?=\s*\d)|from(?=\s*\d))"
    r"|(?P<until>jusqu\s*'?\s*(?:a|au)\b|until|till|(?:fermeture|ferme)\s+a(?=\s*\d))"
    r"|(?P<afternoon>apres[\s-]*midi|aprem|afternoons?)"
    r"|(?P<noon>le\s+midi\b|midi(?=\s+et\s+(?:le\s+)?soir))"
    r"|(?P<continuous>journee\s+continue|non[\s-]*stop|sans\s+interruption|en\s+continu|continue?\b)"
    r"|(?P<pause>pause(?:\s+(?:dejeuner|du\s+midi|de\s+midi|midi|repas|meridienne))?|coupure)"
    rf"|(?P<spelled>\b(?:(?P<sh>{_HOUR_WORD})\s+heures?|(?P<noonword>midi))"
    rf"(?:\s+(?P<sm>{_MINUTE_WORD})\b)?)"  # "neuf heures trente", "midi et demie"
    r"|(?P<ordinal>\d{1,2}\s*(?:er|ere|e|eme)\b)"
    r"|(?P<filler>[1-6]\s*j(?:ours)?\s*(?:/|sur)\s*7\b)"  # "6j/7": the days come elsewhere
    r"|(?P<time>(?:[01]?\d|2[0-3])\.[0-5]\d(?![\d./])"  # "9.30"
    r"|(?:[01]?\d|2[0-4])(?:h[0-5]\d(?!\d)|\s+h\s*[0-5]\d(?!\d|\s*h)|\s*:\s*[0-5]\d|\s*h(?:eures?)?)"
    r"(?:\s*[ap]\.?m\b\.?)?|(?:[01]?\d|2[0-4])\s*[ap]\.?m\b\.?|midi|minuit|noon|midnight)"
    r"|(?P<num>\d+)"
    r"|(?P<word>[a-z]+)"
    rf"|(?P<dash>{_DASH})"
    r"|(?P<slash>/)"
    r"|(?P<plus>[&+])"
    r"|(?P<comma>,)"
    r"|(?P<sep>[;|\n•·*!?()\[\]]|\.(?!\d))"
)


def clock_minutes(text: str) -> int | None:
    """Minutes after midnight of one typed time ("9h30", "19 heures", "7 pm", "midi")."""
    text = re.sub(r"\s+", "", text).replace(".", "")
    if text in ("midi", "noon"):
        return 12 * 60
    if text in ("minuit", "midnight"):
        return 24 * 60
    match = re.fullmatch(r"(\d{1,2})(?:h(?:eures?)?|:)?(\d{2})?(am|pm)?", text)
    if match is None:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2) or 0)
    if match.group(3):
        if hours > 12:
            return None
        hours = hours % 12 + (12 if match.group(3) == "pm" else 0)
    if hours > 24 or (hours == 24 and minutes):
        return None
    return hours * 60 + minutes


def _spelled(match: re.Match[str]) -> int:
    """ "dix-neuf heures", "neuf heures et demie", "midi et quart" in minutes after midnight."""
    hour = 12 if match.group("noonword") else _HOURS_BY_KEY[_key(match.group("sh"))]
    minutes = match.group("sm")
    return hour * 60 + (_MINUTES_BY_KEY[_key(minutes)] if minutes else 0)


def _day_word(word: str) -> int | None:
    if word in MONTH_WORDS:  # "mars" is no Tuesday
        return None
    for name in (word, word[:-1] if word.endswith("s") else word):
        if name in DAY_NAMES:
            return DAY_NAMES[name]
        if name in _ABBREVIATIONS:
            return _ABBREVIATIONS[name]
    if len(word) >= 4 and word not in _KNOWN:
        for name, day in DAY_NAMES.items():  # "lndi", "samdi", "mecredi", "vendrdi"
            if one_edit_apart(word, name) or one_edit_apart(word, name + "s"):
                return day
    return None


def lex(folded: Folded) -> list[Token]:
    """Tokens in order; spaces, colons and brackets are dropped."""
    tokens: list[Token] = []
    for match in _LEXEMES.finditer(folded.text):
        kind, text = match.lastgroup or "", match.group()
        token = Token(kind, text, match.start(), match.end())
        if kind == "spelled":
            token.kind, token.value = "time", _spelled(match)
        elif kind == "time":
            token.value = clock_minutes(text)
            if token.value is None:
                token.kind = "word"
        elif kind == "num":
            token.value = int(text)
        elif kind == "word":
            day = _day_word(text)
            if day is not None:
                token.kind, token.value = "day", [day]
            else:
                common = text in FILLER or text in COMMON_FRENCH
                token.kind = KEYWORDS.get(text, "filler" if common else "word")
                if text in _RANGE_ONLY:  # a day only if a range follows; else what it was
                    token.fallback, token.value = token.kind, [_RANGE_ONLY[text]]
                    token.kind = "short_day"
        tokens.append(token)
    return _join_day_ranges(tokens)


def _days_between(first: int, last: int) -> list[int]:
    return [(first + i) % 7 for i in range((last - first) % 7 + 1)]


def _join_day_ranges(tokens: list[Token]) -> list[Token]:
    """ "lundi au samedi", "mar-sam", "lu-ve", "Tuesday to Saturday" become one day token."""
    tokens = [t for n, t in enumerate(tokens) if not _abbreviation_dot(tokens, n)]
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.kind == "day" and i + 3 < len(tokens) and tokens[i + 1].kind in _HALF:
            link, other = tokens[i + 2], tokens[i + 3]  # "du lundi après-midi au samedi"
            if link.kind in ("dash", "to", "until") and other.kind == "day":
                rest = _days_between(token.value[0], other.value[0])[1:]  # type: ignore[index]
                out += [token, tokens[i + 1], Token("and", "", link.start, link.end)]
                out.append(Token("day", other.text, other.start, other.end, rest))
                i += 4
                continue
        if token.kind in ("day", "short_day") and i + 2 < len(tokens):
            link, other = tokens[i + 1], tokens[i + 2]
            linked = link.kind == "dash" or link.kind == "to" or link.kind == "until"
            if linked and other.kind in ("day", "short_day"):
                days = _days_between(token.value[0], other.value[0])  # type: ignore[index]
                out.append(Token("day", token.text, token.start, other.end, days))
                i += 3
                continue
        if token.kind == "short_day":
            timed = i + 1 < len(tokens) and tokens[i + 1].kind in ("time", "num")  # "lu 14-19"
            token.kind = "day" if _listed(tokens, i) or timed else token.fallback
        if token.kind == "day" and (_is_a_date(tokens, i) or (out and out[-1].kind == "ordinal")):
            token.kind = "word"  # "le lundi 28 décembre", "le 2e dimanche": not every Monday

        out.append(token)
        i += 1
    return out


def _listed(tokens: list[Token], i: int) -> bool:
    """ "Lu, Ma, Je, Ve": short days stand alone only in a list of days."""
    for near in (i - 1, i + 1):  # "lu ma me je ve"
        if 0 <= near < len(tokens) and tokens[near].fallback:  # another short day
            return True
    for step in (-2, 2):
        link, other = (
            (tokens[i + step // 2], tokens[i + step])
            if 0 <= i + step < len(tokens)
            else (None, None)
        )
        if (
            link
            and other
            and link.kind in ("comma", "and", "slash")
            and other.kind in ("day", "short_day")
        ):
            return True
    return False


def _abbreviation_dot(tokens: list[Token], n: int) -> bool:
    """ "Lun. Mar. Jeu.", "mar.-sam.": the dot ends a word, not a sentence."""
    if n == 0 or tokens[n].text != "." or tokens[n - 1].end != tokens[n].start:
        return False
    before = tokens[n - 1]
    short = before.text in _ABBREVIATIONS or before.text in _RANGE_ONLY
    return before.kind in ("day", "short_day") and short


def _is_a_date(tokens: list[Token], i: int) -> bool:
    after = tokens[i + 1 : i + 3]
    return (
        len(after) == 2
        and after[0].kind in ("num", "ordinal")
        and after[1].kind == "word"
        and after[1].text in MONTH_WORDS
    )


def skip(tokens: list[Token], j: int, kinds: set[str]) -> int:
    while j < len(tokens) and tokens[j].kind in kinds:
        j += 1
    return j


def at(tokens: list[Token], k: int) -> Token | None:
    return tokens[k] if k < len(tokens) else None


def runs(tokens: list[Token], unread: list[tuple[int, int]]) -> list[Token]:
    """Runs of times become `spans` (paired in order) or `end` ("jusqu'à 21h") tokens."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        if tokens[i].kind not in ("time", "num", "allday"):
            out.append(tokens[i])
            i += 1
            continue
        if tokens[i].kind == "allday":
            out.append(Token("spans", tokens[i].text, tokens[i].start, tokens[i].end, [(0, 1440)]))
            i += 1
            continue
        run, j = [tokens[i]], i + 1
        while True:
            k = j
            while k < len(tokens) and _connects(tokens[k]) and k - j < 3:
                k += 1
            if k < len(tokens) and _is_time(tokens, k):
                run.append(tokens[k])
                j = k + 1
            else:
                break
        before = [t for t in out if t.kind != "of"][-1:]
        after = at(tokens, skip(tokens, j, {"of", "filler"}))
        days_after = bool(after and after.kind in DAYLIKE)
        days = bool(before and before[0].kind in DAYLIKE) or days_after
        if run[0].text == "midi" and len(run) % 2 and before and before[0].kind in DAYLIKE:
            out.append(Token("lunch", "midi", run[0].start, run[0].end))  # "le samedi midi"
            i += 1
            continue
        token = _read_run(run, before[0].kind if before else "", days)
        single = token is None or (token.kind == "end" and before and before[0].kind == "until")
        if single and len(run) == 1 and run[0].kind == "time" and days_after:
            token = Token("end_next", "", run[0].start, run[0].end, run[0].value)  # "18h le samedi"
        out.append(token or Token("word", "", run[0].start, run[-1].end))
        i = j
    return out


def _connects(token: Token) -> bool:
    return token.kind in _CONNECT or token.text == "|"  # "9:00 - 12:30 | 14:00 - 18:00"


def _is_time(tokens: list[Token], k: int) -> bool:
    token = tokens[k]
    if token.kind == "time":
        return True
    following = tokens[k + 1] if k + 1 < len(tokens) else None
    dated = following is not None and following.kind == "word"
    after_slash = tokens[k + 2] if k + 2 < len(tokens) else None
    if following is not None and following.kind == "slash" and after_slash is not None:
        dated = after_slash.kind == "num" and not _slashed_hours(tokens, k)  # "24/12"
    return token.kind == "num" and int(token.value) <= 24 and not dated  # type: ignore[call-overload]


def _slashed_hours(tokens: list[Token], k: int) -> bool:
    """ "9/12 14/19": pairs of bare hours, not dates, once one of them can't be a month."""
    while k >= 1 and tokens[k - 1].kind in ("num", "slash"):
        k -= 1
    numbers: list[int] = []
    while k < len(tokens) and tokens[k].kind in ("num", "slash"):
        if tokens[k].kind == "num":
            numbers.append(int(tokens[k].value))  # type: ignore[call-overload]
        k += 1
    return len(numbers) >= 2 and max(numbers) <= 24 and max(numbers[1::2], default=0) > 12


def _read_run(run: list[Token], marker: str, beside_days: bool) -> Token | None:
    """Times paired in order; bare numbers alone only right beside days ("lun-ven 9-18")."""
    start, end = run[0].start, run[-1].end
    if not beside_days and not any(t.kind == "time" for t in run):
        return None
    minutes = [int(t.value) if t.kind == "time" else int(t.value) * 60 for t in run]  # type: ignore[call-overload]
    if len(minutes) == 1:
        return Token("end", "", start, end, minutes[0]) if marker == "until" else None
    if len(minutes) % 2:
        return None
    bare = all(t.kind == "num" for t in run)
    spans: list[Span] = []
    for a, b in zip(minutes[::2], minutes[1::2], strict=True):
        a = 0 if a == 1440 else a  # "de minuit à 6h"
        if bare and b <= a and b <= 12 * 60:
            b += 12 * 60  # "Monday-Friday 9-5"
        if not a < b <= 1440:
            return None
        spans.append((a, b))
    return Token("spans", "", start, end, spans)
