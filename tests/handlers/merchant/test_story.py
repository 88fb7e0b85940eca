"""The merchant story on the console: invite, set-up, three items by photo, an order handed over."""

import zxingcpp
from PIL import Image
from sqlmodel import select

from handlers.core import Incoming
from store.models import Invite, Item, Order, Outbox, Shop
from tests.people import Person, invite, outbox_for, outbox_replies, picture


def test_invite_prints_both_links_and_a_qr_code_that_opens_the_join(engine, db, tmp_path):
    printed = invite(engine, db, "Bougies de Léa")
    assert len(printed.code) == 8
    assert printed.telegram == f"https://t.me/VitrineNogentBot?start=join-{printed.code}"
    decoded = zxingcpp.read_barcodes(Image.open(printed.qr_path))
    assert [code.text for code in decoded] == [printed.telegram]
    with db.session() as session:
        shop = session.exec(select(Shop).where(Shop.slug == "bougies-de-lea")).one()
        row = session.exec(select(Invite).where(Invite.code == printed.code)).one()
        assert (row.shop_id, row.role, row.used_at) == (shop.id, "owner", None)
        assert (row.expires_at - engine.ctx.now()).days == 14
        assert shop.active is False  # customers see it once its owner has joined
    # Inviting again for the same name reuses the shop and makes a new, different code.
    again = invite(engine, db, "bougies de léa")
    assert again.code != printed.code
    with db.session() as session:
        assert len(session.exec(select(Shop).where(Shop.name.ilike("bougies%"))).all()) == 1


def test_whatsapp_link_is_printed_when_a_number_is_configured(engine, db):
    engine.ctx.whatsapp_number = "whatsapp:+33612345678"
    from bot.cli import admin_invite
    from tests.people import app_for

    app = app_for(engine, db)
    app.config.whatsapp.from_number = "whatsapp:+33612345678"
    printed = admin_invite(app, "Fromagerie du Marché")
    assert printed.whatsapp == f"https://wa.me/33612345678?text=join%20{printed.code}"


