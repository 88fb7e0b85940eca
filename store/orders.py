"""Orders: placing one atomically (stock, slot, codes), listing, cancelling."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from store import slots
from store.cart import Line, orderable
from store.models import Item, Order, OrderLine, Shop, ShopStaff
from store.visits import holds_claimed

# No 0/O, 1/I/L: codes are read aloud at the counter and typed by hand.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CANCELLABLE = ("pending", "accepted")


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


def _new_number(session: Session) -> str:
    while True:
        number = code(5)
        if session.exec(select(Order.id).where(Order.number == number)).first() is None:
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
        stmt = (
            update(Item)
            .where(
                col(Item.id) == item.id,
                or_(col(Item.stock).is_(None), col(Item.stock) >= line.quantity),
            )
            .values(stock=col(Item.stock) - line.quantity)
        )
        if conn.execute(stmt).rowcount == 1:
            taken.append(line)
        else:
            missing.append(item.name)
    if missing:
        restore_stock(session=session, quantities=[(ln.item.id, ln.quantity) for ln in taken])  # type: ignore[misc]
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
) -> tuple[Order, str]:
    """Create the order and take its stock; returns it with the clear pickup token.

    Raises `SlotFull` or `OutOfStock` having changed nothing.
    """
    if how.mode == "pickup":
        # Lock the shop row so two customers can't both take a slot's last place (PostgreSQL);
        # SQLite's BEGIN IMMEDIATE already serialises writers. NO KEY UPDATE (key_share) so
        # it doesn't wait on the foreign-key share lock a concurrent delivery order holds,
        # which would deadlock against that order's lock on the item.
        lock = select(Shop.id).where(Shop.id == shop.id).with_for_update(key_share=True)
        session.exec(lock).first()
        if how.slot_start is None or not slots.slot_is_free(
            session=session, shop=shop, start=how.slot_start, now=now, tz=tz
        ):
            raise SlotFull()
    # Live visits (issue 7): units held for this customer during a visit were taken from
    # stock already; they are given back here and taken again by the order, never twice.
    item_ids = [line.item.id for line in lines]
    with holds_claimed(session=session, user_id=customer_id, item_ids=item_ids, now=now):  # type: ignore[arg-type]
        _take_stock(session, lines)
    subtotal = sum(line.total_cents for line in lines)
    fee = delivery_fee(shop, subtotal) if how.mode == "delivery" else 0
    token = secrets.token_urlsafe(16)
    order = Order(
        number=_new_number(session),
        shop_id=shop.id,  # type: ignore[arg-type]
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
    )
    session.add(order)
    session.flush()
    for line in lines:
        session.add(
            OrderLine(
                order_id=order.id,  # type: ignore[arg-type]
                item_id=line.item.id,
                name=line.item.name,
                unit_price_cents=line.item.price_cents,
                quantity=line.quantity,
            )
        )
    session.flush()
    return order, token


def order_lines(*, session: Session, order_id: int) -> list[OrderLine]:
    return list(
        session.exec(select(OrderLine).where(OrderLine.order_id == order_id).order_by(OrderLine.id))
    )  # type: ignore[arg-type]


def customer_orders(*, session: Session, customer_id: int, limit: int = 10) -> list[Order]:
    """The customer's orders, most recent first."""
    query = (
        select(Order)
        .where(Order.customer_id == customer_id)
        .order_by(col(Order.created_at).desc(), col(Order.id).desc())
        .limit(limit)
    )
    return list(session.exec(query))


def customer_order(*, session: Session, customer_id: int, order_id: int) -> Order | None:
    """One order, only if it is this customer's."""
    order = session.get(Order, order_id)
    return order if order is not None and order.customer_id == customer_id else None


def cancel(*, session: Session, order: Order, now: datetime) -> bool:
    """Cancel an order that is not yet ready and give its stock back; False when too late."""
    # Conditional on the status, so a merchant marking it ready at the same moment wins cleanly.
    stmt = (
        update(Order)
        .where(col(Order.id) == order.id, col(Order.status).in_(CANCELLABLE))
        .values(status="cancelled", updated_at=now)
    )
    if session.connection().execute(stmt).rowcount != 1:
        session.expire(order)
        return False
    session.expire(order)
    lines = order_lines(session=session, order_id=order.id)  # type: ignore[arg-type]
    restore_stock(
        session=session,
        quantities=[(ln.item_id, ln.quantity) for ln in lines if ln.item_id is not None],
    )
    return True


def staff_of(*, session: Session, shop_id: int) -> list[int]:
    """The user ids working in a shop (who get its order alerts)."""
    return list(
        session.exec(
            select(ShopStaff.user_id).where(ShopStaff.shop_id == shop_id).order_by(ShopStaff.id)
        )
    )  # type: ignore[arg-type]
