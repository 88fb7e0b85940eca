"""Each town its own clock: a shop in Fort-de-France (America/Martinique, UTC-4 all year)
beside one in Nogent-le-Rotrou (Europe/Paris, the config's [town]). Reminders, quiet hours,
the hold deadline, the morning digest and visit announcements are reckoned and written in
the shop's town's zone (the recipient's, for the dispatcher's quiet hours), not the
config's default town's."""

from datetime import UTC, datetime, timedelta

from bot.config import Config
from handlers import jobs
from handlers.context import Context
from handlers.notices import reminders
from handlers.notices.visits import announce_scheduled
from store.models import Follow, Order, Shop, Town, Visit
from tests.conftest import Clock
from tests.fakes.sender import Recorder, dispatcher, drain
from tests.people import make_staff, outbox, person, press, queue

EVERY_DAY = {
    d: [["08:30", "12:00"], ["14:00", "19:00"]]
    for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
}
TUE_SAT = {d: [["09:30", "12:30"], ["14:00", "19:00"]] for d in ("tue", "wed", "thu", "fri", "sat")}
TUESDAY = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)  # 10:00 in Paris, 05:00 in Martinique


def _towns(db, hours=EVERY_DAY, hold_days=3) -> dict[str, int]:
    """Two towns, one shop each: {"paris": shop id, "martinique": shop id}."""

    def work(session) -> dict[str, int]:
        made = {}
        for key, slug, name, zone in (
            ("paris", "nogent-le-rotrou", "Nogent-le-Rotrou", "Europe/Paris"),
            ("martinique", "fort-de-france", "Fort-de-France", "America/Martinique"),
        ):
            town = Town(slug=slug, name=name, timezone=zone)
            session.add(town)
            session.flush()
            shop = Shop(town_id=town.id, slug=f"boutique-{slug}", name=f"Boutique {name}",
                        address="1 rue Schoelcher", hours=hours, hold_days=hold_days)  # fmt: skip
            session.add(shop)
            session.flush()
            made[key] = shop.id
        return made

    return db.run(work)


def _town_of(db, shop_id: int) -> int:
    return db.run(lambda s: s.get(Shop, shop_id).town_id)


def _order(db, shop_id, customer_id, slot_start, number, status="accepted", **kw) -> int:
    def work(session) -> int:
        order = Order(
            number=number, shop_id=shop_id, customer_id=customer_id, status=status,
            fulfilment="pickup", slot_start=slot_start, slot_end=slot_start + timedelta(minutes=30),
            pickup_code="482913", pickup_token_hash=number.ljust(64, "t"), total_cents=3500, **kw,
        )  # fmt: skip
        session.add(order)
        session.flush()
        return order.id

    return db.run(work)


def _ctx(start: datetime = TUESDAY) -> tuple[Clock, Context]:
    clock = Clock(start)
    return clock, Context.from_config(Config(), media=None, clock=clock)  # type: ignore[arg-type]


def _plan(db, ctx, order_id) -> int:
    return db.run(lambda s: reminders.plan(session=s, ctx=ctx, order=s.get(Order, order_id)))


def test_pickup_reminders_keep_each_town_s_local_times(db):
    clock, ctx = _ctx()
    shops = _towns(db)
    alice, manon = person(db, "alice"), person(db, "manon")
    # Wednesday 10:00 local in both towns: 09:00 UTC in Paris, 14:00 UTC in Martinique.
    paris = _order(db, shops["paris"], alice, datetime(2026, 12, 9, 9, 0, tzinfo=UTC), "P1")
    fdf = _order(db, shops["martinique"], manon, datetime(2026, 12, 9, 14, 0, tzinfo=UTC), "M1")
    assert _plan(db, ctx, paris) == 2 and _plan(db, ctx, fdf) == 2
    assert sorted(r.due_at for r in outbox(db, user=alice)) == [
        datetime(2026, 12, 9, 8, 0, tzinfo=UTC),  # 09:00 in Paris
        datetime(2026, 12, 10, 7, 30, tzinfo=UTC),  # Thursday's opening, 08:30 in Paris
    ]
    assert sorted(r.due_at for r in outbox(db, user=manon)) == [
        datetime(2026, 12, 9, 13, 0, tzinfo=UTC),  # 09:00 in Fort-de-France
        datetime(2026, 12, 10, 12, 30, tzinfo=UTC),  # Thursday's opening there, 08:30
    ]
    sender = Recorder()
    clock.now = datetime(2026, 12, 9, 13, 0, tzinfo=UTC)
    drain(dispatcher(db, sender, clock))
    (to_manon,) = sender.texts("manon")
    assert "M1" in to_manon and "10:00" in to_manon and "mercredi 9 décembre" in to_manon
    (to_alice,) = sender.texts("alice")
    assert "P1" in to_alice and "10:00" in to_alice


