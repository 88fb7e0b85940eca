"""The cart, driven as a person would: add, change quantities, remove, totals per shop."""

from handlers.core import Incoming
from tests.people import add, item, press, shopper, update


def test_adding_twice_says_added_and_the_cart_totals_it(chat, db):
    alice = shopper(chat)
    assert "ajouté au panier (quantité : 1)" in add(alice, "coffret", "Coffret chocolats")
    assert "(quantité : 2)" in add(alice, "coffret", "Coffret chocolats")
    screen = alice.say("panier")
    assert "2 × Coffret chocolats assortis — 49,00 €" in screen
    assert "Sous-total : 49,00 €" in screen


def test_cart_groups_lines_by_shop_with_one_checkout_each(chat):
    alice = shopper(chat)
    add(alice, "coffret", "Coffret chocolats")
    add(alice, "nuisette", "Nuisette en soie")
    screen = alice.say("/panier")
    assert screen.index("🏪 Chocolaterie du Perche") < screen.index("🏪 Lingerie Christelle")
    assert "Total du panier : 83,50 €" in screen
    assert "Commander chez Chocolaterie du Perche" in screen
    assert "Commander chez Lingerie Christelle" in screen
    # Reachable from the home menu too.
    alice.say("menu")
    assert "Total du panier : 83,50 €" in alice.say("3")


def test_typed_quantity_above_stock_letters_and_emoji_get_kind_answers(chat, db):
    alice = shopper(chat)
    add(alice, "nuisette", "Nuisette en soie")
    alice.say("panier")
    assert "Combien de « Nuisette en soie »" in alice.say("Nuisette en soie")
    screen = alice.say("5")
    assert "Il ne reste que 3 « Nuisette en soie »" in screen
    assert "Il me faut un nombre" in alice.say("deux")
    assert "Il me faut un nombre" in alice.say("👍")
    screen = alice.say("3")
    assert "C'est noté : 3 × « Nuisette en soie »" in screen
    assert "3 × Nuisette en soie — 177,00 €" in screen


def test_adding_beyond_stock_is_refused_and_sold_out_is_said(chat, db):
    alice = shopper(chat)
    nuisette = item(db, "Nuisette en soie")
    for _ in range(3):
        add(alice, "nuisette", "Nuisette en soie")
    assert "Il ne reste que 3" in press(alice, f"add:{nuisette.id}")
    update(db, type(nuisette), nuisette.id, stock=0)
    bob = shopper(chat, "bob")
    assert "épuisé" in press(bob, f"add:{nuisette.id}")
    assert "vide" in bob.say("panier")


def test_quantity_buttons_and_remove(chat, db):
    alice = shopper(chat)
    coffret = item(db, "Coffret chocolats assortis")
    add(alice, "coffret", "Coffret chocolats")
    assert "4 × Coffret chocolats assortis — 98,00 €" in press(alice, f"cq:{coffret.id}:4")
    screen = press(alice, f"rm:{coffret.id}")
    assert "retiré du panier" in screen
    assert "Votre panier est vide" in screen


def test_empty_cart_checkout_gets_told_what_to_do(chat, db):
    alice = shopper(chat)
    assert "Votre panier est vide" in alice.say("commander")
    shop_id = item(db, "Coffret chocolats assortis").shop_id
    assert "Votre panier est vide pour cette boutique" in press(alice, f"co:{shop_id}")
    assert "Votre panier est vide pour cette boutique" in press(alice, f"co.ok:{shop_id}")


def test_forged_item_ids_are_out_of_date(engine):
    for action in ("add:99999", "add:abc", "cq:99999:2", "rm:", "co:99999", "cq:1:-3"):
        replies = engine.handle(Incoming("console", "mallory", action=action))
        assert "n'est plus à jour" in replies[0].text, action
