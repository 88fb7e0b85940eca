"""Periodic work that writes messages: digests, uncollected orders, live visits, set-up hints.

`bot` runs `tick` every minute or so through the notifications scheduler. Each step is
idempotent (dedupe keys, status checks), so running it twice, late, or in two processes at
once writes each message once.
"""

from collections.abc import Callable

from sqlmodel import Session

from handlers.context import Context
from handlers.notices import orders as order_notices
from handlers.notices import payments as pay_notices
from handlers.notices.digest import write_digests
from handlers.notices.setup import remind_setups
from handlers.visits.news import sweep
from store.orders import expire_uncollected

Job = Callable[..., int]  # (*, session, ctx) -> how many messages became due


def expire_orders(*, session: Session, ctx: Context) -> int:
    """Ready orders past their hold deadline go back on the shelf; customer and shop told."""
    expired = expire_uncollected(session=session, now=ctx.now(), tz=ctx.timezone)
    for one in expired:
        order_notices.tell_expired(session, ctx, one)
        pay_notices.call_off(session=session, ctx=ctx, order=one.order, reason="expired")
    return len(expired)


def expire_payments(*, session: Session, ctx: Context) -> int:
    """Payment links that ran out unpaid: the held units and slot go back."""
    return pay_notices.expire_unpaid(session=session, ctx=ctx)


def sweep_visits(*, session: Session, ctx: Context) -> int:
    """Expired holds' stock back, visits left running ended; 1 when recaps became due."""
    return int(sweep(session=session, ctx=ctx))


JOBS: tuple[Job, ...] = (
    write_digests, expire_orders, expire_payments, sweep_visits, remind_setups,
)  # fmt: skip


def tick(*, session: Session, ctx: Context) -> bool:
    """Run every periodic step; True when a message became due now (wake the dispatcher)."""
    written = [job(session=session, ctx=ctx) for job in JOBS]
    return any(written)
