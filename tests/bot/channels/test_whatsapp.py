"""WhatsApp through Twilio: signed webhooks in, replies through the REST API stand-in."""

import json

import pytest
from PIL import Image
from sqlmodel import select

from bot.web import signed_media_url
from handlers.core import Option, Reply, menu_of
from notifications.base import DeliveryError, Recipient
from store.models import Item, Outbox, SeenMessage, Shop, ShopStaff, User
from tests.bot.channels.conftest import ALICE, TEMPLATE, png
from tests.fakes.sender import dispatcher
from tests.fakes.twilio import (
    AUTH_TOKEN,
    BOT_NUMBER,
    Phone,
    inbound,
)
from tests.people import outbox, queue, row


def test_menu_is_numbered_and_a_typed_number_picks_the_option(alice):
    welcome = alice.say("/start")
    assert "Nogent-le-Rotrou" in welcome
    assert "1. 🏪 Boutiques par catégorie" in welcome
    assert "6. 🌐 Language / Langue" in welcome
    assert "Répondez par un numéro de 1 à 7" in welcome  # 7. 🔴 En direct (live visits)
    help_by_number = alice.say("5")
    alice.say("menu")
    assert alice.say("aide") == help_by_number
    assert "Choisissez une option" in help_by_number


def test_english_country_code_gets_english(whatsapp, standin):
    bob = Phone(whatsapp, standin, "+447700900123")
    assert "Welcome to the shops of Nogent-le-Rotrou" in bob.say("/start")
    assert "Reply with a number from 1 to 7" in bob.say("menu")


def test_replies_come_from_our_number_with_twilio_auth(alice, standin):
    alice.say("bonjour")
    sent = standin.sent[-1]
    assert sent.get("From") == f"whatsapp:{BOT_NUMBER}"
    assert sent.to == f"whatsapp:{ALICE}"


def test_missing_or_wrong_signature_is_refused_and_nothing_is_kept(whatsapp, standin, db):
    params = inbound(ALICE, "bonjour")
    assert whatsapp.post(params, signature="").status_code == 403
    assert whatsapp.post(params, signature="bm90IGEgc2lnbmF0dXJl").status_code == 403
    forged = {**params, "Body": "autre chose"}  # signed for other fields
    good = inbound(ALICE, "bonjour")
    from twilio.request_validator import RequestValidator

    signature = RequestValidator(AUTH_TOKEN).compute_signature(
        "https://vitrine.example/whatsapp/webhook", good
    )
    assert whatsapp.post(forged, signature=signature).status_code == 403
    whatsapp.idle()
    assert standin.attempts == 0
    with db.session() as session:
        assert session.exec(select(User)).all() == []
        assert session.exec(select(SeenMessage)).all() == []


def test_same_message_sid_twice_gets_one_set_of_replies(whatsapp, standin):
    params = inbound(ALICE, "bonjour")
    assert whatsapp.post(params).status_code == 200
    assert whatsapp.post(params).status_code == 200
    whatsapp.idle()
    assert len(standin.to(f"whatsapp:{ALICE}")) == 1


def test_twilio_busy_delays_replies_but_loses_none(alice, standin):
    standin.fail_next(429, times=2)
    standin.fail_next(500)
    replies = alice.send("bonjour")
    assert len(replies) == 1 and "Bienvenue dans les boutiques" in replies[0].body  # newcomer
    assert standin.attempts == 4
    standin.fail_next(429)
    assert "Choisissez une option" in alice.say("5")


def test_messages_are_answered_in_the_order_they_were_sent(whatsapp, standin):
    first, second = inbound(ALICE, "bonjour"), inbound(ALICE, "5")
    standin.fail_next(429, times=3)  # the first answer is slow; the second must wait for it
    assert whatsapp.post(first).status_code == 200
    assert whatsapp.post(second).status_code == 200
    whatsapp.idle()
    bodies = [m.body for m in standin.to(f"whatsapp:{ALICE}")]
    assert "Bienvenue dans les boutiques" in bodies[0]  # a newcomer's first "bonjour"
    assert "Choisissez une option" in bodies[1]


