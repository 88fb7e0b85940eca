"""Telegram's flood limits (429 honoured) and retries with backoff on network trouble and 5xx."""

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError
from telegram.ext import AIORateLimiter

from bot.channels.backoff import backoff_delay

log = logging.getLogger(__name__)


class PatientLimiter(AIORateLimiter):
    """Telegram's flood limits (429 honoured), plus retries with backoff on network and 5xx."""

    def __init__(self, attempts: int = 4, backoff: float = 0.5, flood_retries: int = 3) -> None:
        super().__init__(max_retries=flood_retries)
        self.attempts = attempts
        self.backoff = backoff

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
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
