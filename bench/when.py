"""`python -m bench.when`: typed visit times, dateparser against our own reader.

On tests/corpora/times*.tsv (tuned and held-out parts), with the test clock: accuracy (the
moment right, as a moment-only reader can be; and for ours the whole answer, sureness too),
the cold import time of each in a fresh interpreter, the first parse and the mean per parse.
Run with the network cut off (sockets refuse to connect), to show both work offline.
"""

import re
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from bench import say
from tests.corpora import PARIS, TimeCase, accuracy, loose_answer, time_answer, time_cases

TZ = "Europe/Paris"
ROUNDS = 20
CORPORA = ("times.tsv", "times_heldout.tsv")


def _offline() -> None:
    def refuse(*_args: Any, **_kwargs: Any) -> None:
        raise OSError("bench.when runs offline")

    socket.socket.connect = refuse  # type: ignore[method-assign]
    socket.create_connection = refuse  # type: ignore[assignment]


def cold_import_ms(module: str, loaded: str = "", runs: int = 5) -> float:
    """Median time to import `module` in a fresh interpreter that has `loaded` already."""
    code = (
        f"{'import ' + loaded + '; ' if loaded else ''}import time; t = time.perf_counter(); "
        f"import {module}; print((time.perf_counter() - t) * 1000)"
    )
    times = [
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True).stdout)
        for _ in range(runs)
    ]  # fmt: skip
    return statistics.median(times)


def ours(case: TimeCase) -> datetime | None:
    from store.parsing.when import parse_when

    return parse_when(case.typed, case.now, TZ)


def dateparser_reader(helped: bool = False) -> Callable[[TimeCase], datetime | None]:
    """dateparser as documented; `helped`: "15h30" rewritten "15:30" first (its weak spot)."""
    import dateparser  # type: ignore[import-untyped]

    def read(case: TimeCase) -> datetime | None:
        typed = re.sub(r"(\d{1,2})\s*h\s*(\d{2})?\b", _colon, case.typed) if helped else case.typed
        base = case.now.astimezone(PARIS).replace(tzinfo=None)
        settings = {
            "PREFER_DATES_FROM": "future",
            "RELATIVE_BASE": base,
            "TIMEZONE": TZ,
            "RETURN_AS_TIMEZONE_AWARE": True,
            "TO_TIMEZONE": "UTC",
        }
        found: datetime | None = dateparser.parse(typed, languages=["fr", "en"], settings=settings)
        return found

    return read


def _colon(match: re.Match[str]) -> str:
    return f"{match.group(1)}:{match.group(2) or '00'}"


def measure(name: str, read: Callable[[TimeCase], datetime | None]) -> None:
    cases = [c for corpus in CORPORA for c in time_cases(corpus)]
    started = time.perf_counter()
    read(cases[0])
    first_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    for _ in range(ROUNDS):
        for case in cases:
            read(case)
    per_parse_us = (time.perf_counter() - started) / (ROUNDS * len(cases)) * 1e6
    say(f"  {name}: first parse {first_ms:.1f} ms, then {per_parse_us:.0f} µs per parse")
    for corpus in CORPORA:
        part = time_cases(corpus)
        right = sum(loose_answer(read(c), c.now) == c.loose() for c in part)
        say(f"    {corpus:<18} moment right {accuracy(right, len(part))}")


def main() -> int:
    _offline()
    say("== Typed visit times: dateparser against store.parsing.when (offline) ==")
    bot = "store.models, store.search, store.parsing.hours"  # loaded by the bot anyway
    say(f"  cold import: dateparser {cold_import_ms('dateparser'):.0f} ms; "
        f"store.parsing.when {cold_import_ms('store.parsing.when', bot):.0f} ms beside the "
        f"store it lives in ({cold_import_ms('store.parsing.when'):.0f} ms alone, "
        "SQLModel included)")  # fmt: skip
    measure("store.parsing.when", ours)
    measure("dateparser 1.x (fr, en; PREFER_DATES_FROM future)", dateparser_reader())
    measure('dateparser, "15h" rewritten "15:00" first', dateparser_reader(helped=True))
    from store.parsing.when import read_when

    for corpus in CORPORA:
        part = time_cases(corpus)
        right = sum(time_answer(read_when(c.typed, c.now, TZ)) == c.expected for c in part)
        say(f"  store.parsing.when {corpus:<18} whole answer (sureness too) "
            f"{accuracy(right, len(part))}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