def _media_files(whatsapp) -> set[str]:
    return {path.name for path in whatsapp.app.media.root.glob("*/*.*")}


def _works_in_a_shop(db, number: str) -> None:
    """The person behind `number` joins a shop's staff: their photos become items."""
    with db.session() as session:
        person = User(channel="whatsapp", channel_ref=number, name="Alice")
        session.add(person)
        session.flush()
        choco = session.exec(select(Shop).where(Shop.slug == "chocolaterie-du-perche")).one()
        session.add(ShopStaff(shop_id=choco.id, user_id=person.id, role="owner"))


def test_a_customers_photo_is_answered_without_being_fetched(alice, standin, whatsapp):
    before = _media_files(whatsapp)
    url = standin.add_media(png(64, 48), "image/png")
    replies = alice.send("", NumMedia="1", MediaUrl0=url, MediaContentType0="image/png")
    assert "Seuls les commerçants publient des photos" in replies[0].body
    assert standin.fetches == [] and _media_files(whatsapp) == before


def test_a_photo_reaches_the_media_store_as_image_bytes(alice, standin, whatsapp, db):
    _works_in_a_shop(db, ALICE)
    before = _media_files(whatsapp)
    url = standin.add_media(png(64, 48), "image/png")
    replies = alice.send("", NumMedia="1", MediaUrl0=url, MediaContentType0="image/png")
    assert replies, "the photo gets an answer"
    keys = list(_media_files(whatsapp) - before)
    assert len(keys) == 1
    with Image.open(whatsapp.app.media.path(keys[0])) as img:
        assert img.size == (64, 48)


def test_an_album_of_photos_is_one_message(whatsapp, standin, db):
    _works_in_a_shop(db, ALICE)
    # Each part must follow the one before within the window: 2 s, for a loaded machine
    # (the harness's shorter one keeps the one-photo tests quick).
    whatsapp.channel.album_wait = 2.0
    before = _media_files(whatsapp)
    for n, caption in enumerate(["Bougie parfumée 12,90 €", "", ""]):
        url = standin.add_media(png(20 + n, 20), "image/png")
        params = inbound(ALICE, caption, NumMedia="1", MediaUrl0=url, MediaContentType0="image/png")
        assert whatsapp.post(params).status_code == 200
    whatsapp.idle()
    assert len(standin.to(f"whatsapp:{ALICE}")) == 1  # one answer for the three photos
    assert len(_media_files(whatsapp) - before) == 3


def test_a_pdf_is_refused_kindly_and_the_text_still_counts(alice, standin, whatsapp):
    before = _media_files(whatsapp)
    url = standin.add_media(b"%PDF-1.4 not a photo", "application/pdf")
    replies = alice.send(
        "bonjour", NumMedia="1", MediaUrl0=url, MediaContentType0="application/pdf"
    )
    assert "que des photos" in replies[0].body
    assert "Que souhaitez-vous faire" in replies[1].body
    assert _media_files(whatsapp) == before


def test_a_shared_location_reaches_the_core(alice):
    fields = {"Latitude": "48.3216", "Longitude": "0.8217", "Address": "Place Saint-Pol"}
    [reply] = alice.send("", MessageType="location", **fields)
    assert "pas besoin de votre position" in reply.body


def test_a_wa_me_shop_link_opens_the_shop(alice):
    assert "Chocolats artisanaux" in alice.say("shop chocolaterie-du-perche")


def test_signed_media_url_works_then_expires(whatsapp, clock):
    key = whatsapp.app.media.put(png(), "png")  # not a catalogue photo: a QR, say
    url = signed_media_url(whatsapp.app, key)
    assert url.startswith("https://vitrine.example/media/")
    answer = whatsapp.http.get(whatsapp.local(url))
    assert answer.status_code == 200 and answer.content.startswith(b"\x89PNG")
    assert whatsapp.http.get(f"/media/{key}").status_code == 403
    assert whatsapp.http.get(whatsapp.local(url).replace("sig=", "sig=0")).status_code == 403
    clock.advance(hours=2)
    assert whatsapp.http.get(whatsapp.local(url)).status_code == 403


