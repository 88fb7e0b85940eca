"""The customer's cart: one line per item, quantities checked against stock."""

from dataclasses import dataclass

from sqlmodel import Session, col, select

from store.models import CartLine, Item, Shop
from store.types import persisted

MAX_QUANTITY = 99


@dataclass(frozen=True)
class Line:
    item: Item
    shop: Shop
    quantity: int

    @property
    def total_cents(self) -> int:
        return self.item.price_cents * self.quantity


def orderable(item: Item | None, shop: Shop | None) -> bool:
    """Can a customer put this item in a cart at all (stock aside)?"""
    return bool(item and shop and not item.hidden and not item.deleted and shop.active)


def lines(*, session: Session, user_id: int, shop_id: int | None = None) -> list[Line]:
    """The cart, grouped by shop (shop name, then the order items were added)."""
    query = (
        select(CartLine, Item, Shop)
        .join(Item, col(Item.id) == CartLine.item_id)
        .join(Shop, col(Shop.id) == Item.shop_id)
        .where(CartLine.user_id == user_id)
        .order_by(col(Shop.name), col(CartLine.id))
    )
    if shop_id is not None:
        query = query.where(Shop.id == shop_id)
    return [Line(item, shop, line.quantity) for line, item, shop in session.exec(query)]


def quantity_of(*, session: Session, user_id: int, item_id: int) -> int:
    query = select(CartLine.quantity).where(
        CartLine.user_id == user_id, CartLine.item_id == item_id
    )
    return session.exec(query).first() or 0


def set_quantity(*, session: Session, user_id: int, item_id: int, quantity: int) -> None:
    """Put `quantity` of an item in the cart; 0 removes the line."""
    line = session.exec(
        select(CartLine).where(CartLine.user_id == user_id, CartLine.item_id == item_id)
    ).first()
    if quantity <= 0:
        if line is not None:
            session.delete(line)
        return
    if line is None:
        session.add(CartLine(user_id=user_id, item_id=item_id, quantity=quantity))
    else:
        line.quantity = quantity
        session.add(line)


def clear_shop(*, session: Session, user_id: int, shop_id: int) -> None:
    """Remove the lines of one shop (after its order is placed)."""
    for line in lines(session=session, user_id=user_id, shop_id=shop_id):
        item_id = persisted(line.item.id)
        set_quantity(session=session, user_id=user_id, item_id=item_id, quantity=0)
