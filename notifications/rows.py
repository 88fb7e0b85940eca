"""What the dispatcher knows of outbox rows: settings, a claimed row, the SQL it reads by."""

import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import text, update
from sqlmodel import Session, col, select

from notifications.base import Recipient
from store.models import ConversationState, Outbox, User

if TYPE_CHECKING:  # the type only: notifications never import bot at run time
    from bot.config import Config

# Rows still to deliver: the predicate of the partial index ix_outbox_todo, spelled out as
# literal SQL so the planner can match it (a bound parameter would hide the values).
TO_DELIVER = text("outbox.status IN ('pending', 'sending')")
# A reminder about an order goes only while the order is still to be collected
# (store.statuses.BEFORE_PICKUP).
REMINDER_KINDS = {"pickup_reminder"}


@dataclass(frozen=True)
class Settings:
    """How the dispatcher retries and claims ([notifications] in the config, its defaults)."""

    max_attempts: int
    retry_seconds: float  # the first retry; each next one waits twice as long
    lease_seconds: float
    max_in_flight: int
    timezone: str
    quiet_hours: str
    max_retry_seconds: float = 3600.0  # not a config key: a retry waits an hour at most
    send_timeout: float = 30.0  # not a config key: one delivery's time limit

    @classmethod
    def from_config(cls, config: "Config") -> "Settings":
        cfg = config.notifications
        return cls(
            max_attempts=cfg.max_attempts,
            retry_seconds=float(cfg.retry_seconds),
            lease_seconds=float(cfg.lease_seconds),
            max_in_flight=cfg.max_in_flight,
            timezone=config.town.timezone,
            quiet_hours=cfg.quiet_hours,
        )


@dataclass(frozen=True)
class Claimed:
    """A row this dispatcher holds, with what the Sender needs."""

    id: int
    kind: str
    payload: dict[str, Any]
    attempts: int
    recipient: Recipient
    lease_until: datetime


def worker_name() -> str:
    """This dispatcher's name in `Outbox.claimed_by`: host, process, and a random part."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def channel_of_recipient() -> Any:
    """The recipient's channel as a correlated subquery, not a join: the planner then walks
    the due rows and looks each recipient up by key, a plan that stays fast even before
    the statistics have seen a sudden fan-out of thousands of rows."""
    return (
        select(User.channel)
        .where(col(User.id) == Outbox.user_id)
        .correlate(Outbox)
        .scalar_subquery()
    )


def remember_menu(session: Session, claimed: Claimed) -> None:
    """A delivered message with options is the menu the person sees last: a typed "1" (in
    the console, on WhatsApp) now means its first option. The outbox row carries that menu
    (`payload["menu"]`, from `handlers.core.menu_of`): the rule is not written twice."""
    menu = claimed.payload.get("menu")
    if menu is not None:
        session.execute(
            update(ConversationState)
            .where(col(ConversationState.user_id) == claimed.recipient.user_id)
            .values(menu=menu)
        )


def settle(row: Outbox, status: str, reason: str) -> bool:
    row.status, row.last_error, row.claimed_by = status, reason[:500], None
    return True
