"""Checkout from the cart to a confirmed order, by typing numbers and words."""

import hashlib
from datetime import UTC, datetime

import PIL.Image
import zxingcpp
from sqlmodel import select

from store.models import CartLine, Item, Order, OrderLine, Outbox, Shop
from tests.people import add, item, make_staff, pickup_to_summary, press, shop, shopper, update


def _orders(db) -> list[Order]:
    with db.session() as session:
        return list(session.exec(select(Order).order_by(Order.id)))


def test_click_and_collect_from_cart_to_confirmation(chat, db):
    choco = shop(db, "chocolaterie-du-perche")
    marie = make_staff(db, "marie", choco.id, name="Marie")
    alice = shopper(chat)
    add(alice, "coffret", "Coffret chocolats")
    add(alice, "coffret", "Coffret chocolats")
    assert "Commander chez Chocolaterie du Perche" in alice.say("panier")
    assert "Retrait en boutique" in alice.say("1")
    days = alice.say("retrait en boutique")
    assert "Aujourd'hui, mardi 8 décembre" in days
    assert "Lundi" not in days and "Dimanche" not in days  # closed days are not offered
    assert "1. ⚡ Dès que possible : aujourd'hui 11:00" in days  # 10:00 + 60 min of preparation
    parts = alice.say("2")  # 13 slots: first the time of day, so no list runs past ten rows
    assert "à quel moment de la journée ?" in parts
    assert "1. 🕘 Entre 11:00 et 12:30 (3 créneaux)" in parts  # 10:00 now + 60 min of preparation
    assert "2. 🕘 Entre 14:00 et 16:30 (5 créneaux)\n  3. 🕘 Entre 16:30 et 19:00" in parts
    slots = alice.say("1")
    assert "1. 11:00 – 11:30" in slots and "14:00" not in slots
    assert "10:30" not in slots
    assert "téléphone" in alice.say("2")  # 11:30 - 12:00
    summary = alice.say("06 12 34 56 78")  # the note is offered on the summary, not asked
    assert "Ajouter un mot pour la boutique" in summary
    assert "Un mot pour la boutique" in alice.say("ajouter un mot pour la boutique")
    summary = alice.say("C'est pour un anniversaire 🎂")
    assert "Changer la note" in summary
    assert "2 × Coffret chocolats assortis — 49,00 €" in summary
    assert "Total : 49,00 €" in summary
    assert "Retrait le mardi 8 décembre, entre 11:30 et 12:00" in summary
    assert "06 12 34 56 78" in summary and "anniversaire 🎂" in summary
    done = alice.say("1")
    assert "confirmée" in done and "[photo:" in done
    [order] = _orders(db)
    assert order.number in done and order.pickup_code in done
    assert order.slot_start == datetime(2026, 12, 8, 10, 30, tzinfo=UTC)
    assert order.total_cents == 4900 and order.phone == "+33612345678"
    assert item(db, "Coffret chocolats assortis").stock == 8
    assert "vide" in alice.say("panier")
    with db.session() as session:
        [alert] = session.exec(select(Outbox).where(Outbox.kind == "order_new")).all()
        [line] = session.exec(select(OrderLine)).all()
    assert alert.user_id == marie
    assert f"Nouvelle commande n° {order.number}" in alert.payload["replies"][0]["text"]
    assert (line.name, line.unit_price_cents, line.quantity) == (
        "Coffret chocolats assortis",
        2450,
        2,
    )


