"""Steps of the customer's journey on Telegram, shared by the journey and merchant tests."""

import io

from PIL import Image

from tests.fakes.telegram_standin import TelegramStandIn

ALICE = 1001


def picture(tg: TelegramStandIn, message: dict) -> Image.Image:
    """The photo of a message as the person's app downloads it."""
    file_id = message["photo"][-1]["file_id"]
    return Image.open(io.BytesIO(tg.files[file_id][1]))


def text_of(message: dict) -> str:
    return (message.get("text") or message.get("caption") or "").replace("\xa0", " ")


def shop_and_order(tg: TelegramStandIn) -> dict:
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
    tg.tap(ALICE, "Aujourd'hui, ")  # the day ("Dès que possible" is first)
    tg.tap(ALICE, "Entre 11:00")
    asks_phone = tg.tap(ALICE, "11:00 –")
    assert "téléphone" in asks_phone[-1]["text"]
    summary = tg.send_text(ALICE, "06 12 34 56 78")
    assert "💬 Ajouter un mot pour la boutique" in [b["text"] for b in tg.last_buttons(ALICE)]
    assert "Total : 24,50 €" in text_of(summary[-1])
    (confirmation,) = tg.tap(ALICE, "Confirmer la commande")
    return confirmation
