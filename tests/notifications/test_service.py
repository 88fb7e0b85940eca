"""The running service: woken by handlers from other threads, on time by APScheduler's clock."""

import asyncio
import io
import threading
import time
from datetime import timedelta

from sqlmodel import select

from bot.channels.console_sender import ConsoleSender
from bot.cli import main
from bot.config import Config
from handlers.context import Context
from handlers.notices import reminders
from notifications.dispatcher import Dispatcher
from notifications.service import NotificationService
from store.models import ConversationState, Order, Shop
from store.types import utcnow
from tests.fakes.sender import Recorder, dispatch_settings
from tests.people import outbox, person, queue


async def _until(predicate, timeout: float) -> float:
    """Seconds until `predicate()` held (real time: the scheduler runs on it)."""
    started = time.monotonic()
    while not predicate():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"not within {timeout} s")
        await asyncio.sleep(0.01)
    return time.monotonic() - started


def test_a_message_committed_in_a_handler_thread_is_sent_within_a_second(db):
    alice = person(db, "alice")
    sender = Recorder()
    service = NotificationService(
        Dispatcher(db, [sender], settings=dispatch_settings()), poll_seconds=3600
    )

    async def scenario() -> float:
        await service.start()
        await asyncio.sleep(0.1)  # idle: nothing due, and the poll is an hour away

        def handler_thread() -> None:  # what Engine.handle does after its commit
            queue(db, alice, "Nouvelle commande n° A1", utcnow())
            service.wake()

        threading.Thread(target=handler_thread).start()
        try:
            return await _until(lambda: sender.sent, 1.0)
        finally:
            await service.stop()

    assert asyncio.run(scenario()) < 1.0
    assert sender.texts() == ["Nouvelle commande n° A1"]


def test_a_message_due_later_is_sent_on_time_without_a_wake_up(db):
    alice = person(db, "alice")
    sender = Recorder()
    service = NotificationService(
        Dispatcher(db, [sender], settings=dispatch_settings()), poll_seconds=3600
    )

    async def scenario() -> float:
        # Timed from the moment the due time is set: the row's write (slow on a loaded
        # machine) must not count as time the scheduler waited.
        started = time.monotonic()
        queue(db, alice, "Rappel", utcnow() + timedelta(seconds=0.6))
        await service.start()
        try:
            await _until(lambda: sender.sent, 3.0)
            return time.monotonic() - started
        finally:
            await service.stop()

    waited = asyncio.run(scenario())
    assert 0.5 <= waited < 1.5


def test_a_restart_delivers_what_was_due_while_down(db):
    alice = person(db, "alice")
    queue(db, alice, "Commande prête", utcnow() - timedelta(hours=2))
    sender = Recorder()
    service = NotificationService(
        Dispatcher(db, [sender], settings=dispatch_settings()), poll_seconds=3600
    )

    async def scenario() -> None:
        await service.start()
        try:
            await _until(lambda: sender.sent, 30.0)  # the next poll is an hour away
        finally:
            await service.stop()

    asyncio.run(scenario())
    assert [r.status for r in outbox(db)] == ["sent"]


def test_the_console_shows_the_reminder_of_an_order_an_hour_away(chat, db, clock):
    engine = chat("alice").engine
    chat("alice").say("bonjour")
    alice = person(db, "alice")

    def order(session):
        shop = session.exec(select(Shop).where(Shop.slug == "chocolaterie-du-perche")).one()
        row = Order(
            number="C7", shop_id=shop.id, customer_id=alice, status="accepted",
            fulfilment="pickup", slot_start=clock.now + timedelta(minutes=70),
            slot_end=clock.now + timedelta(minutes=100), pickup_code="111222",
            pickup_token_hash="c" * 64,
        )  # fmt: skip
        session.add(row)
        session.flush()
        return row.id, reminders.plan(session=session, ctx=engine.ctx, order=row)

    order_id, planned = db.run(order)
    assert planned == 2
    terminal = io.StringIO()
    d = Dispatcher(db, [ConsoleSender(stream=terminal)], clock=clock, settings=dispatch_settings())
    asyncio.run(d.drain())
    assert terminal.getvalue() == ""
    clock.advance(minutes=10)
    asyncio.run(d.drain())
    screen = terminal.getvalue()
    assert "🔔 Message pour alice :" in screen
    assert "Chocolaterie du Perche" in screen and "à 11:10" in screen
    assert "1. 📦 Voir ma commande" in screen
    # Typing "1" now means the reminder's option, the last menu on the screen.
    state = db.run(lambda s: s.get(ConversationState, alice))
    assert state.menu == [["📦 Voir ma commande", f"order:{order_id}"]]


