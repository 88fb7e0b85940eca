"""The end of checkout: the summary, then the order placed (stock, slot, codes, QR, alerts)."""

from datetime import datetime
from typing import Any

from handlers import i18n
from handlers.cart import show as show_cart
from handlers.checkout import pickup_slots, show_phone, start
from handlers.core import Option, Reply
from handlers.orders import order_text
from handlers.reminders import plan_pickup_reminders
from handlers.turn import Turn
from store import cart
from store import orders as store_orders
from store.models import Order, Shop
from store.qr import qr_png


def _fulfilment(co: dict[str, Any]) -> store_orders.Fulfilment | None:
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
    return _fulfilment(co) is not None and "note" in co


def _how(turn: Turn, how: store_orders.Fulfilment) -> str:
    tz = turn.ctx.timezone
    if how.mode == "pickup" and how.slot_start and how.slot_end:
        return turn.t(
            "co_how_pickup",
            day=i18n.day(how.slot_start, turn.lang, tz),
            start=i18n.clock(how.slot_start, turn.lang, tz),
            end=i18n.clock(how.slot_end, turn.lang, tz),
        )
    return turn.t("co_how_delivery", address=how.address)


def summary(turn: Turn, shop: Shop, co: dict[str, Any], notice: str = "") -> list[Reply]:
    """Everything about the order before it is placed."""
    turn.expect(None)
    lines = cart.lines(session=turn.session, user_id=turn.user.id, shop_id=shop.id)  # type: ignore[arg-type]
    how = _fulfilment(co)
    if not lines or how is None:
        turn.forget("co")
        return start(turn)
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
    options = [
        turn.option("co_confirm", f"co:{shop.id}:ok"),
        turn.option("co_change_note", f"co:{shop.id}:note"),
        turn.option("co_change_how", f"co:{shop.id}:mode"),
        turn.option("cart_view", "cart"),
        *turn.nav(),
    ]
    return [Reply(text, options=tuple(options))]


def confirm(turn: Turn, shop: Shop, co: dict[str, Any]) -> list[Reply]:
    """Place the order: all its stock or nothing; a full slot or sold-out line says so."""
    turn.expect(None)
    lines = cart.lines(session=turn.session, user_id=turn.user.id, shop_id=shop.id)  # type: ignore[arg-type]
    how = _fulfilment(co)
    if not lines or how is None:
        return start(turn)
    try:
        order, token = store_orders.place_order(
            session=turn.session,
            customer_id=turn.user.id,  # type: ignore[arg-type]
            shop=shop,
            lines=lines,
            how=how,
            phone=co["phone"],
            note=co.get("note", ""),
            now=turn.now(),
            tz=turn.ctx.timezone,
        )
    except store_orders.SlotFull:
        turn.remember(co={k: v for k, v in co.items() if k not in ("slot", "slot_end")})
        return pickup_slots(turn, shop, co["day"], notice=turn.t("co_slot_full"))
    except store_orders.OutOfStock as exc:
        return [turn.reply("co_out_of_stock", names=", ".join(exc.names)), *show_cart(turn)]
    cart.clear_shop(session=turn.session, user_id=turn.user.id, shop_id=shop.id)  # type: ignore[arg-type]
    turn.forget("co")
    link = turn.ctx.deep_link(turn.user.channel, f"pickup-{token}")
    photo = turn.ctx.media.put(qr_png(link), "png")
    _alert_staff(turn, shop, order)
    plan_pickup_reminders(turn, order)
    details = _details(turn.lang, turn, order, shop)
    key = "co_done_pickup" if how.mode == "pickup" else "co_done_delivery"
    text = turn.t(key, number=order.number, code=order.pickup_code) + "\n\n" + details
    options = [
        turn.option("orders_see", f"order:{order.id}"),
        turn.option("menu_orders", "orders"),
        *turn.nav(),
    ]
    turn.safety_copy = True  # committed with the order: a crash before the reply loses nothing
    return [Reply(text, photo=photo, options=tuple(options))]


def _details(lang: str, turn: Turn, order: Order, shop: Shop) -> str:
    lines = store_orders.order_lines(session=turn.session, order_id=order.id)  # type: ignore[arg-type]
    return order_text(
        lang, order, lines, shop_name=shop.name, tz=turn.ctx.timezone, currency=turn.ctx.currency
    )


def _alert_staff(turn: Turn, shop: Shop, order: Order) -> None:
    """The new-order alert, in each staff member's language, through the outbox."""
    for staff_id in store_orders.staff_of(session=turn.session, shop_id=shop.id):  # type: ignore[arg-type]

        def build(lang: str) -> list[Reply]:
            text = (
                i18n.t(lang, "order_new_alert", number=order.number)
                + "\n\n"
                + _details(lang, turn, order, shop)
            )
            options = (
                Option(i18n.t(lang, "order_accept"), f"macc:{order.id}"),
                Option(i18n.t(lang, "order_decline"), f"mdec:{order.id}"),
            )
            return [Reply(text, options=options)]

        turn.notify(
            staff_id,
            "order_new",
            build,
            variables={"number": order.number},  # for a WhatsApp template after 24 hours
            dedupe_key=f"order_new:{order.id}:{staff_id}",
        )
