"""The words of closure notices: months, weekdays, holidays, the lexemes `closures.py` reads and
the words that carry no date ("boutique", "congés", "merci")."""

import re
from collections.abc import Callable
from datetime import date, timedelta

from dateutil.easter import easter
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from store.parsing.reading import COMMON_FRENCH, MEANINGFUL, Token, one_edit_apart

MONTHS = {
    "janvier": 1, "janv": 1, "jan": 1, "january": 1, "fevrier": 2, "fevr": 2, "fev": 2,
    "february": 2, "feb": 2, "mars": 3, "march": 3, "avril": 4, "avr": 4, "april": 4, "apr": 4,
    "mai": 5, "may": 5, "juin": 6, "june": 6, "jun": 6, "juillet": 7, "juil": 7, "july": 7,
    "jul": 7, "aout": 8, "august": 8, "aug": 8, "septembre": 9, "sept": 9, "sep": 9,
    "september": 9, "octobre": 10, "oct": 10, "october": 10, "novembre": 11, "nov": 11,
    "november": 11, "decembre": 12, "dec": 12, "december": 12,
}  # fmt: skip
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
WEEKDAYS = ("lun", "mar", "mer", "jeu", "ven", "sam", "dim")
ENGLISH = {"mon": "lun", "tue": "mar", "wed": "mer", "thu": "jeu", "fri": "ven", "sat": "sam"}
ENGLISH["sun"] = "dim"
_WEEKDAY = r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lun|mar|mer|jeu|ven|sam|dim)"
_JUSQU = r"(?:jusqu|jusq|jsqu?)"
_ENGLISH_DAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"

