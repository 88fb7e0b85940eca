"""Browsing the town as a customer: categories, shops, opening hours, catalogues, items."""

import pytest
from sqlmodel import select

from handlers import routes
from handlers.core import Incoming
from store.models import Item, Shop, Town


def named(session, name: str) -> Item:
    return session.exec(select(Item).where(Item.name == name)).one()


def test_categories_are_listed_with_their_shop_counts_and_paged(chat):
    alice = chat()
    alice.say("/start")
    first = alice.say("1")
    assert "Nos 13 commerces, par catégorie" in first
    assert "1. 💍 Bijouterie (1)" in first
    assert "🧀 Fromagerie (1)" in first
    assert "Page 1 sur 2." in first
    assert "Vêtements" not in first
    second = alice.say("Suite")
    assert "👕 Vêtements (2)" in second
    assert "📚 Librairie (1)" in second
    assert "Page 2 sur 2." in second
    assert "Bijouterie" not in second
    assert alice.say("Précédents") == first


def test_typed_word_boutiques_opens_the_categories(chat):
    alice = chat()
    assert "par catégorie" in alice.say("boutiques")
    assert "par catégorie" in alice.say("Shops")


def test_english_user_sees_english_category_names(chat):
    bob = chat("bob", language="en-GB")
    screen = bob.say("shops")
    assert "Our 13 shops, by category" in screen
    assert "🧀 Cheese (1)" in screen
    assert "👕 Clothes (2)" in screen
    assert "Fromagerie" not in screen


def test_a_category_lists_its_shops_and_which_are_open(chat):
    alice = chat()
    alice.say("boutiques")
    page_two = alice.say("Suite")
    screen = alice.say("Vêtements (2)")
    assert "👕 Vêtements : choisissez une boutique." in screen
    # Tuesday 10:00: the men's shop opens at 09:30, Émilie at 10:00.
    assert "1. Au Gentleman Percheron · ouvert" in screen
    assert "2. Boutique Émilie · ouvert" in screen
    card = alice.say("2")
    assert "🏪 Boutique Émilie" in card
    assert "📍 19 rue Gouverneur, 28400 Nogent-le-Rotrou" in card
    assert "[photo: " in card
    alice.say("Retour")
    # "All categories" goes back to the page the customer came from.
    assert alice.say("Toutes les catégories") == page_two


def test_shop_card_is_open_on_tuesday_morning_and_closed_on_sunday(chat, clock):
    alice = chat()
    card = alice.say("/start shop-lingerie-christelle")
    assert "🏪 Lingerie Christelle" in card
    assert "Aujourd'hui : 09:30–12:30, 14:00–19:00" in card
    assert "🟢 Ouvert en ce moment, jusqu'à 12:30" in card
    clock.advance(days=5)  # Sunday 13 December, 10:00
    card = alice.say("/start shop-lingerie-christelle")
    assert "Aujourd'hui : fermé" in card
    assert "🔴 Fermé en ce moment · ouvre mardi 15 décembre à 09:30" in card
    assert "Ouvert" not in card


def test_shop_closed_at_lunch_says_when_it_reopens(chat, clock):
    clock.advance(hours=3)  # Tuesday 13:00
    card = chat().say("/start shop-chocolaterie-du-perche")
    assert "🔴 Fermé en ce moment · ouvre aujourd'hui à 14:00" in card
    clock.advance(hours=7)  # Tuesday 20:00
    card = chat().say("/start shop-chocolaterie-du-perche")
    assert "ouvre demain à 09:30" in card


def test_shop_card_tells_pickup_and_delivery_terms(chat):
    card = chat().say("/start shop-chocolaterie-du-perche")
    assert "🛍️ Retrait en boutique, commande prête en 1 h" in card
    assert "🚚 Livraison (28400) : 4,90\xa0€, offerte dès 50,00\xa0€" in card
    card = chat().say("/start shop-lingerie-christelle")
    assert "Pas de livraison" in card


def test_christmas_closure_is_announced_then_keeps_the_shop_closed(chat, clock):
    card = chat().say("/start shop-librairie-le-paty")
    assert "🟢 Ouvert" in card
    assert "Fermeture exceptionnelle du samedi 26 décembre au lundi 4 janvier inclus" in card
    clock.advance(days=18)  # Saturday 26 December, 10:00: a normal Saturday, but on holiday
    card = chat().say("/start shop-librairie-le-paty")
    assert "Aujourd'hui : fermé" in card
    assert "🔴 Fermé en ce moment · ouvre mardi 5 janvier à 09:30" in card
    assert "Fermeture exceptionnelle jusqu'au lundi 4 janvier inclus" in card


def test_catalogue_is_paged_and_shows_sold_out_items(chat):
    alice = chat()
    alice.say("/start shop-boulangerie-giroust")
    first = alice.say("Voir le catalogue")
    assert "🛍️ Boulangerie Giroust : 10 articles en ligne" in first
    assert "1. Baguette tradition · 1,30\xa0€" in first
    assert "Page 1 sur 2." in first
    second = alice.say("Suite")
    assert "Sablés de Nogent · épuisé" in second
    assert "Pain d'épices au miel · 7,20\xa0€" in second
    assert "Baguette" not in second
    # An item from page 2, then back: the customer lands on page 2 again.
    alice.say("Pain d'épices au miel · 7,20 €")
    assert alice.say("Retour") == second


