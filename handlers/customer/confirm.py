"""The end of checkout: the summary, then the order placed (stock, slot, codes, QR, alerts).

`place` says what happened (`Placed`, `SlotTaken`, `SoldOut`, `Incomplete`); the checkout
chooses the next question, as `store.orders.place_order` leaves the choice to its caller.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from handlers import i18n
from handlers.common import actions as a
from handlers.common.formats import show_phone
from handlers.core import Option, Reply
from handlers.notices import orders as order_notices
from handlers.notices.reminders import plan_pickup_reminders
from handlers.turn import Turn
from store import cart, logctx
from store import orders as store_orders
from store.models import Order, Shop
from store.payments import open_payment, shop_takes_online
from store.qr import qr_png
from store.statuses import OrderStatus
from store.types import persisted


@dataclass(frozen=True)
class Placed:
    """The order exists: its confirmation, code and QR."""

    replies: list[Reply]


def can_pay_online(turn: Turn, shop: Shop) -> bool:
    """The shop takes online payment and this channel has a way to pay."""
    invoice = turn.user.channel == "telegram" and turn.ctx.telegram_invoices
    return shop_takes_online(shop) and (turn.ctx.payments is not None or invoice)


def invoice(turn: Turn, shop: Shop, order: Order) -> list[Reply]:
    """Telegram: a native invoice in EUR (physical goods: a provider, never Stars)."""
    payment = open_payment(
        session=turn.session, order=order, provider="telegram", now=turn.now(),
        currency=turn.ctx.currency,
    )  # fmt: skip
    payment.session_id = f"pay-{payment.id}-{secrets.token_hex(8)}"  # the invoice payload
    turn.session.add(payment)
    lines = store_orders.order_lines(session=turn.session, order_id=persisted(order.id))
    items = ", ".join(f"{ln.quantity} × {ln.name}" for ln in lines)
    until = i18n.clock(payment.expires_at, turn.lang, turn.tz)
    bill = {
        "title": turn.t("pay_invoice_title", number=order.number)[:32],
        "description": f"{shop.name} — {items}"[:255],
        "payload": payment.session_id,
        "currency": payment.currency,
        "label": turn.t("co_total", total="").strip(" :")[:32] or "Total",
        "amount": payment.amount_cents,
    }
    text = turn.t("pay_invoice", number=order.number, until=until)
    return [Reply(text, extra={"invoice": bill})]


def _back_to_chat(turn: Turn) -> str:
    """Where the payment page sends the customer once paid: back into this chat."""
    if turn.user.channel == "whatsapp" and turn.ctx.whatsapp_number:
        return "https://wa.me/" + turn.ctx.whatsapp_number.removeprefix("whatsapp:").lstrip("+")
    if turn.user.channel == "telegram":
        return f"https://t.me/{turn.ctx.telegram_username}"
    return turn.ctx.public_url


def payment_link(turn: Turn, shop: Shop, order: Order) -> list[Reply]:
    """Open the order's payment at the provider; one message with the link."""
    if turn.user.channel == "telegram" and turn.ctx.telegram_invoices:
        return invoice(turn, shop, order)
    provider = turn.ctx.payments
    assert provider is not None
    payment = open_payment(
        session=turn.session, order=order, provider="stripe", now=turn.now(),
        currency=turn.ctx.currency,
    )  # fmt: skip
    page = provider.checkout(
        # Unique even if this transaction rolls back and the order id is used again.
        reference=f"order-{order.id}-{secrets.token_hex(4)}",
        title=turn.t("pay_title", number=order.number, shop=shop.name)[:120],
        amount_cents=payment.amount_cents,
        currency=payment.currency,
        expires_at=payment.expires_at,
        account=shop.stripe_account,
        lang=turn.lang,
        back_url=_back_to_chat(turn),
    )
    payment.session_id, payment.url = page.session_id, page.url
    turn.session.add(payment)
    text = turn.t(
        "pay_link",
        number=order.number,
        total=turn.money(payment.amount_cents),
        until=i18n.clock(payment.expires_at, turn.lang, turn.tz),
    )
    pay = Option(turn.t("pay_button", total=turn.money(payment.amount_cents)), url=page.url)
    see = turn.option("orders_see", a.ORDER.pack(persisted(order.id)))
    return [Reply(text, options=(pay, see, *turn.nav()))]


@dataclass(frozen=True)
class SlotTaken:
    """Others took the slot's last places meanwhile: choose another on that day."""

    day: str


@dataclass(frozen=True)
class SoldOut:
    """These items cannot be served any more; nothing was taken."""

    names: list[str]


@dataclass(frozen=True)
class Incomplete:
    """The cart or an answer is missing: checkout starts again."""


Outcome = Placed | SlotTaken | SoldOut | Incomplete


def fulfilment(co: dict[str, Any]) -> store_orders.Fulfilment | None:
    """The answers as a pickup or delivery, or None when a step is missing."""
    if not co.get("phone"):
        return None
    if co.get("mode") == "pickup" and co.get("slot"):
        return store_orders.Fulfilment(
            "pickup",
            slot_start=datetime.fromisoformat(co["slot"]),
            slot_end=datetime.fromisoformat(co["slot_end"]),
        )
    if co.get("mode") == "delivery" and co.get("address"):
        return store_orders.Fulfilment(
            "delivery",
            address=co["address"],
            postcode=co["postcode"],
            latitude=co.get("latitude"),
            longitude=co.get("longitude"),
        )
    return None


