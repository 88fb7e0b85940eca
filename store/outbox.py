"""Writing messages for later delivery. Delivery itself is `notifications/`."""

from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from store.models import Outbox


def enqueue(
    *,
    session: Session,
    user_id: int,
    kind: str,
    replies: list[Any],
    due_at: datetime,
    essential: bool = True,
    variables: dict[str, str] | None = None,
    dedupe_key: str | None = None,
    order_id: int | None = None,
    quiet_hours: bool = False,
) -> Outbox | None:
    """Add an outbox row in the caller's transaction; a repeated `dedupe_key` adds nothing."""
    if dedupe_key is not None:
        existing = session.exec(select(Outbox.id).where(Outbox.dedupe_key == dedupe_key)).first()
        if existing is not None:
            return None
    row = Outbox(
        user_id=user_id,
        kind=kind,
        payload={"replies": [r.to_dict() for r in replies], "variables": variables or {}},
        due_at=due_at,
        essential=essential,
        dedupe_key=dedupe_key,
        order_id=order_id,
        quiet_hours=quiet_hours,
    )
    session.add(row)
    return row
