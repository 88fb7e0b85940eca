"""Sending rates: Telegram's ~30 messages/s and ~1/s per chat, Twilio's 80/s per sender.

Each limit spaces sends evenly (a token bucket holding a single token): a burst of 5,000
drains at the limit, and no one-second window ever holds more than the limit, so the
platform has no reason to answer 429. The limits hold per process: with several
`vitrine run` processes, divide the configured rates between them.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable

# Run a little under the published limits: a request's trip to the platform jitters by a
# few milliseconds, and a window that catches one early request would hold limit + 1.
HEADROOM = 0.97


class Pacer:
    """At most `rate` events a second, evenly spaced; `reserve` hands out the next slot."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0:
            raise ValueError(f"rate must be more than 0, not {rate}")
        self.interval = 1.0 / rate
        self.clock = clock
        self.next_at = 0.0

    def reserve(self) -> float:
        """Seconds to wait before the caller's event; its slot is taken."""
        now = self.clock()
        at = max(now, self.next_at)
        self.next_at = at + self.interval
        return at - now

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
