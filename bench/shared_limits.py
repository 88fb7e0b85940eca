"""Benchmark: sending rates shared by several processes, in-process vs PostgreSQL vs Redis.

For each kind of limits, PROCESSES processes (each with TASKS concurrent senders, like a
dispatcher) send to a stand-in that answers 429 over Telegram's limits (30/s per bot, 1/s
per chat) for SECONDS seconds. Prints, side by side: the combined rate the stand-in saw,
its 429s, and what one `wait()` costs (µs, on a rate too high to ever wait).
In-process buckets each allow the whole rate: with 4 processes they overrun the platform,
which is why the shared ones exist.

`python -m bench.shared_limits [--pg URL] [--redis URL] [--processes N] [--seconds S]`
(PostgreSQL: a throw-away database is made on the server of URL, default
postgresql://postgres@127.0.0.1:5432/test; Redis: redis://127.0.0.1:6379/15).
"""

import argparse
import asyncio
import multiprocessing
import time
import uuid
from typing import Any

import aiohttp
from sqlalchemy import create_engine, text

from notifications.limits import RateLimits
from notifications.shared import PostgresBackend, RedisBackend, SharedRateLimits
from store import migrate
from store.db import Database, normalise_url
from tests.fakes.rates import RateStandin

RATE = {"telegram": 30.0}
PER_CHAT = {"telegram": 1.0}
TASKS = 8


def _limits(kind: str, url: str, overall: dict[str, float], per_chat: dict[str, float]) -> Any:
    if kind == "redis":
        return SharedRateLimits(RedisBackend(url, prefix=f"bench:{uuid.uuid4().hex}:"), overall,
                                per_chat)  # fmt: skip
    if kind == "postgresql":
        return SharedRateLimits(PostgresBackend(Database(url)), overall, per_chat)
    return RateLimits(overall, per_chat)


def _sender(kind: str, url: str, standin: str, seconds: float, index: int, prefix: str) -> None:
    """One process: TASKS senders, each to its own run of chats, for `seconds`."""

    async def main() -> None:
        limits = _limits(kind, url, RATE, PER_CHAT)
        if kind == "redis":  # every process on the same keys
            limits.backend.prefix = prefix
        deadline = time.monotonic() + seconds
        async with aiohttp.ClientSession(base_url=standin) as http:

            async def task(t: int) -> None:
                n = 0
                while time.monotonic() < deadline:
                    chat = f"{index}-{t}-{n % 3}"  # a few chats each: the per-chat limit bites
                    await limits.wait("telegram", chat)
                    body = {"chat": chat, "id": f"{index}-{t}-{n}"}
                    async with http.post("/telegram/send", json=body) as response:
                        await response.read()
                        if response.status == 429:
                            limits.hold("telegram", 1.0)
                    n += 1

            await asyncio.gather(*(task(t) for t in range(TASKS)))
        if hasattr(limits, "close"):
            await limits.close()

    asyncio.run(main())


def _cost(kind: str, url: str, calls: int = 2000) -> float:
    """µs per `wait()` when nothing has to wait (the backend's round trips alone)."""

    async def main() -> float:
        limits = _limits(kind, url, {"telegram": 1e9}, {"telegram": 1e9})
        started = time.perf_counter()
        for i in range(calls):
            await limits.wait("telegram", f"c{i}")
        elapsed = time.perf_counter() - started
        if hasattr(limits, "close"):
            await limits.close()
        return elapsed / calls * 1e6

    return asyncio.run(main())


def _run(kind: str, url: str, processes: int, seconds: float) -> dict[str, float]:
    with RateStandin(RATE, PER_CHAT) as standin:
        prefix = f"bench:{uuid.uuid4().hex}:"
        ctx = multiprocessing.get_context("spawn")
        children = [
            ctx.Process(target=_sender, args=(kind, url, standin.url, seconds, i, prefix))
            for i in range(processes)
        ]
        for child in children:
            child.start()
        for child in children:
            child.join(seconds + 60)
        stats = standin.stats()
        rate = standin.rate("telegram")
    return {"rate": rate, "sent": stats["count"].get("telegram", 0), "429": stats["refused"]}


def _pg_database(server: str) -> tuple[str, Any]:
    admin_url = normalise_url(server)
    name = f"vitrine_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = f"{admin_url.rpartition('/')[0]}/{name}"
    db = Database(url)
    migrate.upgrade(db.engine)
    db.dispose()

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15")
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=6.0)
    args = parser.parse_args()
    pg_url, drop = _pg_database(args.pg)
    try:
        urls = {"in-process": "", "postgresql": pg_url, "redis": args.redis}
        limit, chat = RATE["telegram"], PER_CHAT["telegram"]
        print(f"{args.processes} processes x {TASKS} senders, {args.seconds:g} s, "
              f"limits {limit:g}/s per bot, {chat:g}/s per chat")  # fmt: skip
        head = ("limits", "rate/s", "of limit", "sent", "429s", "µs/wait")
        print("{:<12} {:>8} {:>9} {:>6} {:>5} {:>9}".format(*head))
        for kind, url in urls.items():
            cost = _cost(kind, url)
            got = _run(kind, url, args.processes, args.seconds)
            share = got["rate"] / RATE["telegram"]
            print(f"{kind:<12} {got['rate']:>8.1f} {share:>9.2f} {got['sent']:>6.0f} "
                  f"{got['429']:>5.0f} {cost:>9.0f}")  # fmt: skip
    finally:
        drop()


if __name__ == "__main__":
    main()
