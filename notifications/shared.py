"""Sending rates shared by every process (several workers, web processes' replies).

The same two steps as the in-process `Pacer` (limits.py), on a clock and state all
processes share: `reserve` hands out evenly spaced slots (overall, and per chat), `admit`
checks the real send times of the last second just before the send. Two backends:

- Redis (`[notifications] redis_url`): one Lua script a step, atomic, Redis's own clock.
- PostgreSQL (no extra service): the same in one transaction on `rate_slot` rows locked
  FOR UPDATE, PostgreSQL's clock.

`python -m bench.shared_limits` measures both (and the in-process buckets beside them).
With SQLite there is one process: `build_limits` gives the in-process buckets.
"""

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from sqlalchemy import text

from notifications.limits import HEADROOM, RateLimits
from store.db import Database

CHAT_TTL = 60  # seconds a chat's state is kept after its last send
# The overall rate is checked over half a second (at most half a second's worth in any half
# second): processes that wake late cannot bunch a second's worth into a burst, which a
# platform measuring with a small bucket would refuse.
OVERALL_WINDOW = 0.5
# A chat's 1/s is checked over a little more than a second: a request's trip to the platform
# jitters by some milliseconds, and two sends a hair under a second apart would be refused.
CHAT_WINDOW = 1.1


class Backend(Protocol):
    async def reserve(self, keys: list[str], intervals: list[float]) -> float: ...

    async def admit(self, keys: list[str], most: list[int], windows: list[float]) -> float: ...

    async def hold(self, key: str, seconds: float) -> None: ...

    async def close(self) -> None: ...


# KEYS: slot keys (overall, then chat); ARGV: their intervals. The slot is the first moment
# every key allows; each key's next slot is that moment plus its interval.
RESERVE_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local at = now
for i, key in ipairs(KEYS) do
  local next_at = tonumber(redis.call('GET', key) or '0')
  if next_at > at then at = next_at end
end
for i, key in ipairs(KEYS) do
  redis.call('SET', key, tostring(at + tonumber(ARGV[i])), 'EX', 3600)
end
return tostring(at - now)
"""

# KEYS: sorted sets of send times; ARGV: the most sends each allows in a second, then each
# one's window (a second, a little more for a chat: a request's trip jitters).
ADMIT_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local wait = 0
local n = #KEYS
for i, key in ipairs(KEYS) do
  local window = tonumber(ARGV[n + i])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  if redis.call('ZCARD', key) >= tonumber(ARGV[i]) then
    local first = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    local w = tonumber(first[2]) + window - now + 0.0001
    if w > wait then wait = w end
  end
end
if wait > 0 then return tostring(wait) end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, tostring(now) .. ':' .. redis.call('INCR', key .. ':n'))
  redis.call('EXPIRE', key, 60)
  redis.call('EXPIRE', key .. ':n', 60)
end
return '0'
"""

HOLD_LUA = """
local t = redis.call('TIME')
local until_at = tonumber(t[1]) + tonumber(t[2]) / 1000000 + tonumber(ARGV[1])
local next_at = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_at > next_at then redis.call('SET', KEYS[1], tostring(until_at), 'EX', 3600) end
return 1
"""


class RedisBackend:
    def __init__(self, url: str, prefix: str = "vitrine:rate:") -> None:
        import redis.asyncio as aioredis

        self.client: Any = aioredis.from_url(url)
        self.prefix = prefix
        self._reserve = self.client.register_script(RESERVE_LUA)
        self._admit = self.client.register_script(ADMIT_LUA)
        self._hold = self.client.register_script(HOLD_LUA)

    def _keys(self, keys: list[str], kind: str) -> list[str]:
        return [f"{self.prefix}{kind}:{k}" for k in keys]

    async def reserve(self, keys: list[str], intervals: list[float]) -> float:
        return float(await self._reserve(keys=self._keys(keys, "next"), args=intervals))

    async def admit(self, keys: list[str], most: list[int], windows: list[float]) -> float:
        return float(await self._admit(keys=self._keys(keys, "sent"), args=[*most, *windows]))

    async def hold(self, key: str, seconds: float) -> None:
        await self._hold(keys=self._keys([key], "next"), args=[seconds])

    async def close(self) -> None:
        await self.client.aclose()


NOW_SQL = "SELECT extract(epoch FROM clock_timestamp())::float8"


Slot = tuple[float, list[float]]  # next free slot, send times of the last second


