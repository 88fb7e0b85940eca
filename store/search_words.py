"""The words of a search: folding, stop words, plural forms, synonyms and a town's vocabulary.

A query becomes `Term`s, each a set of alternatives any of which may match ("bonnets" ->
bonnet | bonnets | ...; "bread" -> bread | pain | baguette). When the exact words find
nothing, the town's vocabulary (every word its items and shops were indexed with, kept in
`search_word` by triggers) supplies the forms sharing a stem, the corrections of a typo
(rapidfuzz: one edit from 5 letters, two from 9) and the closest words for "did you mean".
"""

import re
import unicodedata
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import Stemmer
from rapidfuzz import process
from rapidfuzz.distance import OSA

from store.search_synonyms import SYNONYMS_TEXT as _SYNONYMS

STOPWORDS = frozenset(
    """a au aux avec de des du en et la le les l d un une pour par sur chez ou
    je j tu il elle on nous vous ils elles me moi ma mon mes ta ton tes sa son ses votre vos
    notre nos ce cet cette ces qu que qui quoi est sont y ya avez as ai avoir faut
    cherche cherches recherche recherches veux voudrais voudrait aimerais souhaite
    bonjour salut svp stp merci please
    the of and for to in on with an some any do you have has is are there i im my me
    looking want need buy
    homme hommes femme femmes enfant enfants bebe bebes fille filles garcon garcons mixte
    men women kid kids child children baby""".split()
)
MAX_TERMS = 8
WORD = re.compile(r"[^\W_]+")


def fold(value: str) -> str:
    """Lower case, accents and ligatures removed: the form both indexes compare."""
    value = value.lower().replace("œ", "oe").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=200_000)
def _words_of(written: str) -> tuple[str, ...]:
    """The words of one indexed word as written ("Crème," -> creme); towns share most."""
    return tuple(w for w in WORD.findall(fold(written)) if not w.isdigit())


def base(word: str) -> str:
    """A word without its plural ending, so both forms compare: "bijoux" -> "bijou"."""
    if len(word) > 3 and word[-1] in "sx":
        return word[:-1]
    return word


SUFFIXES = ("", "s", "x", "e", "es")


def forms(word: str) -> list[str]:
    """A word as it may be written in an item: "bleu" -> bleu, bleus, bleux, bleue, bleues."""
    return [word + suffix for suffix in SUFFIXES]


def _synonyms() -> dict[tuple[str, ...], list[tuple[str, ...]]]:
    table: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for line in _SYNONYMS.strip().splitlines():
        keys, _, values = line.partition(":")
        alternatives = [tuple(v.split()) for v in values.split(",")]
        for key in keys.split(","):
            words = tuple(base(w) for w in key.split())
            table[words] = alternatives
    return table


SYNONYMS = _synonyms()
LONGEST_SYNONYM = max(len(key) for key in SYNONYMS)
SYNONYM_WORDS = frozenset(key[0] for key in SYNONYMS if len(key) == 1 and len(key[0]) >= 4)

_SOUNDS = [
    (re.compile(r"(.)\1+"), r"\1"),  # doubled letters: "croisssant", "frangipanne"
    (re.compile(r"e?au"), "o"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"qu|c(?=[aou])|k"), "k"),
    (re.compile(r"(?<!c)h"), ""),
    (re.compile(r"[ae]i|ey"), "e"),
    (re.compile(r"y"), "i"),
    (re.compile(r"(?<=..)[estdx]$"), ""),  # a silent ending
]


def sound(word: str) -> str:
    """A rough French spelling-by-ear key: "pijama" and "pyjama", "croisan" and "croissant"."""
    for pattern, replacement in _SOUNDS:
        word = pattern.sub(replacement, word)
    return word


EXPAND_PREFIX = 24  # a prefix that starts more of the town's words stays a prefix
Alt = tuple[tuple[str, ...], bool]  # the words of a phrase, and whether the last is a prefix


