"""The whole customer journey on Telegram, driven only by messages and by pressing the buttons
the bot sent (callback data read from the recorded reply_markup), in polling and webhook mode."""

import hashlib
import io
from urllib.parse import parse_qs, urlsplit

import pytest
import zxingcpp
from PIL import Image
from sqlmodel import select

pytest.importorskip("handlers.browse")
pytest.importorskip("handlers.checkout")

ALICE = 1001
MALLORY = 6666


def picture(tg, message: dict) -> Image.Image:
    """The photo of a message as the person's app downloads it."""
    file_id = message["photo"][-1]["file_id"]
    return Image.open(io.BytesIO(tg.files[file_id][1]))


def text_of(message: dict) -> str:
    return (message.get("text") or message.get("caption") or "").replace("\xa0", " ")


def shop_and_order(tg):
    """From the welcome to a confirmed click-and-collect order; the confirmation message."""
    welcome = tg.send_text(ALICE, "/start")[-1]
    assert "Bienvenue dans les boutiques de Nogent-le-Rotrou" in welcome["text"]

    categories = tg.tap(ALICE, "Boutiques par catégorie")
    # Browsing menus rewrite the menu in place rather than flooding the chat.
    assert [m["message_id"] for m in categories] == [welcome["message_id"]]
    tg.tap(ALICE, "Chocolaterie")
    (shop_card,) = tg.tap(ALICE, "Chocolaterie du Perche")
    assert "photo" in shop_card and "3 place Saint-Pol" in shop_card["caption"]
    catalogue = tg.tap(ALICE, "Voir le catalogue")
    assert "Coffret chocolats assortis · 24,50 €" in [
        b["text"].replace("\xa0", " ") for b in tg.last_buttons(ALICE)
    ]
    assert catalogue
    (item_card,) = tg.tap(ALICE, "Coffret chocolats assortis")
    assert "photo" in item_card and "24,50 €" in text_of(item_card)

    added = tg.tap(ALICE, "Ajouter au panier")
    assert "ajouté au panier" in added[-1]["text"]
    cart = tg.tap(ALICE, "Voir le panier")
    assert "1 × Coffret chocolats assortis — 24,50 €" in text_of(cart[-1])
    tg.tap(ALICE, "Commander chez Chocolaterie du Perche")
    tg.tap(ALICE, "Retrait en boutique")
    tg.tap(ALICE, "Aujourd'hui")
    asks_phone = tg.tap(ALICE, "11:00")
    assert "téléphone" in asks_phone[-1]["text"]
    asks_note = tg.send_text(ALICE, "06 12 34 56 78")
    assert "Un mot pour la boutique" in asks_note[-1]["text"]
    summary = tg.tap(ALICE, "Passer")
    assert "Total : 24,50 €" in text_of(summary[-1])
    (confirmation,) = tg.tap(ALICE, "Confirmer la commande")
    return confirmation


@pytest.mark.parametrize("mode", ["polling", "webhook"])
def test_customer_browses_orders_and_gets_the_pickup_qr(start_bot, tg, engine, mode):
    from store.models import Order

    start_bot(mode)
    confirmation = shop_and_order(tg)
    assert "confirmée" in confirmation["caption"]

    # The pickup QR arrives as a photo and opens the bot on the pickup deep link.
    [decoded] = zxingcpp.read_barcodes(picture(tg, confirmation))
    link = urlsplit(decoded.text)
    assert (link.netloc, link.path) == ("t.me", "/VitrineTestBot")
    payload = parse_qs(link.query)["start"][0]
    assert payload.startswith("pickup-")
    token = payload.removeprefix("pickup-")
    with engine.db.session() as session:
        [order] = session.exec(select(Order)).all()
    assert order.status == "pending" and order.total_cents == 2450
    assert order.pickup_token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert order.number in confirmation["caption"]

    # Every press was answered, and Telegram refused nothing the bot sent.
    assert tg.queries and all(tg.queries.values())
    assert [(c.method, c.status) for c in tg.calls if c.status != 200] == []

    # A stranger who opens the pickup link learns nothing about the order.
    seen = tg.send_text(MALLORY, f"/start {payload}", name="Mallory")
    screen = " ".join(text_of(m) for m in seen)
    assert seen and order.number not in screen and order.pickup_code not in screen
    assert "Coffret" not in screen and "06 12" not in screen


def test_photos_are_uploaded_once_across_customers(start_bot, tg):
    start_bot()
    for chat in (ALICE, 2002):
        tg.send_text(chat, "/start")
        tg.tap(chat, "Boutiques par catégorie")
        tg.tap(chat, "Chocolaterie")
        tg.tap(chat, "Chocolaterie du Perche")
    first, second = tg.called("sendPhoto")
    assert "photo" in first.files and second.files == {}


def test_english_customer_sees_the_journey_in_english(start_bot, tg):
    start_bot()
    welcome = tg.send_text(ALICE, "/start", language="en")
    assert "Welcome to the shops of Nogent-le-Rotrou" in welcome[-1]["text"]
    tg.tap(ALICE, "Shops by category", language="en")
    labels = [b["text"] for b in tg.last_buttons(ALICE)]
    assert any("Chocolate" in label for label in labels)


def test_shop_deep_link_opens_the_shop_card(start_bot, tg):
    start_bot()
    answer = tg.send_text(ALICE, "/start shop-chocolaterie-du-perche")
    assert "Chocolaterie du Perche" in text_of(answer[0]) and "photo" in answer[0]
    assert "Voir le catalogue" in [b["text"] for b in tg.last_buttons(ALICE)][0]