def test_catalogue_photos_stay_public_other_media_need_a_signature(whatsapp, db):
    media = whatsapp.app.media
    shown, private = media.put(png(10, 10), "png"), media.put(png(12, 12), "png")
    with db.session() as session:
        item = session.exec(select(Item).where(Item.name == "Crème de marrons")).one()
        item.photos = [shown]
    assert whatsapp.http.get(f"/media/{shown}").status_code == 200
    assert whatsapp.http.get(f"/media/{private}").status_code == 403
    with db.session() as session:
        session.exec(select(Item).where(Item.name == "Crème de marrons")).one().hidden = True
    assert whatsapp.http.get(f"/media/{shown}").status_code == 403


def _recipient(db, number: str) -> Recipient:
    with db.session() as session:
        user = session.exec(select(User).where(User.channel_ref == number)).one()
        return Recipient(
            user.id, user.channel, user.channel_ref, user.language, user.last_inbound_at
        )


def test_notification_inside_the_window_is_free_text_and_its_menu_answers(
    alice, whatsapp, standin, db
):
    alice.say("bonjour")
    replies = [Reply("Votre commande est prête !", options=(Option("Aide", "help"),))]
    payload = {
        "replies": [r.to_dict() for r in replies],
        "variables": {"1": "A12"},
        "menu": menu_of(replies),  # as the outbox keeps it
    }
    whatsapp.run(whatsapp.channel.deliver(_recipient(db, ALICE), "order_ready", payload))
    sent = standin.sent[-1]
    assert "Votre commande est prête" in sent.body and "1. Aide" in sent.body
    assert sent.get("ContentSid") is None
    assert "Choisissez une option" in alice.say("1")


def test_notification_after_24_hours_uses_the_template_with_its_variables(
    alice, whatsapp, standin, db, clock
):
    alice.say("bonjour")
    clock.advance(hours=25)
    payload = {
        "replies": [Reply("Prête !").to_dict()],
        "variables": {"1": "A12", "2": "Chocolaterie"},
    }
    whatsapp.run(whatsapp.channel.deliver(_recipient(db, ALICE), "order_ready", payload))
    sent = standin.sent[-1]
    assert sent.get("ContentSid") == TEMPLATE
    assert json.loads(sent.get("ContentVariables")) == {"1": "A12", "2": "Chocolaterie"}
    assert sent.get("Body") is None


def test_notification_after_24_hours_without_template_is_not_sent(
    alice, whatsapp, standin, db, clock
):
    alice.say("bonjour")
    clock.advance(hours=25)
    before = standin.attempts
    with pytest.raises(DeliveryError) as caught:
        whatsapp.run(
            whatsapp.channel.deliver(_recipient(db, ALICE), "pickup_reminder", {"replies": []})
        )
    assert caught.value.permanent
    assert "template" in str(caught.value) and "pickup_reminder" in str(caught.value)
    assert standin.attempts == before


def test_the_dispatcher_sends_a_template_after_24_hours_and_records_a_missing_one(
    alice, whatsapp, standin, db, clock
):
    alice.say("menu")
    clock.advance(hours=30)  # Alice last wrote yesterday
    user_id = _recipient(db, ALICE).user_id
    ready = queue(db, user_id, "Votre commande est prête", clock.now, variables={"1": "A12"})
    reminder = queue(db, user_id, "N'oubliez pas", clock.now, kind="pickup_reminder")
    whatsapp.run(dispatcher(db, whatsapp.channel, clock).drain())
    [sent] = standin.sent[-1:]
    assert sent.get("ContentSid") == TEMPLATE and sent.get("Body") is None
    assert json.loads(sent.get("ContentVariables")) == {"1": "A12"}
    assert row(db, ready).status == "sent"
    missed = row(db, reminder)
    assert missed.status == "failed" and "'pickup_reminder' template" in missed.last_error
    assert "not set up" in missed.last_error
    assert not any(m.body == "N'oubliez pas" for m in standin.sent)


