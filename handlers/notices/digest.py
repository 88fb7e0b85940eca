"""The merchant's morning digest: at opening time, the day's pickups and the orders waiting."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from handlers import i18n
from handlers.context import Context
from handlers.core import Reply, menu_of
from store import outbox
from store.hours import intervals_on
from store.models import Order, Shop, User
from store.shops import staff_ids
from store.statuses import BEFORE_PICKUP, OrderStatus, values
from store.towns import zone_of
from store.types import persisted

KINDS: dict[str, tuple[str, ...]] = {"merchant_digest": ("shop",)}
DIGEST_GRACE = timedelta(hours=2)  # a digest still goes this long after opening (restarts)


def write_digests(*, session: Session, ctx: Context) -> int:
    """At each shop's opening time (its town's), its staff get the day's pickups and the
    orders waiting."""
    now = ctx.now()
    written = 0
    for shop in session.exec(select(Shop).where(col(Shop.active))).all():
        zone = ZoneInfo(zone_of(session=session, town_id=shop.town_id, default=ctx.timezone))
        today = now.astimezone(zone).date()
        intervals = intervals_on(shop, today)
        if not intervals:
            continue
        opening = datetime.combine(today, intervals[0][0], tzinfo=zone)
        if not opening <= now < opening + DIGEST_GRACE:
            continue
        written += _digest(session, ctx, shop, opening)
    return written


def _slot(order: Order) -> datetime:
    assert order.slot_start is not None  # only pickups with a slot are listed
    return order.slot_start


def _digest(session: Session, ctx: Context, shop: Shop, opening: datetime) -> int:
    day_start = opening.replace(hour=0, minute=0)
    day_end = day_start + timedelta(days=1)  # wall-clock arithmetic: DST-proof
    orders = session.exec(
        select(Order).where(Order.shop_id == shop.id, col(Order.status).in_(values(BEFORE_PICKUP)))
    ).all()
    pickups = sorted(
        (
            o
            for o in orders
            if o.fulfilment == "pickup" and o.slot_start and day_start <= o.slot_start < day_end
            and o.status != OrderStatus.PENDING
        ),
        key=_slot,
    )  # fmt: skip
    waiting = sum(o.status == OrderStatus.PENDING for o in orders)
    ready = sum(o.status == OrderStatus.READY for o in orders)
    if not (pickups or waiting or ready):
        return 0
    written = 0
    for staff_id in staff_ids(session=session, shop_id=persisted(shop.id)):
        member = session.get(User, staff_id)
        if member is None:
            continue
        text = _digest_text(session, ctx, member.language, shop, opening, pickups, waiting, ready)
        replies = [Reply(text)]
        row = outbox.enqueue(
            session=session,
            user_id=staff_id,
            kind="merchant_digest",
            replies=replies,
            menu=menu_of(replies),
            due_at=max(opening, ctx.now()),
            essential=False,
            variables={"shop": shop.name},
            dedupe_key=f"digest:{shop.id}:{staff_id}:{opening.date().isoformat()}",
        )
        written += row is not None
    return written


def _digest_text(
    session: Session,
    ctx: Context,
    lang: str,
    shop: Shop,
    opening: datetime,
    pickups: list[Order],
    waiting: int,
    ready: int,
) -> str:
    lines = [i18n.t(lang, "digest_header", shop=shop.name)]
    lines.append(i18n.t(lang, "digest_pickups", count=len(pickups)))
    for order in pickups:
        customer = session.get(User, order.customer_id)
        lines.append(
            i18n.t(
                lang,
                "digest_pickup_line",
                time=i18n.clock(_slot(order), lang, str(opening.tzinfo)),
                number=order.number,
                name=(customer.name if customer and customer.name else "")
                or i18n.t(lang, "digest_customer"),
                total=i18n.money(order.total_cents, lang, ctx.currency),
            )
        )
    lines.append(i18n.t(lang, "digest_waiting", count=waiting))
    lines.append(i18n.t(lang, "digest_ready", count=ready))
    return "\n".join(lines)
