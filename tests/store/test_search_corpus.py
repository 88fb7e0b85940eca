"""Residents' own searches find what they mean: typos, plurals, English, synonyms, emoji.

The corpus (tests/corpora/) gives each query the demo items one of which must come in the first
five results; the share is printed for each database (`pytest -s`, or `python -m
tests.corpora.search`), and must stay above the bar on the tuned and on the held-out queries.
"""

import pytest

from store.demo import load_demo
from tests.corpora.search import HELD_OUT, TUNED, report

BARS = {TUNED: 0.97, HELD_OUT: 0.90}


@pytest.mark.parametrize("path", [TUNED, HELD_OUT], ids=["tuned", "held-out"])
def test_the_corpus_finds_an_expected_item_in_the_top_five(db, media, path):
    with db.session() as session:
        load_demo(session=session, media=media)
    with db.session() as session:
        share = report(db.dialect, session, path)
    assert share >= BARS[path]
