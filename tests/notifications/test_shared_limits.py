"""Sending rates shared by several processes: together they keep within the platform's."""

import asyncio
import os
import uuid

import aiohttp
import pytest
import redis

from notifications.limits import RateLimits
from notifications.shared import PostgresBackend, RedisBackend, SharedRateLimits, build_limits
from tests.fakes.rates import RateStandin

REDIS_URL = os.environ.get("VITRINE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
RATE = {"telegram": 30.0}
PER_CHAT = {"telegram": 1.0}


def redis_up() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


async def send_for(limits_of: list[SharedRateLimits], url: str, seconds: float) -> None:
    """Each limits object plays one process with 6 concurrent senders to a few chats each."""
    async with aiohttp.ClientSession(base_url=url) as http:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds

        async def sender(limits: SharedRateLimits, name: str) -> None:
            n = 0
            while loop.time() < deadline:
                chat = f"{name}-{n % 2}"
                await limits.wait("telegram", chat)
                body = {"chat": chat, "id": f"{name}-{n}"}
                async with http.post("/telegram/send", json=body) as response:
                    await response.read()
                n += 1

        await asyncio.gather(
            *(sender(lim, f"p{p}s{s}") for p, lim in enumerate(limits_of) for s in range(6))
        )


def check_shared(make: object) -> None:
    with RateStandin(RATE, PER_CHAT) as standin:
        processes = [make() for _ in range(3)]  # type: ignore[operator]
        asyncio.run(send_for(processes, standin.url, 4.0))
        refused, rate = standin.refused, standin.rate("telegram")
    assert refused == 0  # the platform never had to say "too many"
    assert rate <= 30.0
    assert rate >= 20.0  # and the three together still use most of the rate


def test_three_processes_on_redis_keep_within_telegrams_limits():
    if not redis_up():
        pytest.skip(f"no Redis at {REDIS_URL} (.ci/run starts one)")
    prefix = f"test:{uuid.uuid4().hex}:"

    def make() -> SharedRateLimits:
        return SharedRateLimits(RedisBackend(REDIS_URL, prefix=prefix), RATE, PER_CHAT)

    check_shared(make)


@pytest.mark.parametrize("db", ["postgresql"], indirect=True)
def test_three_processes_on_postgresql_keep_within_telegrams_limits(db):
    check_shared(lambda: SharedRateLimits(PostgresBackend(db), RATE, PER_CHAT))


def test_sqlite_keeps_the_in_process_buckets(db):
    limits = build_limits(db, RATE, PER_CHAT)
    if db.dialect == "sqlite":
        assert isinstance(limits, RateLimits)  # one process, no extra service
    else:
        assert isinstance(limits.backend, PostgresBackend)  # type: ignore[union-attr]
    shared = build_limits(db, RATE, PER_CHAT, redis_url=REDIS_URL)
    assert isinstance(shared, SharedRateLimits) and isinstance(shared.backend, RedisBackend)
