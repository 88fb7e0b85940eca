"""The words a row's `status` column may hold, and which moves between them are allowed.

The columns stay plain strings (a `StrEnum` member equals its value), so the database
needs no enum type and a status read back compares with these members directly.
"""

from enum import StrEnum


class OrderStatus(StrEnum):
    """Where an order stands, from the customer's confirmation to its end."""

    AWAITING_PAYMENT = "awaiting_payment"  # paying online: units and slot held until paid
    PENDING = "pending"  # placed (and paid, when paid online), the shop has not answered yet
    ACCEPTED = "accepted"
    DECLINED = "declined"  # by the shop, with a reason
    READY = "ready"  # waiting at the counter, until the hold deadline (store/hours.py)
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    COLLECTED = "collected"
    CANCELLED = "cancelled"  # by the customer, or uncollected past the hold deadline


S = OrderStatus

# Every move an order may make; `store.orders.move_order` refuses any other.
TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    # Paid: the shop's to answer; unpaid when the link or invoice expired: called off.
    S.AWAITING_PAYMENT: frozenset({S.PENDING, S.CANCELLED}),
    # Ready, or out for delivery, straight from the alert: a shop with the order on the shelf.
    S.PENDING: frozenset({S.ACCEPTED, S.DECLINED, S.READY, S.OUT_FOR_DELIVERY, S.CANCELLED}),
    S.ACCEPTED: frozenset(
        {S.DECLINED, S.READY, S.OUT_FOR_DELIVERY, S.DELIVERED, S.COLLECTED, S.CANCELLED}
    ),
    S.READY: frozenset({S.COLLECTED, S.CANCELLED}),
    S.OUT_FOR_DELIVERY: frozenset({S.DELIVERED}),
    S.DECLINED: frozenset(),
    S.DELIVERED: frozenset(),
    S.COLLECTED: frozenset(),
    S.CANCELLED: frozenset(),
}

# The customer may still cancel (the shop has not prepared it yet).
CANCELLABLE = frozenset({S.AWAITING_PAYMENT, S.PENDING, S.ACCEPTED})
# Still the shop's work: its "orders waiting" list, the customer's "open orders".
OPEN = frozenset({S.PENDING, S.ACCEPTED, S.READY, S.OUT_FOR_DELIVERY})
# Not yet collected: pickup reminders still make sense, today's pickups, the digest.
BEFORE_PICKUP = frozenset({S.PENDING, S.ACCEPTED, S.READY})
# May be handed over at the counter.
COLLECTABLE = frozenset({S.ACCEPTED, S.READY})
# Called off: the order will never happen, its slot is free again and its code void.
CALLED_OFF = frozenset({S.CANCELLED, S.DECLINED})


def sources(to: OrderStatus) -> frozenset[OrderStatus]:
    """The statuses an order may move to `to` from."""
    return frozenset(status for status, targets in TRANSITIONS.items() if to in targets)


def values(statuses: frozenset[OrderStatus]) -> list[str]:
    """Plain strings for a SQL `IN (...)`, in a stable order."""
    return sorted(status.value for status in statuses)


class PaymentStatus(StrEnum):
    """An online payment: open -> paid -> refunded (or to_refund by hand on Telegram);
    open -> expired (never paid); paid on an order called off meanwhile -> refunded at once."""

    OPEN = "open"  # link or invoice sent, not paid yet
    PAID = "paid"
    EXPIRED = "expired"  # the hold ran out before the payment
    REFUNDED = "refunded"
    TO_REFUND = "to_refund"  # the Bot API cannot refund a provider payment: the shop does


PAYMENT_TRANSITIONS: dict[PaymentStatus, frozenset[PaymentStatus]] = {
    PaymentStatus.OPEN: frozenset({PaymentStatus.PAID, PaymentStatus.EXPIRED}),
    PaymentStatus.PAID: frozenset({PaymentStatus.REFUNDED, PaymentStatus.TO_REFUND}),
    PaymentStatus.EXPIRED: frozenset({PaymentStatus.REFUNDED, PaymentStatus.TO_REFUND}),
    PaymentStatus.TO_REFUND: frozenset({PaymentStatus.REFUNDED}),
    PaymentStatus.REFUNDED: frozenset(),
}


class VisitStatus(StrEnum):
    SCHEDULED = "scheduled"
    LIVE = "live"
    ENDED = "ended"


class HoldStatus(StrEnum):
    """Stock set aside during a live visit."""

    HELD = "held"
    ORDERED = "ordered"  # taken by the customer's order
    RELEASED = "released"  # time up: back on the shelf


class RequestStatus(StrEnum):
    """A private visit request: requested -> accepted | countered | declined;
    countered -> agreed (the customer takes the shop's time) | declined; agreed -> accepted."""

    REQUESTED = "requested"
    COUNTERED = "countered"
    AGREED = "agreed"
    ACCEPTED = "accepted"
    DECLINED = "declined"
