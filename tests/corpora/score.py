"""Accuracy of a caption parser on the corpus: `python -m tests.corpora.score [-v]`."""

import sys
from collections.abc import Callable
from typing import Any

from tests.corpora.captions import HELD_OUT, TUNED, Row


def shown(name: str) -> str:
    """The name as the bot stores it: a capital first letter."""
    return name[:1].upper() + name[1:]


def answer(parse: Callable[[str], Any], caption: str) -> tuple[Any, ...]:
    """Name, price, stock and description as read by `parse`."""
    parsed = parse(caption)
    return (shown(parsed.name), parsed.price_cents, parsed.stock, parsed.description)


def misreads(parse: Callable[[str], Any], rows: list[Row]) -> list[tuple[str, tuple, tuple]]:
    """The rows whose whole answer is not the expected one: (caption, expected, read)."""
    wrong = []
    for caption, *expected in rows:
        got = answer(parse, caption)
        if got != tuple(expected):
            wrong.append((caption, tuple(expected), got))
    return wrong


def report(parse: Callable[[str], Any], verbose: bool = False) -> dict[str, float]:
    """Print the accuracy on the tuned and held-out parts; return them."""
    scores = {}
    for part, rows in (("tuned", TUNED), ("held-out", HELD_OUT)):
        wrong = misreads(parse, rows)
        scores[part] = 1 - len(wrong) / len(rows)
        print(f"captions {part}: {len(rows) - len(wrong)}/{len(rows)} = {scores[part]:.1%}")
        if verbose:
            for caption, expected, got in wrong:
                print(f"  {caption!r}\n    expected {expected}\n    read     {got}")
    return scores


if __name__ == "__main__":
    from store.parsing.caption import parse_caption

    report(parse_caption, verbose="-v" in sys.argv)
