"""Online payments' news: the order confirmed once paid, refunds, links that ran out.

Called outside a conversation (the provider's webhook, the scheduler's jobs), so every
message is an outbox row in the caller's transaction, each once (dedupe keys).
"""

import logging
import secrets
from collections.abc import Callable

from sqlmodel import Session

from handlers import i18n
from handlers.common import actions as a
from handlers.context import Context
from handlers.core import Option, Reply, menu_of
from handlers.notices.orders import alert_options, details
from handlers.notices.reminders import plan
from store import outbox
from store import payments as store_payments
from store.models import Order, Payment, Shop, User
from store.orders import token_hash
from store.qr import qr_png
from store.shops import staff_ids
from store.statuses import PaymentStatus
from store.types import persisted

log = logging.getLogger(__name__)
KINDS: dict[str, tuple[str, ...]] = {
    "order_paid": ("number",),  # to the customer: confirmed, with the QR
    "payment_refunded": ("number",),  # to the customer
    "payment_expired": ("number",),  # to the customer: the link ran out, nothing was taken
    "payment_to_refund": ("number",),  # to the staff: refund it through the provider
}


def _send(
    session: Session, ctx: Context, user_id: int, kind: str, order: Order,
    build: Callable[[str], list[Reply]],
) -> None:  # fmt: skip
    user = session.get(User, user_id)
    if user is None:
        return
    replies = build(user.language)
    outbox.enqueue(
        session=session, user_id=user_id, kind=kind, replies=replies, menu=menu_of(replies),
        due_at=ctx.now(), variables={"number": order.number},
        dedupe_key=f"{kind}:{order.id}:{user_id}", order_id=order.id,
    )  # fmt: skip


def paid(*, session: Session, ctx: Context, payment: Payment, amount_cents: int, **ids: str) -> str:
    """The provider says it is paid: "confirmed", "refunded" (too late), or "replay"."""
    settled = store_payments.settle(
        session=session, payment=payment, amount_cents=amount_cents, now=ctx.now(), **ids
    )
    if settled is None:
        return "replay"
    order = settled.order
    if settled.refund:
        refund(session=session, ctx=ctx, order=order, reason="late")
        return "refunded"
    shop = session.get(Shop, order.shop_id)
    if shop is None:
        return "replay"
    _confirm(session, ctx, order, shop)
    return "confirmed"


def _confirm(session: Session, ctx: Context, order: Order, shop: Shop) -> None:
    """The shop alerted, reminders planned, the customer's confirmation with a fresh QR."""
    token = secrets.token_urlsafe(16)  # the clear token of the placing turn was never kept
    order.pickup_token_hash = token_hash(token)
    session.add(order)
    session.flush()
    customer = session.get(User, order.customer_id)
    channel = customer.channel if customer else "telegram"
    photo = ctx.media.put(qr_png(ctx.deep_link(channel, f"pickup-{token}")), "png")
    order_id = persisted(order.id)

    def to_customer(lang: str) -> list[Reply]:
        key = "co_done_pickup" if order.fulfilment == "pickup" else "co_done_delivery"
        text = (
            i18n.t(lang, "pay_done")
            + "\n"
            + i18n.t(lang, key, number=order.number, code=order.pickup_code)
        )
        text += "\n\n" + details(lang, session, ctx, order, shop)
        see = Option(i18n.t(lang, "orders_see"), a.ORDER.pack(order_id))
        return [Reply(text, photo=photo, options=(see,))]

    _send(session, ctx, order.customer_id, "order_paid", order, to_customer)

    def to_staff(lang: str) -> list[Reply]:
        text = i18n.t(lang, "order_new_alert", number=order.number) + "\n"
        text += i18n.t(lang, "m_order_paid_online") + "\n\n"
        text += details(lang, session, ctx, order, shop)
        return [Reply(text, options=alert_options(lang, order))]

    for staff_id in staff_ids(session=session, shop_id=persisted(shop.id)):
        _send(session, ctx, staff_id, "order_new", order, to_staff)
    plan(session=session, ctx=ctx, order=order)


