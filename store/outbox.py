"""Writing messages for later delivery. Delivery itself is `notifications/`."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, bindparam, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from store.models import Outbox
from store.types import UTCDateTime, utcnow


def _enqueue(dialect: Any) -> Any:
    at = UTCDateTime()
    return (
        dialect.insert(Outbox)
        .values(
            user_id=bindparam("user_id"),
            kind=bindparam("kind"),
            payload=bindparam("payload", type_=JSON),
            essential=bindparam("essential", type_=Boolean()),
            due_at=bindparam("due_at", type_=at),
            status="pending",
            attempts=0,
            last_error="",
            dedupe_key=bindparam("dedupe_key"),
            created_at=bindparam("created_at", type_=at),
            order_id=bindparam("order_id"),
            quiet_hours=bindparam("quiet_hours", type_=Boolean()),
        )
        .on_conflict_do_nothing()  # the dedupe key is there already
        .returning(Outbox.id)
    )


_ENQUEUE = {False: _enqueue(sqlite), True: _enqueue(postgresql)}  # by: is it PostgreSQL?


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
) -> int | None:
    """Add an outbox row in the caller's transaction and return its id; a repeated
    `dedupe_key` adds nothing (None).

    `replies` are `handlers.core.Reply`s; `menu` is what a typed number picks from once they
    are delivered (`handlers.core.menu_of(replies)`; None leaves the last menu as it is).
    One INSERT built once, at once: an ORM row cost more to build and flush than to write.
    """
    values = {
        "user_id": user_id,
        "kind": kind,
        "payload": {
            "replies": [r.to_dict() for r in replies],
            "variables": variables or {},
            "menu": menu,
        },
        "essential": essential,
        "due_at": due_at,
        "dedupe_key": dedupe_key,
        "created_at": utcnow(),
        "order_id": order_id,
        "quiet_hours": quiet_hours,
    }
    conn = session.connection()
    found = conn.execute(_ENQUEUE[conn.dialect.name == "postgresql"], values).first()
    return None if found is None else int(found[0])


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
