"""Two web and two worker processes on one PostgreSQL database, customers of three towns
ordering at once: each sees their own town, nothing is oversold, every merchant hears of
each order exactly once, and the workers together keep within Telegram's rates."""

import threading
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from store.demo import load_demo
from store.media import MediaStore
from store.models import Item, Order, Outbox, Shop, ShopStaff, User
from store.towns import add_town
from tests.fakes.processes import Fleet, Person
from tests.fakes.rates import Platform
from tests.notifications.test_shared_limits import REDIS_URL, redis_up

TOWNS = [("Nogent-le-Rotrou", "nogent-le-rotrou"), ("Bellême", "belleme"),
         ("Mortagne-au-Perche", "mortagne-au-perche")]  # fmt: skip
STOCK = 4  # of each town's cheese
CUSTOMERS = 6  # a town: two go without
PER_SECOND = 12.0  # the bot's rate for the test: low, so that four processes must share it
ALL_DAY = {day: [["00:00", "23:59"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def fill(db: Any, media_root: Path) -> dict[str, dict[str, Any]]:
    """The demo town and two more; a cheese shop with one merchant in each."""

    def work(session: Any) -> dict[str, dict[str, Any]]:
        load_demo(session=session, media=MediaStore(media_root))
        made = {}
        for n, (name, slug) in enumerate(TOWNS):
            town, _ = add_town(session=session, name=name, postcodes=[f"6{n}000"])
            shop = Shop(town_id=town.id, slug=f"fromagerie-{slug}", name=f"Fromagerie {name}",
                        category="cheese", hours=ALL_DAY, prep_minutes=5, slot_capacity=100,
                        active=True)  # fmt: skip
            session.add(shop)
            session.flush()
            item = Item(shop_id=shop.id, name=f"Tomme {name}", price_cents=900, stock=STOCK)
            merchant = User(channel="telegram", channel_ref=str(9000 + n), name="Marchand")
            session.add_all([item, merchant])
            session.flush()
            session.add(ShopStaff(shop_id=shop.id, user_id=merchant.id, role="owner"))
            made[slug] = {"shop": shop.id, "item": item.id, "merchant": 9000 + n, "name": name}
        return made

    return db.run(work)


def shop_at_once(fleet: Fleet, made: dict[str, dict[str, Any]]) -> dict[int, dict[str, str]]:
    """Every customer of every town orders their town's cheese, all at the same time."""
    seen: dict[int, dict[str, str]] = defaultdict(dict)

    def customer(chat_id: int, slug: str) -> None:
        me = Person(fleet, chat_id, f"Client{chat_id}")
        got = seen[chat_id]
        got["welcome"] = me.say(f"/start town-{slug}")
        got["search"] = me.say("tomme")
        me.say(f"/start item-{made[slug]['item']}")
        me.say("1")  # Ajouter au panier
        me.say("panier")
        answer = me.say("1")  # Commander chez la Fromagerie
        for _ in range(5):  # pickup, the day, its part, the slot: the first each time
            if "téléphone" in answer:
                break
            answer = me.say("1")
        summary = me.say("06 12 34 56 78")  # the note is offered on the summary
        got["done"] = me.tap(summary, "Confirmer")

    threads = [
        threading.Thread(target=customer, args=(1000 + 100 * t + c, slug))
        for t, (_, slug) in enumerate(TOWNS)
        for c in range(CUSTOMERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    return seen


def sends_to(tg: Any, chats: set[int]) -> list[tuple[float, int]]:
    """(when, chat) of every message the bot sent those chats, as the stand-in timed it."""
    return [
        (call.at, int(call.params["chat_id"]))
        for call in list(tg.calls)
        if call.method.lower() in ("sendmessage", "sendphoto") and call.status == 200
        and int(call.params.get("chat_id", 0)) in chats
    ]  # fmt: skip


def refused(times: list[float], rate: float) -> int:
    """How many of these sends the rate stand-in would have refused (its token bucket:
    tests/rate_standin.py, which allows for a request's trip jittering)."""
    platform = Platform({"telegram": rate}, {})
    return sum(not platform.admit("telegram", "any", at) for at in sorted(times))


def most_in_a_second(times: list[float]) -> int:
    times = sorted(times)
    return max((sum(1 for u in times[i:] if u < t + 1.0) for i, t in enumerate(times)), default=0)


@pytest.mark.parametrize("db", ["postgresql"], indirect=True)
def test_two_web_and_two_worker_processes_serve_three_towns_at_once(db, tg, tmp_path):
    shared = "redis" if redis_up() else "postgresql"
    fleet = Fleet(tg, db.url, tmp_path, {
        "telegram_per_second": PER_SECOND, "telegram_per_chat_per_second": 1.0,
        "shared_limits": shared, "redis_url": REDIS_URL if shared == "redis" else "",
        "poll_seconds": 2.0,
    })  # fmt: skip
    made = fill(db, fleet.media_root)
    merchants = {m["merchant"]: slug for slug, m in made.items()}
    tg.known_chats.update(merchants)
    try:
        for n in range(2):
            fleet.start("web", f"web{n}")
        for n in range(2):
            fleet.start("worker", f"worker{n}")
        seen = shop_at_once(fleet, made)
        with db.session() as session:
            orders = session.exec(select(Order)).all()
            stock = {i.id: i.stock for i in session.exec(select(Item)).all()}

        # Each customer saw their own town, and only its cheese.
        for chat_id, got in seen.items():
            name, slug = TOWNS[(chat_id - 1000) // 100]
            assert f"boutiques de {name}" in got["welcome"], got["welcome"]
            assert f"Tomme {name}" in got["search"]
            assert sum(f"Tomme {other}" in got["search"] for other, _ in TOWNS) == 1
        # Nothing oversold: each town's four cheeses went to four of its six customers.
        by_shop = Counter(o.shop_id for o in orders)
        for slug, m in made.items():
            assert by_shop[m["shop"]] == STOCK, (slug, by_shop, fleet.log("web0"))
            assert stock[m["item"]] == 0
        assert sum("confirmée" in got.get("done", "") for got in seen.values()) == 3 * STOCK

        # Every merchant hears of each of their orders once: none lost, none twice.
        def all_told() -> bool:
            with db.session() as session:
                rows = session.exec(select(Outbox).where(Outbox.kind == "order_new")).all()
                return len(rows) == 3 * STOCK and all(r.status == "sent" for r in rows)

        deadline = 120.0
        import time

        started = time.monotonic()
        while not all_told():
            assert time.monotonic() - started < deadline, fleet.log("worker0")
            time.sleep(0.5)
        for chat_id, slug in merchants.items():
            texts = [m.get("text") or m.get("caption") or "" for m in tg.chat_log(chat_id)]
            numbers = [o.number for o in orders if o.shop_id == made[slug]["shop"]]
            for number in numbers:
                assert sum(f"n° {number}" in t for t in texts) == 1, (number, texts)
            others = [o.number for o in orders if o.shop_id != made[slug]["shop"]]
            assert not any(f"n° {number}" in t for t in texts for number in others)

        # The four processes together kept within the rates, as the platform measured them:
        # replies and notifications for the bot, the workers' notifications for each chat.
        everyone = sends_to(tg, set(merchants) | set(seen))
        busiest = most_in_a_second([at for at, _ in everyone])
        assert refused([at for at, _ in everyone], PER_SECOND) == 0
        assert busiest <= PER_SECOND + 2  # the stand-in's allowance for a trip's jitter
        sends = sends_to(tg, set(merchants))
        assert len(sends) >= 3 * STOCK
        for chat_id in merchants:
            times = sorted(at for at, chat in sends if chat == chat_id)
            gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
            assert min(gaps) >= 0.9, gaps  # 1/s per chat, less the stand-in's jitter
        span = max(at for at, _ in everyone) - min(at for at, _ in everyone)
        print(f"\n{len(everyone)} messages in {span:.1f} s ({shared}): "
              f"{(len(everyone) - 1) / span:.2f}/s on average, {busiest} in the busiest second, "
              f"for a limit of {PER_SECOND:g}/s; {len(sends)} notifications")  # fmt: skip
    finally:
        fleet.stop()


@pytest.mark.parametrize("db", ["postgresql"], indirect=True)
def test_one_chats_updates_are_answered_in_order_across_two_web_processes(db, tg, tmp_path):
    fleet = Fleet(tg, db.url, tmp_path, {"shared_limits": "postgresql"})
    fill(db, fleet.media_root)
    try:
        for n in range(2):
            fleet.start("web", f"web{n}")
        alice = Person(fleet, 4242, "Alice")
        words = [f"mot{n}" for n in range(12)]
        before = len(tg.chat_log(alice.chat_id))
        for n, word in enumerate(words):  # as fast as Telegram hands them over, web 0, 1, 0, ...
            fleet.post(n, alice._update(text=word))
        alice.answer(before, timeout=60, quiet=2.0)
        answers = [m.get("text") or "" for m in tg.chat_log(alice.chat_id)[before:]]
        order = [w for a in answers for w in words if f"« {w} »" in a]
        assert order == words, answers
    finally:
        fleet.stop()


@pytest.mark.parametrize("db", ["postgresql"], indirect=True)
def test_replies_of_two_web_processes_keep_within_the_bots_rate_together(db, tg, tmp_path):
    shared = "redis" if redis_up() else "postgresql"
    fleet = Fleet(tg, db.url, tmp_path, {
        "telegram_per_second": 3.0, "shared_limits": shared,
        "redis_url": REDIS_URL if shared == "redis" else "",
    })  # fmt: skip
    fill(db, fleet.media_root)
    try:
        for n in range(2):
            fleet.start("web", f"web{n}")
        chats = set(range(5000, 5008))

        def person(chat_id: int) -> None:
            me = Person(fleet, chat_id, "Client")
            me.turns = chat_id  # half of them start on each web process
            me.say("/start")
            me.say("aide")

        threads = [threading.Thread(target=person, args=(c,)) for c in chats]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        sends = sends_to(tg, chats)
        assert len(sends) >= 2 * len(chats)
        assert refused([at for at, _ in sends], 3.0) == 0
    finally:
        fleet.stop()
