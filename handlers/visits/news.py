"""A visit's changes of state that others hear of (recaps), and the visits' scheduled sweep."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from handlers.context import Context
from handlers.notices.visits import drop_reminders, tell_recap
from store.models import Visit
from store.statuses import VisitStatus
from store.types import persisted
from store.visits import audience, featured_items, joined_users, release_expired_holds


def end_visit(session: Session, visit: Visit, now: datetime) -> int:
    """End a live visit; followers who did not join get a recap; how many got one."""
    visit.status = VisitStatus.ENDED
    visit.ended_at = now
    drop_reminders(session, visit)
    items = featured_items(session=session, visit=visit, now=now)
    if not items:
        return 0
    joined = joined_users(session=session, visit_id=persisted(visit.id))
    missed = [u for u in audience(session=session, visit=visit) if u not in joined]
    return tell_recap(session, now, visit, items, missed)


def end_overdue_visits(session: Session, now: datetime, *, max_live_minutes: int) -> int:
    """End visits left live too long (recaps go out); how many recaps were queued."""
    limit = now - timedelta(minutes=max_live_minutes)
    recaps = 0
    overdue = select(Visit).where(
        Visit.status == VisitStatus.LIVE.value, col(Visit.started_at) <= limit
    )
    for visit in session.exec(overdue.with_for_update(skip_locked=True)).all():
        recaps += end_visit(session, visit, now)
    # A scheduled visit nobody started is over once its whole slot has passed.
    forgotten = select(Visit).where(
        Visit.status == VisitStatus.SCHEDULED.value, col(Visit.starts_at) <= limit
    )
    for visit in session.exec(forgotten.with_for_update(skip_locked=True)).all():
        visit.status = VisitStatus.ENDED
        visit.ended_at = now
        drop_reminders(session, visit)
    return recaps


@dataclass(frozen=True)
class Swept:
    """What one sweep did."""

    holds_released: int
    recaps: int


def sweep_at(session: Session, now: datetime, *, max_live_minutes: int) -> Swept:
    """Expired holds' stock back, visits left running longer than `max_live_minutes` ended.

    Idempotent: a hold or a visit is closed once (rows locked, SKIP LOCKED on PostgreSQL),
    and recaps carry dedupe keys.
    """
    released = release_expired_holds(session=session, now=now)
    recaps = end_overdue_visits(session, now, max_live_minutes=max_live_minutes)
    return Swept(holds_released=len(released), recaps=recaps)


def sweep(*, session: Session, ctx: Context) -> bool:
    """The visits' part of the periodic tick; True when recaps became due now."""
    swept = sweep_at(session, ctx.now(), max_live_minutes=ctx.visit_max_minutes)
    return swept.recaps > 0
