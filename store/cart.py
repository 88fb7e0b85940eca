"""The customer's cart: one line per item, quantities checked against stock."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, delete, insert
from sqlmodel import Session, col, select

from store.models import CartLine, Item, Shop
from store.types import UTCDateTime, utcnow

MAX_QUANTITY = 99
_READ = "cart_lines"  # session.info: the lines read in this transaction, by (user, shop)
_UNREAD: Any = object()  # set_quantity's `line` when the caller has not read it


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


# Statements built once, run with parameters: building one costs more than running it.
_ITEM_AND_SHOP = (
    select(Item, Shop)
    .join(Shop, col(Shop.id) == Item.shop_id)
    .where(Item.id == bindparam("item_id"))
)
_LINE_OF = select(CartLine).where(
    CartLine.user_id == bindparam("user_id"), CartLine.item_id == bindparam("item_id")
)
_QUANTITY_OF = select(CartLine.quantity).where(
    CartLine.user_id == bindparam("user_id"), CartLine.item_id == bindparam("item_id")
)
_NEW_LINE = insert(CartLine).values(
    user_id=bindparam("user_id"),
    item_id=bindparam("item_id"),
    quantity=bindparam("quantity"),
    added_at=bindparam("at", type_=UTCDateTime()),
)
_CLEAR_SHOP = delete(CartLine).where(
    col(CartLine.user_id) == bindparam("user_id"),
    col(CartLine.item_id).in_(select(Item.id).where(Item.shop_id == bindparam("shop_id"))),
)


def item_and_shop(*, session: Session, item_id: int) -> tuple[Item, Shop] | None:
    """An item and its shop, in one query."""
    row = session.exec(_ITEM_AND_SHOP, params={"item_id": item_id}).first()
    return (row[0], row[1]) if row else None


# Built once: a checkout step reads the cart's lines every time.
_LINES = (
    select(CartLine, Item, Shop)
    .join(Item, col(Item.id) == CartLine.item_id)
    .join(Shop, col(Shop.id) == Item.shop_id)
    .where(CartLine.user_id == bindparam("user_id"))
    .order_by(col(Shop.name), col(CartLine.id))
)
_SHOP_LINES = _LINES.where(Shop.id == bindparam("shop_id"))


def lines(*, session: Session, user_id: int, shop_id: int | None = None) -> list[Line]:
    """The cart, grouped by shop (shop name, then the order items were added).

    Read once a transaction: a checkout step asks several times, and every change to the
    cart goes through this module, which forgets what it read.
    """
    read: dict[tuple[int, int | None], list[Line]] = session.info.setdefault(_READ, {})
    key = (user_id, shop_id)
    if key in read:
        return list(read[key])
    query = _SHOP_LINES if shop_id is not None else _LINES
    rows = session.exec(query, params={"user_id": user_id, "shop_id": shop_id})
    found = [Line(item, shop, line.quantity) for line, item, shop in rows]
    read[key] = found
    return list(found)


def _changed(session: Session) -> None:
    session.info.pop(_READ, None)


def line_of(*, session: Session, user_id: int, item_id: int) -> CartLine | None:
    """The cart's line for an item, if any (hand it to `set_quantity`)."""
    return session.exec(_LINE_OF, params={"user_id": user_id, "item_id": item_id}).first()


def quantity_of(*, session: Session, user_id: int, item_id: int) -> int:
    params = {"user_id": user_id, "item_id": item_id}
    return session.exec(_QUANTITY_OF, params=params).first() or 0


def set_quantity(
    *, session: Session, user_id: int, item_id: int, quantity: int, line: Any = _UNREAD
) -> None:
    """Put `quantity` of an item in the cart; 0 removes the line. `line`: the item's line
    as `line_of` just read it (None: there is none), to spare reading it again."""
    _changed(session)
    if line is _UNREAD:
        line = line_of(session=session, user_id=user_id, item_id=item_id)
    if quantity <= 0:
        if line is not None:
            session.delete(line)
        return
    if line is None:  # (a new line: no ORM object to build and flush, one INSERT)
        values = {"user_id": user_id, "item_id": item_id, "quantity": quantity, "at": utcnow()}
        session.connection().execute(_NEW_LINE, values)
    else:
        line.quantity = quantity
        session.add(line)


def clear_shop(*, session: Session, user_id: int, shop_id: int) -> None:
    """Remove the lines of one shop (after its order is placed), in one statement."""
    _changed(session)
    session.execute(
        _CLEAR_SHOP,
        {"user_id": user_id, "shop_id": shop_id},
        execution_options={"synchronize_session": "fetch"},
    )
