"""The merchant's side of orders: accept or decline, ready, out for delivery, delivered.

Each change tells the customer through the outbox (`notices/orders.py`), in the same
transaction; the moves themselves are `store.orders.move_order`'s, by `store.statuses`.
"""

from handlers import i18n
from handlers.common import actions as a
from handlers.common.args import refuse
from handlers.common.cards import staff_order_text, status_text
from handlers.common.formats import until
from handlers.common.rights import require_shop, staff_order
from handlers.core import Option, Reply
from handlers.notices import orders as notices
from handlers.notices import payments as pay_notices
from handlers.turn import Turn
from store.hours import pickup_deadline
from store.models import Order, Shop
from store.orders import give_back_stock, move_order, shop_orders
from store.parsing.caption import has_words
from store.statuses import BEFORE_PICKUP, OPEN, OrderStatus
from store.towns import zone_of
from store.types import persisted
from store.whatsapp import ready_notice_read

REASONS = ("m_reason_stock", "m_reason_closed", "m_reason_delivery")
DECLINING = "m_decline"  # awaited: the typed reason for declining data["mo"]
S = OrderStatus


def pending(turn: Turn) -> list[Reply]:
    """`mpending`: orders waiting for the shop, oldest first."""
    turn.expect(None)
    shop = require_shop(turn)
    orders = shop_orders(session=turn.session, shop_id=persisted(shop.id), statuses=OPEN)
    return _listing(turn, orders, "m_orders", "m_orders_none")


def today(turn: Turn) -> list[Reply]:
    """`mtoday`: pickups due today, and orders ready and waiting."""
    turn.expect(None)
    shop = require_shop(turn)
    found = shop_orders(session=turn.session, shop_id=persisted(shop.id), statuses=BEFORE_PICKUP)
    orders = [o for o in found if o.fulfilment == "pickup" and _due_today(turn, o)]
    return _listing(turn, orders, "m_today", "m_today_none")


def _due_today(turn: Turn, order: Order) -> bool:
    if order.status == S.READY:
        return True  # waiting at the counter, whatever day it was booked for
    if order.slot_start is None:
        return False
    tz = turn.tz
    return i18n.local(order.slot_start, tz).date() == i18n.local(turn.now(), tz).date()


def _listing(turn: Turn, orders: list[Order], key: str, empty: str) -> list[Reply]:
    options = [Option(_summary(turn, o), a.M_ORDER.pack(persisted(o.id))) for o in orders]
    return [turn.reply(key if orders else empty, [*options, *turn.nav(a.M_MENU.pack())])]


def _summary(turn: Turn, order: Order) -> str:
    when = ""
    if order.slot_start:
        when = f" · {i18n.clock(order.slot_start, turn.lang, turn.tz)}"
    status = status_text(turn.lang, order.status, staff=True)
    return f"{order.number} · {status}{when} · {turn.money(order.total_cents)}"


def order_options(turn: Turn, order: Order) -> list[Option]:
    """What can happen next to this order."""
    n, status, pickup = persisted(order.id), order.status, order.fulfilment == "pickup"
    options: list[Option] = []
    if status == S.PENDING:
        options += [
            turn.option("m_accept", a.M_ACCEPT.pack(n)),
            turn.option("m_decline", a.M_DECLINE.pack(n)),
        ]
    if status in (S.PENDING, S.ACCEPTED) and pickup:
        options.append(turn.option("m_mark_ready", a.M_READY.pack(n)))
    if status in (S.ACCEPTED, S.READY) and pickup:
        options.append(turn.option("m_hand_over", a.M_HAND_OVER.pack(n)))
    if status in (S.PENDING, S.ACCEPTED) and not pickup:
        options.append(turn.option("m_out", a.M_OUT.pack(n)))
    if status in (S.ACCEPTED, S.OUT_FOR_DELIVERY) and not pickup:
        options.append(turn.option("m_delivered", a.M_DELIVERED.pack(n)))
    if status == S.ACCEPTED:
        options.append(turn.option("m_decline", a.M_DECLINE.pack(n)))
    return [*options, *turn.nav(a.M_PENDING.pack())]


def show(turn: Turn, order: Order, shop: Shop, note: str | None = None) -> list[Reply]:
    """The order as the shop sees it, under an optional note."""
    turn.expect(None)
    replies = [turn.reply(note)] if note else []
    text = staff_order_text(turn, order, shop)
    seen = ready_notice_read(session=turn.session, order_id=persisted(order.id))
    if order.status == "ready" and seen:  # WhatsApp's read receipt of the ready notice
        text += "\n" + turn.t("m_ready_seen")
    return [*replies, Reply(text, options=tuple(order_options(turn, order)))]


