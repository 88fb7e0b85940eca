"""The Telegram channel through the Bot API stand-in, as a person on Telegram would use it."""

import io
import time

import pytest
from PIL import Image

ALICE = 1001


@pytest.mark.parametrize("mode", ["polling", "webhook"])
def test_newcomer_gets_the_welcome_with_buttons(start_bot, tg, mode):
    start_bot(mode)
    answer = tg.send_text(ALICE, "/start")
    assert "Bienvenue dans les boutiques de Nogent-le-Rotrou" in answer[-1]["text"]
    labels = [b["text"] for b in tg.last_buttons(ALICE)]
    assert "🏪 Boutiques par catégorie" in labels


def test_button_press_is_answered_and_home_edits_the_pressed_menu(start_bot, tg):
    start_bot()
    tg.send_text(ALICE, "/start")
    language_menu = tg.tap(ALICE, "Langue")
    assert language_menu[-1]["text"] == "Dans quelle langue voulez-vous que je vous parle ?"
    menu_id = language_menu[-1]["message_id"]
    home = tg.tap(ALICE, "Accueil")
    # Going home rewrites the menu in place instead of adding a message to the chat.
    assert [m["message_id"] for m in home] == [menu_id]
    assert home[0]["text"] == "Que souhaitez-vous faire ?"
    assert "edit_date" in home[0]
    assert all(tg.queries.values()) and len(tg.queries) == 2


def test_english_app_gets_english_and_the_language_button_switches(start_bot, tg):
    start_bot()
    answer = tg.send_text(ALICE, "/start", language="en")
    assert "Welcome to the shops of Nogent-le-Rotrou" in answer[-1]["text"]
    tg.tap(ALICE, "Langue / Language", language="en")
    switched = tg.tap(ALICE, "Français", language="en")
    assert "Que souhaitez-vous faire ?" in switched[-1]["text"]


def test_commands_are_registered_in_french_and_english(start_bot, tg):
    start_bot()
    french = {c["command"]: c["description"] for c in tg.commands[""]}
    english = {c["command"]: c["description"] for c in tg.commands["en"]}
    assert {"start", "aide", "langue", "recherche"} <= set(french)
    assert {"start", "help", "language", "search"} <= set(english)
    assert english["help"] == "How it works"


def test_messages_of_one_person_are_answered_in_order(start_bot, tg, monkeypatch):
    from handlers import routes
    from handlers.core import Reply

    def slow_echo(turn):
        # Earlier words take longer: answered concurrently, they would come out reversed.
        time.sleep(0.08 - int(turn.text.removeprefix("mot")) * 0.01)
        return [Reply(f"echo {turn.text}")]

    monkeypatch.setattr(routes, "TEXT", slow_echo)
    start_bot()
    bob = 2002
    tg.known_chats.update({ALICE, bob})
    words = [f"mot{n}" for n in range(8)]
    updates = [
        {"message": tg._message(chat, "fr", "X", text=w)} for w in words for chat in (ALICE, bob)
    ]
    tg.push(ALICE, updates)
    for chat in (ALICE, bob):
        assert [m["text"] for m in tg.chat_log(chat)] == [f"echo {w}" for w in words]