def test_delivery_with_zone_fee_and_free_threshold(chat, db):
    alice = shopper(chat)
    add(alice, "coffret", "Coffret chocolats")
    alice.say("commander")
    address = alice.say("livraison")
    assert "livraison possible dans : 28400" in address
    assert "Il manque le code postal" in alice.say("12 rue Gouverneur")
    refused = alice.say("8 rue de Rivoli 75001 Paris")
    assert "ne livre pas au 75001" in refused and "Retrait en boutique" in refused
    assert "adresse" in alice.say("/location 48.32 0.82")
    assert "téléphone" in alice.say("3 place Saint-Pol, 28400 Nogent-le-Rotrou")
    assert "ne semble pas valide" in alice.say("douze")
    assert "ne semble pas valide" in alice.say("0012")
    summary = alice.say("+33 6 12 34 56 78")
    assert "Livraison : 4,90 €" in summary and "Total : 29,40 €" in summary
    assert "3 place Saint-Pol, 28400 Nogent-le-Rotrou" in summary
    assert "confirmée" in alice.say("confirmer la commande")
    [order] = _orders(db)
    assert (order.fulfilment, order.postcode, order.delivery_fee_cents) == (
        "delivery",
        "28400",
        490,
    )
    assert order.latitude == 48.32 and order.slot_start is None

    # From 50 € the delivery is free (3 boxes: 73,50 €); the address and phone are remembered.
    for _ in range(3):
        add(alice, "coffret", "Coffret chocolats")
    alice.say("commander")
    offer = alice.say("2")
    assert "1. 🏠 Comme la dernière fois : 3 place Saint-Pol, 28400 Nogent-le-Rotrou" in offer
    summary = alice.say("1")
    assert "Livraison : offerte" in summary and "Total : 73,50 €" in summary
    assert "06 12 34 56 78" in summary  # the last order's number, one tap with the rest
    asked = alice.say("un autre numéro")
    assert "Utiliser le 06 12 34 56 78" in asked
    summary = alice.say("07 00 00 00 02")
    assert "07 00 00 00 02" in summary and "3 place Saint-Pol" in summary


def test_a_long_note_is_cut_and_kept_and_emoji_phone_is_refused(chat, db):
    alice = shopper(chat)
    add(alice, "coffret", "Coffret chocolats")
    alice.say("commander")
    alice.say("1")  # pickup
    alice.say("1")  # as soon as possible
    assert "ne semble pas valide" in alice.say("📞📞")
    alice.say("0612345678")
    alice.say("ajouter un mot pour la boutique")
    summary = alice.say("é" * 5000)
    assert "je garde ses 500 premiers caractères" in summary
    assert "é" * 500 in summary and "é" * 501 not in summary
    alice.say("1")
    [order] = _orders(db)
    assert order.note == "é" * 500


def test_slot_filled_meanwhile_asks_for_another_and_keeps_the_cart(chat, db):
    choco = shop(db, "chocolaterie-du-perche")
    update(db, Shop, choco.id, slot_capacity=1)
    alice, bob = shopper(chat), shopper(chat, "bob")
    add(alice, "coffret", "Coffret chocolats")
    assert "11:00 et 11:30" in pickup_to_summary(alice)
    add(bob, "creme", "Crème de marrons")
    assert "11:00 et 11:30" in pickup_to_summary(bob, phone="07 00 00 00 01")
    assert "confirmée" in bob.say("1")

    screen = alice.say("1")
    assert "quelqu'un vient de prendre la dernière place" in screen
    assert "11:00 et" not in screen and "1. 🕘 Entre 11:30 et 12:30" in screen
    assert item(db, "Coffret chocolats assortis").stock == 10
    assert "1. 11:30 – 12:00" in alice.say("1")
    assert "11:30 et 12:00" in alice.say("1")  # 11:30; the phone is still the one typed
    assert "confirmée" in alice.say("1")
    assert item(db, "Coffret chocolats assortis").stock == 9


def test_out_of_stock_at_confirm_keeps_the_cart(chat, db):
    alice = shopper(chat)
    nuisette = item(db, "Nuisette en soie")
    for _ in range(3):
        add(alice, "nuisette", "Nuisette en soie")
    alice.say("commander")  # Lingerie offers pickup only: straight to the day
    alice.say("1")  # as soon as possible
    assert "3 × Nuisette en soie — 177,00 €" in alice.say("0612345678")
    update(db, Item, nuisette.id, stock=2)  # sold in the shop meanwhile
    screen = alice.say("1")
    assert "plus assez de stock pour : Nuisette en soie" in screen
    assert "3 × Nuisette en soie" in screen
    assert item(db, "Nuisette en soie").stock == 2
    assert _orders(db) == []


