"""Cards shared by customer and merchant screens: an item, an order (both views), a category."""

from sqlalchemy import BindParameter, ColumnElement, Integer, bindparam
from sqlmodel import Session, col, func, select

from handlers import i18n
from handlers.common import actions as a
from handlers.common.formats import show_phone
from handlers.core import Reply
from handlers.turn import Turn
from store import cart
from store.models import Item, Order, OrderLine, Shop, User
from store.orders import order_lines
from store.payments import payment_of
from store.statuses import CALLED_OFF, OrderStatus
from store.types import persisted

PAGE = 8  # items a catalogue page lists
LOW_STOCK = 3  # "only 3 left" from here down


def category_name(turn: Turn, category: str) -> str:
    """The category's name in the user's language ("🧀 Fromagerie" / "🧀 Cheese")."""
    return category_label(turn.lang, category)


def category_label(lang: str, category: str) -> str:
    key = f"category_{category}"
    return i18n.t(lang, key if key in i18n.catalogue() else "category_other")


def status_text(lang: str, status: str, *, staff: bool = False) -> str:
    """An order status as the customer (`status_<s>`) or the shop (`m_status_<s>`) reads it."""
    return i18n.t(lang, f"{'m_' if staff else ''}status_{OrderStatus(status).value}")


def join_lines(*parts: str) -> str:
    """The non-empty parts, one a line."""
    return "\n".join(part for part in parts if part)


def item_card(turn: Turn, item: Item, shop: Shop) -> Reply:
    """Photo, name, description, price, stock; add to cart unless sold out; back to the shop."""
    if item.stock == 0:
        stock = turn.t("item_sold_out")
    elif item.stock is not None and item.stock <= LOW_STOCK:
        stock = turn.t("item_low_stock", count=item.stock)
    else:
        stock = turn.t("item_in_stock")
    text = join_lines(
        item.name,
        item.description,
        turn.t("item_price", price=turn.money(item.price_cents)),
        stock,
        turn.t("item_shop", shop=shop.name),
    )
    item_id, shop_id = persisted(item.id), persisted(shop.id)
    options = []
    if item.stock != 0:
        if _only_this_shop(turn, shop_id):  # one tap to the checkout
            options.append(turn.option("item_buy", a.BUY.pack(item_id)))
        options.append(turn.option("item_add", a.ADD.pack(item_id)))
    options.append(turn.option("nav_back", a.CATALOGUE.pack(shop_id, page_of(turn, item))))
    options.append(turn.option("shop_back_to", a.SHOP.pack(shop_id), name=shop.name[:40]))
    options.append(turn.option("nav_home", a.HOME.pack()))
    photo = next((key for key in item.photos if turn.ctx.media.exists(key)), None)
    return Reply(text, photo=photo, options=tuple(options))


def _only_this_shop(turn: Turn, shop_id: int) -> bool:
    """Is the cart empty or holding only this shop's items ("Commander" orders them all)?"""
    held = {ln.shop.id for ln in cart.lines(session=turn.session, user_id=turn.user_id)}
    return held <= {shop_id}


def visible(shop_id: int | BindParameter[int]) -> tuple[ColumnElement[bool], ...]:
    """The conditions of an item customers may see in the shop's catalogue."""
    return (col(Item.shop_id) == shop_id, col(Item.hidden).is_(False), col(Item.deleted).is_(False))


_BEFORE = (  # built once: every item card asks
    select(func.count())
    .select_from(Item)
    .where(*visible(bindparam("shop", type_=Integer)), col(Item.id) < bindparam("item"))
)


def page_of(turn: Turn, item: Item) -> int:
    """The catalogue page the item is listed on (to go back to it)."""
    before = turn.session.exec(_BEFORE, params={"shop": item.shop_id, "item": item.id}).one()
    return int(before) // PAGE


def order_text(
    lang: str,
    order: Order,
    lines: list[OrderLine],
    *,
    shop_name: str,
    tz: str,
    currency: str = "EUR",
) -> str:
    """An order as its customer reads it: status, lines, totals, when/where, code."""

    def money(cents: int) -> str:
        return i18n.money(cents, lang, currency)

    rows = [
        i18n.t(lang, "order_heading", number=order.number, shop=shop_name),
        i18n.t(lang, "order_status_line", status=status_text(lang, order.status)),
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
    if order.status not in CALLED_OFF:  # a code for an order that will never be collected misleads
        rows.append(i18n.t(lang, "order_code_line", code=order.pickup_code))
    if order.note:
        rows.append(i18n.t(lang, "co_note_line", note=order.note))
    return "\n".join(rows)


def payment_line(lang: str, session: Session, order: Order) -> str:
    """ "💳 Paiement en ligne : payé" (each state, for both sides); "" when paid at pickup."""
    payment = payment_of(session=session, order_id=persisted(order.id))
    if payment is None:
        return ""
    return i18n.t(lang, "pay_state_line", state=i18n.t(lang, f"pay_state_{payment.status}"))


def staff_order_text(turn: Turn, order: Order, shop: Shop) -> str:
    """Everything the shop needs to prepare and hand over an order."""
    customer = turn.session.get(User, order.customer_id)
    rows = [
        f"{ln.quantity} × {ln.name} — {turn.money(ln.unit_price_cents * ln.quantity)}"
        for ln in order_lines(session=turn.session, order_id=persisted(order.id))
    ]
    tz = turn.tz
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
        status=status_text(turn.lang, order.status, staff=True),
        customer=(customer.name if customer else "") or "—",
        phone=show_phone(order.phone or (customer.phone if customer else "")) or "—",
        how=how,
        lines="\n".join(rows),
        total=turn.money(order.total_cents),
    )
    if order.note:
        text += "\n" + turn.t("m_order_note", note=order.note)
    if order.decline_reason:
        text += "\n" + turn.t("m_order_declined_because", reason=order.decline_reason)
    paid = payment_line(turn.lang, turn.session, order)
    return f"{text}\n{paid}" if paid else text
