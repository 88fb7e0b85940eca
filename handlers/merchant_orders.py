"""The merchant's side of orders: accept or decline, ready, out for delivery, delivered.

Each change tells the customer through the outbox, in the same transaction.
"""

from datetime import datetime

from handlers import i18n
from handlers.checkout import show_phone
from handlers.core import Option, Reply
from handlers.jobs import pickup_deadline
from handlers.merchant_rights import int_arg, refuse, require_shop, staff_order
from handlers.turn import Turn
from store.merchants import OPEN_STATUSES, give_back_stock, move_order, shop_orders
from store.models import Order, Shop, User
from store.orders import order_lines
from store.parsing.caption import has_words
from store.whatsapp import ready_notice_read

REASONS = ("m_reason_stock", "m_reason_closed", "m_reason_delivery")


def pending(turn: Turn) -> list[Reply]:
    """`mpending`: orders waiting for the shop, oldest first."""
    turn.expect(None)
    shop = require_shop(turn)
    orders = shop_orders(session=turn.session, shop_id=shop.id, statuses=OPEN_STATUSES)  # type: ignore[arg-type]
    return _listing(turn, orders, "m_orders", "m_orders_none")


def today(turn: Turn) -> list[Reply]:
    """`mtoday`: pickups due today, and orders ready and waiting."""
    turn.expect(None)
    shop = require_shop(turn)
    statuses = ("pending", "accepted", "ready")
    found = shop_orders(session=turn.session, shop_id=shop.id, statuses=statuses)  # type: ignore[arg-type]
    orders = [o for o in found if o.fulfilment == "pickup" and _due_today(turn, o)]
    return _listing(turn, orders, "m_today", "m_today_none")


def _due_today(turn: Turn, order: Order) -> bool:
    if order.status == "ready":
        return True  # waiting at the counter, whatever day it was booked for
    if order.slot_start is None:
        return False
    tz = turn.ctx.timezone
    return i18n.local(order.slot_start, tz).date() == i18n.local(turn.now(), tz).date()


def _listing(turn: Turn, orders: list[Order], key: str, empty: str) -> list[Reply]:
    options = [Option(_summary(turn, order), f"mord:{order.id}") for order in orders]
    return [turn.reply(key if orders else empty, [*options, *turn.nav("mshop")])]


def _summary(turn: Turn, order: Order) -> str:
    when = ""
    if order.slot_start:
        when = f" · {i18n.clock(order.slot_start, turn.lang, turn.ctx.timezone)}"
    status = turn.t(f"m_status_{order.status}")
    return f"{order.number} · {status}{when} · {turn.money(order.total_cents)}"


def order_text(turn: Turn, order: Order, shop: Shop) -> str:
    """Everything the shop needs to prepare and hand over an order."""
    customer = turn.session.get(User, order.customer_id)
    lines = [
        f"{ln.quantity} × {ln.name} — {turn.money(ln.unit_price_cents * ln.quantity)}"
        for ln in order_lines(session=turn.session, order_id=order.id)  # type: ignore[arg-type]
    ]
    tz = turn.ctx.timezone
    if order.fulfilment == "pickup" and order.slot_start:
        how = turn.t(
            "m_order_pickup",
            day=i18n.day(order.slot_start, turn.lang, tz),
            time=i18n.clock(order.slot_start, turn.lang, tz),
        )
    else:
        how = turn.t("m_order_delivery", address=order.address or "—", postcode=order.postcode)
    text = turn.t(
        "m_order",
        number=order.number,
        status=turn.t(f"m_status_{order.status}"),
        customer=(customer.name if customer else "") or "—",
        phone=show_phone(order.phone or (customer.phone if customer else "")) or "—",
        how=how,
        lines="\n".join(lines),
        total=turn.money(order.total_cents),
    )
    if order.note:
        text += "\n" + turn.t("m_order_note", note=order.note)
    if order.decline_reason:
        text += "\n" + turn.t("m_order_declined_because", reason=order.decline_reason)
    return text


def order_options(turn: Turn, order: Order) -> list[Option]:
    """What can happen next to this order."""
    n, status = order.id, order.status
    options: list[Option] = []
    if status == "pending":
        options += [turn.option("m_accept", f"macc:{n}"), turn.option("m_decline", f"mdec:{n}")]
    if status in ("pending", "accepted") and order.fulfilment == "pickup":
        options.append(turn.option("m_mark_ready", f"mrdy:{n}"))
    if status in ("accepted", "ready") and order.fulfilment == "pickup":
        options.append(turn.option("m_hand_over", f"mhand:{n}"))
    if status == "accepted" and order.fulfilment == "delivery":
        options.append(turn.option("m_out", f"mout:{n}"))
    if status in ("accepted", "out_for_delivery") and order.fulfilment == "delivery":
        options.append(turn.option("m_delivered", f"mdlv:{n}"))
    if status == "accepted":
        options.append(turn.option("m_decline", f"mdec:{n}"))
    return [*options, *turn.nav("mpending")]


def show(turn: Turn, order: Order, shop: Shop, note: str | None = None) -> list[Reply]:
    turn.expect(None)
    replies = [turn.reply(note)] if note else []
    text = order_text(turn, order, shop)
    if order.status == "ready" and ready_notice_read(session=turn.session, order_id=order.id):  # type: ignore[arg-type]
        text += "\n" + turn.t("m_ready_seen")  # WhatsApp's read receipt of the ready notice
    return [*replies, Reply(text, options=tuple(order_options(turn, order)))]


def details(turn: Turn) -> list[Reply]:
    """`mord:<id>`: one order in full, with the customer's phone."""
    order, shop = staff_order(turn, int_arg(turn))
    return show(turn, order, shop)