@dataclass
class Term:
    """One thing the customer asked for and the ways an item may say it."""

    word: str  # as typed (folded), for "did you mean" and the handler
    alts: list[Alt] = field(default_factory=list)
    phrase: bool = False  # several typed words taken as one ("sapin de noel")

    def add(self, words: Iterable[str], prefix: bool = False) -> None:
        alt = (tuple(words), prefix)
        if alt[0] and alt not in self.alts:
            self.alts.append(alt)


def _single(word: str, last: bool) -> Term:
    stem = base(word)
    term = Term(word)
    for form in forms(stem):
        term.add([form])
    if last:  # the last word may be unfinished: "pull roug"
        term.add([stem], prefix=True)
    for alt in SYNONYMS.get((stem,), []):
        _add_synonym(term, alt)
    return term


def _add_synonym(term: Term, alt: tuple[str, ...]) -> None:
    if len(alt) == 1:
        for form in forms(base(alt[0])):
            term.add([form])
    else:
        term.add(alt)


def parse(query: str) -> list[Term]:
    """The terms of a query worth looking for; phrases with a synonym become one term."""
    words = WORD.findall(fold(query))
    terms: list[Term] = []
    n = 0
    while n < len(words) and len(terms) < MAX_TERMS:
        for size in range(min(LONGEST_SYNONYM, len(words) - n), 1, -1):
            key = tuple(base(w) for w in words[n : n + size])
            if key in SYNONYMS:
                term = Term(" ".join(words[n : n + size]), phrase=True)
                term.add(words[n : n + size])
                for alt in SYNONYMS[key]:
                    _add_synonym(term, alt)
                terms.append(term)
                n += size
                break
        else:
            word = words[n]
            n += 1
            # A single letter would expand to most of the index's words: it narrows nothing.
            if len(word) > 1 and word not in STOPWORDS and not word.isdigit():
                terms.append(_single(word, last=n == len(words)))
    return terms


def terms(query: str) -> list[str]:
    """The words of a query worth looking for, plural endings dropped so both forms match."""
    return [base(t.word) for t in parse(query) if not t.phrase]


def typos_allowed(word: str) -> int:
    """One typo from 5 letters, two from 9: fewer letters leave too many look-alikes."""
    return 2 if len(word) >= 9 else 1 if len(word) >= 5 else 0


