"""Search finds what a shopper types, whatever the accents, case or plural."""

import pytest
from sqlmodel import select

from store.models import Item, Shop, Town
from store.search import search_items, terms


@pytest.fixture
def catalogue(db):
    def fill(session):
        town = Town(slug="t", name="T")
        other = Town(slug="o", name="O")
        session.add_all([town, other])
        session.flush()
        a = Shop(town_id=town.id, slug="a", name="Bijouterie Lemaire", category="jewellery")
        b = Shop(town_id=town.id, slug="b", name="Mode Perche", category="clothes")
        c = Shop(town_id=other.id, slug="c", name="Ailleurs", category="clothes")
        session.add_all([a, b, c])
        session.flush()
        session.add_all(
            [
                Item(shop_id=a.id, name="Bijoux fantaisie", price_cents=1500),
                Item(
                    shop_id=a.id,
                    name="Bague en argent",
                    description="Bijou fait main",
                    price_cents=4500,
                ),
                Item(shop_id=b.id, name="Pull en laine rouge", price_cents=3500),
                Item(shop_id=b.id, name="Pull bleu", price_cents=3000),
                Item(shop_id=b.id, name="Crème pour les mains", price_cents=800),
                Item(shop_id=b.id, name="Écharpe rouge", price_cents=2000, hidden=True),
                Item(shop_id=c.id, name="Pull rouge d'ailleurs", price_cents=100),
            ]
        )
        return town.id

    return db, db.run(fill)


def names(db, query, town_id=None):
    with db.session() as session:
        return [
            item.name for item, _ in search_items(session=session, query=query, town_id=town_id)
        ]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("creme", ["Crème pour les mains"]),
        ("CRÈME", ["Crème pour les mains"]),
        ("pull rouge", ["Pull en laine rouge"]),
        ("rouge", ["Pull en laine rouge"]),  # the hidden scarf is not shown
        ("lemaire", ["Bijoux fantaisie", "Bague en argent"]),
    ],
)
def test_search_in_town(catalogue, query, expected):
    db, town_id = catalogue
    assert sorted(names(db, query, town_id)) == sorted(expected)


def test_bijou_finds_bijoux_and_ranks_the_name_first(catalogue):
    db, town_id = catalogue
    assert names(db, "bijou", town_id) == ["Bijoux fantaisie", "Bague en argent"]
    assert names(db, "bijoux", town_id) == ["Bijoux fantaisie", "Bague en argent"]


def test_search_across_towns(catalogue):
    db, _ = catalogue
    assert len(names(db, "pull rouge")) == 2


def test_nonsense_and_punctuation_find_nothing_and_do_not_fail(catalogue):
    db, town_id = catalogue
    for query in ['"', "*", "AND OR NOT", "🎄🎁", "", "' OR 1=1 --", "NEAR(a b)"]:
        assert isinstance(names(db, query, town_id), list)


def test_terms_fold_and_drop_plurals():
    assert terms("Les Crèmes brûlées") == ["creme", "brulee"]


def test_terms_skip_single_letters():
    assert terms("t shirt b") == ["shirt"]


def test_a_renamed_or_moved_shop_is_found_under_its_new_name_and_town(catalogue):
    db, town_id = catalogue

    def rename(session):
        shop = session.exec(select(Shop).where(Shop.slug == "c")).one()
        shop.name = "Tricots Vallée"
        shop.town_id = town_id
        session.add(shop)

    db.run(rename)
    assert names(db, "vallee", town_id) == ["Pull rouge d'ailleurs"]
    assert names(db, "ailleurs", town_id) == ["Pull rouge d'ailleurs"]  # from the item's name
    assert sorted(names(db, "pull rouge", town_id)) == [
        "Pull en laine rouge",
        "Pull rouge d'ailleurs",
    ]


def test_a_town_search_never_shows_another_towns_items(catalogue):
    db, town_id = catalogue
    assert names(db, "ailleurs", town_id) == []
    assert names(db, "ailleurs") == ["Pull rouge d'ailleurs"]


def test_the_last_word_may_be_unfinished_the_others_are_whole_words(catalogue):
    db, town_id = catalogue
    assert names(db, "pull roug", town_id) == ["Pull en laine rouge"]
    assert names(db, "rouges pulls", town_id) == ["Pull en laine rouge"]
    assert names(db, "pu rouge", town_id) == []  # "pu" is not a whole word of it
