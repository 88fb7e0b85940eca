"""Sending rates: Telegram's ~30 messages/s and ~1/s per chat, Twilio's 80/s per sender.

Each limit spaces sends evenly (a token bucket holding a single token): a burst of 5,000
drains at the limit, and no one-second window ever holds more than the limit, so the
platform has no reason to answer 429. These buckets hold per process; `shared.py` has
the same on Redis or PostgreSQL for several processes.
"""

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Protocol

# Run a little under the published limits: a request's trip to the platform jitters by a
# few milliseconds, and a window that catches one early request would hold limit + 1.
HEADROOM = 0.97


class Limits(Protocol):
    """What the dispatcher asks of its limits (in-process here, shared in shared.py)."""

    async def wait(self, channel: str, chat: str) -> None: ...

    def hold(self, channel: str, seconds: float) -> None: ...


class Pacer:
    """At most `rate` events in any one second, evenly spaced.

    `reserve` hands out evenly spaced slots (a burst does not go out at once); `admit`, just
    before the event, checks the real send times of the last second, because a busy event
    loop can wake several late sleepers together, and a window catching them would see
    more than the rate.
    """

    CATCH_UP = 0.1  # a slot missed by less than this is used late, keeping the pace

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0:
            raise ValueError(f"rate must be more than 0, not {rate}")
        self.interval = 1.0 / rate
        self.most = max(1, int(rate))  # events in any one-second window
        self.clock = clock
        self.next_at = 0.0
        self.sent: deque[float] = deque()

    def reserve(self) -> float:
        """Seconds to wait before the caller's event; its slot is taken."""
        now = self.clock()
        at = self.next_at if self.next_at >= now - self.CATCH_UP else now
        self.next_at = at + self.interval
        return max(0.0, at - now)

    def admit(self) -> float:
        """0 and the event is counted as sent now; else the seconds to wait and ask again."""
        now = self.clock()
        while self.sent and self.sent[0] <= now - 1.0:
            self.sent.popleft()
        if len(self.sent) >= self.most:
            return self.sent[0] + 1.0 - now + 1e-4
        self.sent.append(now)
        return 0.0

    def hold(self, seconds: float) -> None:
        """Nothing before `seconds` from now (the platform asked us to slow down)."""
        self.next_at = max(self.next_at, self.clock() + seconds)


class RateLimits:
    """Per channel, an overall pace and a per-chat pace; `wait` before each send."""

    def __init__(
        self,
        overall: dict[str, float],
        per_chat: dict[str, float] | None = None,
        *,
        headroom: float = HEADROOM,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.clock = clock
        self.sleep = sleep
        self.overall = {ch: Pacer(rate * headroom, clock) for ch, rate in overall.items()}
        self.chat_interval = {ch: 1.0 / (rate * headroom) for ch, rate in (per_chat or {}).items()}
        self.last_sent: dict[tuple[str, str], float] = {}

    async def wait(self, channel: str, chat: str) -> None:
        """Return when one more message to `chat` on `channel` keeps within the limits.

        The dispatcher sends to one chat at a time, so the per-chat wait needs no reservation.
        """
        interval = self.chat_interval.get(channel)
        if interval is not None:
            last = self.last_sent.get((channel, chat))
            if last is not None:
                delay = last + interval - self.clock()
                if delay > 0:
                    await self.sleep(delay)
        pacer = self.overall.get(channel)
        if pacer is not None:
            delay = pacer.reserve()
            if delay > 0:
                await self.sleep(delay)
            while (delay := pacer.admit()) > 0:
                await self.sleep(delay)
        if interval is not None:
            self._forget_old(interval)
            self.last_sent[(channel, chat)] = self.clock()

    def hold(self, channel: str, seconds: float) -> None:
        """The platform said "retry after `seconds`": the whole channel waits."""
        pacer = self.overall.get(channel)
        if pacer is not None:
            pacer.hold(seconds)

    def _forget_old(self, interval: float) -> None:
        if len(self.last_sent) < 10_000:
            return
        horizon = self.clock() - max(interval, *self.chat_interval.values())
        self.last_sent = {k: v for k, v in self.last_sent.items() if v > horizon}
