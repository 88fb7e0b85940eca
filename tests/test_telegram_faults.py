"""The Telegram channel when things go wrong: flood limits, server errors, blocked people,
forged webhook calls, bad config; and how `vitrine run` starts and stops it."""

import time

import httpx
import pytest

ALICE = 1001
SECRET = "s3cret-webhook-token"


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
    # Garbage with the right secret is refused without harm too.
    for body in (b"not json", b"[]", b'{"update_id": 1, "message": "x"}'):
        answer = httpx.post(
            tg.webhook["url"], content=body, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
        )
        assert answer.status_code == 400
    # The right secret gets through.
    tg.known_chats.add(ALICE)
    assert tg.post_webhook(update) == 200
    bot.settle()
    assert "Bienvenue" in tg.chat_log(ALICE)[-1]["text"]


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


def test_notification_held_by_the_flood_limit_tells_when_to_try_again(start_bot, tg):
    from notifications.base import DeliveryError, Recipient

    bot = start_bot(flood_retries=0)
    tg.send_text(ALICE, "/start")
    tg.fail("sendMessage", 429, retry_after=7)
    recipient = Recipient(1, "telegram", str(ALICE), "fr", None)
    payload = {"replies": [{"text": "Rappel : retrait demain", "photo": None, "options": []}]}
    with pytest.raises(DeliveryError) as held:
        bot.loop.run(bot.channel.deliver(recipient, "pickup_reminder", payload))
    assert held.value.retry_after == 7 and not held.value.permanent
    assert unreachable(bot.engine, ALICE) is False


def test_polling_survives_telegram_failing_to_hand_out_updates(start_bot, tg):
    start_bot()
    tg.fail("getUpdates", 502)
    answer = tg.send_text(ALICE, "/start")
    assert "Bienvenue" in answer[-1]["text"]
    assert 502 in [c.status for c in tg.called("getUpdates")]
