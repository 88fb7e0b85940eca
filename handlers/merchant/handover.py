"""Handing an order over at the counter: the customer's QR link, or the 6-character code typed.

Only staff of the order's shop learn anything: anyone else gets the unknown-link answer.
"""

import re

from handlers import i18n
from handlers.common.rights import int_arg, require_shop, role_in, staff_order
from handlers.core import Reply
from handlers.customer.start import home_options
from handlers.merchant.orders import order_text
from handlers.turn import Turn
from store.models import Order, Shop
from store.shops import COLLECTABLE, move_order, order_by_code, order_by_token, shops_of


def link(turn: Turn) -> list[Reply]:
    """`/start pickup-<token>`: the merchant scanned the customer's QR code."""
    token = turn.args[0] if turn.args else ""
    order = order_by_token(session=turn.session, token=token)
    if order is None or role_in(turn, order.shop_id) is None:
        return [turn.reply("m_pickup_unknown", home_options(turn))]
    shop = turn.session.get(Shop, order.shop_id)
    assert shop is not None
    return card(turn, order, shop)


def card(turn: Turn, order: Order, shop: Shop) -> list[Reply]:
    """The order at the counter: hand it over, or not yet."""
    turn.expect(None)
    text = order_text(turn, order, shop)
    if order.status == "collected" and order.collected_at:
        tz = turn.ctx.timezone
        when = i18n.day(order.collected_at, turn.lang, tz)
        at = i18n.clock(order.collected_at, turn.lang, tz)
        return [turn.reply("m_pickup_already", turn.nav("mshop"), day=when, time=at), Reply(text)]
    if order.status not in COLLECTABLE:
        note = "m_pickup_pending" if order.status == "pending" else "m_pickup_closed"
        options = [turn.option("m_accept", f"macc:{order.id}")] if order.status == "pending" else []
        return [Reply(text), turn.reply(note, [*options, *turn.nav("mshop")])]
    options = [
        turn.option("m_hand_over", f"mhand:{order.id}"),
        turn.option("m_not_ready", f"mnrdy:{order.id}"),
    ]
    return [Reply(turn.t("m_pickup_card", text=text), options=tuple(options))]


def hand_over(turn: Turn) -> list[Reply]:
    """`mhand:<id>`: the customer has their order; it can't be collected twice."""
    order, shop = staff_order(turn, int_arg(turn))
    moved = move_order(
        session=turn.session, order=order, to="collected", allowed=COLLECTABLE, now=turn.now()
    )
    if not moved:
        return card(turn, order, shop)
    options = [turn.option("m_menu_handover", "mremise"), *turn.nav("mshop")]
    return [turn.reply("m_handed_over", options, number=order.number)]


def not_ready(turn: Turn) -> list[Reply]:
    """`mnrdy:<id>`: not handed over; nothing changes."""
    order, _ = staff_order(turn, int_arg(turn))
    options = [turn.option("m_mark_ready", f"mrdy:{order.id}")] if order.status != "ready" else []
    return [turn.reply("m_not_handed", [*options, *turn.nav("mshop")], number=order.number)]


def ask_code(turn: Turn) -> list[Reply]:
    """`mremise`: type the customer's 6-character code."""
    require_shop(turn)
    turn.expect("m_code")
    return [turn.reply("m_code_ask", turn.nav("mshop"))]


def typed_code(turn: Turn) -> list[Reply]:
    """The typed pickup code: the order of one of this merchant's shops, or try again."""
    require_shop(turn)
    code = re.sub(r"[\s\-]", "", turn.text).upper()
    shop_ids = [s.id for s in shops_of(session=turn.session, user_id=turn.user.id)]  # type: ignore[arg-type]
    order = (
        order_by_code(session=turn.session, shop_ids=shop_ids, code=code)
        if len(code) == 6
        else None
    )  # type: ignore[arg-type]
    if order is None:
        turn.expect("m_code")
        return [turn.reply("m_code_unknown", turn.nav("mshop"), code=code[:12])]
    shop = turn.session.get(Shop, order.shop_id)
    assert shop is not None
    return card(turn, order, shop)
