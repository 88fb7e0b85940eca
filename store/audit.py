"""The audit trail: who changed a price or a stock, when, from what to what."""

from datetime import datetime

from sqlmodel import Session, col, select

from store.models import AuditLog


def record(
    *,
    session: Session,
    user_id: int,
    shop_id: int,
    entity: str,
    entity_id: int,
    field: str,
    before: object,
    after: object,
    at: datetime,
) -> AuditLog | None:
    """Write one change (nothing when the value did not change)."""
    old, new = _text(before), _text(after)
    if old == new:
        return None
    row = AuditLog(
        user_id=user_id,
        shop_id=shop_id,
        entity=entity,
        entity_id=entity_id,
        field=field,
        before=old,
        after=new,
        at=at,
    )
    session.add(row)
    return row


def _text(value: object) -> str:
    return "" if value is None else str(value)[:200]


def history(*, session: Session, entity: str, entity_id: int) -> list[AuditLog]:
    """Changes to one thing, oldest first."""
    query = (
        select(AuditLog)
        .where(AuditLog.entity == entity, AuditLog.entity_id == entity_id)
        .order_by(col(AuditLog.at), col(AuditLog.id))
    )
    return list(session.exec(query))