def test_quiet_hours_of_a_reminder_are_the_shop_s_town_s_night(db):
    clock, ctx = _ctx()
    shops = _towns(db)
    manon = person(db, "manon")
    # 08:30 in Fort-de-France: an hour before is 07:30 there (quiet), 12:30 in Paris (not).
    order = _order(db, shops["martinique"], manon, datetime(2026, 12, 9, 12, 30, tzinfo=UTC), "M1")
    _plan(db, ctx, order)
    soon = min(r.due_at for r in outbox(db, user=manon))
    assert soon == datetime(2026, 12, 9, 12, 0, tzinfo=UTC)  # 08:00 in Fort-de-France


def test_the_dispatcher_holds_a_quiet_message_until_the_recipient_s_own_morning(db):
    clock, _ = _ctx(datetime(2026, 12, 8, 23, 0, tzinfo=UTC))  # midnight in Paris, 19:00 there
    shops = _towns(db)
    manon = person(db, "manon", town_id=_town_of(db, shops["martinique"]))
    alice = person(db, "alice", town_id=_town_of(db, shops["paris"]))
    for who in (manon, alice):
        queue(db, who, "Nouveautés de la semaine", clock.now, kind="visit_live",
              essential=False, quiet_hours=True)  # fmt: skip
    sender = Recorder()
    drain(dispatcher(db, sender, clock))
    assert sender.texts("manon") == ["Nouveautés de la semaine"]  # 19:00: not night there
    assert sender.texts("alice") == []
    (held,) = outbox(db, user=alice)
    assert held.due_at == datetime(2026, 12, 9, 7, 0, tzinfo=UTC)  # 08:00 in Paris


def test_an_uncollected_order_expires_at_its_own_town_s_closing_time(db):
    clock, ctx = _ctx()
    shops = _towns(db, hours=TUE_SAT, hold_days=3)
    alice, manon = person(db, "alice"), person(db, "manon")
    paris = _order(db, shops["paris"], alice, TUESDAY, "P1", status="ready", ready_at=TUESDAY)
    fdf = _order(db, shops["martinique"], manon, TUESDAY, "M1", status="ready", ready_at=TUESDAY)

    def tick() -> None:
        db.run(lambda s: jobs.tick(session=s, ctx=ctx))

    def status(order_id: int) -> str:
        return db.run(lambda s: s.get(Order, order_id).status)

    clock.now = datetime(2026, 12, 11, 18, 0, tzinfo=UTC)  # Friday 19:00 in Paris, 14:00 there
    tick()
    assert (status(paris), status(fdf)) == ("cancelled", "ready")
    clock.now = datetime(2026, 12, 11, 22, 59, tzinfo=UTC)
    tick()
    assert status(fdf) == "ready"
    clock.now = datetime(2026, 12, 11, 23, 0, tzinfo=UTC)  # Friday 19:00 in Fort-de-France
    tick()
    assert status(fdf) == "cancelled"
    sender = Recorder()
    drain(dispatcher(db, sender, clock))
    (to_manon,) = sender.texts("manon")
    assert "M1" in to_manon and "vendredi 11 décembre" in to_manon