def test_merchant_story_from_invite_to_handed_over_order(chat, engine, db, clock, tmp_path):
    code = invite(engine, db, "Bougies de Léa").code
    lea = Person(chat("lea"))

    screen = lea.say(f"/start join-{code}")
    assert "responsable de la boutique « Bougies de Léa »" in screen
    assert "Quel est le type de votre boutique" in screen

    # One question before the first sale; the rest from "Compléter ma boutique", one skipped,
    # hours read back for confirmation.
    assert "C'est prêt" in lea.say("Déco et cadeaux")
    assert "Décrivez votre boutique" in lea.say("Compléter ma boutique")
    assert "adresse" in lea.say("Bougies artisanales coulées à la main dans le Perche")
    assert "téléphone" in lea.say("8 rue Saint-Laurent, 28400 Nogent-le-Rotrou")
    assert "Je n'ai pas reconnu ce numéro" in lea.say("02 37")
    assert "horaires" in lea.say("02.37.52.00.00")
    screen = lea.say("mar-sam 10h-12h30 14h-19h, fermé dimanche et lundi")
    assert "J'ai compris" in screen
    assert "mardi → samedi : 10:00–12:30, 14:00–19:00" in screen
    assert "Fermé : lundi, dimanche" in screen
    assert "fermetures exceptionnelles" in lea.say("C'est bon")
    assert "retrait en boutique" in lea.say("fermé du 24/12 au 26/12")
    assert "préparer une commande" in lea.say("Oui")
    assert "par créneau" in lea.say("30 min")
    assert "Livrez-vous" in lea.say("3")
    assert "Combien de jours" in lea.say("Non")
    assert "photo de votre boutique" in lea.say("Passer")
    screen = lea.say(f"/photo {picture(tmp_path, 'vitrine', 'blue')}")
    assert "C'est prêt" in screen
    with db.session() as session:
        shop = session.exec(select(Shop).where(Shop.slug == "bougies-de-lea")).one()
        assert shop.active  # open to customers now that its owner is here
        assert shop.category == "gifts"
        assert shop.phone == "02 37 52 00 00"
        assert set(shop.hours) == {"tue", "wed", "thu", "fri", "sat"}
        assert shop.closures == [["2026-12-24", "2026-12-26"]]
        assert (shop.pickup_enabled, shop.prep_minutes, shop.slot_capacity) == (True, 30, 3)
        assert shop.delivery_enabled is False
        assert shop.hold_days == 3  # skipped: the default stays
        assert shop.photo is not None

    # Three items by photo: caption with stock, caption with description, no caption at all.
    screen = lea.say(f"/photo {picture(tmp_path, 'bougie')} Bougie parfumée - 12,90 € - stock 4")
    assert "tel que les clients le verront" in screen
    card = "Bougie parfumée\n💶 12,90 €\n✅ En stock\n🏪 Bougies de Léa\n📦 Votre stock : 4"
    assert card in screen
    assert "en ligne" in lea.say("Publier")
    photo = picture(tmp_path, "coffret", "green")
    screen = lea.say(f"/photo {photo} Coffret bougies x3 35€\nTrois senteurs d'hiver")
    assert "Trois senteurs d'hiver" in screen
    lea.say("Publier")
    screen = lea.say(f"/photo {picture(tmp_path, 'fondant', 'yellow')}")
    assert "nom et le prix" in screen
    assert "prix de « Fondant vanille »" in lea.say("Fondant vanille")
    screen = lea.say("4,50")
    assert "Fondant vanille\n💶 4,50 €" in screen
    lea.say("Publier")

    # A customer finds them by search and orders one for pickup through the checkout.
    bob = Person(chat("bob"))
    bob.say("/start")
    screen = bob.say("bougie")
    assert "Bougie parfumée · 12,90 € · Bougies de Léa" in screen
    assert "Coffret bougies · 35,00 € · Bougies de Léa" in screen
    card = bob.say("Bougie parfumée · 12,90 € · Bougies de Léa")
    assert "✅ En stock" in card and "Votre stock" not in card  # customers see no counts
    assert "ajouté" in bob.say("Ajouter au panier")
    assert "Commander chez Bougies de Léa" in bob.say("panier")
    days = bob.say("Commander chez Bougies de Léa")  # pickup only: no delivery was set up
    assert "Mardi 15 décembre" in days and "Lundi 14" not in days  # the hours typed at set-up
    assert "1. ⚡ Dès que possible : aujourd'hui 10:30" in days  # 10:00 + the 30 min typed
    bob.say("2")  # today
    slots = bob.say("1")  # the morning
    assert "1. 10:30 – 11:00" in slots  # 10:00 now + the 30 minutes typed at set-up
    bob.say("1")
    assert "Bougie parfumée — 12,90 €" in bob.say("06 12 34 56 78")
    [confirmation] = bob.channel.send("1")
    assert "confirmée" in confirmation.text
    with db.session() as session:
        order = session.exec(select(Order)).one()
        order_id = order.id

    # The merchant gets the new-order alert and presses its Accept button, then marks it ready.
    [alert] = outbox_replies(db, "lea", "order_new")
    assert f"Nouvelle commande n° {order.number}" in alert["text"]
    accept = next(action for label, action, _ in alert["options"] if action.startswith("macc:"))
    screen = Person(chat("lea")).channel.engine.handle(
        Incoming("console", "lea", action=accept, language="fr")
    )
    assert "le client est prévenu" in screen[0].text
    assert "06 12 34 56 78" in screen[1].text
    screen = lea.say("Marquer prête")
    assert "gardée jusqu'à vendredi 11 décembre à 19:00" in screen  # closing, 3 days later
    screen = lea.say("Ma boutique")
    assert "Commandes en cours (0 à accepter)" in screen
    screen = lea.say("Retraits du jour")
    assert "· prête · 10:30 · 12,90 €" in screen
    [accepted] = outbox_for(db, "bob", "order_accepted")
    assert "Bougies de Léa a accepté votre commande" in accepted
    [ready] = outbox_for(db, "bob", "order_ready")
    assert "est prête chez Bougies de Léa (8 rue Saint-Laurent" in ready
    assert "jusqu'à vendredi 11 décembre à 19:00" in ready
    with db.session() as session:
        kinds = session.exec(select(Outbox.kind).where(Outbox.order_id == order_id)).all()
        assert {"order_accepted", "order_ready"} <= set(kinds)  # tied to the order if undelivered

    # At the counter, the merchant scans the customer's QR code and hands the order over.
    clock.advance(minutes=40)
    [qr] = zxingcpp.read_barcodes(Image.open(engine.ctx.media.path(confirmation.photo)))
    payload = qr.text.split("start=", 1)[1]
    assert payload.startswith("pickup-")
    screen = lea.say(f"/start {payload}")
    assert "Remise au client" in screen and "Bougie parfumée" in screen
    assert "remise. Bonne journée" in lea.say("Remettre")
    assert "déjà été remise" in lea.say(f"/start {payload}")
    with db.session() as session:
        order = session.get(Order, order_id)
        assert order.status == "collected"
        assert order.collected_at == clock.now
        stock = {i.name: i.stock for i in session.exec(select(Item).where(Item.shop_id == shop.id))}
        assert stock == {"Bougie parfumée": 3, "Coffret bougies": 3, "Fondant vanille": None}
