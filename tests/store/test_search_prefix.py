"""An unfinished last word ("pull roug") is looked up as the town's words it starts when
they are few, so a town's search costs its own share of the index (bench/towns.py)."""

from store.search_words import EXPAND_PREFIX, Term, Vocabulary


def test_a_prefix_becomes_the_town_s_words_it_starts():
    vocabulary = Vocabulary(["Pull", "rouge", "Rouges", "rougeâtre", "roulotte"])
    term = Term("roug", [(("roug",), True)])
    (pruned,) = vocabulary.pruned([term])
    assert pruned[0].alts == [(("rouge",), False), (("rougeatre",), False), (("rouges",), False)]


def test_a_prefix_that_starts_many_words_stays_a_prefix():
    many = [f"ba{n:03d}x" for n in range(EXPAND_PREFIX + 1)]
    vocabulary = Vocabulary(many)
    term = Term("ba", [(("ba",), True)])
    (pruned,) = vocabulary.pruned([term])
    assert pruned[0].alts == [(("ba",), True)]


def test_a_prefix_the_town_has_no_word_for_finds_nothing():
    vocabulary = Vocabulary(["pull"])
    assert vocabulary.pruned([Term("roug", [(("roug",), True)])]) == []
