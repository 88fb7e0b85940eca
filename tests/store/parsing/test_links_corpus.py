"""Video-link messages from tests/corpora/links*.tsv: the whole answer right, accuracy printed.

The whole answer is the link we found in the message and share (platform and cleaned URL), or
the reason we refuse it with the address the merchant probably meant, or no link at all.
"""

import subprocess
import sys

import pytest

from store.parsing.links import BadLink, find_link, parse_link
from tests.corpora import accuracy, link_cases

BARS = {"links.tsv": 0.97, "links_heldout.tsv": 0.90}


def answer(message: str) -> str:
    raw = find_link(message)
    if raw is None:
        return "none"
    try:
        link = parse_link(raw)
    except BadLink as refused:
        return " ".join(part for part in ("bad", refused.reason, refused.suggestion) if part)
    return f"ok {link.platform} {link.url}"


@pytest.mark.parametrize("corpus", sorted(BARS))
def test_links_in_messages_are_found_cleaned_or_refused(corpus, capsys):
    cases = link_cases(corpus)
    misses = [(c.message, answer(c.message), c.expected) for c in cases]
    misses = [miss for miss in misses if miss[1] != miss[2]]
    right = len(cases) - len(misses)
    with capsys.disabled():
        print(f"\n{corpus}: video links whole answer right {accuracy(right, len(cases))}")
        for message, got, expected in misses:
            print(f"  {message!r}: {got!r}, expected {expected!r}")
    assert right / len(cases) >= BARS[corpus], misses


def test_the_corpus_is_large_and_varied():
    cases = link_cases("links.tsv") + link_cases("links_heldout.tsv")
    assert len(cases) >= 65
    answers = {c.expected.split()[0] + " " + (c.expected.split() + [""])[1] for c in cases}
    assert {"bad lookalike", "bad tld", "bad shortener", "none "} <= answers
    assert len({a for a in answers if a.startswith("ok")}) == 11  # ten platforms and "other"


def test_a_suggestion_is_itself_a_link_we_share():
    for case in link_cases("links.tsv") + link_cases("links_heldout.tsv"):
        if case.expected.startswith("bad") and len(case.expected.split()) == 3:
            suggested = case.expected.split()[2]
            assert parse_link(suggested).url == suggested


def test_links_and_times_are_read_with_the_network_cut_off():
    """The Public Suffix List and the day words ship with the code: nothing is fetched."""
    code = (
        "import socket\n"
        "def refuse(*a, **k):\n"
        "    raise OSError('offline')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = refuse\n"
        "from datetime import UTC, datetime\n"
        "from store.parsing.links import BadLink, parse_link\n"
        "from store.parsing.when import read_when\n"
        "try:\n"
        "    parse_link('https://meet.google.con/abc')\n"
        "except BadLink as refused:\n"
        "    print(refused.suggestion)\n"
        "print(read_when('sam 15h', datetime(2026, 12, 8, 9, tzinfo=UTC), 'Europe/Paris').status)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["https://meet.google.com/abc", "sure"]
