"""WhatsApp like a native app: real buttons and lists, tapped, against Twilio's stand-in."""

import json

import pytest
from sqlmodel import select

from bot.channels.whatsapp_shapes import SHAPES
from bot.channels.whatsapp_templates import TEMPLATES
from handlers.notices.orders import tell_undelivered
from store.models import Order, Outbox, Shop, ShopStaff, User, WhatsAppContent, WhatsAppMessage
from tests.fakes.sender import dispatcher
from tests.fakes.twilio import Phone, WhatsAppServer, set_up_shapes, whatsapp_app

ALICE = "+33612345678"
LEA = "+33698765432"


@pytest.fixture
def whatsapp(db, ctx, engine, standin):
    server = WhatsAppServer(whatsapp_app(db, ctx, engine, standin.url, templates={}))
    set_up_shapes(server)
    yield server
    server.close()


@pytest.fixture
def alice(whatsapp, standin):
    return Phone(whatsapp, standin, ALICE)


def lea_owns_the_chocolaterie(whatsapp, standin, db) -> Phone:
    lea = Phone(whatsapp, standin, LEA)
    lea.say("menu")
    with db.session() as session:
        user = session.exec(select(User).where(User.channel_ref == LEA)).one()
        choco = session.exec(select(Shop).where(Shop.slug == "chocolaterie-du-perche")).one()
        session.add(ShopStaff(shop_id=choco.id, user_id=user.id, role="owner"))
    return lea


def checkout_by_tapping(alice: Phone, cart: str) -> str:
    """From the cart to the confirmation, tapping: pickup today, first slot, no note (the
    soonest slot is the first row of the days; this takes the day, its part, then a slot)."""
    assert "[✅ Commander chez Chocol…]" in cart  # cut to a row's 24 characters
    assert "Comment souhaitez-vous recevoir" in alice.tap("Commander chez")
    days = alice.tap("Retrait en boutique")
    assert "[Aujourd'hui, mardi 8 dé…]" in days
    assert "[🕘 Entre 11:00 et 12:30…]" in alice.tap("Aujourd'hui")
    slots = alice.tap("Entre 11:00")
    assert "[11:00 – 11:30]" in slots
    summary = alice.tap("11:00 – 11:30")  # WhatsApp gave the number: straight to the summary
    assert "[📞 Un autre numéro]" in summary and "[💬 Ajouter un mot pour…]" in summary
    assert "24,50" in summary.replace("\xa0", " ")
    done = alice.tap("Confirmer la commande")
    assert "confirmée" in done and "[📦 Voir la commande]" in done
    return done


def test_setup_creates_every_shape_and_template_once_and_they_get_approved(whatsapp, standin):
    lines = set_up_shapes(whatsapp)  # a second time: nothing new
    assert all(line.endswith(": ok") for line in lines), lines
    assert standin.content.created == len(SHAPES) + 2 * len(TEMPLATES)
    status = whatsapp.run(whatsapp.channel.content.status())
    assert "vitrine_order_ready_fr [utility]: approved" in status
    assert "vitrine_visit_live_en [marketing]: approved" in status


def test_the_whole_journey_by_tapping_buttons_and_rows(alice, standin, db):
    home = alice.say("/start")
    assert "[🏪 Boutiques par catégo…]" in home and "Répondez" not in home  # real choices
    categories = alice.tap("Boutiques par catégo")
    assert "[🍫 Chocolaterie (1)]" in categories and "[➡️ Suite]" in categories
    assert "[Chocolaterie du Perche…]" in alice.tap("Chocolaterie (1)")
    card = alice.tap("Chocolaterie du Perche")
    assert "Ouvert en ce moment" in card
    [photo_card] = standin.to(alice.address)[-1:]  # photo, text and buttons: one message
    assert photo_card.fields["_kind"] == ["twilio/card"]
    everything = alice.tap("Autres choix")  # the whole menu, as a list
    assert "[📹 Demander une visite…]" in everything
    catalogue = alice.tap("Voir le catalog")
    assert "[Coffret chocolats assor…]" in catalogue
    item = alice.tap("Coffret chocolats")
    assert "24,50" in item.replace("\xa0", " ") and "[🛒 Ajouter au panier]" in item
    added = alice.tap("Ajouter au panier")
    assert "ajouté au panier" in added
    cart = alice.tap("Voir le panier")
    checkout_by_tapping(alice, cart)
    with db.session() as session:
        assert session.exec(select(Order)).one().status == "pending"
    typed = [m for m in standin.to(alice.address) if not m.get("ContentSid")]
    assert typed == []  # every message had real buttons or rows


def test_typed_numbers_and_labels_still_pick_from_buttons(alice):
    home = alice.say("/start")
    assert "[🏪 Boutiques par catégo…]" in home
    assert "[🍫 Chocolaterie (1)]" in alice.say("1")  # the row's hint: "ou tapez 1"
    alice.say("/start")
    assert "[🍫 Chocolaterie (1)]" in alice.say("boutiques par catégorie")  # its label