class Vocabulary:
    """The words a town's items and shops are indexed with, grouped to be found again."""

    _stemmer = Stemmer.Stemmer("french")

    def __init__(self, raw: Iterable[str]) -> None:
        words = {w for text in raw for w in _words_of(text)}
        self.words = words
        self.sorted = sorted(words)

    @cached_property
    def by_base(self) -> dict[str, set[str]]:
        grouped: dict[str, set[str]] = defaultdict(set)
        for word in self.words:
            grouped[base(word)].add(word)
        return grouped

    @cached_property
    def by_stem(self) -> dict[str, set[str]]:
        grouped: dict[str, set[str]] = defaultdict(set)
        for word, stem in zip(self.sorted, self._stemmer.stemWords(self.sorted), strict=True):
            grouped[stem].add(word)
        return grouped

    @cached_property
    def bases(self) -> list[str]:
        return list(self.by_base)

    def stem(self, word: str) -> str:
        return str(self._stemmer.stemWord(word))

    def has(self, word: str, prefix: bool = False) -> bool:
        if not prefix:
            return word in self.words
        n = bisect_left(self.sorted, word)
        return n < len(self.sorted) and self.sorted[n].startswith(word)

    def matches(self, term: Term) -> bool:
        """Whether some indexed word could match the term (phrases: all of their words)."""
        return any(
            all(self.has(w, prefix and i == len(ws) - 1) for i, w in enumerate(ws))
            for ws, prefix in term.alts
        )

    def starting(self, prefix: str, most: int) -> list[str] | None:
        """The town's words that start with `prefix`; None when there are more than `most`."""
        n = bisect_left(self.sorted, prefix)
        found: list[str] = []
        while n < len(self.sorted) and self.sorted[n].startswith(prefix):
            if len(found) == most:
                return None
            found.append(self.sorted[n])
            n += 1
        return found

    def pruned(self, terms: list[Term]) -> list[list[Term]]:
        """The terms with only the alternatives the town has; none if one term has none.

        A one-word prefix ("roug*") becomes the town's words it starts ("rouge", "rouges")
        when they are few: an index looks those up in the town's share of their entries,
        where a prefix merges every town's entries of every word it starts (SQLite's FTS5
        without a prefix index: a town's search grew with the number of towns).
        """
        out = []
        for term in terms:
            alts: list[Alt] = []
            for ws, prefix in term.alts:
                if not all(self.has(w, prefix and i == len(ws) - 1) for i, w in enumerate(ws)):
                    continue
                words = self.starting(ws[0], EXPAND_PREFIX) if prefix and len(ws) == 1 else None
                if words is None:
                    alts.append((ws, prefix))
                    continue
                alts += [((w,), False) for w in words if ((w,), False) not in alts]
            alts = list(dict.fromkeys(alts))
            if not alts:
                return []
            out.append(Term(term.word, alts, term.phrase))
        return [out]

    def widen(self, term: Term) -> list[str]:
        """Add the word's relatives, its corrections if nothing matches; the corrections."""
        if term.phrase:
            return []
        stem = base(term.word)
        for word in self.by_stem.get(self.stem(stem), ()):
            term.add([word])
        if self.matches(term):
            return []
        corrections = self.correct(stem, typos_allowed(term.word))
        for word in corrections:
            for written in sorted(self.by_base.get(word, ())):
                term.add([written])
            for alt in SYNONYMS.get((word,), []):  # "chese" -> cheese -> fromage
                _add_synonym(term, alt)
        if not corrections:
            split = self.split(term.word)
            if split:
                term.add(split)
                corrections = [" ".join(split)]
        return corrections

    def correct(self, word: str, allowed: int | None = None) -> list[str]:
        """Indexed words and synonyms (without plural) within `allowed` typos (what the
        word's length allows), nearest first; failing that, the words that sound the same."""
        allowed = typos_allowed(word) if allowed is None else allowed
        if not allowed:
            return []
        found = process.extract(
            word, self.choices, scorer=OSA.distance, score_cutoff=allowed, limit=None
        )
        found.sort(key=lambda hit: (hit[1], hit[0]))
        best = found[0][1] if found else 0
        near = [hit[0] for hit in found if hit[1] == best]
        return near or sorted(self.sounds.get(sound(word), ()))

    @cached_property
    def choices(self) -> list[str]:
        """What a typo may be corrected to: the town's words, and the synonyms' own words."""
        return sorted(set(self.by_base) | SYNONYM_WORDS)

    @cached_property
    def sounds(self) -> dict[str, set[str]]:
        grouped: dict[str, set[str]] = defaultdict(set)
        for word in self.choices:
            if len(word) >= 4:
                grouped[sound(word)].add(word)
        return grouped

    def split(self, word: str) -> tuple[str, str] | None:
        """Two indexed words run together: "cerfvolant" -> ("cerf", "volant")."""
        for n in range(3, len(word) - 2):
            head, tail = word[:n], word[n:]
            if head in self.words and (tail in self.words or base(tail) in self.by_base):
                return head, tail if tail in self.words else sorted(self.by_base[base(tail)])[0]
        return None

    def suggest(self, words: list[str], limit: int = 3) -> list[str]:
        """The indexed words closest to what was typed, for "did you mean ...?"."""
        scored: dict[str, tuple[float, int]] = {}
        for word in map(base, words):
            for choice, score, _ in process.extract(
                word, self.bases, scorer=OSA.normalized_similarity, score_cutoff=0.6, limit=None
            ):
                # Equal similarity: a word of the same length (letters swapped) is likelier.
                rank = (-score, abs(len(choice) - len(word)))
                scored[choice] = min(rank, scored.get(choice, rank))
        ranked = sorted(scored, key=lambda w: (*scored[w], w))
        return [min(self.by_base[w], key=len) for w in ranked[:limit]]
