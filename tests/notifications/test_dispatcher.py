"""The outbox dispatcher: every message goes once, on time, and failures lose nothing."""

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from notifications.base import DeliveryError
from notifications.dispatcher import Dispatcher
from store.db import Database
from store.models import Order, Shop, Town
from store.types import utcnow
from tests.fakes.sender import Recorder, dispatch_settings, dispatcher, drain
from tests.people import outbox, person, queue, row, user


def test_a_due_message_goes_once_and_a_later_one_on_time(db, clock):
    alice = person(db, "alice")
    now = clock.now
    queue(db, alice, "Votre commande est prête", now)
    queue(db, alice, "Rappel dans une heure", now + timedelta(hours=1))
    sender = Recorder()
    d = dispatcher(db, sender, clock)

    assert drain(d) == 1
    assert drain(d) == 0
    assert sender.texts() == ["Votre commande est prête"]
    clock.advance(minutes=59)
    drain(d)
    assert len(sender.sent) == 1
    clock.advance(minutes=1)
    drain(d)
    assert sender.texts() == ["Votre commande est prête", "Rappel dans une heure"]
    first, second = outbox(db)
    assert (first.status, first.attempts, first.sent_at) == ("sent", 1, now)
    assert second.status == "sent" and second.claimed_by is None


def test_transient_errors_delay_delivery_with_growing_waits_but_lose_nothing(db, clock):
    alice = person(db, "alice")
    row_id = queue(db, alice, "Commande prête", clock.now)
    sender = Recorder(fail=lambda text, n: DeliveryError("HTTP 500") if n <= 2 else None)
    d = dispatcher(db, sender, clock, retry_seconds=5.0)

    drain(d)
    first = row(db, row_id)
    assert (first.status, first.attempts, first.last_error) == ("pending", 1, "HTTP 500")
    assert first.due_at == clock.now + timedelta(seconds=5)
    clock.advance(seconds=4)
    drain(d)
    assert sender.tries["Commande prête"] == 1  # not before its time
    clock.advance(seconds=1)
    drain(d)
    assert row(db, row_id).due_at == clock.now + timedelta(seconds=10)  # twice as long
    clock.advance(seconds=10)
    drain(d)
    assert sender.texts() == ["Commande prête"]
    done = row(db, row_id)
    assert (done.status, done.attempts, done.last_error) == ("sent", 3, "")


def test_the_platform_s_retry_after_is_honoured(db, clock):
    alice = person(db, "alice")
    row_id = queue(db, alice, "Commande prête", clock.now)
    slow_down = DeliveryError("429 Too Many Requests", retry_after=42)
    sender = Recorder(fail=lambda text, n: slow_down if n == 1 else None)
    d = dispatcher(db, sender, clock)
    drain(d)
    assert row(db, row_id).due_at == clock.now + timedelta(seconds=42)
    clock.advance(seconds=42)
    drain(d)
    assert sender.texts() == ["Commande prête"]


def test_a_blocked_user_is_not_retried_until_they_write_again(db, clock, chat):
    bob = chat("bob")
    bob.say("bonjour")
    bob_id = person(db, "bob")
    first = queue(db, bob_id, "Commande acceptée", clock.now)
    blocked = "Forbidden: bot was blocked by the user"
    sender = Recorder(
        fail=lambda text, n: (
            DeliveryError(blocked, permanent=True) if text == "Commande acceptée" else None
        )
    )
    d = dispatcher(db, sender, clock)
    drain(d)
    failed = row(db, first)
    assert (failed.status, failed.last_error) == ("failed", blocked)
    assert user(db, bob_id).unreachable
    second = queue(db, bob_id, "Commande prête", clock.now)
    clock.advance(hours=1)
    drain(d)
    assert sender.tries == {"Commande acceptée": 1}  # nothing more was tried
    assert row(db, second).status == "failed"

    bob.say("bonjour")  # they unblocked the bot and wrote: messages go again
    third = queue(db, bob_id, "Commande prête, deuxième essai", clock.now)
    drain(d)
    assert sender.texts("bob") == ["Commande prête, deuxième essai"]
    assert row(db, third).status == "sent"


