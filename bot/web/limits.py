"""Request body limits for every endpoint, enforced before the body is read.

A pure ASGI middleware: a `Content-Length` over the path's limit is answered 413 at once,
without reading a byte of the body; a body without one (chunked) is counted as it streams
and cut off with a 413 the moment it passes the limit. The webhooks get small limits: what
Telegram and Twilio post is a few kilobytes.
"""

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

KB = 1024
DEFAULT_LIMIT = 1024 * KB
# Path prefix -> largest body accepted. A Telegram update is at most a few kilobytes (text up
# to 4,096 characters, a reply's quoted message, entities); Twilio's form fields even less.
LIMITS = {
    "/telegram/webhook": 256 * KB,
    "/whatsapp/": 64 * KB,
    "/stripe/webhook": 256 * KB,
}


class BodyTooLarge(Exception):
    """The body streamed past its limit."""


def limit_for(path: str, limits: dict[str, int], default: int) -> int:
    for prefix, limit in limits.items():
        if path.startswith(prefix):
            return limit
    return default


class BodyLimit:
    """Refuses bodies over the path's limit with 413, from the header or while streaming."""

    def __init__(
        self, app: ASGIApp, *, limits: dict[str, int] | None = None, default: int = DEFAULT_LIMIT
    ) -> None:
        self.app = app
        self.limits = LIMITS if limits is None else limits
        self.default = default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = limit_for(scope["path"], self.limits, self.default)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _too_large(send)
            return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge:
            if not started:
                await _too_large(send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _too_large(send: Send) -> None:
    body = b"Request body too large"
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
