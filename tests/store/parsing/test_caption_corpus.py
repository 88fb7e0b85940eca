"""Captions as shopkeepers type them on a phone are read the way a customer would read them.

The corpus is in tests/corpora/captions.tsv (tuned) and captions_heldout.tsv (kept aside);
`python -m tests.corpora.score -v` prints every misread. Run with `-s` to see the accuracy figures.
"""

from store.parsing.caption import parse_caption
from tests.corpora.score import HELD_OUT, TUNED, misreads, report


def test_the_corpus_is_big_enough_and_keeps_a_fifth_aside():
    assert len(TUNED) + len(HELD_OUT) >= 250
    assert len(HELD_OUT) >= 0.15 * (len(TUNED) + len(HELD_OUT))
    assert not {row[0] for row in TUNED} & {row[0] for row in HELD_OUT}


def test_whole_answers_are_right_on_the_tuned_and_the_held_out_parts(capsys):
    with capsys.disabled():
        print()
        scores = report(parse_caption)
    wrong = misreads(parse_caption, TUNED)
    assert scores["tuned"] >= 0.97, wrong[:5]
    assert scores["held-out"] >= 0.90, misreads(parse_caption, HELD_OUT)[:5]


def test_questions_stay_rare_so_merchants_are_not_asked_about_every_photo():
    rows = TUNED + HELD_OUT
    asked = [row[0] for row in rows if parse_caption(row[0]).doubts]
    assert 0 < len(asked) <= 0.05 * len(rows), asked
