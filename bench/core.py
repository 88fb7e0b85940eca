"""The core alone: updates per second through `Engine.handle`, no network, one thread."""

import random
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import event, func, select, update
from sqlmodel import Session, col

from bench import Figure, figure, private_pg, say
from bench.script import CONFIRM, Customer, crowd, describe
from bot.config import Config
from handlers.context import Context
from handlers.core import Incoming
from handlers.engine import Engine
from store import migrate
from store.db import Database
from store.demo import load_demo
from store.media import MediaStore
from store.models import Item, Order

GOAL = 1000  # updates per second on one core, SQLite


class Clock:
    """Tuesday 10:00 in Paris (the shops are open), 10 ms later at each update (100/s)."""

    def __init__(self) -> None:
        self.now = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(milliseconds=10)
        return self.now


def restock(session: Session) -> None:
    """Plenty of every item: the demo's few of each would sell out within a hundred orders,
    and "no more stock" on the summary costs less than placing the order it stands for."""
    session.execute(update(Item).where(col(Item.stock).is_not(None)).values(stock=1_000_000))


def demo_engine(url: str, workdir: Path) -> Engine:
    """A migrated database holding the demo town (restocked), and the engine on it."""
    db = Database(url)
    migrate.upgrade(db.engine)
    media = MediaStore(workdir / "media")
    db.run(lambda session: load_demo(session=session, media=media))
    db.run(restock)
    return Engine(db, Context.from_config(Config(), media=media, clock=Clock()))


def drive(engine: Engine, customers: list[Customer], updates: int) -> Counter[str]:
    """Send `updates` updates, customers taking turns in a shuffled order each round."""
    tally: Counter[str] = Counter()
    rng = random.Random(1)
    sent = 0
    while sent < updates:
        order = customers[:]
        rng.shuffle(order)
        for customer in order[: updates - sent]:
            text, action = customer.next(tally)
            replies = engine.handle(
                Incoming("telegram", customer.ref, text=text, action=action, language="fr")
            )
            customer.saw([o.action for r in replies for o in r.options if o.action])
            sent += 1
    return tally


def placed(engine: Engine) -> int:
    """How many orders the database holds (the script's checkouts must reach them)."""
    return engine.db.run(lambda s: s.execute(select(func.count()).select_from(Order)).scalar_one())


def measure(engine: Engine, backend: str, users: int, updates: int) -> list[Figure]:
    customers = crowd(users)
    drive(engine, crowd(20, seed=99), 100)  # warm up: imports, caches, prepared statements
    statements = [0]

    def count(*_: object) -> None:
        statements[0] += 1

    # Statements per update do not depend on the machine's load: a steady figure to compare.
    orders_before = placed(engine)
    event.listen(engine.db.engine, "before_cursor_execute", count)
    wall, cpu = time.perf_counter(), time.process_time()
    tally = drive(engine, customers, updates)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    event.remove(engine.db.engine, "before_cursor_execute", count)
    say(
        f"  {backend}: {updates:,} updates from {users} customers in {wall:.1f} s "
        f"({cpu:.1f} s CPU in this process)"
    )
    say(f"    mix: {describe(tally)}")
    orders = placed(engine) - orders_before
    say(f"    orders placed: {orders} of {tally[CONFIRM]} confirmations tapped")
    out = [figure("core", f"{backend} updates/s (wall clock)", f"{updates / wall:,.0f}/s")]
    if backend == "SQLite":
        # SQLite runs in this process, so its CPU time is the whole cost of an update on one
        # core; wall time also counts the other programs sharing the machine.
        rate = updates / cpu
        out.append(
            figure(
                "core",
                "SQLite updates per CPU second (one core)",
                f"{rate:,.0f}/s",
                ">= 1,000/s",
                rate >= GOAL,
            )
        )
    else:
        out.append(
            figure(
                "core", f"{backend} updates per CPU second (Python side)", f"{updates / cpu:,.0f}/s"
            )
        )
    out.append(
        figure("core", f"{backend} SQL statements per update", f"{statements[0] / updates:.1f}")
    )
    per_update = f"{wall / updates * 1000:.2f} ms"
    out.append(figure("core", f"{backend} ms per update (wall clock)", per_update))
    return out


def profile(engine: Engine, users: int, updates: int, out: Path) -> None:
    """Where the time goes, written as pyinstrument's text report."""
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005)
    with profiler:
        drive(engine, crowd(users, seed=7), updates)
    out.write_text(profiler.output_text(unicode=True, show_all=False))
    say(f"  profile of {updates} updates on SQLite: {out}")


def main(full: bool, workdir: Path, pg: str | None, with_profile: bool = True) -> list[Figure]:
    users, updates = (1000, 10_000) if full else (200, 2_000)
    say(f"\n== The core alone: Engine.handle, no network ({'full' if full else 'small'}) ==")
    path = workdir / "core.db"
    for leftover in workdir.glob(path.name + "*"):
        leftover.unlink()
    engine = demo_engine(f"sqlite:///{path}", workdir)
    figures = measure(engine, "SQLite", users, updates)
    if with_profile:
        profile(engine, users, 2_000 if full else 1_000, workdir / "core-profile.txt")
    engine.db.dispose()
    if pg:
        with private_pg(pg, "core") as url:
            engine = demo_engine(url, workdir)
            figures += measure(engine, "PostgreSQL", users, updates)
            engine.db.dispose()
    else:
        say("  PostgreSQL: skipped (no --pg URL and no VITRINE_TEST_PG_URL)")
    return figures