def png(color: str, size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def photo_seen(monkeypatch):
    """A test-only PHOTO route: it answers with what the core received."""
    from handlers import routes
    from handlers.core import Reply

    seen = []

    def photo(turn):
        seen.append(turn.incoming)
        return [Reply(f"{len(turn.incoming.photos)} photo(s): {turn.incoming.text}")]

    monkeypatch.setattr(routes, "PHOTO", photo)
    return seen


@pytest.mark.parametrize("mode", ["polling", "webhook"])
def test_album_of_three_photos_reaches_the_core_as_one_message(start_bot, tg, photo_seen, mode):
    bot = start_bot(mode, album_quiet=0.3)
    images = [png("red"), png("green"), png("blue")]
    answer = tg.send_photos(ALICE, images, caption="Pull rouge 35€")
    assert [m["text"] for m in answer] == ["3 photo(s): Pull rouge 35€"]
    (incoming,) = photo_seen
    media = bot.app.media
    # The largest size of each photo, fetched through getFile, in the album's order.
    assert [media.get(key) for key in incoming.photos] == images
    assert len(tg.called("getFile")) == 3


def test_text_after_an_album_is_answered_after_it(start_bot, tg, photo_seen, monkeypatch):
    from handlers import routes
    from handlers.core import Reply

    monkeypatch.setattr(routes, "TEXT", lambda turn: [Reply(f"texte {turn.text}")])
    start_bot(album_quiet=0.3)
    tg.known_chats.add(ALICE)
    parts = [
        {
            "message": tg._message(
                ALICE, "fr", "A", photo=tg._photo_sizes(png(c)), media_group_id="g1"
            )
        }
        for c in ("red", "blue")
    ]
    after = {"message": tg._message(ALICE, "fr", "A", text="et voilà")}
    answer = tg.push(ALICE, [*parts, after])
    assert [m["text"] for m in answer] == ["2 photo(s): None", "texte et voilà"]


def test_single_photo_with_caption(start_bot, tg, photo_seen):
    start_bot()
    answer = tg.send_photos(ALICE, [png("orange", (300, 200))], caption="Bougie 12,90 €")
    assert answer[-1]["text"] == "1 photo(s): Bougie 12,90 €"
    assert photo_seen[0].language == "fr" and photo_seen[0].user_ref == str(ALICE)


def test_shared_location_reaches_the_core(start_bot, tg, monkeypatch):
    from handlers import routes
    from handlers.core import Reply

    monkeypatch.setattr(
        routes, "LOCATION", lambda turn: [Reply("at {:.4f},{:.4f}".format(*turn.incoming.location))]
    )
    start_bot()
    answer = tg.send_location(ALICE, 48.3217, 0.8210)
    assert answer[-1]["text"] == "at 48.3217,0.8210"


def test_flood_limit_delays_the_reply_but_loses_nothing(start_bot, tg):
    start_bot()
    tg.fail("sendMessage", 429, retry_after=1)
    started = time.monotonic()
    answer = tg.send_text(ALICE, "/start")
    assert "Bienvenue" in answer[-1]["text"]
    refused, sent = tg.called("sendMessage")
    assert refused.status == 429 and sent.status == 200
    assert sent.at - refused.at >= 1.0
    assert time.monotonic() - started < 5


def test_server_error_is_retried(start_bot, tg):
    start_bot()
    tg.fail("sendMessage", 500, times=2)
    answer = tg.send_text(ALICE, "/start")
    assert "Bienvenue" in answer[-1]["text"]
    assert [c.status for c in tg.called("sendMessage")] == [500, 500, 200]


def test_person_who_blocked_the_bot_is_marked_unreachable(start_bot, tg, engine):
    start_bot()
    tg.send_text(ALICE, "/start")
    assert unreachable(engine, ALICE) is False
    tg.block(ALICE)
    assert tg.send_text(ALICE, "menu") == []
    assert unreachable(engine, ALICE) is True
    # The bot keeps serving everyone else.
    assert "Bienvenue" in tg.send_text(3003, "/start")[-1]["text"]


def unreachable(engine, chat_id):
    from sqlmodel import select

    from store.models import User

    def read(session):
        query = select(User.unreachable).where(
            User.channel == "telegram", User.channel_ref == str(chat_id)
        )
        return session.exec(query).one()

    return engine.db.run(read)


def test_webhook_refuses_a_wrong_or_missing_secret_and_changes_nothing(start_bot, tg, engine):
    bot = start_bot("webhook")
    assert tg.webhook == {
        "url": bot.public_url + "/telegram/webhook",
        "secret_token": "s3cret-webhook-token",
        "allowed_updates": ["message", "callback_query", "my_chat_member"],
    }
    update = {"update_id": 99, "message": tg._message(ALICE, "fr", "Mallory", text="/start")}
    calls_before = len(tg.calls)
    assert tg.post_webhook(update, secret="wrong") == 403
    assert tg.post_webhook(update, secret="") == 403
    bot.settle()
    assert len(tg.calls) == calls_before
    from sqlmodel import func, select

    from store.models import User

    assert engine.db.run(lambda s: s.exec(select(func.count()).select_from(User)).one()) == 0
    # The right secret gets through.
    tg.known_chats.add(ALICE)
    assert tg.post_webhook(update) == 200
    bot.settle()
    assert "Bienvenue" in tg.chat_log(ALICE)[-1]["text"]


def test_long_text_is_split_under_telegram_limit(start_bot, tg, monkeypatch):
    from handlers import routes
    from handlers.core import Option, Reply

    paragraphs = [f"🧁 Paragraphe {n} " + "é" * 300 for n in range(30)]
    long_text = "\n\n".join(paragraphs)
    monkeypatch.setattr(
        routes, "TEXT", lambda turn: [Reply(long_text, options=(Option("OK", "home"),))]
    )
    start_bot()
    answer = tg.send_text(ALICE, "catalogue")
    assert len(answer) == 3
    assert all(len(m["text"].encode("utf-16-le")) // 2 <= 4096 for m in answer)
    assert "\n\n".join(m["text"] for m in answer) == long_text
    assert "reply_markup" not in answer[0] and answer[-1]["reply_markup"]


@pytest.fixture
def photo_reply(monkeypatch, engine):
    """A test-only action `pic:<n>` answering with a photo and a caption `n` characters long."""
    from handlers import routes
    from handlers.core import Option, Reply

    key = engine.ctx.media.put_image(png("purple", (120, 90)))

    def pic(turn):
        return [Reply("x" * int(turn.args[0]), photo=key, options=(Option("Encore", "pic:5"),))]

    monkeypatch.setitem(routes.ACTIONS, "pic", pic)
    monkeypatch.setitem(routes.KEYWORDS, "photo", "pic:20")
    monkeypatch.setitem(routes.KEYWORDS, "longue", "pic:1500")
    return key


def test_photo_is_uploaded_once_then_sent_by_file_id(start_bot, tg, photo_reply):
    start_bot()
    first = tg.send_text(ALICE, "photo")
    assert first[-1]["caption"] == "x" * 20
    again = tg.tap(ALICE, "Encore")
    assert again[-1]["caption"] == "xxxxx" and again[-1]["photo"]
    upload, by_reference = tg.called("sendPhoto")
    assert "photo" in upload.files
    assert by_reference.files == {}
    assert by_reference.params["photo"] == first[-1]["photo"][-1]["file_id"]


def test_long_caption_sends_the_photo_then_the_text(start_bot, tg, photo_reply):
    start_bot()
    photo, text = tg.send_text(ALICE, "longue")
    assert "caption" not in photo and photo["photo"]
    assert text["text"] == "x" * 1500 and text["reply_markup"]


def test_notification_is_delivered_and_a_blocked_person_fails_for_good(start_bot, tg):
    from notifications.base import DeliveryError, Recipient

    bot = start_bot()
    tg.send_text(ALICE, "/start")
    recipient = Recipient(1, "telegram", str(ALICE), "fr", None)
    payload = {
        "replies": [
            {
                "text": "Votre commande est prête 🎉",
                "photo": None,
                "options": [["Voir", "orders", None], ["Plan", None, "https://x.fr"]],
            }
        ]
    }
    bot.loop.run(bot.channel.deliver(recipient, "order_ready", payload))
    message = tg.chat_log(ALICE)[-1]
    assert message["text"] == "Votre commande est prête 🎉"
    assert message["reply_markup"]["inline_keyboard"] == [
        [{"text": "Voir", "callback_data": "orders"}, {"text": "Plan", "url": "https://x.fr"}]
    ]
    tg.block(ALICE)
    with pytest.raises(DeliveryError) as failed:
        bot.loop.run(bot.channel.deliver(recipient, "order_ready", payload))
    assert failed.value.permanent
    assert unreachable(bot.engine, ALICE) is True


@pytest.mark.parametrize("mode", ["polling", "webhook"])
def test_vitrine_run_starts_telegram_beside_the_web_server(tg, engine, mode):
    import asyncio
    import socket

    import httpx

    from bot.app import App
    from bot.config import Config, TelegramConfig, WebConfig
    from bot.runner import serve_async
    from tests.telegram_harness import BotLoop

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = Config(
        telegram=TelegramConfig(
            token=tg.token,
            mode=mode,
            webhook_secret="abc",
            api_base_url=tg.base_url,
            api_file_url=tg.file_url,
        ),
        web=WebConfig(port=port, public_url=f"http://127.0.0.1:{port}"),
    )
    app = App(config=config, db=engine.db, media=engine.ctx.media, ctx=engine.ctx, engine=engine)
    loop = BotLoop()
    stop = loop.run(make_event())
    running = asyncio.run_coroutine_threadsafe(serve_async(app, stop), loop.loop)
    try:
        deadline = time.monotonic() + 10
        while not tg.commands.get("en") or (mode == "webhook" and not tg.webhook):
            assert time.monotonic() < deadline and not running.done()
            time.sleep(0.05)
        if mode == "webhook":
            tg.known_chats.add(ALICE)
            update = {"update_id": 1, "message": tg._message(ALICE, "fr", "A", text="/start")}
            assert tg.post_webhook(update) == 200
        else:
            tg.send_text(ALICE, "/start")
        while not tg.chat_log(ALICE):
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert "Bienvenue" in tg.chat_log(ALICE)[-1]["text"]
        assert httpx.get(f"http://127.0.0.1:{port}/healthz").json() == {"ok": True}
        assert app.ctx.telegram_username == "VitrineTestBot"  # deep links name the real bot
    finally:
        loop.loop.call_soon_threadsafe(stop.set)
        running.result(10)
        loop.close()
    # Stopped cleanly: nothing polls Telegram any more.
    calls = len(tg.calls)
    time.sleep(0.3)
    assert len(tg.calls) == calls


async def make_event():
    import asyncio

    return asyncio.Event()


def test_picture_sent_as_a_file_counts_as_a_photo_and_garbage_gets_a_kind_answer(
    start_bot, tg, photo_seen
):
    bot = start_bot()
    image = png("yellow", (200, 100))
    answer = tg.send_document(ALICE, image, "image/png", caption="Bougie")
    assert answer[-1]["text"] == "1 photo(s): Bougie"
    assert bot.app.media.get(photo_seen[0].photos[0]) == image
    broken = tg.send_document(ALICE, b"not a picture", "image/jpeg", caption="Bougie")
    assert broken[-1]["text"].startswith("Je n'ai pas pu recevoir votre photo")
    assert len(photo_seen) == 1


def test_config_refuses_a_webhook_secret_telegram_would_refuse():
    from bot.config import ConfigError, parse

    telegram = {"token": "1:x", "mode": "webhook", "webhook_secret": "pas de blancs !"}
    with pytest.raises(ConfigError, match="webhook_secret"):
        parse({"telegram": telegram})
    assert parse({"telegram": {**telegram, "webhook_secret": "Ok_secret-42"}}).telegram_enabled


def test_a_token_telegram_refuses_is_a_config_error_naming_the_key(tg, start_bot):
    from bot.config import ConfigError

    with pytest.raises(ConfigError, match=r"\[telegram\] token"):
        start_bot(token="999:revoked-token")


def test_pressing_a_menu_that_shows_itself_again_sends_nothing(start_bot, tg, monkeypatch):
    from handlers import routes
    from handlers.core import Option, Reply

    same = [Reply("Le même menu", options=(Option("Encore", "same"),), replace=True)]
    monkeypatch.setitem(routes.ACTIONS, "same", lambda turn: same)
    monkeypatch.setitem(routes.KEYWORDS, "pareil", "same")
    start_bot()
    tg.send_text(ALICE, "pareil")
    again = tg.tap(ALICE, "Encore")
    assert again == []  # Telegram said "message is not modified": the menu is already there
    assert [c.status for c in tg.called("editMessageText")] == [400]
    assert len(tg.called("sendMessage")) == 1 and all(tg.queries.values())