class PostgresBackend:
    """`rate_slot` rows: the next free slot and the last second's send times of a key."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def _locked(
        self, conn: Any, keys: list[str]
    ) -> tuple[float, dict[str, tuple[float, list[float]]]]:
        conn.execute(
            text(
                "INSERT INTO rate_slot (key, next_at, sent) SELECT k, 0, '[]' "
                "FROM unnest(CAST(:keys AS text[])) AS k ON CONFLICT (key) DO NOTHING"
            ),
            {"keys": keys},
        )
        rows = conn.execute(
            text(
                "SELECT key, next_at, sent FROM rate_slot WHERE key = ANY(:keys) "
                "ORDER BY key FOR UPDATE"
            ),
            {"keys": keys},
        ).all()
        now = float(conn.execute(text(NOW_SQL)).scalar_one())
        state = {r[0]: (float(r[1]), list(r[2] if isinstance(r[2], list) else json.loads(r[2])))
                 for r in rows}  # fmt: skip
        return now, state

    def _reserve(self, keys: list[str], intervals: list[float]) -> float:
        with self.db.engine.begin() as conn:
            now, state = self._locked(conn, keys)
            at = max([now, *(state[k][0] for k in keys)])
            for key, interval in zip(keys, intervals, strict=True):
                conn.execute(
                    text("UPDATE rate_slot SET next_at = :at WHERE key = :key"),
                    {"at": at + interval, "key": key},
                )
            return at - now

    def _admit(self, keys: list[str], most: list[int], windows: list[float]) -> float:
        with self.db.engine.begin() as conn:
            now, state = self._locked(conn, keys)
            span = dict(zip(keys, windows, strict=True))
            recent = {k: [s for s in state[k][1] if s > now - span[k]] for k in keys}
            wait = max(
                [0.0, *(recent[k][0] + span[k] - now + 1e-4 for k, m in zip(keys, most, strict=True)
                        if len(recent[k]) >= m)]
            )  # fmt: skip
            if wait > 0:
                return wait
            for key in keys:
                conn.execute(
                    text("UPDATE rate_slot SET sent = CAST(:sent AS json) WHERE key = :key"),
                    {"sent": json.dumps([*recent[key], now]), "key": key},
                )
            if len(keys) > 1 and hash(keys[1]) % 200 == 0:  # now and then, forget idle chats
                conn.execute(
                    text("DELETE FROM rate_slot WHERE key LIKE '%:%' AND next_at < :before"),
                    {"before": now - CHAT_TTL},
                )
            return 0.0

    def _hold(self, key: str, seconds: float) -> None:
        with self.db.engine.begin() as conn:
            now, state = self._locked(conn, [key])
            conn.execute(
                text("UPDATE rate_slot SET next_at = GREATEST(next_at, :at) WHERE key = :key"),
                {"at": now + seconds, "key": key},
            )

    async def reserve(self, keys: list[str], intervals: list[float]) -> float:
        return await asyncio.to_thread(self._reserve, keys, intervals)

    async def admit(self, keys: list[str], most: list[int], windows: list[float]) -> float:
        return await asyncio.to_thread(self._admit, keys, most, windows)

    async def hold(self, key: str, seconds: float) -> None:
        await asyncio.to_thread(self._hold, key, seconds)

    async def close(self) -> None:
        return None


class SharedRateLimits:
    """`RateLimits`' interface (`wait`, `hold`) on a backend all processes share."""

    def __init__(
        self,
        backend: Backend,
        overall: dict[str, float],
        per_chat: dict[str, float] | None = None,
        *,
        headroom: float = HEADROOM,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.backend = backend
        self.sleep = sleep
        self.overall = {ch: rate * headroom for ch, rate in overall.items()}
        self.per_chat = {ch: rate * headroom for ch, rate in (per_chat or {}).items()}
        self._holds: set[asyncio.Task[None]] = set()

    async def wait(self, channel: str, chat: str) -> None:
        """Return when one more message to `chat` on `channel` keeps every process within
        the limits."""
        keys, intervals, most, windows = [], [], [], []
        wanted = (
            (channel, self.overall.get(channel), OVERALL_WINDOW),
            (f"{channel}:{chat}", self.per_chat.get(channel), CHAT_WINDOW),
        )
        for key, rate, window in wanted:
            if rate is not None:
                keys.append(key)
                intervals.append(1.0 / rate)
                most.append(max(1, int(rate * min(window, 1.0))))
                windows.append(window)
        if not keys:
            return
        delay = await self.backend.reserve(keys, intervals)
        if delay > 0:
            await self.sleep(delay)
        while (delay := await self.backend.admit(keys, most, windows)) > 0:
            await self.sleep(delay)

    async def wait_overall(self, channel: str) -> None:
        """The channel's overall rate only (a reply: the person is waiting for it, and its
        messages follow each other as one answer)."""
        rate = self.overall.get(channel)
        if rate is None:
            return
        delay = await self.backend.reserve([channel], [1.0 / rate])
        if delay > 0:
            await self.sleep(delay)
        most = [max(1, int(rate * OVERALL_WINDOW))]
        while (delay := await self.backend.admit([channel], most, [OVERALL_WINDOW])) > 0:
            await self.sleep(delay)

    def hold(self, channel: str, seconds: float) -> None:
        """The platform said "retry after `seconds`": every process's channel waits."""
        task = asyncio.get_running_loop().create_task(self.backend.hold(channel, seconds))
        self._holds.add(task)
        task.add_done_callback(self._holds.discard)

    async def close(self) -> None:
        await self.backend.close()


def build_limits(
    db: Database,
    overall: dict[str, float],
    per_chat: dict[str, float],
    *,
    shared: str = "auto",
    redis_url: str = "",
) -> RateLimits | SharedRateLimits:
    """The limits for this deployment: `shared` is auto | redis | postgresql | none (auto:
    Redis when `redis_url` is set, else PostgreSQL's when the database is, else in-process)."""
    if shared == "auto":
        if redis_url:
            shared = "redis"
        else:
            shared = "postgresql" if db.dialect == "postgresql" else "none"
    if shared == "redis":
        return SharedRateLimits(
            RedisBackend(redis_url or "redis://127.0.0.1:6379/0"), overall, per_chat
        )
    if shared == "postgresql":
        if db.dialect != "postgresql":
            raise ValueError("shared_limits = postgresql needs a PostgreSQL database")
        return SharedRateLimits(PostgresBackend(db), overall, per_chat)
    return RateLimits(overall, per_chat)
