"""The "Ma boutique" menu: where a merchant finds items, orders, pickups and settings."""

from handlers.common import actions as a
from handlers.common.readiness import missing_text
from handlers.common.rights import require_shop, role_in, staff_shop
from handlers.core import Option, Reply
from handlers.turn import Turn
from handlers.visits.live import visit_options
from store.orders import shop_orders
from store.shops import shops_of
from store.statuses import OrderStatus
from store.types import persisted


def menu(turn: Turn) -> list[Reply]:
    """`mshop`: the current shop's menu."""
    turn.expect(None)
    shop = require_shop(turn)
    shop_id = persisted(shop.id)
    turn.remember(mshop=shop_id)
    waiting = frozenset({OrderStatus.PENDING})
    pending = shop_orders(session=turn.session, shop_id=shop_id, statuses=waiting)
    options = [
        *visit_options(turn, shop_id),  # the visit on now, or the next one planned
        turn.option("m_menu_orders", a.M_PENDING.pack(), count=len(pending)),
        turn.option("m_menu_today", a.M_TODAY.pack()),
        turn.option("m_menu_handover", a.M_HANDOVER.pack()),
        turn.option("m_menu_items", a.M_ITEMS.pack(0)),
        turn.option("m_menu_settings", a.M_SETTINGS.pack()),
    ]
    text = turn.t("m_menu", shop=shop.name)
    todo = missing_text(turn.lang, shop)
    if todo:  # what customers would notice missing, one tap to add it
        text += "\n\n" + turn.t("m_menu_missing", missing=todo)
        options.insert(len(options) - 1, turn.option("m_complete", a.M_COMPLETE.pack()))
    if role_in(turn, shop_id) == "owner":
        options.append(turn.option("m_menu_payments", a.M_PAYMENTS.pack()))
        options.append(turn.option("m_menu_invite", a.M_INVITE.pack()))
    if len(shops_of(session=turn.session, user_id=turn.user_id)) > 1:
        options.append(turn.option("m_menu_switch", a.M_SHOPS.pack()))
    options.extend(turn.nav())
    return [Reply(text, options=tuple(options), replace=True)]


def shops(turn: Turn) -> list[Reply]:
    """`mshops`: choose which of one's shops to run."""
    mine = shops_of(session=turn.session, user_id=turn.user_id)
    if not mine:
        require_shop(turn)
    options = [Option(shop.name, a.M_SWITCH.pack(persisted(shop.id))) for shop in mine]
    return [turn.reply("m_switch_ask", [*options, *turn.nav()])]


def switch(turn: Turn) -> list[Reply]:
    """`mswitch:<shop_id>`: run that shop from now on."""
    shop = staff_shop(turn, a.M_SWITCH.args(turn).shop)
    turn.remember(mshop=shop.id)
    return menu(turn)
