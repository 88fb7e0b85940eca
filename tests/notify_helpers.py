"""Helpers for the notifications tests: people, outbox rows, and a Sender that records."""

import asyncio
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlmodel import select

from bot.config import Config
from handlers.core import Reply, menu_of
from notifications.base import DeliveryError, Recipient
from notifications.dispatcher import Dispatcher, Settings
from store import outbox
from store.db import Database
from store.models import Outbox, User
from store.users import get_or_create_user


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


def person(db: Database, ref: str, *, channel: str = "console", **fields: Any) -> int:
    """A user's id (created on first call), with `fields` set."""

    def work(session: Any) -> int:
        user, _ = get_or_create_user(session=session, channel=channel, channel_ref=ref)
        for name, value in fields.items():
            setattr(user, name, value)
        return user.id  # type: ignore[return-value]

    return db.run(work)


def queue(db: Database, user_id: int, text: str, due_at: datetime, **kw: Any) -> int:
    """An outbox row carrying `text`; returns its id."""

    def work(session: Any) -> int:
        kind = kw.pop("kind", "order_ready")
        replies = [Reply(text)]
        menu = kw.pop("menu", menu_of(replies))
        row = outbox.enqueue(
            session=session,
            user_id=user_id,
            kind=kind,
            replies=replies,
            menu=menu,
            due_at=due_at,
            **kw,
        )
        session.flush()
        return row.id  # type: ignore[union-attr]

    return db.run(work)


def rows(db: Database) -> list[Outbox]:
    return db.run(lambda s: list(s.exec(select(Outbox).order_by(Outbox.id)).all()))


def row(db: Database, row_id: int) -> Outbox:
    return db.run(lambda s: s.get(Outbox, row_id))


def user(db: Database, user_id: int) -> User:
    return db.run(lambda s: s.get(User, user_id))


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