HOLIDAYS: dict[str, Callable[[int], date]] = {
    "noel": lambda y: date(y, 12, 25),
    "an": lambda y: date(y, 1, 1),
    "sylvestre": lambda y: date(y, 12, 31),
    "paques": lambda y: easter(y) + timedelta(days=1),  # shops close on Easter Monday
    "ascension": lambda y: easter(y) + timedelta(days=39),
    "pentecote": lambda y: easter(y) + timedelta(days=50),
    "toussaint": lambda y: date(y, 11, 1),
    "armistice": lambda y: date(y, 11, 11),
    "travail": lambda y: date(y, 5, 1),
    "assomption": lambda y: date(y, 8, 15),
    "christmas": lambda y: date(y, 12, 25),
    "eve": lambda y: date(y, 12, 24),
    "newyear": lambda y: date(y, 1, 1),
    "newyeareve": lambda y: date(y, 12, 31),
    "boxing": lambda y: date(y, 12, 26),
    "easter": lambda y: easter(y) + timedelta(days=1),
}
HOLIDAY_GROUPS = {"h15": "eve", "h16": "boxing"}  # "la veille de Noël", "le lendemain de Noël"
_COUNT = (
    r"\d{1,2}|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|quinze|two|three|four|five|seven|ten"
)
_FEW = "deux|trois|quatre|cinq|two|three|four|five"  # "les 2 prochains samedis"
NUMBERS = {"deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8}
NUMBERS |= {"neuf": 9, "dix": 10, "quinze": 15, "two": 2, "three": 3, "four": 4, "five": 5}
NUMBERS |= {"seven": 7, "ten": 10}
# "vacances de février": a month to read the days after it with; the other school holidays
# differ by zone and year, so they are said back unless dates are typed beside them
SCHOOL_MONTHS = {"fevrier": 2, "noel": 12}
LEXEMES = re.compile(
    r"(?P<school>\bvacances\s+(?:scolaires|de\s+(?:la\s+)?(?P<sm>toussaint|noel|fevrier|paques"
    r"|printemps)|d\s*'?\s*(?:hiver|ete)|(?:de\s+la\s+)?zone\s+[abc])\b"
    r"|\b(?:school|half[\s-]*term)\s+holidays?\b|\bhalf[\s-]*term\b)"
    rf"|(?P<monthpart>\b(?:les\s+)?(?P<fn>{_COUNT})\s+(?P<fw>premiers|derniers)\s+jours\s+"
    rf"(?:du\s+mois\s+)?(?:de\s+|d\s*'?\s*)(?P<fm>{_MONTH})\b"
    rf"|\b(?:the\s+)?(?P<fw2>first|last)\s+(?P<fn2>{_COUNT})\s+days\s+(?:of|in)\s+(?P<fm2>{_MONTH})\b"
    r"|(?:\b(?:la|the)\s+)?(?P<fq>premiere|1\s*ere|deuxieme|seconde|2\s*(?:e|eme|nde)|derniere|first|second"
    rf"|last)\s+(?:quinzaine|half)\s+(?:de\s+|d\s*'?\s*|of\s+)(?P<fm3>{_MONTH})\b)"
    r"|(?P<whole>\bt(?:ou)?te\s+la\s+journee\b|\bjournee\s+(?:entiere|complete)\b|\ball\s+day\b"
    r"|\bfull\s+day\b)"
    r"|(?P<excluded>\bnon\s+(?:inclus|compris)e?s?\b|\bexclu(?:s|e|es)?\b|\bexclusivement\b"
    r"|\bexcluded\b|\bexclusive\b|\bnot\s+included\b)"
    r"|(?P<aside>\bpont(?:\s+(?:du|de\s+l\s*'?|de\s+la)\s*(?:\d{1,2}\s*(?:er)?(?:\s+[a-z]+)?"
    r"|ascension|toussaint|armistice|assomption|noel|paques|pentecote))?\b"
    r"|\b(?:le\s+)?reste\s+de\s+la\s+semaine\b|\b(?:les\s+)?autres\s+jours\b|\baux\s+horaires\s+habituels\b"
    r"|\bcomme\s+d\s*'?\s*habitude\b|\bas\s+usual\b|\b(?:apres|after)\s+(?:les\s+|nos\s+|the\s+)?"
    r"(?:conges|vacances|fetes|holidays)\b)"
    r"|(?P<longhours>\b(?:36|48|72|96)\s*h(?:eures)?\b(?!\s*\d))"  # "fermé 48h": two days
    r"|(?P<greeting>\b(?:joyeux|joyeuses|bon|bonne|bonnes|belles?|happy|merry)\s+(?:fetes?\s+de\s+)?"
    r"(?:noel|christmas|new\s+year|paques|easter)\b)"
    r"|(?P<undecided>\b(?:(?:je\s+|on\s+)?(?:ne\s+|n\s*'?\s*)?(?:sais|sait|savons|connais)\s+pas"
    r"|pas\s+encore\s+(?:decide|sur|sure|fixe|prevu)e?s?|(?:je|nous)\s+vous\s+(?:dirai|dirons|tiens"
    r"|tiendrai|tiendrons)|on\s+(?:vous\s+)?(?:verra|dira|tiendra)|a\s+(?:voir|definir|confirmer"
    r"|determiner)|not\s+sure|don\s*'?\s*t\s+know|dunno|tbd|tba)\b)"
    r"|(?P<stayopen>\b(?:reste|restons|restera|resterons|restent|resteront|stay|staying|remain"
    r"|remains|remaining)\s+(?:ouverte?s?|open)\b)"  # "on reste ouvert tout le mois": no closure
    r"|(?P<nonstop>\bnon[\s-]*stop\b)"  # hours, not "non"
    rf"|(?P<nextcount>\b(?:les\s+|the\s+)?(?P<cn>[1-9]|{_FEW})\s+(?:prochaine?s|next)\s+"
    rf"(?P<cw>{_WEEKDAY}|{_ENGLISH_DAY})s?\b|\bnext\s+(?P<cn2>[1-9]|{_FEW})\s+(?P<cw2>{_ENGLISH_DAY})s\b)"
    rf"|(?P<weekly>(?:tous\s+les|chaque)\s+{_WEEKDAY}s?\b)"
    r"|(?P<holiday>(?:le\s+)?(?:lundi\s+de\s+)?(?P<h1>paques)|(?:jeudi\s+de\s+l\s*'?\s*)?(?P<h2>ascension)"
    r"|(?:lundi\s+de\s+)?(?P<h3>pentecote)|veille\s+de\s+(?P<h15>noel)|lendemain\s+de\s+(?P<h16>noel)"
    r"|(?P<h4>noel)|(?:jour|nouvel|premier|1\s*er)\s+(?:de\s+l\s*'?\s*)?(?P<h5>an)\b"
    r"|saint[\s-]*(?P<h6>sylvestre)|(?P<h7>toussaint|armistice|assomption)|fete\s+du\s+(?P<h8>travail)"
    r"|(?P<h9>christmas|xmas)(?:\s+day)?\b(?!\s+eve)|(?P<h10>(?:christmas|xmas)\s+eve)|new\s+year\s*'?\s*s?\s+(?P<h11>eve)"
    r"|(?P<h12>new\s+year)\s*'?\s*s?(?:\s+day)?|(?P<h13>boxing)\s+day|(?P<h14>easter)(?:\s+monday)?)"
    r"|(?P<relative>apres[\s-]*demain|demain|aujourd\s*'?\s*hui|auj\b\.?|\bajd\b|\bajrd\b|\baujd\b|tomorrow"
    r"|today)"
    rf"|(?P<thisday>\b(?:ce|this)\s+(?P<wd>{_WEEKDAY}|{_ENGLISH_DAY})\b(?!\s*\d))"
    rf"|(?P<nextday>\b(?P<nd2>{_WEEKDAY})\s+prochaine?s?\b|\bnext\s+(?P<nd3>{_ENGLISH_DAY})\b)"
    rf"|(?P<wholemonth>\b(?:(?:(?:pendant|durant)\s+)?(?:tout|pendant|durant)\s+(?:le\s+mois\s+(?:d\s*'?\s*|de\s+))?"
    r"|all\s+of\s+(?:the\s+month\s+of\s+)?|(?:the\s+)?(?:whole|entire)\s+(?:month\s+)?of\s+"
    rf"|all\s+(?=(?:{_MONTH})\b))(?P<wm>{_MONTH})\b)"
    r"|(?P<weekend>\b(?:ce|this)\s+week[\s-]*end\b|\bweek[\s-]*end\s+prochain\b|\bnext\s+weekend\b)"
    r"|(?P<nextweek>\bsemaine\s+(?:prochaine|pro|proch)\b|\bprochaine\s+semaine\b|\bnext\s+week\b)"
    r"|(?P<between>\bentre\b|\bbetween\b)"
    r"|(?P<partial>apres[\s-]*midi|aprem|\bapm\b\.?|\bap\s*[-.]\s*m\b\.?|\bmat\b\.?|matin(?:ee)?|soir(?:ee)?|midi|a\s+partir\s+de|des(?=\s*\d{1,2}\s*[h:])"
    r"|(?:apres|avant|after|before)(?=\s*\d{1,2}\s*[h:])|\d{1,2}\s*h\s*\d{0,2}|\d{1,2}:\d{2}|\d{1,2}\s*[ap]\.?m\b\.?|afternoon|morning|evening)"
    r"|(?P<unless>\b(?:sauf|excepte|hormis|except)\b)"
    r"|(?P<weekof>\bsemaine\b(?=\s+du\s+\d{1,2}\s*(?:er)?\s+au\b))"  # "cette semaine du 14 au 19"
    r"|(?P<weekfrom>\bsemaine\s+du\b)"  # "toute la semaine du 4 janvier"
    r"|(?P<since>a\s+partir\s+du|a\s+compter\s+du|from\s+the)"
    rf"|(?P<until>{_JUSQU}\s*['’]?\s*au|\buntil+\b|\btill?\b|\bup\s+to\b"
    rf"|{_JUSQU}\s*['’]?\s*a\b(?=\s+(?:ce\s+)?(?:{_WEEKDAY}|demain))|\bjsqu?\b(?=\s*\d))"
    r"|(?P<reopen>reouverture|\bre?ouvr[a-z]*|reprise|\brepren[a-z]*|retour"
    r"|reopen(?:s|ing|ed)?\b|\breviens?\b|\brevient\b|\brevenons\b|retrouvons|retrouve|retrouvez"
    r"|\bback\s+on\b|\bback\s+(?=\d))"
    r"|(?P<open>\bouverte?s?\b|\bouverture\b|\bopen\b)"
    r"|(?P<duration>\b(?:(?P<dn>\d+)\s*|(?P<dw>une?|one|a)\s+)"
    r"(?P<du>j|jrs?|jours?|semaines?|sem|mois|weeks?|days?)\b"
    r"|\b(?:quelques|qq|qlq)\s+(?:jours|jrs?|j)\b"
    rf"|\b(?:[1-9]|{_FEW})\s+(?:prochains|derniers|next)\s+(?:jours|days)\b"  # from when? vague
    r"|\bquinzaine\b)"
    rf"|(?P<daylist>\b\d{{1,2}}(?:\s*/\s*\d{{1,2}})+\s+(?:{_MONTH})\b)"  # "24/25/26 déc"
    r"|(?P<numdate>(?P<nd>\d{1,2})\s*[/.]\s*(?P<nm>\d{1,2})(?:\s*[/.]\s*(?P<ny>\d{4}|\d{2}))?(?!\d))"
    r"|(?P<dashdate>\b(?P<xd>\d{1,2})-(?P<xm>0[1-9]|1[0-2])-(?P<xy>\d{4}|\d{2})\b"
    r"|\b(?P<xd2>1[3-9]|2\d|3[01]|0[1-9])-(?P<xm2>0[1-9]|1[0-2])\b(?![-/.]))"  # "le 24-12"
    r"|(?P<year>\b20\d\d\b)"
    rf"|(?P<monthday>(?P<mm>{_MONTH})\.?\s+(?P<md>\d{{1,2}})(?:st|nd|rd|th)?\b)"
    rf"|(?P<daymonth>(?P<dd>\d{{1,2}})\s*(?:er|ere|e|st|nd|rd|th)?\s+(?P<dm>{_MONTH})\b"
    r"(?:(?<=dec|jan|fev|avr|oct|nov|sep|aug|feb|apr|jul|jun)\.|(?<=janv|fevr|juil|sept)\.)?)"
    r"|(?P<day>\d{1,2}\s*(?:er|ere|e|st|nd|rd|th)?\b)"
    rf"|(?P<weekday>\b{_WEEKDAY}s?\b\.?|\b{_ENGLISH_DAY}\b|\b(?:mon|tue|wed|thu|fri|sat|sun)\b\.?(?=\s*\d))"
    r"|(?P<range>-|–|—|→|->|>|\bau\b|\ba\b|\bto\b|\bjusqu\b|\bjsqu?\b|\bthrough\b|\bthru\b)"
    r"|(?P<list>,|&|\+|\bet\b|\band\b|\bainsi\s+que\b|\bpuis\b|\bplus\b)"
    r"|(?P<word>[a-z0-9]+)"
    r"|(?P<sep>[;.!?\n])"
)
NOTHING = {"aucune", "aucun", "rien", "non", "none", "no", "pas", "nothing", "neant", "nope"}
NOTHING |= {"jamais", "never"}  # "on ne ferme jamais"
FILLER = {
    "ferme", "fermee", "fermes", "fermees", "fermeture", "fermetures", "fermons", "ferment",
    "exceptionnelle", "exceptionnelles", "exceptionnel", "exceptionnellement", "conges", "conge",
    "annuels", "annuel", "annuelle", "annuelles", "vacances", "estivale", "estivales", "ete", "d",
    "l", "le", "la", "les", "du", "de", "des", "pour", "nous", "serons", "sera", "seront",
    "sommes", "magasin", "boutique", "inclus", "incluse", "inclusivement", "compris", "y", "on",
    "closed", "close", "from", "the", "merci", "prevu", "prevue", "prevues", "prevus",
    "inventaire", "travaux", "fetes", "bonnes", "bientot", "ce", "cette", "en", "lundi", "mardi",
    "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "lun", "mar", "mer", "jeu", "ven",
    "sam", "dim", "lundis", "mardis", "mercredis", "jeudis", "vendredis", "samedis", "dimanches",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "we", "will",
    "be", "is", "shop", "store", "for", "holidays", "holiday", "jour", "jours", "ferie", "feries",
    "exception", "repos", "cause", "raison", "familiale", "familiales", "personnelle", "aux",
    "notre", "nos", "vous", "tous", "toutes", "tout", "belles", "belle", "bonne", "joyeuses",
    "joyeux", "pendant", "raisons", "week", "end", "weekend", "toute", "journee", "entiere",
    "complete", "serai", "suis", "clients", "fidele", "fideles", "a", "au", "remercions",
    "comprehension", "votre", *NOTHING, "est", "c", "ces", "cet", "il", "elle", "ils", "que",
    "qui", "par", "avec", "chez", "vos", "leur", "leurs", "bienvenue", "welcome", "tres", "plus",
    "info", "infos", "contact", "contactez", "appelez", "n", "hesitez", "pas", "sont", "annee",
    "nouvelle", "nouvel", "excellentes", "excellente", "famille", "familial", "familiaux", "suite",
    "demenagement", "formation", "prochainement", "soyez", "desole",
    "desolee", "desoles", "occasion", "fermerons", "fermera", "fermeront", "fermer", "rouvrira",
    "hiver", "printemps", "automne", "commande", "commandes", "livraisons", "livraison",
    "retraits", "pensez", "anticiper", "achats", "chers", "cher", "chere", "cheres", "clientes",
    "ses", "sa", "son", "portes", "porte", "rideau", "un", "une", "prenons", "prendre", "prend",
    "partons", "quelques", "peu", "petit", "petite", "pause", "break", "off", "bien", "merite",
    "meritee", "meritees", "attention", "important", "avis", "annonce", "nb", "rappel",
    "absent", "absente", "absents", "absentes", "fin", "deuil", "sante", "maladie", "deces",
    "closure", "closures", "annual", "happy", "reveillon", "salon", "atelier", "boulangerie",
    "patisserie", "boucherie", "charcuterie", "fromagerie", "epicerie", "librairie", "pharmacie",
    "fleuriste", "cave", "restaurant", "cafe", "bar", "institut", "cabinet", "garage", "agence",
    "informons", "informe", "informer", "signaler", "signalons", "our", "are",
    "exceptionally", "annually", "vacation", "vacations", "at", "all", "of", "planned",
    "pr", "ts", "tt", "tte", "ttes", "pdt", "ds", "svp", "stp", "bcp", "re", "ll", "s", "m",
    "ve", "renovation", "renovations", "refurbishment", "refurbishments", "refurbished",
    "refection", "reamenagement", "amenagement", "maintenance", "works", "closing", "shut",
    "due", "illness", "sick", "family", "reasons", "personal", "staff", "training",
    "stocktaking", "inventory", "leave", "sorry", "apologies", "inconvenience", "any", "also",
    "part", "pars", "partir", "partirons", "partira", "partent", "including", "inclusive",
    "included", "inclusives", "incluses", "comprises", "comprise", "dear", "customers", "please",
    "note", "that", "your", "thank", "thanks", "you", "slt", "dsl", "bjr", "bsr", "cc", "mrc",
    "mci", "hivernale", "hivernal", "hivernales", "estival", "summer", "winter", "christmas",
    "professionnel", "professionnels", "professionnelle", "incl", "excl", "reste", "restera",
    "resteront", "normalement", "usual", "hours", "habituels", "habituel", "horaires", "qq",
    "seulement", "uniquement", "oui", "ouais", "yes", "yep", "only", "ne",
}  # fmt: skip
_MONTH_NAMES = ["janvier", "fevrier", "avril", "juillet", "septembre", "octobre", "novembre"]
_MONTH_NAMES += ["decembre"]  # not "march": "marche" (the market) is one letter off
_TYPO_TARGETS = sorted(w for w in FILLER if len(w) >= 5 and w not in NOTHING)
_LONG_TARGETS = [w for w in _TYPO_TARGETS if len(w) >= 9]
_EDITS = Levenshtein.distance


def fix_typos(tokens: list[Token]) -> None:
    """A word one letter off a month ("decmbre", "fevier") or a notice's word ("frmé",
    "exeptionnelle", "conger") is read as that word."""
    for token in tokens:
        word = token.text
        if token.kind != "word" or len(word) < 4 or word in COMMON_FRENCH or word in MEANINGFUL:
            continue
        month = next((m for m in _MONTH_NAMES if one_edit_apart(word, m)), None)
        if month is not None:
            token.kind, token.value = "month", MONTHS[month]
        elif any(one_edit_apart(word, target) for target in _TYPO_TARGETS):
            token.kind = "filler"
        elif len(word) >= 9 and process.extractOne(
            word, _LONG_TARGETS, scorer=_EDITS, score_cutoff=2
        ):
            token.kind = "filler"  # two letters off a long word: "exeptionelle"
