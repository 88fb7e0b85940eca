"""Accuracy of a caption parser on the corpus: `python -m tests.corpora.score [-v]`."""

import sys
from collections.abc import Callable
from typing import Any

from tests.corpora import accuracy, rows

Row = tuple[str, str, int | None, int | None, str]


def caption_rows(name: str) -> list[Row]:
    """The captions of corpus file `name`, with name, price, stock and description expected."""
    cases = []
    for row in rows(name):
        caption, shown_name, price, stock, description = [*row, "", "", "", ""][:5]
        cases.append(
            (
                caption.replace("\\n", "\n"),
                shown_name,
                int(price) if price else None,
                int(stock) if stock else None,
                description.replace("\\n", "\n"),
            )
        )
    return cases


TUNED = caption_rows("captions.tsv")
HELD_OUT = caption_rows("captions_heldout.tsv")


def answer(parse: Callable[[str], Any], caption: str) -> tuple[Any, ...]:
    """Name, price, stock and description as read by `parse`."""
    parsed = parse(caption)
    return (parsed.name, parsed.price_cents, parsed.stock, parsed.description)


def misreads(parse: Callable[[str], Any], cases: list[Row]) -> list[tuple[str, tuple, tuple]]:
    """The cases whose whole answer is not the expected one: (caption, expected, read)."""
    wrong = []
    for caption, *expected in cases:
        got = answer(parse, caption)
        if got != tuple(expected):
            wrong.append((caption, tuple(expected), got))
    return wrong


def report(parse: Callable[[str], Any], verbose: bool = False) -> dict[str, float]:
    """Print the accuracy on the tuned and held-out parts; return them."""
    scores = {}
    for part, cases in (("tuned", TUNED), ("held-out", HELD_OUT)):
        wrong = misreads(parse, cases)
        scores[part] = 1 - len(wrong) / len(cases)
        print(f"captions {part}: {accuracy(len(cases) - len(wrong), len(cases))}")
        if verbose:
            for caption, expected, got in wrong:
                print(f"  {caption!r}\n    expected {expected}\n    read     {got}")
    return scores


if __name__ == "__main__":
    from store.parsing.caption import parse_caption

    report(parse_caption, verbose="-v" in sys.argv)
