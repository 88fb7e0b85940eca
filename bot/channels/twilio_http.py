"""The twilio library's async HTTP interface on httpx, retrying what Twilio asks to retry.

The twilio client builds the request (URL from `Client.api.base_url`, Basic auth, form
fields); this class sends it without blocking the event loop. 429 (too many requests) and
5xx answers are retried with exponential backoff, honouring `Retry-After`, so a busy
Twilio delays messages but loses none.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar

import httpx
from twilio.http import AsyncHttpClient
from twilio.http.response import Response

from bot.channels.backoff import MAX_DELAY, backoff_delay

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# The pause Twilio asked for when it still refused after our retries (read by the Sender,
# in the same task, to tell the notifications dispatcher when to try again).
RETRY_AFTER: ContextVar[float | None] = ContextVar("twilio_retry_after", default=None)


def retry_delay(response: httpx.Response | None, attempt: int, backoff: float) -> float:
    """`Retry-After` when Twilio says it, else backoff doubling each attempt (capped)."""
    header = response.headers.get("Retry-After", "") if response is not None else ""
    try:
        return min(float(header), MAX_DELAY)
    except ValueError:
        return backoff_delay(attempt, backoff)


class TwilioHttp(AsyncHttpClient):
    """An `AsyncHttpClient` for `twilio.rest.Client(http_client=...)`."""

    def __init__(
        self,
        *,
        timeout: float = 15.0,
        attempts: int = 5,
        backoff: float = 0.5,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        super().__init__(log, is_async=True, timeout=timeout)
        self.attempts = attempts
        self.backoff = backoff
        self.sleep = sleep
        self.client = httpx.AsyncClient(timeout=timeout)

    async def request(  # type: ignore[override]
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        """Send one request, again after a pause while Twilio is busy or failing."""
        for attempt in range(self.attempts):
            last = attempt == self.attempts - 1
            try:
                answer = await self.client.request(
                    method,
                    url,
                    params=params,  # type: ignore[arg-type]
                    data=data,  # type: ignore[arg-type]
                    headers=headers,
                    auth=auth,
                    timeout=timeout or self.timeout,
                    follow_redirects=allow_redirects,
                )
            except httpx.TransportError as exc:
                if last:
                    raise
                log.warning(
                    "Twilio unreachable (%s), try %d of %d", exc, attempt + 1, self.attempts
                )
                await self.sleep(retry_delay(None, attempt, self.backoff))
                continue
            delay = retry_delay(answer, attempt, self.backoff)
            if answer.status_code not in RETRY_STATUSES or last:
                RETRY_AFTER.set(delay if answer.status_code in RETRY_STATUSES else None)
                return Response(answer.status_code, answer.text, answer.headers)
            log.warning("Twilio answered %d, again in %.2fs", answer.status_code, delay)
            await self.sleep(delay)
        raise AssertionError("unreachable")

    async def close(self) -> None:
        await self.client.aclose()
