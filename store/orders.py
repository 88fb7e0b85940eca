"""Orders: placing one atomically (stock, slot, codes), lookups, and every status change.

The statuses and the moves allowed between them are in `store.statuses`; `move_order` is the
one function that changes a status, with one conditional UPDATE, so two people acting on
the same order at once (a cancel and a "ready", a scan and the expiry) never both win.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, or_, update
from sqlmodel import Session, col, select

from store import slots
from store.cart import Line, orderable
from store.hours import pickup_deadline
from store.models import Item, Order, OrderLine, Shop
from store.statuses import BEFORE_PICKUP, CANCELLABLE, OrderStatus, sources, values
from store.towns import zone_of
from store.types import persisted
from store.visits import holds_claimed

# No 0/O, 1/I/L: codes are read aloud at the counter and typed by hand.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class OutOfStock(Exception):
    """Some lines can't be served any more; `names` says which."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(", ".join(names))
        self.names = names


class SlotFull(Exception):
    """The pickup slot was taken by others between choice and confirmation."""


@dataclass(frozen=True)
class Fulfilment:
    """How the customer gets the order: pickup slot or delivery address."""

    mode: str  # pickup | delivery
    slot_start: datetime | None = None
    slot_end: datetime | None = None
    address: str = ""
    postcode: str = ""
    latitude: float | None = None
    longitude: float | None = None


