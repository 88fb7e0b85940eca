"""What the hours and closures readers share: folded text that remembers where each letter came
from, so the words not understood can be said back as the merchant typed them."""

import re
from dataclasses import dataclass

from stop_words import get_stop_words

from store.search import fold

# French function words ("votre", "sont", "chez") are never said back as not understood; those
# that change what a schedule means stay meaningful: they are read, or said back.
MEANINGFUL = {
    "pas", "sans", "ni", "ne", "n", "avant", "apres", "depuis", "moins", "hors", "sauf",
    "excepte", "hormis", "jusque", "pendant", "entre", "plus", "aucun", "aucuns", "durant",
    "fors", "outre", "nonobstant", "malgre", "point", "deux", "seulement", "debut", "tous",
    "tout", "toutes", "chaque", "fois", "suivant", "nouveau", "nouveaux", "ou", "si", "mais",
    "quand", "lors", "vers", "environ", "des", "ici", "autre", "autres", "maintenant", "haut",
}  # fmt: skip
COMMON_FRENCH = frozenset(fold(w).strip("'.") for w in get_stop_words("fr")) - MEANINGFUL


@dataclass
class Token:
    """One lexeme of the folded text: its kind, its folded text and where it sits."""

    kind: str
    text: str
    start: int
    end: int
    value: object = None
    fallback: str = ""  # what a two-letter day is when no range follows ("me", "sa")


class Folded:
    """`text` folded (lower case, no accents) with, for each folded letter, its place in `raw`."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        letters: list[str] = []
        self.origin: list[int] = []
        for index, char in enumerate(raw):
            for letter in fold(char):
                letters.append(letter)
                self.origin.append(index)
        self.text = "".join(letters)

    def original(self, start: int, end: int) -> str:
        """The raw text behind folded letters start..end."""
        if start >= end:
            return ""
        return self.raw[self.origin[start] : self.origin[end - 1] + 1]


def unread_parts(folded: Folded, spans: list[tuple[int, int]], filler: set[str]) -> list[str]:
    """Unread spans joined into the phrases to say back, in the merchant's spelling.

    Two spans are one phrase when only punctuation and `filler` words sit between them.
    """
    parts: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        gap = folded.text[parts[-1][1] : start] if parts else ""
        if parts and all(word in filler for word in re.findall(r"[a-z0-9]+", gap)):
            parts[-1] = (parts[-1][0], max(end, parts[-1][1]))
        else:
            parts.append((start, end))
    return [folded.original(a, b).strip(" ,;:.-/") for a, b in parts]


def one_edit_apart(word: str, target: str) -> bool:
    """True when one letter added, removed, changed or two swapped turns `word` into `target`."""
    if word == target or abs(len(word) - len(target)) > 1:
        return word == target
    if len(word) == len(target):
        diff = [i for i, (a, b) in enumerate(zip(word, target, strict=True)) if a != b]
        if len(diff) == 1:
            return True
        if len(diff) != 2 or diff[1] != diff[0] + 1:
            return False
        i = diff[0]
        return word[i] == target[i + 1] and word[i + 1] == target[i]
    short, long = sorted((word, target), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))
