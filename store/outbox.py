"""Writing messages for later delivery. Delivery itself is `notifications/`."""

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from store.models import Outbox
from store.types import utcnow

_DEDUPED = select(Outbox.id).where(Outbox.dedupe_key == bindparam("dedupe_key"))  # built once


def enqueue(
    *,
    session: Session,
    user_id: int,
    kind: str,
    replies: list[Any],
    menu: list[list[str]] | None,
    due_at: datetime,
    essential: bool = True,
    variables: dict[str, str] | None = None,
    dedupe_key: str | None = None,
    order_id: int | None = None,
    quiet_hours: bool = False,
) -> Outbox | None:
    """Add an outbox row in the caller's transaction; a repeated `dedupe_key` adds nothing.

    `replies` are `handlers.core.Reply`s; `menu` is what a typed number picks from once they
    are delivered (`handlers.core.menu_of(replies)`; None leaves the last menu as it is).
    """
    if dedupe_key is not None:
        existing = session.exec(_DEDUPED, params={"dedupe_key": dedupe_key}).first()
        if existing is not None:
            return None
    row = Outbox(
        user_id=user_id,
        kind=kind,
        payload={
            "replies": [r.to_dict() for r in replies],
            "variables": variables or {},
            "menu": menu,
        },
        due_at=due_at,
        essential=essential,
        dedupe_key=dedupe_key,
        order_id=order_id,
        quiet_hours=quiet_hours,
    )
    session.add(row)
    return row


def enqueue_many(*, session: Session, rows: list[dict[str, Any]]) -> None:
    """Add many outbox rows in one statement (fan-outs to thousands of followers).

    Each row: user_id, kind, replies, menu, due_at, and optionally essential, variables,
    dedupe_key (as `enqueue` takes them).
    A row whose dedupe_key is already there is skipped by the database, so two racing
    fan-outs still write each message once.
    """
    if not rows:
        return
    now = utcnow()
    values = [
        {
            "user_id": row["user_id"],
            "kind": row["kind"],
            "payload": {
                "replies": [r.to_dict() for r in row["replies"]],
                "variables": row.get("variables") or {},
                "menu": row["menu"],
            },
            "essential": row.get("essential", True),
            "due_at": row["due_at"],
            "status": "pending",
            "attempts": 0,
            "last_error": "",
            "dedupe_key": row.get("dedupe_key"),
            "created_at": now,
        }
        for row in rows
    ]
    dialect = postgresql if session.connection().dialect.name == "postgresql" else sqlite
    for start in range(0, len(values), 1000):
        statement = dialect.insert(Outbox).on_conflict_do_nothing()
        session.execute(statement, values[start : start + 1000])


def cancel_copies(*, session: Session, ids: list[int], now: datetime) -> None:
    """Mark safety copies of replies as sent: the channel delivered the replies themselves.

    A copy the dispatcher already took (after a slow send) goes anyway: at-least-once.
    """
    session.execute(
        update(Outbox)
        .where(col(Outbox.id).in_(ids), col(Outbox.status) == "pending")
        .values(status="sent", sent_at=now, last_error="sent as a reply")
    )