def _tell(turn: Turn, order: Order, shop: Shop, kind: str, **values: str) -> None:
    """Queue the customer's message about their order, in their language."""

    def build(lang: str) -> list[Reply]:
        text = i18n.t(lang, f"m_tell_{kind}", number=order.number, shop=shop.name, **values)
        return [Reply(text, options=(Option(i18n.t(lang, "m_see_order"), f"order:{order.id}"),))]

    variables = {"number": order.number, "shop": shop.name, **values}
    turn.notify(
        order.customer_id,
        kind,
        build,
        variables=variables,
        dedupe_key=f"{kind}:{order.id}",
        order_id=order.id,  # so the shop is told if the customer cannot be reached
    )


def _move(turn: Turn, to: str, allowed: tuple[str, ...]) -> tuple[Order, Shop, bool]:
    order, shop = staff_order(turn, int_arg(turn))
    moved = move_order(session=turn.session, order=order, to=to, allowed=allowed, now=turn.now())
    return order, shop, moved


def _too_late(turn: Turn, order: Order, shop: Shop) -> list[Reply]:
    return show(turn, order, shop, "m_order_already")


def accept(turn: Turn) -> list[Reply]:
    """`macc:<id>`: the shop takes the order."""
    order, shop, moved = _move(turn, "accepted", ("pending",))
    if not moved:
        return _too_late(turn, order, shop)
    _tell(turn, order, shop, "order_accepted")
    return show(turn, order, shop, "m_accepted")


def decline(turn: Turn) -> list[Reply]:
    """`mdec:<id>`: ask why (a typed reason or a ready-made one)."""
    order, shop = staff_order(turn, int_arg(turn))
    if order.status not in ("pending", "accepted"):
        return _too_late(turn, order, shop)
    turn.expect("m_decline", mo=order.id)
    options = [turn.option(key, f"mdecr:{order.id}:{i}") for i, key in enumerate(REASONS)]
    return [turn.reply("m_decline_ask", [*options, turn.option("nav_back", f"mord:{order.id}")])]


def decline_reason(turn: Turn) -> list[Reply]:
    """`mdecr:<id>:<n>`: decline with a ready-made reason."""
    index = int_arg(turn, 1)
    if index >= len(REASONS):
        raise refuse(turn, f"no decline reason {index}")
    return _decline(turn, turn.t(REASONS[index]))


def decline_typed(turn: Turn) -> list[Reply]:
    """The typed reason for declining."""
    order_id = turn.data.get("mo")
    turn.args = [str(order_id)]
    reason = (turn.incoming.text or "").strip()
    if not has_words(reason) or len(reason) > 300:
        return [turn.reply("m_decline_bad_reason"), *decline(turn)]
    return _decline(turn, reason)


def _decline(turn: Turn, reason: str) -> list[Reply]:
    order, shop, moved = _move(turn, "declined", ("pending", "accepted"))
    if not moved:
        return _too_late(turn, order, shop)
    order.decline_reason = reason
    give_back_stock(session=turn.session, order_id=order.id)  # type: ignore[arg-type]
    _tell(turn, order, shop, "order_declined", reason=reason)
    return show(turn, order, shop, "m_declined")


def ready(turn: Turn) -> list[Reply]:
    """`mrdy:<id>`: ready to collect; the customer learns until when it is kept."""
    order, shop = staff_order(turn, int_arg(turn))
    now = turn.now()
    allowed = ("pending", "accepted")
    if order.fulfilment != "pickup" or not move_order(
        session=turn.session, order=order, to="ready", allowed=allowed, now=now
    ):
        return _too_late(turn, order, shop)
    # The day the expiry job will cancel it (closing time of an open day): what we announce.
    deadline = pickup_deadline(shop, now, turn.ctx.timezone)
    _tell_ready(turn, order, shop, deadline)
    until = _until(turn.lang, deadline, turn.ctx.timezone)
    return [turn.reply("m_ready", until=until), *show(turn, order, shop)]


def _until(lang: str, deadline: datetime, tz: str) -> str:
    """ "vendredi 11 décembre à 19:00"."""
    day, time = i18n.day(deadline, lang, tz), i18n.clock(deadline, lang, tz)
    return i18n.t(lang, "m_until", day=day, time=time)


def _tell_ready(turn: Turn, order: Order, shop: Shop, deadline: datetime) -> None:
    def build(lang: str) -> list[Reply]:
        until = _until(lang, deadline, turn.ctx.timezone)
        text = i18n.t(
            lang,
            "m_tell_order_ready",
            number=order.number,
            shop=shop.name,
            address=shop.address or shop.name,
            until=until,
            code=order.pickup_code,
        )
        return [Reply(text, options=(Option(i18n.t(lang, "m_see_order"), f"order:{order.id}"),))]

    until_fr = _until("fr", deadline, turn.ctx.timezone)
    variables = {"number": order.number, "shop": shop.name, "until": until_fr}
    turn.notify(
        order.customer_id,
        "order_ready",
        build,
        variables=variables,
        dedupe_key=f"order_ready:{order.id}",
        order_id=order.id,
    )


def out(turn: Turn) -> list[Reply]:
    """`mout:<id>`: the delivery is on its way."""
    order, shop, moved = _move(turn, "out_for_delivery", ("accepted",))
    if not moved:
        return _too_late(turn, order, shop)
    _tell(turn, order, shop, "order_out")
    return show(turn, order, shop, "m_out_done")


def delivered(turn: Turn) -> list[Reply]:
    """`mdlv:<id>`: delivered to the customer."""
    order, shop, moved = _move(turn, "delivered", ("accepted", "out_for_delivery"))
    if not moved:
        return _too_late(turn, order, shop)
    _tell(turn, order, shop, "order_delivered")
    return show(turn, order, shop, "m_delivered_done")
