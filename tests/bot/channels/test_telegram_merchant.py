"""A shop owner on Telegram: joins by the invite's deep link, lists an item with an album,
gets the new-order alert with its buttons, and opens the customer's pickup QR link."""

import io
from urllib.parse import parse_qs, urlsplit

import pytest
import zxingcpp
from PIL import Image
from sqlmodel import select

pytest.importorskip("handlers.merchant.photos")

from tests.fakes.telegram_steps import ALICE, picture, shop_and_order, text_of  # noqa: E402

MARIE = 5005


@pytest.fixture(autouse=True)
def _invites_in_tmp(tmp_path, monkeypatch):
    """`admin_invite` writes the QR PNG under the working directory."""
    monkeypatch.chdir(tmp_path)


def png(colour: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (80, 60), colour).save(out, "PNG")
    return out.getvalue()


def join(tg, bot, shop: str) -> None:
    """The owner opens the invite's deep link, and skips the set-up questions for later."""
    from bot.cli import admin_invite

    printed = admin_invite(bot.app, shop)
    welcome = tg.send_text(MARIE, f"/start join-{printed.code}", name="Marie")
    assert f"responsable de la boutique « {shop} »" in welcome[0]["text"]
    tg.send_text(MARIE, "menu", name="Marie")


def test_owner_lists_an_item_by_sending_an_album_with_a_caption(start_bot, tg, tmp_path):
    from store.models import Item

    bot = start_bot(album_quiet=0.3)
    join(tg, bot, "Bougies de Léa")
    images = [png("red"), png("blue")]
    (draft,) = tg.send_photos(MARIE, images, caption="Vase en grès 35€", name="Marie")
    assert "photo" in draft and "Vase en grès" in text_of(draft) and "35,00 €" in text_of(draft)
    published = tg.tap(MARIE, "Publier", name="Marie")
    assert "en ligne" in published[-1]["text"]
    with bot.engine.db.session() as session:
        item = session.exec(select(Item).where(Item.name == "Vase en grès")).one()
    assert item.price_cents == 3500
    assert [bot.app.media.get(key) for key in item.photos] == images


def test_owner_gets_the_order_alert_and_the_qr_link_opens_the_order(start_bot, tg):
    from notifications.base import Recipient
    from store.models import Order, Outbox, User

    bot = start_bot()
    tg.known_chats.add(MARIE)
    join(tg, bot, "Chocolaterie du Perche")
    confirmation = shop_and_order(tg)

    # The dispatcher hands the new-order alert to the Telegram Sender.
    with bot.engine.db.session() as session:
        row = session.exec(select(Outbox).where(Outbox.kind == "order_new")).one()
        user = session.get(User, row.user_id)
        order = session.exec(select(Order)).one()
        recipient = Recipient(user.id, user.channel, user.channel_ref, user.language, None)
        payload = row.payload
    bot.loop.run(bot.channel.deliver(recipient, row.kind, payload))
    alert = tg.chat_log(MARIE)[-1]
    assert order.number in text_of(alert) and tg.last_buttons(MARIE)

    # Marie scans the customer's QR: the link opens the order for her.
    [decoded] = zxingcpp.read_barcodes(picture(tg, confirmation))
    payload = parse_qs(urlsplit(decoded.text).query)["start"][0]
    card = tg.send_text(MARIE, f"/start {payload}", name="Marie")
    screen = " ".join(text_of(m) for m in card)
    assert order.number in screen and "Coffret chocolats assortis" in screen


@pytest.mark.parametrize("mode", ["polling", "webhook"])
def test_vitrine_run_tells_the_owner_of_a_new_order_on_telegram(run_vitrine, tg, mode):
    from store.models import Order

    vitrine = run_vitrine(mode)
    join(tg, vitrine, "Chocolaterie du Perche")
    shop_and_order(tg)
    with vitrine.app.db.session() as session:
        order = session.exec(select(Order)).one()
    # The dispatcher, woken by the order's transaction, sends the alert through Telegram.
    vitrine.wait_for(lambda: any(order.number in text_of(m) for m in tg.chat_log(MARIE)))

    # Marie accepts from the alert's buttons; Alice hears of it on Telegram.
    before = len(tg.chat_log(ALICE))
    tg.tap(MARIE, "Accepter", name="Marie")
    vitrine.wait_for(lambda: len(tg.chat_log(ALICE)) > before)
    assert order.number in text_of(tg.chat_log(ALICE)[-1])
    with vitrine.app.db.session() as session:
        assert session.get(Order, order.id).status == "accepted"
