"""Handing an order over at the counter: the customer's QR link, or the 6-character code typed.

Only staff of the order's shop learn anything: anyone else gets the unknown-link answer.
"""

import re

from handlers import i18n
from handlers.common import actions as a
from handlers.common.cards import staff_order_text
from handlers.common.menus import home_options
from handlers.common.rights import require_shop, role_in, runs_a_shop, staff_order
from handlers.core import Reply
from handlers.turn import Turn
from store.models import Order, Shop
from store.orders import move_order, order_by_code, order_by_token
from store.shops import staff_shop_ids
from store.statuses import COLLECTABLE, OrderStatus
from store.types import persisted

PICKUP_WORDS = ("pickup", "retrait")
CODE = "m_code"  # awaited: the customer's code, typed by the shop


def link(turn: Turn) -> list[Reply]:
    """`/start pickup-<token>`: the merchant scanned the customer's QR code."""
    token = turn.args[0] if turn.args else ""
    order = order_by_token(session=turn.session, token=token)
    shop = turn.session.get(Shop, order.shop_id) if order else None
    if order is None or shop is None or role_in(turn, order.shop_id) is None:
        return [turn.reply("m_pickup_unknown", home_options(turn))]
    return card(turn, order, shop)


def pickup_words(turn: Turn) -> list[Reply] | None:
    """Typed "retrait <token>" (what a WhatsApp deep link types), else not mine."""
    word, _, rest = turn.text.partition(" ")
    if word.lower() in PICKUP_WORDS and rest.strip() and " " not in rest.strip():
        turn.args = [rest.strip()]
        return link(turn)
    return None


def card(turn: Turn, order: Order, shop: Shop) -> list[Reply]:
    """The order at the counter: hand it over, or not yet."""
    turn.expect(None)
    order_id = persisted(order.id)
    text = staff_order_text(turn, order, shop)
    back = turn.nav(a.M_MENU.pack())
    if order.status == OrderStatus.COLLECTED and order.collected_at:
        tz = turn.tz
        when = i18n.day(order.collected_at, turn.lang, tz)
        at = i18n.clock(order.collected_at, turn.lang, tz)
        return [turn.reply("m_pickup_already", back, day=when, time=at), Reply(text)]
    if order.status not in COLLECTABLE:
        pending = order.status == OrderStatus.PENDING
        note = "m_pickup_pending" if pending else "m_pickup_closed"
        options = [turn.option("m_accept", a.M_ACCEPT.pack(order_id))] if pending else []
        return [Reply(text), turn.reply(note, [*options, *back])]
    options = [
        turn.option("m_hand_over", a.M_HAND_OVER.pack(order_id)),
        turn.option("m_not_ready", a.M_NOT_READY.pack(order_id)),
    ]
    return [Reply(turn.t("m_pickup_card", text=text), options=tuple(options))]


def hand_over(turn: Turn) -> list[Reply]:
    """`mhand:<id>`: the customer has their order; it can't be collected twice."""
    order, shop = staff_order(turn, a.M_HAND_OVER.args(turn).order)
    moved = move_order(
        session=turn.session,
        order=order,
        to=OrderStatus.COLLECTED,
        now=turn.now(),
        only_from=COLLECTABLE,
    )
    if not moved:
        return card(turn, order, shop)
    options = [turn.option("m_menu_handover", a.M_HANDOVER.pack()), *turn.nav(a.M_MENU.pack())]
    return [turn.reply("m_handed_over", options, number=order.number)]


def not_ready(turn: Turn) -> list[Reply]:
    """`mnrdy:<id>`: not handed over; nothing changes."""
    order, _ = staff_order(turn, a.M_NOT_READY.args(turn).order)
    ready = turn.option("m_mark_ready", a.M_READY.pack(persisted(order.id)))
    options = [ready] if order.status != OrderStatus.READY else []
    back = turn.nav(a.M_MENU.pack())
    return [turn.reply("m_not_handed", [*options, *back], number=order.number)]


def ask_code(turn: Turn) -> list[Reply]:
    """`mremise`: type the customer's 6-character code."""
    require_shop(turn)
    turn.expect(CODE)
    return [turn.reply("m_code_ask", turn.nav(a.M_MENU.pack()))]


def _code(text: str) -> str:
    return re.sub(r"[\s\-]", "", text).upper()


def _order_of_code(turn: Turn, code: str) -> Order | None:
    if len(code) != 6:
        return None
    shop_ids = staff_shop_ids(session=turn.session, user_id=turn.user_id)
    return order_by_code(session=turn.session, shop_ids=shop_ids, code=code)


def typed_code(turn: Turn) -> list[Reply]:
    """The typed pickup code: the order of one of this merchant's shops, or try again."""
    require_shop(turn)
    code = _code(turn.text)
    order = _order_of_code(turn, code)
    shop = turn.session.get(Shop, order.shop_id) if order else None
    if order is None or shop is None:
        turn.expect(CODE)
        return [turn.reply("m_code_unknown", turn.nav(a.M_MENU.pack()), code=code[:12])]
    return card(turn, order, shop)


def counter_code(turn: Turn) -> list[Reply] | None:
    """At the counter the customer reads out "8UNAP3": staff typing one 6-character word
    (with a digit, or one of their orders' codes) open the order; else not mine."""
    code = _code(turn.text)
    if not re.fullmatch(r"[A-Z0-9]{6}", code) or not runs_a_shop(turn):
        return None
    if any(c.isdigit() for c in code) or _order_of_code(turn, code) is not None:
        return typed_code(turn)
    return None