def details(turn: Turn) -> list[Reply]:
    """`mord:<id>`: one order in full, with the customer's phone."""
    order, shop = staff_order(turn, a.M_ORDER.args(turn).order)
    return show(turn, order, shop)


def _move(turn: Turn, order_id: int, to: OrderStatus) -> tuple[Order, Shop, bool]:
    order, shop = staff_order(turn, order_id)
    moved = move_order(session=turn.session, order=order, to=to, now=turn.now())
    return order, shop, moved


def _too_late(turn: Turn, order: Order, shop: Shop) -> list[Reply]:
    return show(turn, order, shop, "m_order_already")


def accept(turn: Turn) -> list[Reply]:
    """`macc:<id>`: the shop takes the order."""
    order, shop, moved = _move(turn, a.M_ACCEPT.args(turn).order, S.ACCEPTED)
    if not moved:
        return _too_late(turn, order, shop)
    notices.tell_customer(turn, order, shop, "order_accepted")
    return show(turn, order, shop, "m_accepted")


def decline(turn: Turn) -> list[Reply]:
    """`mdec:<id>`: ask why (a typed reason or a ready-made one)."""
    return _ask_reason(turn, a.M_DECLINE.args(turn).order)


def _ask_reason(turn: Turn, order_id: int) -> list[Reply]:
    order, shop = staff_order(turn, order_id)
    if order.status not in (S.PENDING, S.ACCEPTED):
        return _too_late(turn, order, shop)
    turn.expect(DECLINING, mo=order_id)
    options = [turn.option(k, a.M_DECLINE_REASON.pack(order_id, i)) for i, k in enumerate(REASONS)]
    back = turn.option("nav_back", a.M_ORDER.pack(order_id))
    return [turn.reply("m_decline_ask", [*options, back])]


def decline_reason(turn: Turn) -> list[Reply]:
    """`mdecr:<id>:<n>`: decline with a ready-made reason."""
    order_id, index = a.M_DECLINE_REASON.args(turn)
    if index >= len(REASONS):
        raise refuse(turn, f"no decline reason {index}")
    return _decline(turn, order_id, turn.t(REASONS[index]))


def decline_typed(turn: Turn) -> list[Reply]:
    """The typed reason for declining."""
    order_id = turn.data.get("mo")
    if not isinstance(order_id, int):
        raise refuse(turn, "no order being declined")
    reason = (turn.incoming.text or "").strip()
    if not has_words(reason) or len(reason) > 300:
        return [turn.reply("m_decline_bad_reason"), *_ask_reason(turn, order_id)]
    return _decline(turn, order_id, reason)


def _decline(turn: Turn, order_id: int, reason: str) -> list[Reply]:
    order, shop, moved = _move(turn, order_id, S.DECLINED)
    if not moved:
        return _too_late(turn, order, shop)
    order.decline_reason = reason
    give_back_stock(session=turn.session, order_id=order_id)
    notices.tell_customer(turn, order, shop, "order_declined", reason=reason)
    pay_notices.call_off(session=turn.session, ctx=turn.ctx, order=order, reason="declined")
    return show(turn, order, shop, "m_declined")


def ready(turn: Turn) -> list[Reply]:
    """`mrdy:<id>`: ready to collect; the customer learns until when it is kept."""
    order, shop = staff_order(turn, a.M_READY.args(turn).order)
    now = turn.now()
    if order.fulfilment != "pickup" or not move_order(
        session=turn.session, order=order, to=S.READY, now=now
    ):
        return _too_late(turn, order, shop)
    # The day the expiry job will cancel it (closing time of an open day): what we announce.
    tz = zone_of(session=turn.session, town_id=shop.town_id, default=turn.ctx.timezone)
    deadline = pickup_deadline(shop, now, tz)  # closing time there, in the shop's town
    notices.tell_ready(turn, order, shop, deadline)
    held = until(turn.lang, deadline, tz)
    return [turn.reply("m_ready", until=held), *show(turn, order, shop)]


def out(turn: Turn) -> list[Reply]:
    """`mout:<id>`: the delivery is on its way."""
    order, shop, moved = _move(turn, a.M_OUT.args(turn).order, S.OUT_FOR_DELIVERY)
    if not moved:
        return _too_late(turn, order, shop)
    notices.tell_customer(turn, order, shop, "order_out")
    return show(turn, order, shop, "m_out_done")


def delivered(turn: Turn) -> list[Reply]:
    """`mdlv:<id>`: delivered to the customer."""
    order, shop, moved = _move(turn, a.M_DELIVERED.args(turn).order, S.DELIVERED)
    if not moved:
        return _too_late(turn, order, shop)
    notices.tell_customer(turn, order, shop, "order_delivered")
    return show(turn, order, shop, "m_delivered_done")
