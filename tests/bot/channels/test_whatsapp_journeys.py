"""Whole journeys on WhatsApp, typed by numbers: a customer's order, a merchant's day, an invite."""

import io
from urllib.parse import unquote

import zxingcpp
from PIL import Image
from sqlmodel import select

from bot.cli import admin_invite
from store.models import Order, Shop, ShopStaff, User
from tests.bot.channels.conftest import png
from tests.fakes.sender import dispatcher
from tests.fakes.twilio import (
    BOT_NUMBER,
    Phone,
    WhatsAppServer,
)
from tests.fakes.twilio_standin import Sent


def _number_of(words: str, screen: str) -> str:
    """The number of the option labelled `words` in the numbered menu on `screen`."""
    for line in screen.splitlines():
        number, dot, label = line.partition(". ")
        if dot and number.isdigit() and words in label:
            return number
    raise AssertionError(f"no option {words!r} in:\n{screen}")


def _checkout_for_pickup(alice: Phone, cart: str) -> Sent:
    """From the cart screen to the confirmation: pickup today, first slot, no note."""
    modes = alice.say(_number_of("Commander chez Chocolaterie du Perche", cart))
    days = alice.say(_number_of("Retrait en boutique", modes))
    assert "Aujourd'hui, mardi 8 décembre" in days
    parts = alice.say(_number_of("Aujourd'hui", days))
    assert "1. 🕘 Entre 11:00 et 12:30" in parts
    slots = alice.say("1")
    assert "1. 11:00 – 11:30" in slots
    summary = alice.say("1")  # WhatsApp gave the number: no question, it is on the summary
    assert "Un autre numéro" in summary
    assert "24,50" in summary.replace("\xa0", " ")
    [done] = alice.send(_number_of("Confirmer", summary))
    assert "confirmée" in done.body
    return done


def _decoded(whatsapp: WhatsAppServer, url: str) -> str:
    answer = whatsapp.http.get(whatsapp.local(url))
    assert answer.headers["content-type"] == "image/png"
    [barcode] = zxingcpp.read_barcodes(Image.open(io.BytesIO(answer.content)))
    return barcode.text


def test_whole_journey_by_typing_numbers_and_the_qr_link_expires(alice, whatsapp, clock):
    screen = alice.say("/start")
    for label in ("Boutiques par catégorie", "Chocolaterie"):
        screen = alice.say(_number_of(label, screen))
    [card] = alice.send(_number_of("Chocolaterie du Perche", screen))
    assert "Ouvert en ce moment" in card.body
    [shop_photo] = card.media_urls  # the shop's photo, served by our app under public_url
    assert whatsapp.http.get(whatsapp.local(shop_photo)).headers["content-type"] == "image/jpeg"
    screen = alice.say(_number_of("Voir le catalogue", card.body))
    item = alice.say(_number_of("Coffret chocolats assortis", screen))
    assert "24,50" in item.replace("\xa0", " ")
    added = alice.say(_number_of("Ajouter au panier", item))
    assert "ajouté au panier" in added
    cart = alice.say("panier")  # a word works as well as a number
    assert "Coffret chocolats assortis" in cart
    done = _checkout_for_pickup(alice, cart)
    [qr_url] = done.media_urls
    assert qr_url.startswith("https://vitrine.example/media/") and "sig=" in qr_url
    assert _decoded(whatsapp, qr_url).startswith(f"https://wa.me/{BOT_NUMBER[1:]}?text=pickup%20")
    unsigned = whatsapp.local(qr_url).split("?")[0]
    assert whatsapp.http.get(unsigned).status_code == 403
    number = done.body.split("n° ")[1].split(" ")[0]
    assert number in alice.say(_number_of("Mes commandes", done.body))
    clock.advance(hours=2)
    assert whatsapp.http.get(whatsapp.local(qr_url)).status_code == 403


def test_merchant_on_whatsapp_posts_an_item_by_photo_and_hands_over_by_qr(
    alice, whatsapp, standin, db, clock
):
    lea = Phone(whatsapp, standin, "+33698765432")
    lea.say("menu")
    with db.session() as session:
        user = session.exec(select(User).where(User.channel_ref == lea.number)).one()
        choco = session.exec(select(Shop).where(Shop.slug == "chocolaterie-du-perche")).one()
        session.add(ShopStaff(shop_id=choco.id, user_id=user.id, role="owner"))
    url = standin.add_media(png(80, 60), "image/png")
    caption = "Bougie parfumée - 12,90 € - stock 4"
    fields = {"NumMedia": "1", "MediaUrl0": url, "MediaContentType0": "image/png"}
    [preview] = lea.send(caption, **fields)
    assert "tel que les clients le verront" in preview.body and preview.media_urls
    assert "en vente" in lea.say(_number_of("Publier", preview.body))
    assert "Bougie parfumée" in alice.say("bougie")  # customers find it at once
    pdf = {"NumMedia": "1", "MediaContentType0": "application/pdf"}
    pdf["MediaUrl0"] = standin.add_media(b"%PDF-1.4", "application/pdf")
    assert "n'est pas une photo que je peux afficher" in lea.say_with("", **pdf)

    found = alice.say("coffret")
    item = alice.say(_number_of("Coffret chocolats assortis", found))
    alice.say(_number_of("Ajouter au panier", item))
    done = _checkout_for_pickup(alice, alice.say("panier"))
    link = _decoded(whatsapp, done.media_urls[0])
    words = unquote(link.split("?text=")[1])  # what WhatsApp prefills when the QR is scanned
    assert "n'est pas valable" in alice.say(words)  # the customer learns nothing from it

    whatsapp.run(dispatcher(db, whatsapp.channel, clock).drain())  # the new-order alert
    alert = standin.to(lea.address)[-1]
    assert "Nouvelle commande" in alert.body
    accepted = lea.say(_number_of("Accepter", alert.body))  # a number typed on the alert
    assert "le client est prévenu" in accepted
    counter = lea.say(words)
    assert "Remise au client" in counter
    assert "remise" in lea.say(_number_of("Remettre", counter))
    with db.session() as session:
        assert session.exec(select(Order)).one().status == "collected"
    assert "déjà été remise" in lea.say(words)


def test_an_invite_link_on_whatsapp_starts_the_shop_set_up(whatsapp, standin):
    printed = admin_invite(whatsapp.app, "Bougies de Léa", None)
    lea = Phone(whatsapp, standin, "+33698765432")
    words = unquote(printed.whatsapp.split("?text=")[1])  # what the wa.me link prefills
    assert words == f"join {printed.code}"
    screen = lea.say(words)
    assert "responsable de la boutique « Bougies de Léa »" in screen
    assert "Quel est le type de votre boutique" in screen
