"""The home menu every screen leads back to."""

from handlers.common import actions as a
from handlers.core import Option
from handlers.turn import Turn
from store.towns import count_towns


def home_options(turn: Turn) -> tuple[Option, ...]:
    """Shop staff run their shop from here; customers never see the entry."""
    merchant = (turn.option("menu_my_shop", a.M_MENU.pack()),) if turn.is_staff else ()
    several = count_towns(session=turn.session) > 1  # one town: nothing to switch to
    towns = (turn.option("menu_town", a.TOWNS.pack(0), town=turn.town.name),) if several else ()
    return (
        *merchant,
        turn.option("menu_shops", a.CATEGORIES.pack()),
        turn.option("menu_search", a.SEARCH.pack()),
        turn.option("menu_cart", a.CART.pack()),
        turn.option("menu_orders", a.ORDERS.pack()),
        turn.option("menu_help", a.HELP.pack()),
        turn.option("menu_language", a.LANGUAGES.pack()),
        turn.option("menu_live", a.V_LIVE.pack()),
        *towns,
    )
