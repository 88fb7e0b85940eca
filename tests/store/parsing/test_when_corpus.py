"""Typed visit times from tests/corpora/times*.tsv: the whole answer right, accuracy printed.

The whole answer is the moment (in Paris time) and how sure the bot is: a guessed hour or a
rolled-over day is shown back ("?"), a day with no hour asks which hour, a time gone is refused.
"""

from datetime import timedelta

import pytest

from store.parsing.when import read_when
from tests.conftest import Clock
from tests.corpora import TimeCase, accuracy, time_answer, time_cases

BARS = {"times.tsv": 0.97, "times_heldout.tsv": 0.90}


def read(case: TimeCase) -> str:
    clock = Clock(case.now)
    return time_answer(read_when(case.typed, clock(), "Europe/Paris"))


@pytest.mark.parametrize("corpus", sorted(BARS))
def test_typed_times_are_read_as_people_mean_them(corpus, capsys):
    cases = time_cases(corpus)
    misses = [(c.typed, read(c), c.expected) for c in cases if read(c) != c.expected]
    right = len(cases) - len(misses)
    with capsys.disabled():
        print(f"\n{corpus}: typed times whole answer right {accuracy(right, len(cases))}")
        for typed, got, expected in misses:
            print(f"  {typed!r}: read {got!r}, expected {expected!r}")
    assert right / len(cases) >= BARS[corpus], misses


def test_the_corpus_is_large_and_varied():
    cases = time_cases("times.tsv") + time_cases("times_heldout.tsv")
    assert len(cases) >= 80
    kinds = {c.expected.split()[0] if not c.expected[0].isdigit() else "sure" for c in cases}
    assert kinds == {"sure", "?", "day", "now", "past", "none"}


def test_every_moment_is_aware_utc_and_to_come():
    for case in time_cases("times.tsv"):
        reading = read_when(case.typed, case.now, "Europe/Paris")
        if reading.status in ("sure", "unsure"):
            assert reading.moment is not None and reading.moment.utcoffset() == timedelta(0)
            assert reading.moment > case.now, case.typed