def test_the_morning_digest_comes_at_the_shop_s_own_opening_time(db):
    clock, ctx = _ctx(datetime(2026, 12, 8, 8, 30, tzinfo=UTC))  # 09:30 in Paris, 04:30 there
    shops = _towns(db, hours=TUE_SAT)
    make_staff(db, "paul", shops["paris"])
    make_staff(db, "lea", shops["martinique"])
    alice = person(db, "alice", name="Alice")
    _order(db, shops["paris"], alice, datetime(2026, 12, 8, 14, 0, tzinfo=UTC), "P1")
    _order(db, shops["martinique"], alice, datetime(2026, 12, 8, 14, 0, tzinfo=UTC), "M1")

    def tick() -> bool:
        return db.run(lambda s: jobs.tick(session=s, ctx=ctx))

    sender = Recorder()
    tick()
    drain(dispatcher(db, sender, clock))
    assert len(sender.texts("paul")) == 1 and sender.texts("lea") == []
    assert "15:00 — n° P1" in sender.texts("paul")[0]
    clock.now = datetime(2026, 12, 8, 13, 30, tzinfo=UTC)  # 09:30 in Fort-de-France
    assert tick() is True
    drain(dispatcher(db, sender, clock))
    (digest,) = sender.texts("lea")
    assert "10:00 — n° M1, Alice" in digest  # 14:00 UTC, written as it is there


def test_a_scheduled_visit_is_announced_at_the_shop_s_own_time(db):
    clock, _ = _ctx()
    shops = _towns(db)
    manon = person(db, "manon")
    staff = make_staff(db, "lea", shops["martinique"])

    def work(session) -> int:
        session.add(Follow(user_id=manon, shop_id=shops["martinique"]))
        visit = Visit(shop_id=shops["martinique"], url="https://example.org/live",
                      created_by=staff)  # fmt: skip
        session.add(visit)
        session.flush()
        starts = datetime(2026, 12, 11, 22, 0, tzinfo=UTC)  # Friday 18:00 there, 23:00 Paris
        return announce_scheduled(session, clock.now, visit, starts, "Europe/Paris")

    assert db.run(work) == 1
    sender = Recorder()
    drain(dispatcher(db, sender, clock))
    (text,) = sender.texts("manon")
    assert "18:00" in text and "vendredi 11 décembre" in text and "23:00" not in text


def test_ready_says_until_when_in_the_shop_s_town_and_keeps_to_it(chat, engine, db, clock):
    """The merchant's account is in the default town (Paris); the shop in Fort-de-France."""
    shops = _towns_beside_the_demo(db)
    lea = chat("lea")
    make_staff(db, lea, shops)
    manon = person(db, "manon")
    order = _order(db, shops, manon, TUESDAY + timedelta(hours=6), "M1")
    ready = press(lea, f"mrdy:{order}")
    assert "vendredi 11 décembre à 19:00" in ready
    sender = Recorder()
    drain(dispatcher(db, sender, clock))
    (to_manon,) = sender.texts("manon")
    assert "M1" in to_manon and "vendredi 11 décembre à 19:00" in to_manon
    clock.now = datetime(2026, 12, 11, 18, 0, tzinfo=UTC)  # 19:00 in Paris: not yet there
    db.run(lambda s: jobs.tick(session=s, ctx=engine.ctx))
    assert db.run(lambda s: s.get(Order, order).status) == "ready"
    clock.now = datetime(2026, 12, 11, 23, 0, tzinfo=UTC)
    db.run(lambda s: jobs.tick(session=s, ctx=engine.ctx))
    assert db.run(lambda s: s.get(Order, order).status) == "cancelled"


def _towns_beside_the_demo(db) -> int:
    """A Fort-de-France shop in the demo's database; its id."""

    def work(session) -> int:
        town = Town(slug="fort-de-france", name="Fort-de-France", timezone="America/Martinique")
        session.add(town)
        session.flush()
        shop = Shop(town_id=town.id, slug="rhumerie-fdf", name="Rhumerie", address="Rue Victor",
                    hours=TUE_SAT, hold_days=3)  # fmt: skip
        session.add(shop)
        session.flush()
        return shop.id

    return db.run(work)
