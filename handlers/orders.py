"""My orders: the list, one order's detail and status, cancelling while not yet ready."""

from handlers import i18n
from handlers.core import Option, Reply, Stale
from handlers.turn import Turn
from store import orders as store_orders
from store.models import Order, OrderLine, Shop

CLOSED = ("cancelled", "declined", "expired")


def order_text(
    lang: str,
    order: Order,
    lines: list[OrderLine],
    *,
    shop_name: str,
    tz: str,
    currency: str = "EUR",
) -> str:
    """An order as people read it: status, lines, totals, when/where, code (merchants reuse it)."""

    def money(cents: int) -> str:
        return i18n.money(cents, lang, currency)

    rows = [
        i18n.t(lang, "order_heading", number=order.number, shop=shop_name),
        i18n.t(lang, "order_status_line", status=i18n.t(lang, f"status_{order.status}")),
    ]
    if order.decline_reason:
        rows.append(i18n.t(lang, "order_reason_line", reason=order.decline_reason))
    rows += [
        i18n.t(
            lang,
            "cart_line",
            quantity=ln.quantity,
            name=ln.name,
            total=money(ln.unit_price_cents * ln.quantity),
        )
        for ln in lines
    ]
    if order.fulfilment == "delivery":
        fee = order.delivery_fee_cents
        rows.append(i18n.t(lang, "co_fee", fee=money(fee)) if fee else i18n.t(lang, "co_fee_free"))
    rows.append(i18n.t(lang, "co_total", total=money(order.total_cents)))
    if order.fulfilment == "pickup" and order.slot_start and order.slot_end:
        rows.append(
            i18n.t(
                lang,
                "co_how_pickup",
                day=i18n.day(order.slot_start, lang, tz),
                start=i18n.clock(order.slot_start, lang, tz),
                end=i18n.clock(order.slot_end, lang, tz),
            )
        )
    else:
        rows.append(i18n.t(lang, "co_how_delivery", address=order.address))
    if order.status not in CLOSED:  # a code for an order that will never be collected misleads
        rows.append(i18n.t(lang, "order_code_line", code=order.pickup_code))
    if order.note:
        rows.append(i18n.t(lang, "co_note_line", note=order.note))
    return "\n".join(rows)


def _shop_name(turn: Turn, order: Order) -> str:
    shop = turn.session.get(Shop, order.shop_id)
    return shop.name if shop else ""


def listing(turn: Turn) -> list[Reply]:
    """`orders`: the customer's orders, most recent first."""
    turn.expect(None)
    found = store_orders.customer_orders(session=turn.session, customer_id=turn.user.id)  # type: ignore[arg-type]
    if not found:
        return [turn.reply("orders_none", [turn.option("menu_shops", "cats"), *turn.nav()])]
    options = [
        Option(
            turn.t(
                "orders_item",
                number=order.number,
                shop=_shop_name(turn, order),
                status=turn.t(f"status_{order.status}"),
            ),
            f"order:{order.id}",
        )
        for order in found
    ]
    return [turn.reply("orders_title", [*options, *turn.nav()])]


def _own(turn: Turn) -> Order:
    """The order an action names, only if it is this customer's."""
    raw = turn.args[0] if turn.args else ""
    order = (
        store_orders.customer_order(
            session=turn.session, customer_id=turn.user.id, order_id=int(raw)
        )  # type: ignore[arg-type]
        if raw.isdigit()
        else None
    )
    if order is None:
        raise Stale(raw)
    return order


def detail(turn: Turn, notice: str = "") -> list[Reply]:
    """`order:<id>`: one order with its status, lines, slot or address and pickup code."""
    order = _own(turn)
    turn.expect(None)
    lines = store_orders.order_lines(session=turn.session, order_id=order.id)  # type: ignore[arg-type]
    text = order_text(
        turn.lang,
        order,
        lines,
        shop_name=_shop_name(turn, order),
        tz=turn.ctx.timezone,
        currency=turn.ctx.currency,
    )
    options = []
    if order.status in store_orders.CANCELLABLE:
        options.append(turn.option("order_cancel", f"ocancel:{order.id}"))
    options += [turn.option("menu_orders", "orders"), *turn.nav()]
    return [Reply(f"{notice}\n\n{text}" if notice else text, options=tuple(options))]


def cancel(turn: Turn) -> list[Reply]:
    """`ocancel:<id>` asks to be sure; `ocancel:<id>:yes` cancels, restocks, tells the shop."""
    order = _own(turn)
    turn.expect(None)
    if order.status not in store_orders.CANCELLABLE:
        return detail(turn, notice=turn.t("order_cancel_too_late"))
    if turn.args[1:] != ["yes"]:
        options = [
            turn.option("order_cancel_yes", f"ocancel:{order.id}:yes"),
            turn.option("order_cancel_no", f"order:{order.id}"),
        ]
        return [turn.reply("order_cancel_sure", options, number=order.number)]
    if not store_orders.cancel(session=turn.session, order=order, now=turn.now()):
        return detail(turn, notice=turn.t("order_cancel_too_late"))
    _tell_shop(turn, order)
    return detail(turn, notice=turn.t("order_cancelled_done", number=order.number))


def _tell_shop(turn: Turn, order: Order) -> None:
    for staff_id in store_orders.staff_of(session=turn.session, shop_id=order.shop_id):

        def build(lang: str) -> list[Reply]:
            return [Reply(i18n.t(lang, "order_cancelled_alert", number=order.number))]

        turn.notify(
            staff_id,
            "order_cancelled",
            build,
            variables={"number": order.number},  # for a WhatsApp template after 24 hours
            dedupe_key=f"order_cancelled:{order.id}:{staff_id}",
        )