def test_hidden_and_deleted_items_are_not_in_the_catalogue(chat, db):
    def hide(session):
        named(session, "Orangettes").hidden = True
        named(session, "Mendiants noir et lait").deleted = True

    db.run(hide)
    alice = chat()
    alice.say("/start shop-chocolaterie-du-perche")
    screen = alice.say("1")
    assert "Coffret chocolats assortis · 24,50\xa0€" in screen
    assert "Mendiants" not in screen
    assert "Orangettes" not in screen
    assert "Chocolaterie du Perche : 6 articles en ligne" in screen


def test_item_card_shows_price_low_stock_and_photo(chat):
    alice = chat()
    alice.say("/start shop-lingerie-christelle")
    alice.say("1")
    card = alice.say("Nuisette en soie · 59,00 €")
    assert "Nuisette en soie\nSoie naturelle, taille S à L." in card
    assert "💶 59,00\xa0€" in card
    assert "⚠️ Plus que 3 en stock" in card
    assert "[photo: " in card


def test_sold_out_item_cannot_be_added_but_one_in_stock_can(chat, monkeypatch):
    # The cart is another feature; make sure an "add" action exists so the option can show.
    monkeypatch.setitem(routes.ACTIONS, "add", routes.ACTIONS.get("add", routes.ACTIONS["home"]))
    alice = chat()
    alice.say("/start shop-bijouterie-lemaire")
    alice.say("1")
    sold_out = alice.say("Pendentif trèfle nacre · épuisé")
    assert "❌ Épuisé pour le moment" in sold_out
    assert "Ajouter au panier" not in sold_out
    alice.say("Retour")
    in_stock = alice.say("Bague en argent martelé · 89,00 €")
    assert "1. ✅ Commander\n  2. 🛒 Ajouter au panier" in in_stock  # the cart is empty
    assert "✅ En stock" in in_stock


def test_unlimited_item_is_simply_in_stock(chat):
    alice = chat()
    alice.say("/start shop-chocolaterie-du-perche")
    alice.say("1")
    card = alice.say("Crème de marrons · 6,90 €")
    assert "✅ En stock" in card
    assert "Plus que" not in card


@pytest.mark.parametrize(
    "payload",
    ["item:99999", "shop:abc", "shop:99999", "items:1:99", "items:x:0", "cat:nope:0", "cats:7"],
)
def test_forged_payloads_get_the_out_of_date_answer(engine, payload):
    replies = engine.handle(Incoming("console", "mallory", action=payload))
    assert "Ce menu n'est plus à jour" in replies[0].text
    assert replies[-1].options


def test_hidden_item_and_other_towns_shop_are_out_of_reach(engine, db):
    def fill(session):
        other = Town(slug="bellou", name="Bellou")
        session.add(other)
        session.flush()
        shop = Shop(town_id=other.id, slug="ailleurs", name="Ailleurs", category="books")
        session.add(shop)
        session.flush()
        far = Item(shop_id=shop.id, name="Livre lointain", price_cents=100)
        hidden = named(session, "Orangettes")
        hidden.hidden = True
        session.add(far)
        session.flush()
        return shop.id, far.id, hidden.id

    shop_id, far_id, hidden_id = db.run(fill)
    for payload in (f"shop:{shop_id}", f"items:{shop_id}:0", f"item:{far_id}", f"item:{hidden_id}"):
        replies = engine.handle(Incoming("console", "mallory", action=payload))
        assert "Ce menu n'est plus à jour" in replies[0].text, payload
        assert "Livre lointain" not in " ".join(r.text for r in replies)
    # Its link, though, takes the person to that town (every shop link implies its town).
    replies = engine.handle(Incoming("console", "mallory", text="/start shop-ailleurs"))
    assert replies[0].text.startswith("🏪 Ailleurs")
    replies = engine.handle(Incoming("console", "mallory", action=f"item:{far_id}"))
    assert "Livre lointain" in replies[0].text


def test_unknown_shop_link_offers_the_shops_instead(chat):
    screen = chat().say("/start shop-boutique-fermee")
    assert "Cette boutique n'est plus sur Vitrine" in screen
    assert "par catégorie" in screen


def test_english_shop_card_and_item(chat):
    bob = chat("bob", language="en")
    card = bob.say("/start shop-chocolaterie-du-perche")
    assert "🟢 Open now, until 12:30" in card
    assert "🚚 Delivery (28400): €4.90, free from €50.00" in card
    bob.say("See the catalogue")
    assert "⚠️ Only 2 left" in bob.say("Orangettes · €12.90")


def test_shop_without_hours_or_delivery_fee_says_so_plainly(chat, db):
    def change(session):
        shop = session.exec(select(Shop).where(Shop.slug == "cave-des-coteaux")).one()
        shop.hours = {}
        shop.delivery_fee_cents = 0
        shop.free_delivery_cents = None

    db.run(change)
    card = chat().say("/start shop-cave-des-coteaux")
    assert "Aujourd'hui : fermé" in card
    assert "🔴 Fermé en ce moment\n" in card  # no reopening time to promise
    assert "🚚 Livraison (28400, 28330, 61400, 28480) : offerte" in card
