"""The cart: add items, change quantities, remove, totals per shop."""

from itertools import groupby

from handlers.common import actions as a
from handlers.core import Option, Reply, Stale
from handlers.turn import Turn
from store import cart
from store.models import Item, Shop
from store.types import persisted

QUANTITY = "cart_qty"  # awaiting a typed quantity for data["qty_item"]


def _item(turn: Turn, item_id: int) -> tuple[Item, Shop]:
    """The item an action names, if it exists in this town; anything else is stale."""
    found = cart.item_and_shop(session=turn.session, item_id=item_id)
    if found is None or found[1].town_id != turn.town.id:
        raise Stale(item_id)
    return found


def _room(item: Item) -> int:
    """How many of the item one cart may hold."""
    return cart.MAX_QUANTITY if item.stock is None else min(item.stock, cart.MAX_QUANTITY)


def add(turn: Turn) -> list[Reply]:
    """`add:<item_id>`: one more in the cart, with a confirmation."""
    item, shop = _item(turn, a.ADD.args(turn).item)
    turn.expect(None)
    if not cart.orderable(item, shop):
        return [turn.reply("cart_unavailable", _after_options(turn, shop), name=item.name)]
    if item.stock == 0:
        return [turn.reply("cart_sold_out", _after_options(turn, shop), name=item.name)]
    item_id = persisted(item.id)
    line = cart.line_of(session=turn.session, user_id=turn.user_id, item_id=item_id)
    held = line.quantity if line else 0
    if held + 1 > _room(item):
        text = turn.t("cart_stock_limit", count=_room(item), name=item.name)
        return [Reply(text, options=tuple(_after_options(turn, shop)))]
    cart.set_quantity(
        session=turn.session, user_id=turn.user_id, item_id=item_id, quantity=held + 1, line=line
    )
    options = [
        turn.option("cart_change_qty", a.QUANTITY.pack(item_id)),
        *_after_options(turn, shop),
    ]
    return [turn.reply("cart_added", options, name=item.name, quantity=held + 1)]


def _after_options(turn: Turn, shop: Shop) -> list[Option]:
    return [
        turn.option("cart_view", a.CART.pack()),
        turn.option("cart_checkout_shop", a.CO_START.pack(persisted(shop.id)), shop=shop.name),
        turn.option("cart_keep_shopping", a.SHOP.pack(persisted(shop.id))),
        *turn.nav(),
    ]


def ask_quantity(turn: Turn, item: Item) -> list[Reply]:
    """Offer quantities as options and accept a typed number."""
    item_id = persisted(item.id)
    turn.expect(QUANTITY, qty_item=item_id)
    held = cart.quantity_of(session=turn.session, user_id=turn.user_id, item_id=item_id)
    choices = [n for n in range(1, 6) if n <= _room(item)]
    options = [Option(str(n), a.QUANTITY.pack(item_id, n)) for n in choices]
    options += [turn.option("cart_remove", a.REMOVE.pack(item_id)), *turn.nav(a.CART.pack())]
    return [turn.reply("cart_qty_ask", options, name=item.name, quantity=held)]


def change(turn: Turn) -> list[Reply]:
    """`cq:<item_id>[:<n>]`: ask for a quantity, or set it."""
    item_id, quantity = a.QUANTITY.args(turn)
    item, shop = _item(turn, item_id)
    if quantity is None:
        return ask_quantity(turn, item)
    return _set(turn, item, shop, quantity)


def typed_quantity(turn: Turn) -> list[Reply]:
    """A typed quantity for the item being changed."""
    item_id = turn.data.get("qty_item")
    if not isinstance(item_id, int):
        raise Stale("no quantity asked")
    item, shop = _item(turn, item_id)
    text = turn.text.strip()
    if not text.isdigit() or len(text) > 3:
        return [turn.reply("cart_qty_not_number"), *ask_quantity(turn, item)]
    return _set(turn, item, shop, int(text))


def _set(turn: Turn, item: Item, shop: Shop, quantity: int) -> list[Reply]:
    if quantity > _room(item):
        if item.stock is not None and quantity > item.stock:
            notice = turn.t("cart_qty_over_stock", count=item.stock, name=item.name)
        else:
            notice = turn.t("cart_qty_too_many", count=cart.MAX_QUANTITY)
        return [Reply(notice), *ask_quantity(turn, item)]
    if quantity > 0 and not cart.orderable(item, shop):
        return [turn.reply("cart_unavailable", name=item.name), *show(turn)]
    cart.set_quantity(
        session=turn.session, user_id=turn.user_id, item_id=persisted(item.id), quantity=quantity
    )
    turn.expect(None)
    key = "cart_removed" if quantity == 0 else "cart_qty_set"
    return [turn.reply(key, name=item.name, quantity=quantity), *show(turn)]


def remove(turn: Turn) -> list[Reply]:
    """`rm:<item_id>`: take the line out of the cart."""
    item, shop = _item(turn, a.REMOVE.args(turn).item)
    return _set(turn, item, shop, 0)


def show(turn: Turn) -> list[Reply]:
    """The cart, grouped by shop, with totals and one checkout per shop."""
    turn.expect(None)
    lines = cart.lines(session=turn.session, user_id=turn.user_id)
    if not lines:
        options = [
            turn.option("menu_shops", a.CATEGORIES.pack()),
            turn.option("menu_search", a.SEARCH.pack()),
        ]
        return [turn.reply("cart_empty", [*options, *turn.nav()])]
    blocks, edits, checkouts = [], [], []
    for shop, group in groupby(lines, key=lambda line: line.shop.id):
        shop_lines = list(group)
        shop_obj = shop_lines[0].shop
        rows = [
            turn.t(
                "cart_line",
                quantity=ln.quantity,
                name=ln.item.name,
                total=turn.money(ln.total_cents),
            )
            for ln in shop_lines
        ]
        subtotal = sum(ln.total_cents for ln in shop_lines)
        rows.append(turn.t("cart_shop_total", total=turn.money(subtotal)))
        blocks.append(f"🏪 {shop_obj.name}\n" + "\n".join(rows))
        edits += [
            Option(f"✏️ {ln.item.name}", a.QUANTITY.pack(persisted(ln.item.id))) for ln in shop_lines
        ]
        checkouts.append(
            turn.option("cart_checkout_shop", a.CO_START.pack(shop), shop=shop_obj.name)
        )
    total = turn.money(sum(ln.total_cents for ln in lines))
    text = turn.t("cart_title") + "\n\n" + "\n\n".join(blocks)
    if len(checkouts) > 1:
        text += (
            "\n\n" + turn.t("cart_total", total=total) + "\n" + turn.t("cart_one_order_per_shop")
        )
    return [Reply(text, options=tuple([*checkouts, *edits, *turn.nav()]), replace=True)]
