"""Telegram's flood limits (429 honoured) and retries with backoff on network trouble and 5xx."""

import asyncio
import logging
from collections.abc import Callable, Coroutine
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Protocol

from telegram.error import BadRequest, NetworkError
from telegram.ext import AIORateLimiter

from bot.channels.backoff import backoff_delay

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)


# What counts towards the bot's 30 messages a second: what lands in a chat.
PACED = ("send", "edit", "copy", "forward")


# Messages of this task already paced by the dispatcher (which waits once for a row).
_PREPAID: ContextVar[list[int] | None] = ContextVar("vitrine_prepaid", default=None)


def prepaid(count: int) -> None:
    """The next `count` messages sent by this task were paced already."""
    _PREPAID.set([count])


class Shared(Protocol):
    async def wait_overall(self, channel: str) -> None: ...


class PatientLimiter(AIORateLimiter):
    """Telegram's flood limits (429 honoured), plus retries with backoff on network and 5xx.

    `shared`: the rate every process shares (notifications/shared.py), so that replies
    from several web processes and the workers' notifications keep within it together; it
    then paces alone (PTB's own bucket, per process, would cap each process at its rate
    whatever the share). Otherwise PTB's bucket paces at `per_second` (the config's).
    """

    def __init__(
        self,
        attempts: int = 4,
        backoff: float = 0.5,
        flood_retries: int = 3,
        shared: Shared | None = None,
        per_second: float = 30.0,
    ) -> None:
        super().__init__(
            overall_max_rate=0 if shared is not None else per_second,
            max_retries=flood_retries,
        )
        self.attempts = attempts
        self.backoff = backoff
        self.shared = shared

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        if self.shared is not None and endpoint.lower().startswith(PACED):
            left = _PREPAID.get()
            if left and left[0] > 0:
                left[0] -= 1
            else:
                await self.shared.wait_overall("telegram")
        for attempt in range(1, self.attempts + 1):
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except BadRequest:
                raise  # our request is wrong: sending it again will not help
            except NetworkError as exc:  # connection trouble, timeouts, 5xx
                if attempt == self.attempts:
                    raise
                log.warning("telegram %s failed (%s), try %d again", endpoint, exc, attempt + 1)
                await asyncio.sleep(backoff_delay(attempt - 1, self.backoff))
        raise AssertionError("unreachable")


def limiter_for(app: "App", *, backoff: float, flood_retries: int) -> PatientLimiter:
    """The channel's limiter: the rate shared with every process when the deployment shares
    it (PostgreSQL or Redis), else this process's own (PTB's buckets)."""
    from notifications.shared import SharedRateLimits, build_limits

    cfg = app.config.notifications
    limits = build_limits(
        app.db,
        {"telegram": cfg.telegram_per_second},
        {},
        shared=cfg.shared_limits,
        redis_url=cfg.redis_url,
    )
    shared = limits if isinstance(limits, SharedRateLimits) else None
    return PatientLimiter(
        backoff=backoff,
        flood_retries=flood_retries,
        shared=shared,
        per_second=cfg.telegram_per_second,
    )