def refund(*, session: Session, ctx: Context, order: Order, reason: str) -> bool:
    """Give back an order's online payment (cancel, decline, expiry, too late); the customer
    told. False when nothing was paid. Telegram's provider payments are marked for the shop."""
    payment = store_payments.payment_of(session=session, order_id=persisted(order.id))
    if payment is None or payment.status not in (PaymentStatus.PAID, PaymentStatus.EXPIRED):
        return False
    if payment.status == PaymentStatus.EXPIRED and not payment.payment_intent:
        return False  # expired unpaid: nothing to give back
    now = ctx.now()
    if payment.provider == "stripe" and ctx.payments is not None:
        refund_id = ctx.payments.refund(
            payment_intent=payment.payment_intent,
            amount_cents=payment.amount_cents,
            key=f"vitrine-refund-{payment.id}",  # a retried refund is the same refund
        )
        store_payments.move_payment(
            session=session, payment=payment, to=PaymentStatus.REFUNDED, now=now,
            refund_id=refund_id,
        )  # fmt: skip
        key = "pay_refunded"
    else:
        store_payments.move_payment(
            session=session, payment=payment, to=PaymentStatus.TO_REFUND, now=now
        )
        key = "pay_refund_by_shop"
        for staff_id in staff_ids(session=session, shop_id=order.shop_id):
            _send(session, ctx, staff_id, "payment_to_refund", order, lambda lang: [Reply(
                i18n.t(lang, "m_pay_to_refund", number=order.number,
                       total=i18n.money(payment.amount_cents, lang, ctx.currency)))])  # fmt: skip

    def build(lang: str) -> list[Reply]:
        total = i18n.money(payment.amount_cents, lang, ctx.currency)
        why = i18n.t(lang, f"pay_why_{reason}")
        return [Reply(i18n.t(lang, key, number=order.number, total=total, why=why))]

    _send(session, ctx, order.customer_id, "payment_refunded", order, build)
    return True


def call_off(*, session: Session, ctx: Context, order: Order, reason: str) -> None:
    """An order called off (cancelled, declined, expired): its open link closed, or the
    money given back."""
    payment = store_payments.payment_of(session=session, order_id=persisted(order.id))
    if payment is None:
        return
    if payment.status == PaymentStatus.OPEN:
        if (
            store_payments.move_payment(
                session=session, payment=payment, to=PaymentStatus.EXPIRED, now=ctx.now()
            )
            and ctx.payments is not None
            and payment.session_id
        ):
            try:
                ctx.payments.expire(payment.session_id)
            except Exception:
                log.warning("could not expire checkout session %s", payment.session_id)
        return
    refund(session=session, ctx=ctx, order=order, reason=reason)


def expire_unpaid(*, session: Session, ctx: Context) -> int:
    """Links that ran out unpaid: the order called off, units and slot freed, customer told."""
    expired = store_payments.expire_unpaid(session=session, now=ctx.now())
    for order, payment in expired:
        if ctx.payments is not None and payment.session_id and payment.provider == "stripe":
            try:
                ctx.payments.expire(payment.session_id)
            except Exception:  # already expired at the provider: nothing to close
                log.warning("could not expire checkout session %s", payment.session_id)

        def build(lang: str, order: Order = order) -> list[Reply]:
            return [Reply(i18n.t(lang, "pay_expired", number=order.number))]

        _send(session, ctx, order.customer_id, "payment_expired", order, build)
    return len(expired)


def pre_checkout(
    *, session: Session, ctx: Context, payload: str, amount_cents: int, currency: str, lang: str
) -> str:
    """Telegram asks before charging: "" to go ahead, else why not (in the payer's language).

    The order must still wait for this payment, within its hold (its units and slot are
    held since the invoice), for exactly the amount and currency of its lines."""
    payment = store_payments.by_session(session=session, session_id=payload)
    order = session.get(Order, payment.order_id) if payment else None
    if (
        payment is None
        or order is None
        or payment.status != PaymentStatus.OPEN
        or order.status != "awaiting_payment"
        or ctx.now() >= payment.expires_at
        or amount_cents != payment.amount_cents
        or currency != payment.currency
    ):
        return i18n.t(lang, "pay_not_possible")
    return ""


def telegram_paid(
    *, session: Session, ctx: Context, payload: str, amount_cents: int, charge_id: str,
    provider_charge_id: str,
) -> str:  # fmt: skip
    """`successful_payment`: the order confirmed (both charge ids kept), or marked to refund."""
    payment = store_payments.by_session(session=session, session_id=payload)
    if payment is None:
        log.error("telegram payment %s for an unknown invoice %r", charge_id, payload)
        return "unknown"
    return paid(
        session=session, ctx=ctx, payment=payment, amount_cents=amount_cents,
        telegram_charge_id=charge_id, provider_charge_id=provider_charge_id,
    )  # fmt: skip