def code(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def delivery_fee(shop: Shop, subtotal_cents: int) -> int:
    """The shop's fee, waived from its free-delivery threshold."""
    if shop.free_delivery_cents is not None and subtotal_cents >= shop.free_delivery_cents:
        return 0
    return shop.delivery_fee_cents


# Built once: every order runs them.
_SHOP_LOCK = select(Shop.id).where(Shop.id == bindparam("shop_id")).with_for_update(key_share=True)
_NUMBER_TAKEN = select(Order.id).where(Order.number == bindparam("number"))
_TAKE = (
    update(Item)
    .where(
        col(Item.id) == bindparam("item_id"),
        or_(col(Item.stock).is_(None), col(Item.stock) >= bindparam("quantity")),
    )
    .values(stock=col(Item.stock) - bindparam("quantity"))
)


def _new_number(session: Session) -> str:
    while True:
        number = code(5)
        if session.exec(_NUMBER_TAKEN, params={"number": number}).first() is None:
            return number


def _take_stock(session: Session, lines: list[Line]) -> None:
    """One conditional UPDATE per line; all lines or none (the rest is given back)."""
    taken: list[Line] = []
    missing: list[str] = []
    conn = session.connection()
    for line in sorted(lines, key=lambda ln: ln.item.id or 0):  # fixed order: no deadlocks
        item = line.item
        if not orderable(item, line.shop):
            missing.append(item.name)
            continue
        if conn.execute(_TAKE, {"item_id": item.id, "quantity": line.quantity}).rowcount == 1:
            taken.append(line)
        else:
            missing.append(item.name)
    if missing:
        back = [(persisted(ln.item.id), ln.quantity) for ln in taken]
        restore_stock(session=session, quantities=back)
        raise OutOfStock(missing)
    for line in lines:
        session.expire(line.item)


def restore_stock(*, session: Session, quantities: list[tuple[int, int]]) -> None:
    """Give units back to items that count their stock."""
    conn = session.connection()
    for item_id, quantity in quantities:
        conn.execute(
            update(Item)
            .where(col(Item.id) == item_id, col(Item.stock).is_not(None))
            .values(stock=col(Item.stock) + quantity)
        )
        obj = session.get(Item, item_id)
        if obj is not None:
            session.expire(obj)


def place_order(
    *,
    session: Session,
    customer_id: int,
    shop: Shop,
    lines: list[Line],
    how: Fulfilment,
    phone: str,
    note: str,
    now: datetime,
    tz: str,
    status: OrderStatus = OrderStatus.PENDING,
) -> tuple[Order, str]:
    """Create the order and take its stock; returns it with the clear pickup token.

    Raises `SlotFull` or `OutOfStock` having changed nothing.
    """
    if how.mode == "pickup":
        # Lock the shop row so two customers can't both take a slot's last place (PostgreSQL);
        # SQLite's BEGIN IMMEDIATE already serialises writers. NO KEY UPDATE (key_share) so
        # it doesn't wait on the foreign-key share lock a concurrent delivery order holds,
        # which would deadlock against that order's lock on the item.
        session.exec(_SHOP_LOCK, params={"shop_id": shop.id}).first()
        if how.slot_start is None or not slots.slot_is_free(
            session=session, shop=shop, start=how.slot_start, now=now, tz=tz
        ):
            raise SlotFull()
    # Units held for this customer during a live visit were taken from stock already;
    # they are given back here and taken again by the order, never twice.
    item_ids = [persisted(line.item.id) for line in lines]
    with holds_claimed(session=session, user_id=customer_id, item_ids=item_ids, now=now):
        _take_stock(session, lines)
    subtotal = sum(line.total_cents for line in lines)
    fee = delivery_fee(shop, subtotal) if how.mode == "delivery" else 0
    token = secrets.token_urlsafe(16)
    order = Order(
        number=_new_number(session),
        shop_id=persisted(shop.id),
        customer_id=customer_id,
        fulfilment=how.mode,
        slot_start=how.slot_start,
        slot_end=how.slot_end,
        address=how.address[:300],
        postcode=how.postcode,
        latitude=how.latitude,
        longitude=how.longitude,
        phone=phone,
        note=note[:500],
        subtotal_cents=subtotal,
        delivery_fee_cents=fee,
        total_cents=subtotal + fee,
        pickup_code=code(6),
        pickup_token_hash=token_hash(token),
        created_at=now,
        updated_at=now,
        status=status.value,
    )
    session.add(order)
    session.flush()
    for line in lines:
        session.add(
            OrderLine(
                order_id=persisted(order.id),
                item_id=line.item.id,
                name=line.item.name,
                unit_price_cents=line.item.price_cents,
                quantity=line.quantity,
            )
        )
    session.flush()
    return order, token


_LINES = (  # built once: every order's confirmation and card read them
    select(OrderLine).where(OrderLine.order_id == bindparam("order_id")).order_by(col(OrderLine.id))
)


def order_lines(*, session: Session, order_id: int) -> list[OrderLine]:
    return list(session.exec(_LINES, params={"order_id": order_id}))


def customer_orders(*, session: Session, customer_id: int, limit: int = 10) -> list[Order]:
    """The customer's orders, most recent first."""
    query = (
        select(Order)
        .where(Order.customer_id == customer_id)
        .order_by(col(Order.created_at).desc(), col(Order.id).desc())
        .limit(limit)
    )
    return list(session.exec(query))


def last_delivery(*, session: Session, customer_id: int) -> Order | None:
    """The customer's latest delivery order (its address offered again, one tap)."""
    query = (
        select(Order)
        .where(Order.customer_id == customer_id, Order.fulfilment == "delivery")
        .where(col(Order.address) != "")
        .order_by(col(Order.created_at).desc(), col(Order.id).desc())
        .limit(1)
    )
    return session.exec(query).first()


_LAST_PHONE = (  # built once: every checkout asks
    select(Order.phone)
    .where(Order.customer_id == bindparam("customer_id"), col(Order.phone) != "")
    .order_by(col(Order.created_at).desc(), col(Order.id).desc())
    .limit(1)
)


def last_phone(*, session: Session, customer_id: int) -> str:
    """The phone number of the customer's latest order ("" before the first)."""
    return session.exec(_LAST_PHONE, params={"customer_id": customer_id}).first() or ""


def customer_order(*, session: Session, customer_id: int, order_id: int) -> Order | None:
    """One order, only if it is this customer's."""
    order = session.get(Order, order_id)
    return order if order is not None and order.customer_id == customer_id else None


def move_order(
    *,
    session: Session,
    order: Order,
    to: OrderStatus,
    now: datetime,
    only_from: frozenset[OrderStatus] | None = None,
) -> bool:
    """Move an order to `to` if `store.statuses` allows it from where it stands now.

    `only_from` narrows the moves further (a customer cancels only what is not ready yet).
    One conditional UPDATE, race-safe; False when the order had already moved on.
    """
    allowed = sources(to) & only_from if only_from is not None else sources(to)
    changes: dict[str, object] = {"status": to.value, "updated_at": now}
    if to == OrderStatus.READY:
        changes["ready_at"] = now
    if to in (OrderStatus.COLLECTED, OrderStatus.DELIVERED):
        changes["collected_at"] = now
    stmt = (
        update(Order)
        .where(col(Order.id) == order.id, col(Order.status).in_(values(allowed)))
        .values(**changes)
    )
    moved = session.connection().execute(stmt).rowcount == 1
    session.expire(order)
    return moved


def give_back_stock(*, session: Session, order_id: int) -> None:
    """A called-off order's units go back on the shelf (items that count their stock)."""
    lines = order_lines(session=session, order_id=order_id)
    quantities = [(line.item_id, line.quantity) for line in lines if line.item_id is not None]
    restore_stock(session=session, quantities=quantities)


def cancel(*, session: Session, order: Order, now: datetime) -> bool:
    """The customer cancels an order not yet ready; its stock goes back. False when too late."""
    if not move_order(
        session=session, order=order, to=OrderStatus.CANCELLED, now=now, only_from=CANCELLABLE
    ):
        return False
    give_back_stock(session=session, order_id=persisted(order.id))
    return True


@dataclass(frozen=True)
class Expired:
    """A ready order nobody collected by its deadline: cancelled, its stock back."""

    order: Order
    shop: Shop
    deadline: datetime


def expire_uncollected(*, session: Session, now: datetime, tz: str) -> list[Expired]:
    """Cancel ready orders past their pickup deadline (`store.hours.pickup_deadline`), in
    the zone of each shop's town (`tz` for a shop whose town is gone)."""
    query = select(Order).where(
        Order.status == OrderStatus.READY.value, col(Order.ready_at).is_not(None)
    )
    expired = []
    for order in session.exec(query).all():
        shop = session.get(Shop, order.shop_id)
        if shop is None or order.ready_at is None:
            continue
        zone = zone_of(session=session, town_id=shop.town_id, default=tz)
        deadline = pickup_deadline(shop, order.ready_at, zone)
        if now < deadline:
            continue
        # Conditional on the status: a pickup scanned at this very moment wins cleanly.
        only_ready = frozenset({OrderStatus.READY})
        if not move_order(
            session=session, order=order, to=OrderStatus.CANCELLED, now=now, only_from=only_ready
        ):
            continue
        give_back_stock(session=session, order_id=persisted(order.id))
        expired.append(Expired(order, shop, deadline))
    return expired


def shop_orders(
    *, session: Session, shop_id: int, statuses: frozenset[OrderStatus], limit: int = 20
) -> list[Order]:
    """A shop's orders in these statuses, the soonest slot (then the oldest) first."""
    query = (
        select(Order)
        .where(Order.shop_id == shop_id, col(Order.status).in_(values(statuses)))
        .order_by(col(Order.slot_start).asc(), col(Order.created_at).asc())
        .limit(limit)
    )
    return list(session.exec(query))


def order_by_token(*, session: Session, token: str) -> Order | None:
    if not token or len(token) > 64:
        return None
    query = select(Order).where(Order.pickup_token_hash == token_hash(token))
    return session.exec(query).first()


def order_by_code(*, session: Session, shop_ids: list[int], code: str) -> Order | None:
    """The open order of one of these shops with that 6-character pickup code."""
    query = (
        select(Order)
        .where(
            col(Order.shop_id).in_(shop_ids),
            Order.pickup_code == code,
            col(Order.status).in_(values(BEFORE_PICKUP | {OrderStatus.COLLECTED})),
        )
        .order_by(col(Order.created_at).desc())
    )
    return session.exec(query).first()