def test_a_title_without_its_id_still_picks_the_option(alice):
    alice.say("/start")
    # Some clients send only the title: read as typed, it matches the label.
    title = "🏪 Boutiques par catégorie"
    screen = alice.say_with(title, ListTitle=title, MessageType="interactive")
    assert "[🍫 Chocolaterie (1)]" in screen


def test_a_stale_tap_gets_menu_out_of_date(alice):
    alice.say("/start")
    answer = alice.say_with("Vieux", ButtonPayload="order:999999", ButtonText="Vieux")
    assert "Ce menu n'est plus à jour" in answer


def test_more_than_ten_options_come_as_pages_with_suite(alice, whatsapp, standin):
    from bot.channels.whatsapp_render import render_each
    from bot.channels.whatsapp_rich import render_rich
    from handlers.core import Option, Reply

    options = tuple(Option(f"Article {n}", f"item:{n}") for n in range(1, 15))
    sids = whatsapp.run(whatsapp.channel.out.shape_sids())
    [[message]] = render_rich(
        [Reply("Choisissez", options=options)], "fr", str, sids,
        lambda r: render_each(r, "fr", str),
    )  # fmt: skip
    variables = json.loads(message.content_variables)
    assert message.shape == "list10" and variables["31"] == "wamore:9"
    rows = [variables[str(3 + 3 * n)] for n in range(10)]
    assert rows[:2] == ["Article 1", "Article 2"] and rows[-1] == "Suite ▸"


def test_a_long_label_is_cut_on_its_row_with_the_whole_of_it_below(alice, whatsapp):
    from bot.channels.whatsapp_shapes import fill
    from handlers.core import Option

    long = "Bougie parfumée à la figue et au cèdre, grand modèle"
    options = [Option(long, "item:1"), *(Option(f"Choix {n}", f"item:{n}") for n in range(2, 6))]
    filled = fill("Les bougies", options, "fr")
    assert filled is not None and filled.shape == "list5"
    assert len(filled.variables["3"]) <= 24 and filled.variables["3"].endswith("…")
    assert filled.variables["5"] == long
    assert filled.variables["8"] == "ou tapez 2"


def test_a_shape_twilio_lost_is_made_again_once(alice, whatsapp, standin, db):
    with db.session() as session:
        lost = [row.sid for row in session.exec(select(WhatsAppContent))]
    for sid in lost:
        standin.content.delete(sid)
    created = standin.content.created
    assert "[🏪 Boutiques par catégo…]" in alice.say("/start")  # made again, then sent
    assert standin.content.created == created + 1
    standin.content.refuse_create = True
    with db.session() as session:
        for row in session.exec(select(WhatsAppContent)):
            standin.content.delete(row.sid)
    home = alice.say("/start")
    assert "1. 🏪 Boutiques par catégorie" in home and "Répondez" in home  # numbered text


def test_without_shapes_the_numbered_text_stays(db, ctx, engine, standin):
    server = WhatsAppServer(whatsapp_app(db, ctx, engine, standin.url, templates={}))
    try:
        standin.content.refuse_create = True
        lines = set_up_shapes(server)
        assert lines and all("FAILED" in line for line in lines)
        bob = Phone(server, standin, "+33611111111")
        home = bob.say("/start")
        assert "1. 🏪 Boutiques par catégorie" in home and "Répondez" in home
        assert "Chocolaterie (1)" in bob.say("1")
    finally:
        server.close()


def test_the_merchant_story_by_tapping(alice, whatsapp, standin, db, clock):
    lea = lea_owns_the_chocolaterie(whatsapp, standin, db)
    assert "[Coffret chocolats assor…]" in alice.say("coffret")
    alice.tap("Coffret chocolats")
    alice.tap("Ajouter au panier")
    checkout_by_tapping(alice, alice.say("panier"))
    whatsapp.run(dispatcher(db, whatsapp.channel, clock).drain())  # the new-order alert
    alert = lea.read(standin.to(lea.address)[-1])
    assert "Nouvelle commande" in alert and "Accepter" in alert
    accepted = lea.tap("Accepter")
    assert "le client est prévenu" in accepted
    assert "prête" in lea.tap("Marquer prête")
    whatsapp.run(dispatcher(db, whatsapp.channel, clock).drain())  # Alice's ready notice
    notice = standin.to(alice.address)[-1]
    assert "prête" in alice.read(notice)
    with db.session() as session:
        order = session.exec(select(Order)).one()
        sent = session.exec(select(WhatsAppMessage).where(WhatsAppMessage.sid == notice.sid)).one()
        assert sent.order_id == order.id and sent.kind == "order_ready"
        assert sent.category == "service"  # Alice wrote within 24 hours
    for status in ("sent", "delivered"):
        assert standin.post_status(notice, status).status_code == 204
    view = lea.press(f"mord:{order.id}")
    assert "Le client a vu" not in view
    assert standin.post_status(notice, "read").status_code == 204
    assert "👀 Le client a vu le message « prête »." in lea.press(f"mord:{order.id}")