def test_a_message_that_keeps_failing_is_given_up_and_says_why(db, clock):
    alice = person(db, "alice")
    row_id = queue(db, alice, "Commande prête", clock.now)
    sender = Recorder(fail=lambda text, n: DeliveryError("HTTP 502"))
    d = dispatcher(db, sender, clock, max_attempts=3, retry_seconds=1.0)
    for _ in range(5):
        drain(d)
        clock.advance(minutes=5)
    gone = row(db, row_id)
    assert sender.tries["Commande prête"] == 3
    assert gone.status == "failed" and "HTTP 502" in gone.last_error and "3" in gone.last_error
    assert not user(db, alice).unreachable  # the platform failed, not the person


def test_a_sender_that_crashes_is_retried_like_a_transient_error(db, clock):
    alice = person(db, "alice")
    row_id = queue(db, alice, "Commande prête", clock.now)

    def boom(text, n):
        if n == 1:
            raise KeyError("template")
        return None

    sender = Recorder(fail=boom)
    d = dispatcher(db, sender, clock)
    drain(d)
    assert row(db, row_id).status == "pending" and "KeyError" in row(db, row_id).last_error
    clock.advance(minutes=1)
    drain(d)
    assert sender.texts() == ["Commande prête"]


def test_someone_who_turned_news_off_still_gets_order_messages(db, clock):
    alice = person(db, "alice", quiet=True)
    news = queue(db, alice, "Visite en direct !", clock.now, kind="visit_live", essential=False)
    order = queue(db, alice, "Commande prête", clock.now)
    sender = Recorder()
    drain(dispatcher(db, sender, clock))
    assert sender.texts() == ["Commande prête"]
    assert row(db, news).status == "dropped" and row(db, order).status == "sent"


def _order(db, customer_id: int, status: str) -> int:
    def work(session):
        town = Town(slug="t", name="T")
        session.add(town)
        session.flush()
        shop = Shop(town_id=town.id, slug="s", name="S")
        session.add(shop)
        session.flush()
        order = Order(
            number="A1", shop_id=shop.id, customer_id=customer_id, status=status,
            fulfilment="pickup", pickup_code="123456", pickup_token_hash="x" * 64,
        )  # fmt: skip
        session.add(order)
        session.flush()
        return order.id

    return db.run(work)


def test_a_reminder_for_an_order_already_collected_is_dropped(db, clock):
    alice = person(db, "alice")
    order_id = _order(db, alice, "collected")
    reminder = queue(
        db, alice, "Rappel de retrait", clock.now, kind="pickup_reminder", order_id=order_id
    )
    sender = Recorder()
    drain(dispatcher(db, sender, clock))
    assert sender.sent == []
    assert (row(db, reminder).status, row(db, reminder).last_error) == (
        "dropped",
        "order collected",
    )


def test_quiet_hours_hold_reminders_but_not_what_the_customer_asked_for(db, clock):
    clock.now = datetime(2026, 12, 8, 21, 30, tzinfo=UTC)  # 22:30 in Paris
    alice = person(db, "alice")
    reminder = queue(db, alice, "Rappel", clock.now, kind="pickup_reminder", quiet_hours=True)
    queue(db, alice, "La visite commence", clock.now, kind="visit_reminder")
    sender = Recorder()
    d = dispatcher(db, sender, clock)
    drain(d)
    assert sender.texts() == ["La visite commence"]
    held = row(db, reminder)
    assert held.status == "pending"
    assert held.due_at == datetime(2026, 12, 9, 7, 0, tzinfo=UTC)  # 08:00 in Paris
    clock.now = datetime(2026, 12, 9, 7, 0, tzinfo=UTC)
    drain(d)
    assert sender.texts() == ["La visite commence", "Rappel"]