def complete(co: dict[str, Any]) -> bool:
    """Has every checkout question been answered?"""
    return fulfilment(co) is not None and "note" in co


def _how(turn: Turn, how: store_orders.Fulfilment) -> str:
    tz = turn.tz
    if how.mode == "pickup" and how.slot_start and how.slot_end:
        return turn.t(
            "co_how_pickup",
            day=i18n.day(how.slot_start, turn.lang, tz),
            start=i18n.clock(how.slot_start, turn.lang, tz),
            end=i18n.clock(how.slot_end, turn.lang, tz),
        )
    return turn.t("co_how_delivery", address=how.address)


def summary(
    turn: Turn,
    shop: Shop,
    co: dict[str, Any],
    lines: list[cart.Line],
    how: store_orders.Fulfilment,
    notice: str = "",
) -> list[Reply]:
    """Everything about the order before it is placed."""
    subtotal = sum(ln.total_cents for ln in lines)
    fee = store_orders.delivery_fee(shop, subtotal) if how.mode == "delivery" else 0
    rows = [
        turn.t(
            "cart_line", quantity=ln.quantity, name=ln.item.name, total=turn.money(ln.total_cents)
        )
        for ln in lines
    ]
    if how.mode == "delivery":
        rows.append(turn.t("co_fee", fee=turn.money(fee)) if fee else turn.t("co_fee_free"))
    rows += [
        turn.t("co_total", total=turn.money(subtotal + fee)),
        "",
        _how(turn, how),
        turn.t("co_phone_line", phone=show_phone(co["phone"])),
    ]
    if co.get("note"):
        rows.append(turn.t("co_note_line", note=co["note"]))
    text = turn.t("co_summary", shop=shop.name) + "\n" + "\n".join(rows)
    if notice:
        text = f"{notice}\n\n{text}"
    shop_id = persisted(shop.id)
    online = can_pay_online(turn, shop)
    paying = []
    if online:
        paying.append(turn.option("co_pay_online", a.CO_PAY.pack(shop_id)))
    if not online or shop.payment_mode == "both":
        paying.append(turn.option("co_confirm_counter" if online else "co_confirm",
                                  a.CO_CONFIRM.pack(shop_id)))  # fmt: skip
    options = [
        *paying,
        turn.option("co_change_note" if co.get("note") else "co_add_note", a.CO_NOTE.pack(shop_id)),
        turn.option("co_change_phone", a.CO_PHONE_ASK.pack(shop_id)),
        turn.option("co_change_how", a.CO_MODE.pack(shop_id)),
        turn.option("cart_view", a.CART.pack()),
        *turn.nav(),
    ]
    return [Reply(text, options=tuple(options))]


def place(turn: Turn, shop: Shop, co: dict[str, Any], online: bool = False) -> Outcome:
    """Place the order: all its stock or nothing; the shop alerted, reminders planned.

    `online`: the order waits for its payment (units and slot held), the link is the reply;
    the shop hears of it once paid (handlers/customer/paid.py)."""
    turn.expect(None)
    shop_id = persisted(shop.id)
    lines = cart.lines(session=turn.session, user_id=turn.user_id, shop_id=shop_id)
    how = fulfilment(co)
    if not lines or how is None:
        return Incomplete()
    try:
        order, token = store_orders.place_order(
            session=turn.session,
            customer_id=turn.user_id,
            shop=shop,
            lines=lines,
            how=how,
            phone=co["phone"],
            note=co.get("note", ""),
            now=turn.now(),
            tz=turn.tz,
            status=OrderStatus.AWAITING_PAYMENT if online else OrderStatus.PENDING,
        )
    except store_orders.SlotFull:
        return SlotTaken(co["day"])
    except store_orders.OutOfStock as exc:
        return SoldOut(exc.names)
    logctx.bind(order=order.number)
    cart.clear_shop(session=turn.session, user_id=turn.user_id, shop_id=shop_id)
    turn.forget("co")
    if online:
        return Placed(payment_link(turn, shop, order))
    link = turn.ctx.deep_link(turn.user.channel, f"pickup-{token}")
    photo = turn.ctx.media.put(qr_png(link, screen=True), "png")
    order_notices.alert_new(turn, shop, order)
    plan_pickup_reminders(turn, order)
    details = order_notices.details(turn.lang, turn.session, turn.ctx, order, shop)
    key = "co_done_pickup" if how.mode == "pickup" else "co_done_delivery"
    text = turn.t(key, number=order.number, code=order.pickup_code) + "\n\n" + details
    options = [
        turn.option("orders_see", a.ORDER.pack(persisted(order.id))),
        turn.option("menu_orders", a.ORDERS.pack()),
        *turn.nav(),
    ]
    turn.safety_copy = True  # committed with the order: a crash before the reply loses nothing
    return Placed([Reply(text, photo=photo, options=tuple(options))])
