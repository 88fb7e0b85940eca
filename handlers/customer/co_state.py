"""A checkout's answers so far (`turn.data["co"]`), the shop and the cart lines they are for."""

from typing import Any

from handlers.core import Stale
from handlers.turn import Turn
from store import cart
from store.models import Shop
from store.types import persisted


def shop_of(turn: Turn, shop_id: int) -> Shop:
    """The shop an action names, if it is in this town; anything else is stale."""
    shop = turn.session.get(Shop, shop_id)
    if shop is None or shop.town_id != turn.town.id:
        raise Stale(shop_id)
    return shop


def answers(turn: Turn, shop: Shop) -> dict[str, Any]:
    """This shop's checkout answers so far (a button of another checkout is stale)."""
    co = turn.data.get("co") or {}
    if co.get("shop") != shop.id:
        raise Stale(f"co:{shop.id}")
    return dict(co)


def save(turn: Turn, co: dict[str, Any]) -> None:
    turn.remember(co=co)


def lines(turn: Turn, shop: Shop) -> list[cart.Line]:
    return cart.lines(session=turn.session, user_id=turn.user_id, shop_id=persisted(shop.id))


def with_notice(notice: str, text: str) -> str:
    return f"{notice}\n\n{text}" if notice else text