def test_lead_time_and_closures_shape_the_days_and_slots(chat, db, clock):
    choco = shop(db, "chocolaterie-du-perche")
    update(db, Shop, choco.id, closures=[["2026-12-09", "2026-12-10"]])
    clock.advance(hours=2, minutes=10)  # 12:10 in Paris: the morning is over
    alice = shopper(chat)
    add(alice, "coffret", "Coffret chocolats")
    alice.say("commander")
    days = alice.say("1")
    assert "Mercredi 9" not in days and "Jeudi 10" not in days
    assert "3. Vendredi 11 décembre" in days and "Dès que possible : aujourd'hui 14:00" in days
    parts = alice.say("2")
    assert "1. 🕘 Entre 14:00 et 16:30 (5 créneaux)" in parts and "12:00" not in parts
    assert "1. 14:00 – 14:30" in alice.say("1")


def test_stale_checkout_buttons_are_out_of_date(chat, db):
    alice = shopper(chat)
    choco = shop(db, "chocolaterie-du-perche")
    add(alice, "coffret", "Coffret chocolats")
    press(alice, f"co:{choco.id}")
    assert "n'est plus à jour" in press(alice, f"co.slot:{choco.id}:0300")
    assert "n'est plus à jour" in press(alice, f"co.day:{choco.id}:banana")
    assert "n'est plus à jour" in press(alice, f"co:{choco.id}:zz")


def test_qr_in_the_confirmation_opens_the_pickup_and_only_its_hash_is_stored(chat, db, ctx):
    alice = shopper(chat)
    add(alice, "coffret", "Coffret chocolats")
    pickup_to_summary(alice)
    [reply] = alice.send("1")
    image = PIL.Image.open(ctx.media.path(reply.photo))
    [barcode] = zxingcpp.read_barcodes(image)
    link = barcode.text
    prefix = ctx.deep_link("console", "pickup-")
    assert link.startswith(prefix)
    token = link.removeprefix(prefix)
    assert len(token) >= 20
    [order] = _orders(db)
    assert order.pickup_token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in repr(order.model_dump()) and token not in reply.text
    assert len(order.pickup_code) == 6 and not set(order.pickup_code) & set("0O1I")
    with db.session() as session:
        assert session.exec(select(CartLine)).all() == []


def test_an_english_customer_orders_in_english(chat, db):
    bob = shopper(chat, "bob", language="en-GB")
    assert "added to your cart" in add(bob, "coffret", "Coffret chocolats")
    assert "Order from Chocolaterie du Perche" in bob.say("cart")
    assert "How would you like to get your order" in bob.say("checkout")
    days = bob.say("collect in store")
    assert "Today, Tuesday 8 December" in days and "3. Wednesday 9 December" in days
    assert "1. ⚡ As soon as possible: today 11:00" in days
    assert "1. 🕘 Between 11:00 and 12:30 (3 slots)" in bob.say("2")
    bob.say("1")
    bob.say("2")
    summary = bob.say("06 12 34 56 78")
    assert "Add a note for the shop" in summary
    assert "Collect on Tuesday 8 December, between 11:30 and 12:00" in summary
    assert "Total: €24.50" in summary
    done = bob.say("1")
    assert "confirmed" in done and "Status: waiting for the shop" in done
    assert "aide" not in bob.say("help").lower()


def test_help_and_home_midway_lose_nothing(chat, db):
    alice = shopper(chat)
    add(alice, "coffret", "Coffret chocolats")
    alice.say("commander")
    alice.say("1")
    alice.say("1")
    alice.say("1")
    alice.say("1")
    assert "Choisissez une option" in alice.say("aide")
    assert "Que souhaitez-vous faire" in alice.say("menu")
    assert "1 × Coffret chocolats assortis" in alice.say("panier")
    alice.say("commander")
    alice.say("1")
    alice.say("2")
    alice.say("1")
    alice.say("2")
    alice.say("0612345678")
    assert "Un mot pour la boutique" in alice.say("ajouter un mot pour la boutique")
    alice.say("Paquet cadeau svp")
    alice.say("menu")
    summary = alice.say("commander")  # straight back to the summary, every answer kept
    assert "Récapitulatif" in summary and "Paquet cadeau svp" in summary
    assert "entre 11:30 et 12:00" in summary and "06 12 34 56 78" in summary
    assert "Comment souhaitez-vous recevoir" in alice.say("changer retrait / livraison")
    assert "À quelle adresse livrer" in alice.say("2")
