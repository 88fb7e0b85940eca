"""A Sender that records what it was asked to deliver, and dispatchers built around it."""

import asyncio
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from bot.config import Config
from notifications.base import DeliveryError, Recipient
from notifications.dispatcher import Dispatcher, Settings
from store.db import Database


class Recorder:
    """The channel's boundary: keeps what it was asked to deliver; may fail on demand."""

    def __init__(
        self,
        channel: str = "console",
        fail: Callable[[str, int], DeliveryError | None] | None = None,
        delay: float = 0.0,
        blocked: set[str] | None = None,
    ) -> None:
        self.channel = channel
        self.blocked = blocked or set()  # channel_refs who blocked the bot
        self.fail = fail  # (text, attempt number for that text) -> error to raise, or None
        self.delay = delay
        self.sent: list[tuple[str, str]] = []  # (channel_ref, text), delivered
        self.tries: dict[str, int] = {}
        self._lock = threading.Lock()

    async def deliver(self, recipient: Recipient, kind: str, payload: dict[str, Any]) -> None:
        text = payload["replies"][0]["text"]
        with self._lock:
            self.tries[text] = self.tries.get(text, 0) + 1
            attempt = self.tries[text]
        if self.delay:
            await asyncio.sleep(self.delay)
        if recipient.channel_ref in self.blocked:
            raise DeliveryError("Forbidden: bot was blocked by the user", permanent=True)
        error = self.fail(text, attempt) if self.fail else None
        if error is not None:
            raise error
        with self._lock:
            self.sent.append((recipient.channel_ref, text))

    def texts(self, ref: str | None = None) -> list[str]:
        return [text for who, text in self.sent if ref is None or who == ref]


def dispatcher(db: Database, sender: Any, clock: Callable[[], datetime], **kw: Any) -> Dispatcher:
    settings = dispatch_settings(
        **{k: kw.pop(k) for k in list(kw) if k in Settings.__annotations__}
    )
    return Dispatcher(db, [sender], clock=clock, settings=settings, **kw)


def drain(d: Dispatcher) -> int:
    return asyncio.run(d.drain())


def dispatch_settings(**changes: Any) -> Settings:
    """The dispatcher's settings of a default config, with `changes`."""
    return replace(Settings.from_config(Config()), **changes)
