"""Periodic work that writes messages: merchants' morning digest, expiry of uncollected orders.

`bot` runs `tick` every minute or so through the notifications scheduler. Each step is
idempotent (dedupe keys, status checks), so running it twice, late, or in two processes at
once writes each message once.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlmodel import Session, col, select

from handlers import i18n
from handlers.context import Context
from handlers.core import Reply
from handlers.customer.checkout import show_phone
from handlers.visits import news as visit_news
from store import orders as store_orders
from store import outbox
from store.hours import intervals_on
from store.models import Order, Outbox, Shop, ShopStaff, User

DIGEST_GRACE = timedelta(hours=2)  # a digest still goes this long after opening (restarts)
LOOKAHEAD_DAYS = 14


def tick(*, session: Session, ctx: Context) -> bool:
    """Run every periodic step; True when a message became due now (wake the dispatcher)."""
    digests = write_digests(session=session, ctx=ctx)
    expired = expire_uncollected(session=session, ctx=ctx)
    # Live visits (issue 7): expired holds' stock back, visits left running ended (recaps).
    recaps = visit_news.sweep(session=session, ctx=ctx)
    return bool(digests or expired or recaps)


# The merchant's morning digest.
def write_digests(*, session: Session, ctx: Context) -> int:
    """At each shop's opening time, its staff get the day's pickups and the orders waiting."""
    now = ctx.now()
    zone = ZoneInfo(ctx.timezone)
    today = now.astimezone(zone).date()
    written = 0
    for shop in session.exec(select(Shop).where(col(Shop.active))).all():
        intervals = intervals_on(shop, today)
        if not intervals:
            continue
        opening = datetime.combine(today, intervals[0][0], tzinfo=zone)
        if not opening <= now < opening + DIGEST_GRACE:
            continue
        written += _digest(session, ctx, shop, opening)
    return written


def _digest(session: Session, ctx: Context, shop: Shop, opening: datetime) -> int:
    day_start = opening.replace(hour=0, minute=0)
    day_end = day_start + timedelta(days=1)  # wall-clock arithmetic: DST-proof
    orders = session.exec(
        select(Order).where(
            Order.shop_id == shop.id,
            col(Order.status).in_(("pending", "accepted", "ready")),
        )
    ).all()
    pickups = sorted(
        (
            o
            for o in orders
            if o.fulfilment == "pickup" and o.slot_start and day_start <= o.slot_start < day_end
            and o.status != "pending"
        ),
        key=lambda o: o.slot_start,  # type: ignore[arg-type,return-value]
    )  # fmt: skip
    waiting = sum(o.status == "pending" for o in orders)
    ready = sum(o.status == "ready" for o in orders)
    if not (pickups or waiting or ready):
        return 0
    written = 0
    staff = session.exec(
        select(User)
        .join(ShopStaff, col(ShopStaff.user_id) == User.id)
        .where(ShopStaff.shop_id == shop.id)
    ).all()
    for member in staff:
        text = _digest_text(session, ctx, member.language, shop, pickups, waiting, ready)
        row = outbox.enqueue(
            session=session,
            user_id=member.id,  # type: ignore[arg-type]
            kind="merchant_digest",
            replies=[Reply(text)],
            due_at=max(opening, ctx.now()),
            essential=False,
            variables={"shop": shop.name},
            dedupe_key=f"digest:{shop.id}:{member.id}:{opening.date().isoformat()}",
        )
        written += row is not None
    return written


def _digest_text(
    session: Session,
    ctx: Context,
    lang: str,
    shop: Shop,
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
                time=i18n.clock(order.slot_start, lang, ctx.timezone),  # type: ignore[arg-type]
                number=order.number,
                name=(customer.name if customer and customer.name else "")
                or i18n.t(lang, "digest_customer"),
                total=i18n.money(order.total_cents, lang, ctx.currency),
            )
        )
    lines.append(i18n.t(lang, "digest_waiting", count=waiting))
    lines.append(i18n.t(lang, "digest_ready", count=ready))
    return "\n".join(lines)


# Hold days: an uncollected order goes back on the shelf.
def pickup_deadline(shop: Shop, ready_at: datetime, tz: str) -> datetime:
    """Closing time of the first open day at least `hold_days` after the order was ready."""
    zone = ZoneInfo(tz)
    first = ready_at.astimezone(zone).date() + timedelta(days=shop.hold_days)
    for offset in range(LOOKAHEAD_DAYS):
        day = first + timedelta(days=offset)
        intervals = intervals_on(shop, day)
        if intervals:
            return datetime.combine(day, intervals[-1][1], tzinfo=zone)
    return ready_at + timedelta(days=shop.hold_days)


def expire_uncollected(*, session: Session, ctx: Context) -> int:
    """Cancel ready orders past their deadline: stock restored, customer and shop told."""
    now = ctx.now()
    query = select(Order).where(Order.status == "ready", col(Order.ready_at).is_not(None))
    expired = 0
    for order in session.exec(query).all():
        shop = session.get(Shop, order.shop_id)
        if shop is None or order.ready_at is None:
            continue
        deadline = pickup_deadline(shop, order.ready_at, ctx.timezone)
        if now < deadline:
            continue
        # Conditional on the status: a pickup scanned at this very moment wins cleanly.
        stmt = (
            update(Order)
            .where(col(Order.id) == order.id, col(Order.status) == "ready")
            .values(status="cancelled", updated_at=now)
        )
        if session.connection().execute(stmt).rowcount != 1:
            continue
        session.expire(order)
        lines = store_orders.order_lines(session=session, order_id=order.id)  # type: ignore[arg-type]
        store_orders.restore_stock(
            session=session,
            quantities=[(ln.item_id, ln.quantity) for ln in lines if ln.item_id is not None],
        )
        _tell_expired(session, ctx, order, shop, deadline)
        expired += 1
    return expired


def _tell_expired(
    session: Session, ctx: Context, order: Order, shop: Shop, deadline: datetime
) -> None:
    now = ctx.now()
    customer = session.get(User, order.customer_id)
    if customer is not None:
        lang = customer.language
        text = i18n.t(
            lang,
            "order_expired_customer",
            number=order.number,
            shop=shop.name,
            day=i18n.day(deadline, lang, ctx.timezone),
        )
        _send(session, customer.id, text, now, order, "customer")  # type: ignore[arg-type]
    for member in session.exec(
        select(User)
        .join(ShopStaff, col(ShopStaff.user_id) == User.id)
        .where(ShopStaff.shop_id == shop.id)
    ).all():
        lang = member.language
        text = i18n.t(
            lang,
            "order_expired_merchant",
            number=order.number,
            total=i18n.money(order.total_cents, lang, ctx.currency),
            days=shop.hold_days,
        )
        _send(session, member.id, text, now, order, f"staff{member.id}")  # type: ignore[arg-type]


def _send(session: Session, user_id: int, text: str, now: datetime, order: Order, who: str) -> None:
    outbox.enqueue(
        session=session,
        user_id=user_id,
        kind="order_expired",
        replies=[Reply(text)],
        due_at=now,
        essential=True,
        variables={"number": order.number},
        dedupe_key=f"order_expired:{order.id}:{who}",
        order_id=order.id,
    )


# A customer the bot could not reach: the shop should call them.
CUSTOMER_ORDER_KINDS = {
    "order_accepted",
    "order_declined",
    "order_ready",
    "order_out",
    "order_delivered",
    "order_cancelled",
    "order_expired",
}


def tell_undelivered(*, session: Session, ctx: Context, outbox_id: int) -> None:
    """An order message the customer never got (blocked, unreachable): the shop is told."""
    row = session.get(Outbox, outbox_id)
    if row is None or row.order_id is None or row.kind not in CUSTOMER_ORDER_KINDS:
        return
    order = session.get(Order, row.order_id)
    if order is None or order.customer_id != row.user_id:
        return
    for staff_id in store_orders.staff_of(session=session, shop_id=order.shop_id):
        member = session.get(User, staff_id)
        if member is None:
            continue
        text = i18n.t(
            member.language,
            "order_undelivered",
            number=order.number,
            phone=show_phone(order.phone) if order.phone else "—",
        )
        outbox.enqueue(
            session=session,
            user_id=staff_id,
            kind="order_undelivered",
            replies=[Reply(text)],
            due_at=ctx.now(),
            variables={"number": order.number},
            dedupe_key=f"order_undelivered:{order.id}:{staff_id}",  # once an order is enough
            order_id=order.id,
        )
