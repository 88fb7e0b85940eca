"""My orders: the list, one order's detail and status, cancelling while not yet ready."""

from handlers.common import actions as a
from handlers.common.cards import order_text, payment_line, status_text
from handlers.core import Option, Reply, Stale
from handlers.notices import orders as order_notices
from handlers.notices import payments as pay_notices
from handlers.turn import Turn
from store import orders as store_orders
from store.models import Order, Shop
from store.payments import payment_of
from store.statuses import CANCELLABLE, OrderStatus
from store.types import persisted


def _shop_name(turn: Turn, order: Order) -> str:
    shop = turn.session.get(Shop, order.shop_id)
    return shop.name if shop else ""


def listing(turn: Turn) -> list[Reply]:
    """`orders`: the customer's orders, most recent first."""
    turn.expect(None)
    found = store_orders.customer_orders(session=turn.session, customer_id=turn.user_id)
    if not found:
        browse = turn.option("menu_shops", a.CATEGORIES.pack())
        return [turn.reply("orders_none", [browse, *turn.nav()])]
    options = [
        Option(
            turn.t(
                "orders_item",
                number=order.number,
                shop=_shop_name(turn, order),
                status=status_text(turn.lang, order.status),
            ),
            a.ORDER.pack(persisted(order.id)),
        )
        for order in found
    ]
    return [turn.reply("orders_title", [*options, *turn.nav()])]


def _own(turn: Turn, order_id: int) -> Order:
    """The order an action names, only if it is this customer's."""
    order = store_orders.customer_order(
        session=turn.session, customer_id=turn.user_id, order_id=order_id
    )
    if order is None:
        raise Stale(order_id)
    return order


def detail(turn: Turn, notice: str = "") -> list[Reply]:
    """`order:<id>`: one order with its status, lines, slot or address and pickup code."""
    return _detail(turn, _own(turn, a.ORDER.args(turn).order), notice)


def _detail(turn: Turn, order: Order, notice: str = "") -> list[Reply]:
    turn.expect(None)
    order_id = persisted(order.id)
    lines = store_orders.order_lines(session=turn.session, order_id=order_id)
    text = order_text(
        turn.lang,
        order,
        lines,
        shop_name=_shop_name(turn, order),
        tz=turn.tz,
        currency=turn.ctx.currency,
    )
    paid = payment_line(turn.lang, turn.session, order)
    text = f"{text}\n{paid}" if paid else text
    options = []
    payment = payment_of(session=turn.session, order_id=order_id)
    if payment is not None and payment.status == "open" and payment.url:  # the link again
        options.append(Option(turn.t("pay_button", total=turn.money(payment.amount_cents)),
                              url=payment.url))  # fmt: skip
    if order.status in CANCELLABLE:
        options.append(turn.option("order_cancel", a.ORDER_CANCEL.pack(order_id)))
    options += [turn.option("menu_orders", a.ORDERS.pack()), *turn.nav()]
    return [Reply(f"{notice}\n\n{text}" if notice else text, options=tuple(options))]


def cancel(turn: Turn) -> list[Reply]:
    """`ocancel:<id>` asks to be sure; `ocancel:<id>:yes` cancels, restocks, tells the shop."""
    order_id, sure = a.ORDER_CANCEL.args(turn)
    order = _own(turn, order_id)
    turn.expect(None)
    if order.status not in CANCELLABLE:
        return _detail(turn, order, notice=turn.t("order_cancel_too_late"))
    if sure is None:
        options = [
            turn.option("order_cancel_yes", a.ORDER_CANCEL.pack(order_id, "yes")),
            turn.option("order_cancel_no", a.ORDER.pack(order_id)),
        ]
        return [turn.reply("order_cancel_sure", options, number=order.number)]
    unpaid = order.status == OrderStatus.AWAITING_PAYMENT  # the shop never heard of it
    if not store_orders.cancel(session=turn.session, order=order, now=turn.now()):
        return _detail(turn, order, notice=turn.t("order_cancel_too_late"))
    pay_notices.call_off(session=turn.session, ctx=turn.ctx, order=order, reason="cancelled")
    if not unpaid:
        order_notices.alert_cancelled(turn, order)
    return _detail(turn, order, notice=turn.t("order_cancelled_done", number=order.number))
