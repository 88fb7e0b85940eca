"""Pickup reminders: written into the outbox when an order is confirmed.

By default one an hour before the slot starts and, should the order still wait, one the
next morning at the shop's opening time ([notifications] reminder_minutes_before,
reminder_next_morning). Quiet hours push a reminder to their end; the dispatcher drops a
reminder whose order was collected or cancelled in the meantime. Times are computed on
aware UTC instants and local wall times of the shop's town's zone (each town its own:
Paris, Fort-de-France, Saint-Denis), so a DST change moves nothing.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from handlers import i18n
from handlers.common import actions as a
from handlers.context import Context
from handlers.core import Option, Reply, menu_of
from handlers.turn import Turn
from store import outbox, quiet
from store.hours import LOOKAHEAD_DAYS, next_opening
from store.models import Order, Shop, User
from store.towns import zone_of
from store.types import persisted

KINDS: dict[str, tuple[str, ...]] = {"pickup_reminder": ("number",)}


def plan_pickup_reminders(turn: Turn, order: Order) -> int:
    """Queue `order`'s pickup reminders in this transaction (each once: dedupe keys)."""
    written = plan(session=turn.session, ctx=turn.ctx, order=order)
    if written:
        turn.session.flush()
    return written


def plan(*, session: Session, ctx: Context, order: Order) -> int:
    """The reminders of a pickup order, each once (dedupe keys); returns how many were added."""
    if order.fulfilment != "pickup" or order.slot_start is None or order.id is None:
        return 0
    shop = session.get(Shop, order.shop_id)
    customer = session.get(User, order.customer_id)
    if shop is None or customer is None:
        return 0
    settings = ctx.reminders
    tz = zone_of(session=session, town_id=shop.town_id, default=ctx.timezone)
    written = 0
    for minutes in settings.minutes_before:
        due = order.slot_start - timedelta(minutes=minutes)
        replies = _soon(customer.language, tz, order, shop)
        written += _queue(session, ctx, tz, order, due, f"{minutes}m", replies)
    if settings.next_morning:
        slot_day = i18n.local(order.slot_end or order.slot_start, tz).date()
        # The first opening from the next day on (a shop closed two weeks: no reminder).
        midnight = datetime.combine(slot_day + timedelta(days=1), time(), ZoneInfo(tz))
        opening = next_opening(shop, midnight, LOOKAHEAD_DAYS - 1, inclusive=True)
        if opening is not None:
            replies = _waiting(customer.language, tz, order, shop, opening)
            written += _queue(session, ctx, tz, order, opening, "morning", replies)
    return written


def _queue(
    session: Session,
    ctx: Context,
    tz: str,
    order: Order,
    due: datetime,
    tag: str,
    replies: list[Reply],
) -> int:
    now = ctx.now()
    settings = ctx.reminders
    demo = settings.speedup > 1
    if not demo:  # a demo shows the reminder whatever the hour
        due = quiet.after_quiet(due, tz, settings.quiet_hours)
    if due <= now:
        return 0  # its moment has passed: the confirmation already said when
    if demo:  # the wait, shortened
        due = now + (due - now) / settings.speedup
    row = outbox.enqueue(
        session=session,
        user_id=order.customer_id,
        kind="pickup_reminder",
        replies=replies,
        menu=menu_of(replies),
        due_at=due,
        essential=True,  # about an open order: /stop does not silence it
        variables={"number": order.number},
        dedupe_key=f"pickup_reminder:{order.id}:{tag}",
        order_id=order.id,
        quiet_hours=not demo,
    )
    return 0 if row is None else 1


def _view(lang: str, order: Order) -> tuple[Option, ...]:
    return (Option(i18n.t(lang, "pickup_reminder_view"), a.ORDER.pack(persisted(order.id))),)


def _soon(lang: str, tz: str, order: Order, shop: Shop) -> list[Reply]:
    assert order.slot_start is not None
    text = i18n.t(
        lang,
        "pickup_reminder_soon",
        number=order.number,
        shop=shop.name,
        day=i18n.day(order.slot_start, lang, tz),
        time=i18n.clock(order.slot_start, lang, tz),
        address=shop.address,
        code=order.pickup_code,
    )
    return [Reply(text, options=_view(lang, order))]


def _waiting(lang: str, tz: str, order: Order, shop: Shop, opening: datetime) -> list[Reply]:
    text = i18n.t(
        lang,
        "pickup_reminder_waiting",
        number=order.number,
        shop=shop.name,
        time=i18n.clock(opening, lang, tz),
        code=order.pickup_code,
    )
    return [Reply(text, options=_view(lang, order))]
