"""Search forgives what people type on a phone, the same way on SQLite and PostgreSQL."""

import pytest
from sqlmodel import select

from store.models import Item, Shop, Town
from store.search import find_items, search_items


@pytest.fixture
def town(db):
    def fill(session):
        town = Town(slug="t", name="T")
        session.add(town)
        session.flush()
        bakery = Shop(
            town_id=town.id,
            slug="b",
            name="Boulangerie Martin",
            category="bakery",
            description="Pains au levain et viennoiseries",
        )
        cellar = Shop(
            town_id=town.id, slug="c", name="Cave Dupont", category="wine", description="Vins"
        )
        gifts = Shop(town_id=town.id, slug="g", name="Le Grenier", category="gifts")
        session.add_all([bakery, cellar, gifts])
        session.flush()
        session.add_all(
            [
                Item(shop_id=bakery.id, name="Croissant pur beurre", price_cents=120),
                Item(shop_id=bakery.id, name="Baguette tradition", price_cents=130),
                Item(shop_id=bakery.id, name="Pain aux céréales", price_cents=350),
                Item(shop_id=cellar.id, name="Chinon rouge", price_cents=1190),
                Item(shop_id=cellar.id, name="Vouvray demi-sec", price_cents=1450),
                Item(shop_id=gifts.id, name="Bougie parfumée", price_cents=2400),
                Item(shop_id=gifts.id, name="Carte cadeau", price_cents=2000),
                Item(shop_id=gifts.id, name="Peluche cheval", price_cents=2400),
                Item(shop_id=gifts.id, name="Plaid rouge", price_cents=6900),
                Item(shop_id=gifts.id, name="Cerf-volant", price_cents=1690),
                Item(shop_id=gifts.id, name="Coffret dégustation", price_cents=4500),
                Item(shop_id=gifts.id, name="Orchidée blanche", price_cents=3200),
            ]
        )
        return town.id

    return db, db.run(fill)


def names(db, town_id, query):
    with db.session() as session:
        hits = search_items(session=session, query=query, town_id=town_id)
    return [item.name for item, _ in hits]


@pytest.mark.parametrize(
    "query, first",
    [
        ("croisant", "Croissant pur beurre"),  # one typo in 8 letters
        ("baguete", "Baguette tradition"),
        ("bougei", "Bougie parfumée"),  # two letters swapped count as one typo
        ("orchidé blance", "Orchidée blanche"),
        ("cerfvolant", "Cerf-volant"),  # two words run together
        ("cerf volant", "Cerf-volant"),
        ("chevaux", "Peluche cheval"),  # the plural of a word ending in -al
        ("CHINON 🍷", "Chinon rouge"),
        ("candle", "Bougie parfumée"),  # English
        ("bread", "Baguette tradition"),
        ("kdo", "Carte cadeau"),
    ],
)
def test_a_typo_a_plural_or_an_english_word_still_finds_the_item(town, query, first):
    db, town_id = town
    assert names(db, town_id, query)[0] == first


def found(db, town_id, query):
    with db.session() as session:
        return find_items(session=session, query=query, town_id=town_id)


def test_one_typo_from_five_letters_two_from_nine_fewer_letters_are_asked_about(town):
    db, town_id = town
    assert found(db, town_id, "croizzant").corrected == {"croizzant": "croissant"}
    assert found(db, town_id, "croisssant").corrected == {"croisssant": "croissant"}
    # Two typos in eight letters, one in four: not corrected silently, suggested instead.
    for typed, meant in (("baguezze", "baguette"), ("pian", "pain")):
        asked = found(db, town_id, typed)
        assert asked.corrected == {} and asked.suggestions[0] == meant
        assert meant in asked.hits[0][0].name.lower()


def test_synonyms_find_the_other_word_for_the_same_thing(town):
    db, town_id = town
    assert set(names(db, town_id, "pain")) >= {"Pain aux céréales", "Baguette tradition"}
    assert set(names(db, town_id, "cadeau")) >= {"Carte cadeau", "Coffret dégustation"}


def test_a_word_that_matches_nothing_is_left_out_and_said(town):
    db, town_id = town
    partial = found(db, town_id, "cadeau pour maman")
    assert partial.dropped == ["maman"]
    assert "Carte cadeau" in [item.name for item, _ in partial.hits]


def test_what_the_shop_sells_counts_a_little(town):
    db, town_id = town
    # "vin" is in the cellar's description, "rouge" in the item's name.
    assert names(db, town_id, "vin rouge") == ["Chinon rouge"]


def test_words_that_match_only_apart_are_let_go_from_the_last_typed(town):
    db, town_id = town
    # No item is all three: the plaid is the first two.
    assert names(db, town_id, "plaid rouge peluche") == ["Plaid rouge"]
    # Nothing is the first two: the first word typed, alone.
    assert names(db, town_id, "peluche chinon rouge") == ["Peluche cheval"]
    assert names(db, town_id, "peluche chinon") == ["Peluche cheval"]


def test_nothing_close_at_all_finds_nothing_and_suggests_nothing(town):
    db, town_id = town
    nothing = found(db, town_id, "xylophone")
    assert nothing.hits == [] and nothing.suggestions == []


def test_a_new_items_words_are_forgiven_at_once(town):
    db, town_id = town
    assert names(db, town_id, "trotinette") == []

    def add(session):
        shop = session.exec(select(Shop).where(Shop.slug == "g")).one()
        session.add(Item(shop_id=shop.id, name="Trottinette en bois", price_cents=5900))

    db.run(add)
    assert names(db, town_id, "trotinette") == ["Trottinette en bois"]


def test_a_shop_moved_to_another_town_brings_its_words(town):
    db, town_id = town

    def move(session):
        other = Town(slug="o", name="O")
        session.add(other)
        session.flush()
        shop = session.exec(select(Shop).where(Shop.slug == "c")).one()
        shop.town_id = other.id
        session.add(shop)
        return other.id

    other = db.run(move)
    assert names(db, other, "vouvrai") == ["Vouvray demi-sec"]
    assert names(db, town_id, "chinon") == []


def test_the_customer_is_told_what_was_corrected_left_out_or_guessed(chat):
    alice = chat()
    screen = alice.say("croisant")
    assert "Résultats pour « croissant » (vous avez tapé « croisant ») :" in screen
    assert "1. Croissant pur beurre · 1,20\xa0€ · Boulangerie Giroust" in screen
    screen = alice.say("cadeau pour maman")
    assert "Rien ne parle de « maman » ; résultats pour le reste de « cadeau pour maman »" in screen
    assert "Carte cadeau" in screen
    screen = alice.say("pian")
    assert "Rien trouvé pour « pian ». Vouliez-vous dire « pain" in screen
    assert "Pain au chocolat" in screen and "🏪 Boutiques par catégorie" in screen


def test_an_english_speaker_is_told_in_english(chat):
    bob = chat("bob", language="en")
    assert 'Results for "bonnet" (you typed "bonet"):' in bob.say("bonet")
    assert 'Nothing found for "pian". Did you mean "pain' in bob.say("pian")