def test_a_notice_without_an_approved_template_is_reported_to_the_shop(
    alice, whatsapp, standin, db, clock
):
    lea = lea_owns_the_chocolaterie(whatsapp, standin, db)
    alice.say("coffret")
    alice.tap("Coffret chocolats")
    alice.tap("Ajouter au panier")
    checkout_by_tapping(alice, alice.say("panier"))
    whatsapp.run(dispatcher(db, whatsapp.channel, clock).drain())
    lea.tap("Accepter")
    clock.advance(hours=30)  # Alice last wrote yesterday: only a template may reach her
    with db.session() as session:
        ready_fr = session.get(WhatsAppContent, "vitrine_order_ready_fr")
    standin.content.approvals[ready_fr.sid].status = "rejected"  # Meta said no
    standin.content.approvals[ready_fr.sid].rejection_reason = "TAG_CONTENT_MISMATCH"
    assert "vitrine_order_ready_fr [utility]: rejected (TAG_CONTENT_MISMATCH)" in whatsapp.run(
        whatsapp.channel.content.status()
    )
    whatsapp.channel.out.forget()
    told = len(standin.to(alice.address))
    lea.say("menu")  # Léa is in the chat today
    lea.press(f"mrdy:{order_id(db)}", "📦 Marquer prête")
    ctx = whatsapp.app.ctx
    drain = dispatcher(  # as `vitrine run` builds it: a failed order message tells the shop
        db,
        whatsapp.channel,
        clock,
        on_failed=lambda s, row: tell_undelivered(session=s, ctx=ctx, outbox_id=row),
    )
    whatsapp.run(drain.drain())
    later = [alice.read(m) for m in standin.to(alice.address)[told:]]
    ready = ("la retirer", "Elle vous attend")  # the template's words and the free text's
    assert not any(words in text for text in later for words in ready)  # nothing was tried
    with db.session() as session:
        notice = session.exec(select(Outbox).where(Outbox.kind == "order_ready")).one()
    assert notice.status == "failed"
    assert "'order_ready' template is not approved (rejected: TAG_CONTENT_MISMATCH)" in (
        notice.last_error
    )
    whatsapp.run(drain.drain())  # the shop is told
    warning = lea.read(standin.to(lea.address)[-1])
    assert "Nous n'avons pas pu joindre le client de la commande" in warning
    assert "06 12 34 56 78" in warning


def order_id(db) -> int:
    with db.session() as session:
        return session.exec(select(Order)).one().id


def test_suite_shows_the_next_rows_and_a_row_there_works(alice, whatsapp, standin, db):
    from handlers.core import Option, Reply, menu_of
    from notifications.base import Recipient

    alice.say("/start")
    options = [Option(f"Article {n}", f"item:{n}") for n in range(1, 12)]
    options.append(Option("Mon panier", "cart"))
    replies = [Reply("Nos nouveautés", options=tuple(options))]
    payload = {"replies": [r.to_dict() for r in replies], "menu": menu_of(replies)}
    with db.session() as session:
        user = session.exec(select(User).where(User.channel_ref == ALICE)).one()
    recipient = Recipient(user.id, "whatsapp", ALICE, "fr", user.last_inbound_at)
    whatsapp.run(whatsapp.channel.deliver(recipient, "visit_live", payload))
    first = alice.read(standin.to(alice.address)[-1])
    assert "[Article 9]\n[Suite ▸]" in first and "Mon panier" not in first
    second = alice.tap("Suite")
    assert second.startswith("Que souhaitez-vous faire ?\n[Article 10]")
    assert "[Mon panier]" in second
    assert "Votre panier est vide" in alice.say("12")  # the row typed: the whole menu counts
    assert "Votre panier est vide" in alice.tap("Mon panier")  # and tapped
    stale = alice.say_with("Suite ▸", ListId="wamore:99", ListTitle="Suite ▸")
    assert "Ce menu n'est plus à jour" in stale


def test_a_card_twilio_refuses_goes_as_numbered_text_then_as_photo_and_list(
    alice, whatsapp, standin
):
    standin.content.cards_need_approval = True  # what older Twilio docs said of cards
    alice.say("/start")
    alice.tap("Boutiques par catégo")
    alice.tap("Chocolaterie (1)")

    def shop_card() -> list:
        before = len(standin.to(alice.address))
        alice.tap("Chocolaterie du Perche")
        return standin.to(alice.address)[before:]

    [refused] = shop_card()  # refused: the numbered text, with the photo, instead
    assert refused.media_urls and "1. 🛍️ Voir le catalogue" in refused.body
    photo, rows = shop_card()  # no card any more: the photo, then a list
    assert photo.media_urls and rows.fields["_kind"] == ["twilio/list-picker"]
    assert "[🛍️ Voir le catalogue]" in alice.read(rows)