def test_a_dispatcher_killed_mid_batch_loses_none_and_doubles_only_the_one_in_flight(db, clock):
    alice = person(db, "alice")
    for i in range(10):
        queue(db, alice, f"message {i}", clock.now)
    stuck = asyncio.Event()

    class Hangs(Recorder):
        async def deliver(self, recipient, kind, payload):
            if payload["replies"][0]["text"] == "message 3":
                self.tries["message 3"] = self.tries.get("message 3", 0) + 1
                await stuck.wait()  # the process dies while this one is on the wire
            await super().deliver(recipient, kind, payload)

    first_sender = Hangs()
    first = dispatcher(db, first_sender, clock, max_in_flight=4, lease_seconds=60, name="first")

    async def killed() -> None:
        task = asyncio.create_task(first.drain())
        while "message 3" not in first_sender.tries:
            await asyncio.sleep(0.001)
        task.cancel()  # kill -9, as far as the database can tell: nothing more is recorded
        with contextlib.suppress(asyncio.CancelledError):
            await task

    asyncio.run(killed())
    statuses = Counter(r.status for r in outbox(db))
    assert statuses["sent"] == 3 and statuses["sending"] >= 1  # 0-2 sent, 3 and its batch held

    restarted_sender = Recorder()
    restarted = dispatcher(db, restarted_sender, clock, lease_seconds=60, name="restarted")
    drain(restarted)
    claimed_by_the_dead = {r.id for r in outbox(db) if r.status == "sending"}
    assert claimed_by_the_dead  # their lease still runs: nobody may take them yet
    clock.advance(seconds=60)
    drain(restarted)
    assert all(r.status == "sent" for r in outbox(db))
    delivered = Counter(first_sender.texts() + restarted_sender.texts())
    delivered["message 3"] += 1  # it left the first process before the kill
    assert set(delivered) == {f"message {i}" for i in range(10)}  # none lost
    assert [t for t, n in delivered.items() if n > 1] == ["message 3"]  # only it doubled


@pytest.mark.timeout(120)
def test_two_dispatchers_on_one_database_deliver_each_of_1000_rows_once(db, clock):
    ids = [person(db, f"user{i}") for i in range(50)]
    for i in range(1000):
        queue(db, ids[i % 50], f"message {i}", clock.now)
    sender = Recorder(delay=0.001)
    by: dict[str, int] = Counter()
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def work(name: str) -> None:
        own = Database(db.url)  # its own engine and connections, like another process
        try:
            d = Dispatcher(own, [sender], clock=clock, settings=dispatch_settings(), name=name)
            barrier.wait()
            by[name] = asyncio.run(d.drain())
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            own.dispose()

    threads = [threading.Thread(target=work, args=(n,)) for n in ("one", "two")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    counts = Counter(sender.texts())
    assert len(counts) == 1000 and set(counts.values()) == {1}
    assert all(r.status == "sent" for r in outbox(db))
    assert by["one"] > 0 and by["two"] > 0 and by["one"] + by["two"] == 1000


@pytest.mark.timeout(120)
def test_a_dispatcher_process_killed_with_sigkill_loses_none_and_doubles_at_most_one(
    db, clock, tmp_path
):
    alice = person(db, "alice")
    clock.now = utcnow()  # the child process runs on the real clock
    for i in range(60):
        queue(db, alice, f"message {i}", clock.now - timedelta(seconds=1))
    log = tmp_path / "platform.log"
    root = Path(__file__).resolve().parents[2]
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.notify_child", db.url, str(log)],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    try:
        deadline = time.monotonic() + 60
        while not log.exists() or len(log.read_text().splitlines()) < 10:
            assert child.poll() is None and time.monotonic() < deadline
            time.sleep(0.01)
        child.send_signal(signal.SIGKILL)  # mid-batch: no finally, no goodbye
    finally:
        child.wait(10)
    first = log.read_text().splitlines()
    assert 10 <= len(first) < 60
    clock.now = utcnow() + timedelta(seconds=61)  # the dead one's lease lapses
    sender = Recorder()
    drain(dispatcher(db, sender, clock))
    delivered = Counter(first + sender.texts())
    assert set(delivered) == {f"message {i}" for i in range(60)}  # none lost
    assert sum(n - 1 for n in delivered.values()) <= 1  # at most the one in flight doubled
    assert all(r.status == "sent" for r in outbox(db))
