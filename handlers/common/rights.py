"""Who may act for a shop: every staff check, refused the same way (logged, then stale)."""

from handlers.common.args import refuse
from handlers.turn import Turn
from store.models import Item, Order, Shop
from store.shops import shops_of, staff_role


def runs_a_shop(turn: Turn) -> bool:
    """Is this person staff of any shop?"""
    return turn.is_staff


def role_in(turn: Turn, shop_id: int) -> str | None:
    """owner | staff in that shop, else None."""
    return staff_role(session=turn.session, shop_id=shop_id, user_id=turn.user_id)


def is_staff_of(turn: Turn, shop_id: int) -> bool:
    """Does this person work in that shop?"""
    return role_in(turn, shop_id) is not None


def staff_shop(turn: Turn, shop_id: int, *, owner: bool = False) -> Shop:
    """The shop, when this user works there (as its owner if `owner`); else refused."""
    role = role_in(turn, shop_id)
    shop = turn.session.get(Shop, shop_id)
    if shop is None or role is None or (owner and role != "owner"):
        raise refuse(turn, f"not {'owner' if owner else 'staff'} of shop {shop_id}")
    return shop


def current_shop(turn: Turn) -> Shop | None:
    """The shop this merchant is running now (the one chosen last, else their first)."""
    shops = shops_of(session=turn.session, user_id=turn.user_id)
    chosen = turn.data.get("mshop")
    for shop in shops:
        if shop.id == chosen:
            return shop
    return shops[0] if shops else None


def require_shop(turn: Turn) -> Shop:
    """The current shop, or refused for someone who runs none."""
    shop = current_shop(turn)
    if shop is None:
        raise refuse(turn, "not staff of any shop")
    return shop


def staff_item(turn: Turn, item_id: int) -> tuple[Item, Shop]:
    """An item (not deleted) of a shop this user works in; else refused."""
    item = turn.session.get(Item, item_id)
    if item is None or item.deleted:
        raise refuse(turn, f"no item {item_id}")
    return item, staff_shop(turn, item.shop_id)


def staff_order(turn: Turn, order_id: int) -> tuple[Order, Shop]:
    """An order of a shop this user works in; else refused."""
    order = turn.session.get(Order, order_id)
    if order is None:
        raise refuse(turn, f"no order {order_id}")
    return order, staff_shop(turn, order.shop_id)
