"""The "Ma boutique" menu: where a merchant finds items, orders, pickups and settings."""

from handlers.common.rights import int_arg, require_shop, role_in, staff_shop
from handlers.core import Option, Reply
from handlers.turn import Turn
from handlers.visits.live import visit_options
from store.shops import shop_orders, shops_of


def menu(turn: Turn) -> list[Reply]:
    """`mshop`: the current shop's menu."""
    turn.expect(None)
    shop = require_shop(turn)
    turn.remember(mshop=shop.id)
    pending = shop_orders(session=turn.session, shop_id=shop.id, statuses=("pending",))  # type: ignore[arg-type]
    options = [
        turn.option("m_menu_orders", "mpending", count=len(pending)),
        turn.option("m_menu_today", "mtoday"),
        turn.option("m_menu_handover", "mremise"),
        turn.option("m_menu_items", "mitems:0"),
        turn.option("m_menu_settings", "msettings"),
    ]
    options[:0] = visit_options(turn, shop.id)  # live visits (issue 7): the visit on or planned
    if role_in(turn, shop.id) == "owner":  # type: ignore[arg-type]
        options.append(turn.option("m_menu_invite", "minvite"))
    if len(shops_of(session=turn.session, user_id=turn.user.id)) > 1:  # type: ignore[arg-type]
        options.append(turn.option("m_menu_switch", "mshops"))
    options.extend(turn.nav())
    return [Reply(turn.t("m_menu", shop=shop.name), options=tuple(options), replace=True)]


def shops(turn: Turn) -> list[Reply]:
    """`mshops`: choose which of one's shops to run."""
    mine = shops_of(session=turn.session, user_id=turn.user.id)  # type: ignore[arg-type]
    if not mine:
        require_shop(turn)
    options = [Option(shop.name, f"mswitch:{shop.id}") for shop in mine]
    return [turn.reply("m_switch_ask", [*options, *turn.nav()])]


def switch(turn: Turn) -> list[Reply]:
    """`mswitch:<shop_id>`: run that shop from now on."""
    shop = staff_shop(turn, int_arg(turn))
    turn.remember(mshop=shop.id)
    return menu(turn)
