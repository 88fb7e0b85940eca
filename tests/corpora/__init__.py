"""Corpora of what people type, with the answer a person expects (read by the corpus tests and
the benches). Each `*.tsv` has a tuned part and a `*_heldout.tsv` part kept aside."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from store.parsing.when import When

HERE = Path(__file__).parent
PARIS = ZoneInfo("Europe/Paris")
CLOCK_START = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)  # tests/conftest.py Clock: Tue 10:00 Paris


def rows(name: str) -> list[list[str]]:
    """The tab-separated rows of corpus file `name`, comments ("# ...") and blank lines left out.

    A row may start with "#": a caption that opens with a hashtag ("#nouveaute Sac 28€")."""
    lines = (HERE / name).read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line.strip() and not _comment(line)]


def _comment(line: str) -> bool:
    return line == "#" or line.startswith("# ")


@dataclass(frozen=True)
class TimeCase:
    typed: str
    expected: str  # "2026-12-12 15:00", "? 2026-12-12 15:00", "day 2026-12-10", "now", ...
    now: datetime  # aware UTC

    def loose(self) -> str:
        """What a reader that only returns a moment (or nothing) should give."""
        if self.expected.startswith("? "):
            return self.expected[2:]
        if self.expected == "now":
            return local(self.now)
        if self.expected.startswith("day ") or self.expected == "past":
            return "none"
        return self.expected


def local(moment: datetime) -> str:
    return moment.astimezone(PARIS).strftime("%Y-%m-%d %H:%M")


def time_cases(name: str) -> list[TimeCase]:
    cases = []
    for row in rows(name):
        now = CLOCK_START
        if len(row) > 2:  # the local time of day it is typed, same Tuesday
            hour, minute = (int(part) for part in row[2].split(":"))
            now = now.astimezone(PARIS).replace(hour=hour, minute=minute).astimezone(UTC)
        cases.append(TimeCase(typed=row[0], expected=row[1], now=now))
    return cases


def time_answer(reading: "When") -> str:
    """A reading of `read_when` in the corpus's terms ("? 2026-12-08 20:00", "past", ...)."""
    if reading.status in ("none", "past", "now"):
        return reading.status
    if reading.status == "day":
        return f"day {reading.day}"
    assert reading.moment is not None and reading.moment.tzinfo is not None
    return ("? " if reading.status == "unsure" else "") + local(reading.moment)


def loose_answer(moment: datetime | None, now: datetime) -> str:
    """A moment-only reader's answer in the corpus's terms: a past moment counts as refused."""
    if moment is None or moment < now - timedelta(minutes=1):
        return "none"
    return local(moment)


@dataclass(frozen=True)
class LinkCase:
    message: str
    expected: str  # "ok PLATFORM URL" | "bad REASON [SUGGESTION]" | "none"


def link_cases(name: str) -> list[LinkCase]:
    return [LinkCase(message=row[0], expected=row[1]) for row in rows(name)]


def accuracy(right: int, total: int) -> str:
    return f"{right}/{total} = {100 * right / total:.1f}%"
