"""WhatsApp's records: Content API resources by our name, and every message sent with its fate."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from store.models import Order, Outbox, User, WhatsAppContent, WhatsAppMessage

# A status only moves forward, except to a failure (which can come after "sent").
ORDER = {"queued": 0, "sent": 1, "delivered": 2, "read": 3}
FAILURES = ("failed", "undelivered")


def contents(*, session: Session) -> list[WhatsAppContent]:
    return list(session.exec(select(WhatsAppContent).order_by(col(WhatsAppContent.name))))


def save_content(
    *, session: Session, name: str, sid: str, digest: str, now: datetime, **fields: Any
) -> WhatsAppContent:
    row = session.get(WhatsAppContent, name)
    if row is None:
        row = WhatsAppContent(name=name, sid=sid, digest=digest)
        session.add(row)
    row.sid, row.digest, row.updated_at, row.refused = sid, digest, now, False
    for key, value in fields.items():
        setattr(row, key, value)
    return row


def refuse_content(*, session: Session, sid: str, reason: str) -> None:
    """Twilio will not send this resource: the numbered text is used instead from now on."""
    for row in session.exec(select(WhatsAppContent).where(WhatsAppContent.sid == sid)):
        row.refused, row.reason = True, reason[:300]


def record_sent(
    *,
    session: Session,
    sid: str,
    user_id: int | None,
    kind: str,
    category: str,
    shape: str,
    outbox_id: int | None,
    now: datetime,
) -> None:
    order_id = None
    if outbox_id is not None:
        row = session.get(Outbox, outbox_id)
        order_id = row.order_id if row is not None else None
    town_id = None
    if user_id is not None:
        user = session.get(User, user_id)
        town_id = user.town_id if user is not None else None
    session.add(
        WhatsAppMessage(
            sid=sid,
            user_id=user_id,
            town_id=town_id,
            outbox_id=outbox_id,
            order_id=order_id,
            kind=kind,
            category=category,
            shape=shape,
            created_at=now,
        )
    )


def moved_on(current: str, new: str) -> bool:
    """Whether `new` is news after `current` (callbacks can arrive out of order)."""
    if new in FAILURES:
        return current not in FAILURES
    if current in FAILURES or new not in ORDER:
        return False
    return ORDER[new] > ORDER.get(current, -1)


def record_status(
    *, session: Session, sid: str, status: str, error_code: int | None, now: datetime
) -> WhatsAppMessage | None:
    """A status callback: the message's (and its outbox row's) receipt; None if unknown."""
    message = session.exec(select(WhatsAppMessage).where(WhatsAppMessage.sid == sid)).first()
    if message is None:
        return None
    if moved_on(message.status, status):
        message.status, message.updated_at = status, now
        message.error_code = error_code
        if message.outbox_id is not None:
            row = session.get(Outbox, message.outbox_id)
            if row is not None and moved_on(row.receipt or "queued", status):
                row.receipt = status
                if error_code is not None:
                    row.last_error = f"WhatsApp error {error_code} after sending"[:500]
    return message


def ready_notice_read(*, session: Session, order_id: int) -> bool:
    """Whether the customer has read the message saying their order is ready."""
    query = select(Outbox.id).where(
        Outbox.order_id == order_id, Outbox.kind == "order_ready", Outbox.receipt == "read"
    )
    return session.exec(query.limit(1)).first() is not None


def counts(*, session: Session) -> list[tuple[int | None, str, int]]:
    """Messages sent, by town and category."""
    query = select(
        WhatsAppMessage.town_id, WhatsAppMessage.category, func.count(col(WhatsAppMessage.id))
    ).group_by(col(WhatsAppMessage.town_id), col(WhatsAppMessage.category))
    return [(town, category, int(n)) for town, category, n in session.exec(query)]


def order_counts(*, session: Session) -> tuple[int, int]:
    """Orders of WhatsApp customers, and the messages sent about orders (linked to one)."""
    orders = session.exec(
        select(func.count(col(Order.id)))
        .join(User, col(User.id) == Order.customer_id)
        .where(User.channel == "whatsapp")
    ).one()
    linked = session.exec(
        select(func.count(col(WhatsAppMessage.id))).where(
            col(WhatsAppMessage.order_id).is_not(None)
        )
    ).one()
    return int(orders), int(linked)


def sids_of(rows: Sequence[WhatsAppContent]) -> dict[str, str]:
    """Our name -> HX sid of the resources Twilio still takes."""
    return {row.name: row.sid for row in rows if not row.refused}
