"""What goes out and what came in: the outbox, seen messages, platforms' bookkeeping, rates."""

from datetime import datetime
from typing import Any

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

from store.models.fields import _created, _json, _utc


class Outbox(SQLModel, table=True):
    """A message the bot sends on its own; written in the transaction of the change it tells."""

    __table_args__ = (
        Index("ix_outbox_due", "status", "due_at"),
        # What the dispatcher claims, in due order: only the rows still to deliver, so the
        # index stays small however many were sent, and a claim reads just its batch.
        Index(
            "ix_outbox_todo",
            "due_at",
            "id",
            postgresql_where=text("status IN ('pending', 'sending')"),
            sqlite_where=text("status IN ('pending', 'sending')"),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    kind: str = Field(max_length=40)
    # {"replies": [Reply as dict, ...], "variables": {...} for WhatsApp templates}
    payload: dict[str, Any] = _json(dict)
    essential: bool = True  # order messages: sent even to users who turned messages off
    # When it may go; for a `sending` row, when its claim lapses and another dispatcher may
    # take it again (see notifications/dispatcher.py), so one index serves both.
    due_at: datetime = _created()
    # pending | sending | sent | failed | dropped
    status: str = Field(default="pending", max_length=10)
    attempts: int = 0  # deliveries started (counted when claimed)
    last_error: str = Field(default="", max_length=500)
    dedupe_key: str | None = Field(default=None, max_length=120, unique=True)
    created_at: datetime = _created()
    sent_at: datetime | None = _utc()
    claimed_by: str | None = Field(default=None, max_length=64)  # the dispatcher sending it
    # The order it is about: a pickup reminder of a collected or cancelled order is dropped.
    order_id: int | None = Field(default=None, foreign_key="orders.id", index=True)
    # Held back during the town's quiet hours (reminders nobody asked for at that hour).
    quiet_hours: bool = False
    # What the platform said after sending it (WhatsApp status callbacks): sent | delivered |
    # read | failed | undelivered; "" when nothing came back (yet).
    receipt: str = Field(default="", max_length=12)


class TelegramFile(SQLModel, table=True):
    """The file_id Telegram gave a media file once uploaded, so it is sent by reference after."""

    media_key: str = Field(primary_key=True, max_length=80)
    file_id: str = Field(max_length=200)


class SeenMessage(SQLModel, table=True):
    """An inbound platform message already handled, so a webhook retried is handled once."""

    __tablename__ = "seen_message"
    __table_args__ = (Index("ix_seen_message_chat", "channel", "chat", "seq"),)
    channel: str = Field(primary_key=True, max_length=16)
    sid: str = Field(primary_key=True, max_length=64)
    received_at: datetime = _created()
    # Telegram: the chat and update_id, so that a chat's updates are handled in order by
    # whichever process received them; `done_at` once handled and answered.
    chat: str | None = Field(default=None, max_length=64)
    seq: int | None = None
    done_at: datetime | None = _utc()


class WhatsAppContent(SQLModel, table=True):
    """A Twilio Content API resource we created (a reply shape or a template), by our name."""

    __tablename__ = "whatsapp_content"
    name: str = Field(primary_key=True, max_length=64)  # "qr2", "list7", "order_ready_fr"
    sid: str = Field(max_length=34)  # HX...
    digest: str = Field(max_length=16)  # of the definition: a changed one is created anew
    # WhatsApp approval: "" for in-session shapes (none needed), else unsubmitted |
    # received | pending | approved | rejected | paused | disabled
    approval: str = Field(default="", max_length=12)
    category: str = Field(default="", max_length=16)  # utility | marketing (templates)
    reason: str = Field(default="", max_length=300)  # a rejection's or a failure's words
    refused: bool = False  # Twilio refused to send it: the numbered text is used instead
    updated_at: datetime = _created()


class WhatsAppMessage(SQLModel, table=True):
    """One message sent through Twilio: what it cost (its category) and what became of it."""

    __tablename__ = "whatsapp_message"
    id: int | None = Field(default=None, primary_key=True)
    sid: str = Field(unique=True, max_length=34)  # SM... / MM...
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    town_id: int | None = Field(default=None, foreign_key="town.id", index=True)
    outbox_id: int | None = Field(default=None, foreign_key="outbox.id", index=True)
    order_id: int | None = Field(default=None, foreign_key="orders.id", index=True)
    kind: str = Field(default="reply", max_length=40)  # "reply" or the outbox kind
    category: str = Field(default="service", max_length=10)  # service | utility | marketing
    shape: str = Field(default="text", max_length=64)  # text, media, qr2, list7, a template
    status: str = Field(default="queued", max_length=12)
    error_code: int | None = None
    created_at: datetime = _created()
    updated_at: datetime | None = _utc()


class RateSlot(SQLModel, table=True):
    """A sending rate shared by every process (notifications/shared.py, PostgreSQL backend):
    the next free slot and the last second's send times (epoch seconds, the server's clock)."""

    __tablename__ = "rate_slot"
    key: str = Field(primary_key=True, max_length=120)  # "telegram", "telegram:<chat>"
    next_at: float = 0.0
    sent: list[float] = _json(list)
