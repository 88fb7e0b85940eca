"""Opening hours and closures as shopkeepers really write them, read right as a whole.

Each corpus prints its accuracy (`pytest -s`, or `python -m tests.store.parsing.test_hours_corpus`
for every figure; `python -m tests.store.parsing.test_hours_corpus some.module` measures another
`parse_hours` / `parse_closures`, e.g. an older copy). A phrase counts as right only when the whole
answer is: the week (or the set of closed days), "sur rendez-vous" noticed, the unread part said
back exactly when there is one, and a doubtful closure (`unsure`) flagged for confirmation.
A closure phrase expected to save no day and be said back (`closures = ""`, `unread`) is also
read right when nothing at all is read (None): the merchant is then shown the whole phrase as not
understood and asked again, which says it back and saves nothing.
"""

import importlib
import sys
import tomllib
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from store.hours import DAYS

CORPORA = Path(__file__).resolve().parents[2] / "corpora"
TODAY = date(2026, 12, 8)
# fresh2 was scored once (73/83 = 87.95% first-seen) and then tuned to: a tuned set now.
# fresh3 was written after that and scored once before any change: 155/186 = 83.3% first-seen,
# under the 90%; then tuned to (184/186), so a tuned set too: its bar guards that.
# fresh4 (166 phrases, written by an outsider who read neither the parser nor the other corpora's
# phrases) scored once as the parser stood: 139/166 = 83.7% first-seen; then tuned to (164/166),
# so a tuned set too: its bar guards that.
BARS = {
    "tuned": 0.97,
    "heldout": 0.90,
    "fresh": 0.98,
    "fresh2": 0.98,
    "fresh3": 0.98,
    "fresh4": 0.98,
}
PARTS = {
    "hours": ("tuned", "heldout"),
    "closures": ("tuned", "heldout", "fresh", "fresh2", "fresh3", "fresh4"),
}


def load(name: str) -> list[dict[str, Any]]:
    with (CORPORA / f"{name}.toml").open("rb") as file:
        return list(tomllib.load(file)["cases"])


def _days(spec: str) -> list[str]:
    days: list[str] = []
    for part in spec.split(","):
        first, _, last = part.partition("-")
        start, end = DAYS.index(first), DAYS.index(last or first)
        days += DAYS[start : end + 1]
    return days


def expected_week(notation: str) -> dict[str, list[list[str]]]:
    """ "mon-fri 09:00-12:00 14:00-18:00; sat 09:00-12:00" as `Shop.hours`."""
    week: dict[str, list[list[str]]] = {}
    for group in filter(None, (g.strip() for g in notation.split(";"))):
        spec, *spans = group.split()
        for day in _days(spec):
            week[day] = [span.split("-") for span in spans]
    return {day: week[day] for day in DAYS if day in week}


def closed_days(ranges: list[list[str]]) -> set[date]:
    days: set[date] = set()
    for first, last in ranges:
        day = date.fromisoformat(first)
        while day <= date.fromisoformat(last):
            days.add(day)
            day += timedelta(days=1)
    return days


def expected_days(notation: str) -> set[date]:
    ranges = [(p.split("..") * 2)[:2] for p in filter(None, map(str.strip, notation.split(",")))]
    return closed_days(ranges)


def hours_verdict(parse: Callable[[str], Any], case: dict[str, Any]) -> str | None:
    """None when the whole answer is right, else what a merchant would see wrong."""
    got = parse(case["text"])
    if case.get("none"):
        return None if got is None else f"read {dict(got)} from nothing readable"
    if got is None:
        return "nothing read"
    if dict(got) != expected_week(case["hours"]):
        return f"week {dict(got)}"
    if bool(getattr(got, "appointment", False)) != bool(case.get("appointment")):
        return "sur rendez-vous missed" if case.get("appointment") else "rendez-vous imagined"
    unread = list(getattr(got, "unread", []))
    if bool(unread) != bool(case.get("unread")):
        return f"unread {unread}" if unread else "the unread part was not said back"
    return None


def closures_verdict(parse: Callable[[str, date], Any], case: dict[str, Any]) -> str | None:
    today = date.fromisoformat(case.get("today", TODAY.isoformat()))
    got = parse(case["text"], today)
    if case.get("none"):
        return None if got is None else f"read {list(got)} from nothing readable"
    if got is None:  # the whole phrase is said back and asked again: no day saved, said back
        said_back = not expected_days(case["closures"]) and case.get("unread")
        return None if said_back and not case.get("unsure") else "nothing read"
    if closed_days(got) != expected_days(case["closures"]):
        return f"closures {list(got)}"
    unread = list(getattr(got, "unread", []))
    if bool(unread) != bool(case.get("unread")):
        return f"unread {unread}" if unread else "the unread part was not said back"
    doubts = list(getattr(got, "doubts", []))
    if case.get("unsure") and not doubts:
        return "the doubt was not shown back"
    if doubts and not case.get("unsure"):
        return f"doubts imagined {doubts}"
    return None


def measure(kind: str, part: str, module: str = "store.parsing.hours") -> tuple[float, list[str]]:
    """Share of the corpus read right, and a line per phrase read wrong."""
    parsers = importlib.import_module(module)
    cases = load(f"{kind}_{part}")
    wrong: list[str] = []
    for case in cases:
        if kind == "hours":
            verdict = hours_verdict(parsers.parse_hours, case)
        else:
            verdict = closures_verdict(parsers.parse_closures, case)
        if verdict is not None:
            wrong.append(f"{case['text']!r}: {verdict}")
    return (len(cases) - len(wrong)) / len(cases), wrong


def report(kind: str, part: str, module: str = "store.parsing.hours") -> float:
    accuracy, wrong = measure(kind, part, module)
    total = len(load(f"{kind}_{part}"))
    print(f"\n{kind} {part}: {accuracy:.1%} of {total} phrases read right")
    for line in wrong:
        print("  ✗", line)
    return accuracy


@pytest.mark.parametrize(
    ("kind", "part"), [(kind, part) for kind, parts in PARTS.items() for part in parts]
)
def test_shopkeepers_phrases_are_read_right_as_a_whole(kind: str, part: str) -> None:
    assert report(kind, part) >= BARS[part]


def test_the_corpora_are_big_enough_and_a_fifth_or_more_is_held_out() -> None:
    hours = len(load("hours_tuned")) + len(load("hours_heldout"))
    closures = len(load("closures_tuned")) + len(load("closures_heldout"))
    assert hours >= 130 and closures >= 55
    assert 0.15 <= len(load("hours_heldout")) / hours <= 0.4
    assert 0.15 <= len(load("closures_heldout")) / closures <= 0.4


if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 else "store.parsing.hours"
    for kind, parts in PARTS.items():
        for part in parts:
            if (CORPORA / f"{kind}_{part}.toml").exists():
                report(kind, part, target)
