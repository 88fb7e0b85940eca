"""Pickup reminders, the merchant's morning digest and expiry, in Paris time, DST included."""

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from bot.config import Config
from handlers import jobs
from handlers.context import Context
from handlers.notices import orders as order_notices
from handlers.notices import reminders
from notifications.base import DeliveryError
from store.models import Item, Order, OrderLine, Shop, Town
from tests.conftest import Clock
from tests.fakes.sender import Recorder, dispatcher, drain
from tests.people import make_staff, outbox, person, queue

EVERY_DAY = {
    d: [["08:30", "12:00"], ["14:00", "19:00"]]
    for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
}
TUE_SAT = {d: [["09:30", "12:30"], ["14:00", "19:00"]] for d in ("tue", "wed", "thu", "fri", "sat")}


def _shop(db, hours=EVERY_DAY, hold_days=3) -> int:
    def work(session):
        town = Town(slug="nogent-le-rotrou", name="Nogent-le-Rotrou")
        session.add(town)
        session.flush()
        shop = Shop(
            town_id=town.id, slug="chez-paul", name="Chez Paul", address="1 rue Paul",
            hours=hours, hold_days=hold_days,
        )  # fmt: skip
        session.add(shop)
        session.flush()
        return shop.id

    return db.run(work)


def _order(db, shop_id, customer_id, slot_start, status="accepted", **kw) -> int:
    def work(session):
        order = Order(
            number=kw.pop("number", "N42"), shop_id=shop_id, customer_id=customer_id,
            status=status, fulfilment="pickup", slot_start=slot_start,
            slot_end=slot_start + timedelta(minutes=30), pickup_code="482913",
            pickup_token_hash=kw.pop("token", "t" * 64), total_cents=3500, **kw,
        )  # fmt: skip
        session.add(order)
        session.flush()
        return order.id

    return db.run(work)


def _plan(db, ctx, order_id) -> int:
    return db.run(lambda s: reminders.plan(session=s, ctx=ctx, order=s.get(Order, order_id)))


def _set(db, order_id, **fields) -> None:
    def work(session):
        order = session.get(Order, order_id)
        for name, value in fields.items():
            setattr(order, name, value)

    db.run(work)


def _paris(db, start: datetime) -> tuple[Clock, Context]:
    clock = Clock(start)
    return clock, Context.from_config(Config(), media=None, clock=clock)  # type: ignore[arg-type]


def test_spring_forward_reminders_fire_an_hour_before_and_next_morning(db):
    # Sunday 2027-03-28: Paris moves from UTC+1 to UTC+2 at 02:00.
    clock, ctx = _paris(db, datetime(2027, 3, 27, 15, 0, tzinfo=UTC))
    shop = _shop(db)
    alice = person(db, "alice")
    slot = datetime(2027, 3, 28, 8, 0, tzinfo=UTC)  # 10:00 in Paris, summer time
    order = _order(db, shop, alice, slot)
    assert _plan(db, ctx, order) == 2
    assert _plan(db, ctx, order) == 0  # planned again at "ready": nothing doubles
    due = sorted(r.due_at for r in outbox(db))
    assert due == [
        datetime(2027, 3, 28, 7, 0, tzinfo=UTC),  # 09:00 summer time, one real hour before
        datetime(2027, 3, 29, 6, 30, tzinfo=UTC),  # Monday's opening, 08:30 summer time
    ]
    sender = Recorder()
    d = dispatcher(db, sender, clock)
    clock.now = datetime(2027, 3, 28, 6, 59, tzinfo=UTC)
    drain(d)
    assert sender.sent == []
    clock.now = datetime(2027, 3, 28, 7, 0, tzinfo=UTC)
    drain(d)
    (text,) = sender.texts("alice")
    assert "N42" in text and "Chez Paul" in text and "10:00" in text and "482913" in text
    assert "dimanche 28 mars" in text


