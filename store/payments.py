"""Online payments: opened for an order, paid once, expired with the hold, refunded.

Every amount comes from the order's own lines (integer cents), never from a client or a
provider's message; a payment moves only along `store.statuses.PAYMENT_TRANSITIONS`, with
one conditional UPDATE, so a replayed or late provider event changes nothing twice.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select, update

from store.models import Order, Payment, ProviderEvent, Shop
from store.orders import give_back_stock, move_order, order_lines
from store.statuses import PAYMENT_TRANSITIONS, OrderStatus, PaymentStatus
from store.types import persisted

HOLD = timedelta(minutes=30)  # Stripe Checkout's shortest expiry; the units wait this long


def amount_due(*, session: Session, order: Order) -> int:
    """What the order costs, from its lines and its delivery fee (integer cents)."""
    lines = order_lines(session=session, order_id=persisted(order.id))
    return sum(ln.unit_price_cents * ln.quantity for ln in lines) + order.delivery_fee_cents


def open_payment(
    *, session: Session, order: Order, provider: str, now: datetime, currency: str = "EUR"
) -> Payment:
    """The order's payment, open until `now + HOLD`."""
    payment = Payment(
        order_id=persisted(order.id),
        provider=provider,
        amount_cents=amount_due(session=session, order=order),
        currency=currency,
        expires_at=now + HOLD,
        created_at=now,
        updated_at=now,
    )
    session.add(payment)
    session.flush()
    return payment


def payment_of(*, session: Session, order_id: int) -> Payment | None:
    return session.exec(select(Payment).where(Payment.order_id == order_id)).first()


def by_session(*, session: Session, session_id: str) -> Payment | None:
    return session.exec(select(Payment).where(Payment.session_id == session_id)).first()


def move_payment(
    *, session: Session, payment: Payment, to: PaymentStatus, now: datetime, **changes: str
) -> bool:
    """Move a payment to `to` if allowed from where it stands; False when it moved already."""
    allowed = [s.value for s, targets in PAYMENT_TRANSITIONS.items() if to in targets]
    stmt = (
        update(Payment)
        .where(col(Payment.id) == payment.id, col(Payment.status).in_(allowed))
        .values(status=to.value, updated_at=now, **changes)
    )
    moved = session.connection().execute(stmt).rowcount == 1
    session.expire(payment)
    return moved


def first_time(*, session: Session, event_id: str, kind: str, now: datetime) -> bool:
    """Record a provider's event; False when it was handled before (a replay)."""
    if session.get(ProviderEvent, event_id) is not None:
        return False
    session.add(ProviderEvent(id=event_id, kind=kind, received_at=now))
    session.flush()
    return True


@dataclass(frozen=True)
class Settled:
    """What a payment did: `confirmed` (the order goes to the shop) or `refund` (too late)."""

    payment: Payment
    order: Order
    confirmed: bool
    refund: bool


def settle(
    *, session: Session, payment: Payment, amount_cents: int, now: datetime, **ids: str
) -> Settled | None:
    """A provider says the payment went through: the order confirmed, or refunded if it can no
    longer be served (expired meanwhile, or the wrong amount). None when already settled."""
    order = session.get(Order, payment.order_id)
    if order is None:
        return None
    if not move_payment(session=session, payment=payment, to=PaymentStatus.PAID, now=now, **ids):
        if payment.status != PaymentStatus.EXPIRED.value:
            return None  # paid or refunded before: a replay
        # Paid after the hold ran out: the units went back, so the money goes back too.
        stmt = update(Payment).where(col(Payment.id) == payment.id).values(updated_at=now, **ids)
        session.connection().execute(stmt)
        session.expire(payment)
        return Settled(payment, order, confirmed=False, refund=True)
    if amount_cents != payment.amount_cents:
        return Settled(payment, order, confirmed=False, refund=True)
    confirmed = move_order(
        session=session,
        order=order,
        to=OrderStatus.PENDING,
        now=now,
        only_from=frozenset({OrderStatus.AWAITING_PAYMENT}),
    )
    if confirmed:
        stmt = update(Order).where(col(Order.id) == order.id).values(paid_online=True)
        session.connection().execute(stmt)
        session.expire(order)
    return Settled(payment, order, confirmed=confirmed, refund=not confirmed)


def expire_unpaid(*, session: Session, now: datetime) -> list[tuple[Order, Payment]]:
    """Orders whose payment did not come in time: cancelled, their units and slot freed."""
    query = (
        select(Payment, Order)
        .join(Order, col(Order.id) == Payment.order_id)
        .where(Payment.status == PaymentStatus.OPEN.value, col(Payment.expires_at) <= now)
    )
    expired = []
    for payment, order in session.exec(query).all():
        if not move_payment(session=session, payment=payment, to=PaymentStatus.EXPIRED, now=now):
            continue  # paid at this very moment
        if move_order(
            session=session,
            order=order,
            to=OrderStatus.CANCELLED,
            now=now,
            only_from=frozenset({OrderStatus.AWAITING_PAYMENT}),
        ):
            give_back_stock(session=session, order_id=persisted(order.id))
        expired.append((order, payment))
    return expired


def shop_takes_online(shop: Shop) -> bool:
    return shop.payment_mode in ("online", "both")
