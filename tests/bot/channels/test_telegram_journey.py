"""The whole customer journey on Telegram, driven only by messages and by pressing the buttons
the bot sent (callback data read from the recorded reply_markup), in polling and webhook mode."""

import hashlib
from urllib.parse import parse_qs, urlsplit

import pytest
import zxingcpp
from sqlmodel import select

pytest.importorskip("handlers.customer.browse")
pytest.importorskip("handlers.customer.checkout")

from tests.fakes.telegram_steps import ALICE, picture, shop_and_order, text_of  # noqa: E402

MALLORY = 6666


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