def test_fall_back_reminders_keep_local_times(db):
    # Sunday 2026-10-25: Paris moves from UTC+2 back to UTC+1 at 03:00.
    clock, ctx = _paris(db, datetime(2026, 10, 24, 8, 0, tzinfo=UTC))
    shop = _shop(db)
    alice = person(db, "alice", language="en")
    order = _order(db, shop, alice, datetime(2026, 10, 25, 9, 0, tzinfo=UTC))  # 10:00 winter
    _plan(db, ctx, order)
    assert sorted(r.due_at for r in outbox(db)) == [
        datetime(2026, 10, 25, 8, 0, tzinfo=UTC),  # 09:00 winter time
        datetime(2026, 10, 26, 7, 30, tzinfo=UTC),  # 08:30 winter time
    ]
    sender = Recorder()
    clock.now = datetime(2026, 10, 25, 8, 0, tzinfo=UTC)
    drain(dispatcher(db, sender, clock))
    (text,) = sender.texts()
    assert "10:00" in text and "Sunday 25 October" in text and "waiting for you" in text


def test_a_reminder_in_quiet_hours_waits_for_eight_o_clock_across_dst(db):
    clock, ctx = _paris(db, datetime(2026, 10, 24, 8, 0, tzinfo=UTC))
    shop = _shop(db)
    alice = person(db, "alice")
    # 08:30 winter time: an hour before is 07:30, inside the quiet hours (21:00-08:00).
    order = _order(db, shop, alice, datetime(2026, 10, 25, 7, 30, tzinfo=UTC))
    _plan(db, ctx, order)
    soon = min(r.due_at for r in outbox(db))
    assert soon == datetime(2026, 10, 25, 7, 0, tzinfo=UTC)  # 08:00 winter time, not 06:00


def test_a_collected_order_gets_no_next_morning_reminder(db):
    clock, ctx = _paris(db, datetime(2026, 12, 8, 9, 0, tzinfo=UTC))
    shop = _shop(db)
    alice = person(db, "alice")
    order = _order(db, shop, alice, datetime(2026, 12, 8, 14, 0, tzinfo=UTC))
    _plan(db, ctx, order)
    sender = Recorder()
    d = dispatcher(db, sender, clock)
    clock.now = datetime(2026, 12, 8, 13, 0, tzinfo=UTC)
    drain(d)
    assert len(sender.sent) == 1  # the hour-before reminder
    _set(db, order, status="collected")
    clock.now = datetime(2026, 12, 9, 8, 0, tzinfo=UTC)
    drain(d)
    assert len(sender.sent) == 1
    assert [r.status for r in outbox(db)] == ["sent", "dropped"]


def test_a_slot_within_the_hour_gets_only_the_morning_reminder(db):
    clock, ctx = _paris(db, datetime(2026, 12, 8, 9, 0, tzinfo=UTC))
    shop = _shop(db)
    alice = person(db, "alice")
    order = _order(db, shop, alice, datetime(2026, 12, 8, 9, 30, tzinfo=UTC))
    assert _plan(db, ctx, order) == 1
    assert outbox(db)[0].due_at == datetime(2026, 12, 9, 7, 30, tzinfo=UTC)


def test_demo_speedup_brings_the_reminder_sooner(db):
    clock, _ = _paris(db, datetime(2026, 12, 8, 9, 0, tzinfo=UTC))
    demo = Config()
    demo.notifications.demo_speedup = 60
    ctx = Context.from_config(demo, media=None, clock=clock)  # type: ignore[arg-type]
    shop = _shop(db)
    alice = person(db, "alice")
    order = _order(db, shop, alice, datetime(2026, 12, 8, 10, 30, tzinfo=UTC))  # 11:30 Paris
    _plan(db, ctx, order)
    assert min(r.due_at for r in outbox(db)) == clock.now + timedelta(seconds=30)


