"""The Telegram channel when things go wrong: flood limits, server errors, blocked people,
forged webhook calls, bad config; and how `vitrine run` starts and stops it."""

import time

import httpx
import pytest

from tests.fakes.telegram import sqlite_only

ALICE = 1001
SECRET = "s3cret-webhook-token"


@sqlite_only
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


@sqlite_only
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
        "allowed_updates": ["message", "callback_query", "my_chat_member", "pre_checkout_query"],
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


@sqlite_only
@pytest.mark.parametrize("mode", ["polling", "webhook"])
def test_vitrine_run_starts_telegram_beside_the_web_server(run_vitrine, tg, mode):
    vitrine = run_vitrine(mode)
    if mode == "webhook":
        assert tg.webhook["url"] == f"http://127.0.0.1:{vitrine.port}/telegram/webhook"
    assert "Bienvenue" in tg.send_text(ALICE, "/start")[-1]["text"]
    assert httpx.get(f"http://127.0.0.1:{vitrine.port}/healthz").json() == {"ok": True}
    assert vitrine.app.ctx.telegram_username == "VitrineTestBot"  # deep links name the real bot
    vitrine.stop()
    # Stopped cleanly: nothing polls Telegram any more, the web server is closed.
    calls = len(tg.calls)
    time.sleep(0.3)
    assert len(tg.calls) == calls
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{vitrine.port}/healthz")


def test_config_refuses_a_webhook_secret_telegram_would_refuse():
    from bot.config import ConfigError, parse

    telegram = {"token": "1:x", "mode": "webhook", "webhook_secret": "pas de blancs !"}
    with pytest.raises(ConfigError, match="webhook_secret"):
        parse({"telegram": telegram})
    assert parse({"telegram": {**telegram, "webhook_secret": "Ok_secret-42"}}).telegram_enabled


@sqlite_only
def test_a_token_telegram_refuses_is_a_config_error_naming_the_key(tg, start_bot):
    from bot.config import ConfigError

    with pytest.raises(ConfigError, match=r"\[telegram\] token"):
        start_bot(token="999:revoked-token")


@sqlite_only
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


@sqlite_only
def test_polling_survives_telegram_failing_to_hand_out_updates(start_bot, tg):
    start_bot()
    tg.fail("getUpdates", 502)
    answer = tg.send_text(ALICE, "/start")
    assert "Bienvenue" in answer[-1]["text"]
    assert 502 in [c.status for c in tg.called("getUpdates")]