def test_vitrine_notify_once_ahead_delivers_a_reminder_before_its_time(tmp_path, capsys):
    config = tmp_path / "config.toml"
    config.write_text(
        f'[database]\nurl = "sqlite:///{tmp_path / "v.db"}"\n[media]\nroot = "{tmp_path / "m"}"\n'
        '[notifications]\nquiet_hours = ""\n'  # whatever the hour the test runs at
    )
    assert main(["--config", str(config), "demo"]) == 0
    from store.db import Database

    db = Database(f"sqlite:///{tmp_path / 'v.db'}")
    try:
        alice = person(db, "alice")
        quiet = Config()
        quiet.notifications.quiet_hours = ""
        ctx = Context.from_config(quiet, media=None)  # type: ignore[arg-type]

        def order(session):
            shop = session.exec(select(Shop).where(Shop.slug == "lingerie-christelle")).one()
            start = utcnow().replace(second=0, microsecond=0) + timedelta(hours=3)
            row = Order(
                number="L3", shop_id=shop.id, customer_id=alice, status="accepted",
                fulfilment="pickup", slot_start=start, slot_end=start + timedelta(minutes=30),
                pickup_code="333444", pickup_token_hash="d" * 64,
            )  # fmt: skip
            session.add(row)
            session.flush()
            reminders.plan(session=session, ctx=ctx, order=row)

        db.run(order)
    finally:
        db.dispose()
    capsys.readouterr()
    assert main(["--config", str(config), "notify", "--once"]) == 0
    assert "L3" not in capsys.readouterr().out
    assert main(["--config", str(config), "notify", "--once", "--ahead", "125"]) == 0
    out = capsys.readouterr().out
    assert "🔔 Message pour alice :" in out and "L3" in out and "Lingerie Christelle" in out


def test_vitrine_chat_s_background_notifications_print_what_arrives(tmp_path):
    from bot import app as wiring
    from bot.config import parse
    from bot.notify import BackgroundNotifications

    config = parse(
        {
            "database": {"url": f"sqlite:///{tmp_path / 'v.db'}"},
            "media": {"root": str(tmp_path / "m")},
        }
    )
    app = wiring.build(config)
    wiring.prepare(app)
    terminal = io.StringIO()
    background = BackgroundNotifications(app, [ConsoleSender(stream=terminal)]).start()
    try:
        alice = person(app.db, "alice")
        queue(app.db, alice, "Nouvelle commande n° Z9", utcnow())
        started = time.monotonic()
        app.ctx.on_outbox()  # what the engine does after a handler's commit
        while "Z9" not in terminal.getvalue():
            assert time.monotonic() - started < 1.0, "not within a second"
            time.sleep(0.01)
    finally:
        background.stop()
        app.db.dispose()
    assert "🔔 Message pour alice :\nNouvelle commande n° Z9" in terminal.getvalue()


def test_a_normal_stop_lets_the_message_on_the_wire_finish_and_be_recorded(db):
    alice = person(db, "alice")
    queue(db, alice, "Commande prête", utcnow())
    sender = Recorder(delay=0.3)  # a slow platform
    service = NotificationService(
        Dispatcher(db, [sender], settings=dispatch_settings()), poll_seconds=3600
    )

    async def scenario() -> None:
        await service.start()
        await _until(lambda: sender.tries, 30.0)  # handed to the platform
        await service.stop()  # Ctrl-C in `vitrine run`

    asyncio.run(scenario())
    assert sender.texts() == ["Commande prête"]
    assert [r.status for r in outbox(db)] == ["sent"]  # a restart will not send it again