def test_merchant_gets_the_day_s_digest_at_opening_time_once(db):
    clock, ctx = _paris(db, datetime(2026, 12, 8, 8, 0, tzinfo=UTC))  # 09:00, shop opens 09:30
    shop = _shop(db, hours=TUE_SAT)
    make_staff(db, "paul", shop)
    alice = person(db, "alice", name="Alice")
    _order(db, shop, alice, datetime(2026, 12, 8, 14, 0, tzinfo=UTC), number="A1", token="a" * 64)
    _order(db, shop, alice, datetime(2026, 12, 9, 14, 0, tzinfo=UTC), status="pending",
           number="A2", token="b" * 64)  # fmt: skip
    tick = lambda: db.run(lambda s: jobs.tick(session=s, ctx=ctx))  # noqa: E731
    assert tick() is False
    clock.now = datetime(2026, 12, 8, 8, 30, tzinfo=UTC)
    assert tick() is True
    clock.advance(minutes=1)
    tick()
    sender = Recorder()
    drain(dispatcher(db, sender, clock))
    (text,) = sender.texts("paul")
    assert "Chez Paul" in text and "15:00 — n° A1, Alice" in text
    assert "Retraits prévus aujourd'hui : 1" in text
    assert "Commandes qui attendent votre réponse : 1" in text


def test_an_uncollected_order_is_cancelled_after_hold_days_and_both_are_told(db):
    clock, ctx = _paris(db, datetime(2026, 12, 8, 9, 0, tzinfo=UTC))
    shop = _shop(db, hours=TUE_SAT, hold_days=3)
    make_staff(db, "paul", shop)
    alice = person(db, "alice")
    order = _order(db, shop, alice, datetime(2026, 12, 8, 14, 0, tzinfo=UTC), status="ready",
                   ready_at=clock.now)  # fmt: skip

    def line(session):
        item = Item(shop_id=shop, name="Coffret", price_cents=3500, stock=5)
        session.add(item)
        session.flush()
        session.add(OrderLine(order_id=order, item_id=item.id, name="Coffret",
                              unit_price_cents=3500, quantity=2))  # fmt: skip

    db.run(line)
    tick = lambda: db.run(lambda s: jobs.tick(session=s, ctx=ctx))  # noqa: E731
    clock.now = datetime(2026, 12, 11, 17, 59, tzinfo=UTC)  # Friday 18:59, the shop still open
    tick()
    assert db.run(lambda s: s.get(Order, order).status) == "ready"
    clock.now = datetime(2026, 12, 11, 18, 0, tzinfo=UTC)  # Friday's closing time
    assert tick() is True
    tick()
    assert db.run(lambda s: s.get(Order, order).status) == "cancelled"
    assert db.run(lambda s: s.exec(select(Item.stock)).one()) == 7
    sender = Recorder()
    drain(dispatcher(db, sender, clock))
    (to_alice,) = sender.texts("alice")
    (to_paul,) = sender.texts("paul")
    assert "N42" in to_alice and "annulée" in to_alice and "vendredi 11 décembre" in to_alice
    assert "remis en stock" in to_paul and "3 jours" in to_paul


def test_the_shop_is_told_when_its_customer_cannot_be_reached(db):
    clock, ctx = _paris(db, datetime(2026, 12, 8, 9, 0, tzinfo=UTC))
    shop = _shop(db, hours=TUE_SAT)
    make_staff(db, "paul", shop)
    alice = person(db, "alice")
    order = _order(db, shop, alice, datetime(2026, 12, 8, 14, 0, tzinfo=UTC), phone="0611223344")
    queue(db, alice, "Votre commande est prête", clock.now, kind="order_ready", order_id=order)
    blocked = DeliveryError("Forbidden: bot was blocked by the user", permanent=True)
    sender = Recorder(fail=lambda text, n: blocked if text.startswith("Votre") else None)
    d = dispatcher(
        db, sender, clock,
        on_failed=lambda s, row_id: order_notices.tell_undelivered(
            session=s, ctx=ctx, outbox_id=row_id
        ),
    )  # fmt: skip
    drain(d)
    assert sender.texts("alice") == []
    (to_paul,) = sender.texts("paul")
    assert "N42" in to_paul and "0611223344" in to_paul and "pas pu joindre" in to_paul
