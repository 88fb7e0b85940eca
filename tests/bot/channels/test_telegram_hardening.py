"""What a hostile or clumsy Telegram side does: the same update many times, huge or odd bodies.

Real updates, posted to the real webhook (uvicorn + the Starlette app + PTB) by the stand-in.
"""

import threading

import pytest
from sqlmodel import func, select

from store.models import CartLine, Item, SeenMessage
from tests.fakes.telegram import SECRET

ALICE = 1001


def in_stock_item(db) -> Item:
    with db.session() as session:
        plenty = Item.stock.is_(None) | (Item.stock >= 30)  # type: ignore[union-attr]
        return session.exec(select(Item).where(plenty).order_by(Item.id)).first()


def in_cart(db, item_id: int) -> int:
    with db.session() as session:
        query = select(func.sum(CartLine.quantity)).where(CartLine.item_id == item_id)
        return session.exec(query).one() or 0


def post_many(tg, update: dict, times: int) -> list[int]:
    """Telegram (or several of its retries) posting one update `times` times at once."""
    statuses: list[int] = []
    start = threading.Barrier(times)

    def post() -> None:
        start.wait()
        statuses.append(tg.post_webhook(update))

    threads = [threading.Thread(target=post) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    tg.settle()
    return statuses


def add_press(tg, chat_id: int, item_id: int) -> dict:
    """A tap on "add to cart" under the bot's last message, as Telegram posts it."""
    menu = tg.messages[tg.chat_log(chat_id)[-1]["message_id"]]
    query_id = f"q{next(tg._ids)}"
    tg.queries[query_id] = False
    user = tg._user(chat_id, "fr", "Alice")
    query = {"id": query_id, "from": user, "message": menu, "chat_instance": "c", "data": ""}
    query["data"] = f"add:{item_id}"
    return {"update_id": next(tg._ids), "callback_query": query}


@pytest.mark.parametrize("times", [2, 20])
def test_the_same_add_to_cart_update_posted_many_times_adds_one_unit(start_bot, tg, db, times):
    start_bot("webhook")
    tg.send_text(ALICE, "/start")
    item = in_stock_item(db)
    statuses = post_many(tg, add_press(tg, ALICE, item.id), times)
    assert statuses == [200] * times  # Telegram must stop retrying: every copy is taken
    assert in_cart(db, item.id) == 1
    again = post_many(tg, add_press(tg, ALICE, item.id), 1)  # a new tap is a new update
    assert again == [200] and in_cart(db, item.id) == 2


def test_start_posted_twice_gets_one_welcome(start_bot, tg, db):
    start_bot("webhook")
    tg.known_chats.add(ALICE)
    content = {"text": "/start", "entities": [{"type": "bot_command", "offset": 0, "length": 6}]}
    update = {"update_id": next(tg._ids), "message": tg._message(ALICE, "fr", "Alice", **content)}
    post_many(tg, update, 2)
    welcomes = [m for m in tg.chat_log(ALICE) if "Bienvenue" in (m.get("text") or "")]
    assert len(welcomes) == 1


def test_a_poller_fetching_an_update_again_handles_it_once(start_bot, tg, db):
    start_bot("polling")
    tg.send_text(ALICE, "/start")
    item = in_stock_item(db)
    update = add_press(tg, ALICE, item.id)
    tg.push(ALICE, [update])
    # A restarted poller (or a second worker) is handed the same update_id once more.
    with tg.cond:
        tg.confirmed = 0
    again = dict(update)
    tg.queries[update["callback_query"]["id"]] = False
    with tg.cond:
        tg.updates.append(again)
        tg.cond.notify_all()
    tg._wait_confirmed(update["update_id"])
    tg.settle()
    assert in_cart(db, item.id) == 1
    with db.session() as session:
        assert session.exec(select(SeenMessage).where(SeenMessage.channel == "telegram")).all()


def test_secret_still_checked(start_bot, tg):
    start_bot("webhook")
    assert tg.post_webhook({"update_id": 1}, secret="wrong" + SECRET) == 403


def test_a_telegram_name_with_nul_and_a_lone_surrogate_in_text_still_get_answers(start_bot, tg, db):
    from store.models import User

    start_bot("webhook")
    welcome = tg.send_text(ALICE, "/start", name="Bo\x00b\x1b")
    assert "Bienvenue" in welcome[-1]["text"]
    # json.dumps writes "\ud83d" as an escape: Telegram's JSON can carry half an emoji.
    answer = tg.send_text(ALICE, "bougie \ud83d", name="Bo\x00b\x1b")
    assert answer and all("Oups" not in (m.get("text") or "") for m in answer)
    with db.session() as session:
        assert session.exec(select(User).where(User.channel_ref == str(ALICE))).one().name == "Bob"


# 2. Decompression bombs.
def peak_rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


def reset_peak_rss() -> None:
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")  # the peak starts again from the current resident size


@pytest.fixture(scope="module")
def bomb() -> bytes:
    from bench.bombs import bomb_png

    return bomb_png()  # 13,000 x 13,000 RGB: ~480 KB, 507 MB once decoded


def owner_of_a_shop(db, chat_id: int) -> None:
    from store.models import Shop, ShopStaff, User

    with db.session() as session:
        person = User(channel="telegram", channel_ref=str(chat_id), name="Léa")
        session.add(person)
        session.flush()
        shop = session.exec(select(Shop).order_by(Shop.id)).first()
        session.add(ShopStaff(shop_id=shop.id, user_id=person.id, role="owner"))


def test_a_merchants_bomb_is_refused_from_its_header_without_decoding(start_bot, tg, db, bomb):
    start_bot("webhook")
    owner_of_a_shop(db, ALICE)
    reset_peak_rss()
    before = peak_rss_mb()
    answer = tg.send_document(ALICE, bomb, "image/png", caption="Bougie - 12 €")
    assert "Je n'ai pas pu recevoir votre photo" in answer[-1]["text"]
    assert peak_rss_mb() - before < 100  # decoded, it would be 507 MB and more


def test_a_customers_photo_is_answered_without_being_downloaded(start_bot, tg, db, bomb):
    start_bot("webhook")
    answer = tg.send_document(ALICE, bomb, "image/png")
    assert "Seuls les commerçants publient des photos" in answer[-1]["text"]
    assert tg.called("getFile") == []


# 9. Files that are not photos.
def small_png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (80, 60), (200, 30, 60)).save(out, "PNG")
    return out.getvalue()


def test_a_merchants_pdf_with_a_caption_asks_for_a_photo_and_keeps_the_caption(start_bot, tg, db):
    start_bot("webhook")
    owner_of_a_shop(db, ALICE)
    answer = tg.send_document(
        ALICE, b"%PDF-1.4 a price list", "application/pdf", "Bougie pdf - 12 € - stock 3"
    )
    text = answer[-1]["text"]
    assert "Rien trouvé" not in text
    assert "Envoyez plutôt une photo (JPEG ou PNG)" in text and "Bougie pdf" in text
    preview = tg.send_photos(ALICE, [small_png()])  # no caption: the kept one is used
    card = " ".join(m.get("caption") or m.get("text") or "" for m in preview)
    assert "Bougie pdf" in card and "12,00" in card.replace("\xa0", " ")


def test_a_photo_sent_as_a_file_works_as_a_photo(start_bot, tg, db):
    start_bot("webhook")
    owner_of_a_shop(db, ALICE)
    preview = tg.send_document(ALICE, small_png(), "image/png", "Bougie fichier - 9 €")
    card = " ".join(m.get("caption") or m.get("text") or "" for m in preview)
    assert "Bougie fichier" in card and "tel que les clients le verront" in card