def test_replies_kept_while_twilio_was_down_are_delivered_later(
    alice, whatsapp, standin, db, clock
):
    standin.fail_next(503, times=5)
    assert alice.send("/start") == []
    clock.advance(minutes=1)
    whatsapp.run(dispatcher(db, whatsapp.channel, clock).drain())
    [welcome] = standin.to(f"whatsapp:{ALICE}")
    assert "Nogent-le-Rotrou" in welcome.body and "1. 🏪" in welcome.body
    assert [r.status for r in outbox(db)] == ["sent"]


def test_a_note_folded_into_a_menu_that_could_not_go_waits_with_it_and_arrives_once(
    alice, whatsapp, standin, db, clock
):
    alice.say("menu")
    note = Reply("Commande acceptée : le client est prévenu.")
    menu = Reply("Commande AB12C (acceptée)", options=(Option("📦 Marquer prête", "mrdy:1"),))
    before = len(standin.to(f"whatsapp:{ALICE}"))
    standin.fail_next(503, times=5)  # Twilio down for the one message carrying both
    whatsapp.run(whatsapp.channel.send_replies(ALICE, [note, menu], "fr"))
    assert len(standin.to(f"whatsapp:{ALICE}")) == before
    [waiting] = [r for r in outbox(db) if r.status == "pending"]
    assert [r["text"] for r in waiting.payload["replies"]] == [note.text, menu.text]
    clock.advance(minutes=1)
    whatsapp.run(dispatcher(db, whatsapp.channel, clock).drain())
    [later] = standin.to(f"whatsapp:{ALICE}")[before:]  # one message, the note on top
    assert later.body.startswith(note.text) and "1. 📦 Marquer prête" in later.body


def test_twilio_still_busy_after_retries_tells_the_dispatcher_to_wait(alice, whatsapp, standin, db):
    alice.say("menu")
    standin.fail_next(429, times=5)
    payload = {"replies": [Reply("Prête !").to_dict()]}
    with pytest.raises(DeliveryError) as caught:
        whatsapp.run(whatsapp.channel.deliver(_recipient(db, ALICE), "order_ready", payload))
    assert not caught.value.permanent and caught.value.retry_after is not None
    whatsapp.run(whatsapp.channel.deliver(_recipient(db, ALICE), "order_ready", payload))
    assert standin.sent[-1].body == "Prête !"


def test_unreachable_number_is_marked(alice, whatsapp, standin, db):
    alice.say("bonjour")
    standin.unreachable.add(f"whatsapp:{ALICE}")
    with pytest.raises(DeliveryError) as caught:
        payload = {"replies": [Reply("Prête !").to_dict()]}
        whatsapp.run(whatsapp.channel.deliver(_recipient(db, ALICE), "order_ready", payload))
    assert caught.value.permanent
    with db.session() as session:
        assert session.exec(select(User).where(User.channel_ref == ALICE)).one().unreachable
    standin.unreachable.clear()
    assert "Que souhaitez-vous faire" in alice.say("menu")  # writing again: reachable again
    with db.session() as session:
        assert not session.exec(select(User).where(User.channel_ref == ALICE)).one().unreachable


def test_replies_twilio_cannot_take_wait_in_the_outbox(alice, standin, db):
    standin.fail_next(500, times=5)  # every try of the first reply fails
    assert alice.send("/start") == []
    with db.session() as session:
        rows = session.exec(select(Outbox)).all()
    assert [row.kind for row in rows] == ["reply"]
    assert "Nogent-le-Rotrou" in rows[0].payload["replies"][0]["text"]


def test_delivery_status_callbacks_are_not_messages(whatsapp, standin, db):
    callback = inbound(ALICE, "", MessageStatus="delivered", SmsStatus="delivered")
    assert whatsapp.post(callback).status_code == 200
    whatsapp.idle()
    assert standin.attempts == 0
