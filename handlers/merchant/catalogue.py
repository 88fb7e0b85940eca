"""Managing published items: list, change, hide or show, delete (orders keep their snapshot)."""

from handlers.common.rights import int_arg, require_shop, staff_item
from handlers.core import Option, Reply, Stale
from handlers.merchant.items import MAX_PHOTOS, card, value_problem
from handlers.turn import Turn
from store import audit
from store.models import Item
from store.parsing.caption import is_unlimited, parse_price, parse_stock
from store.shops import shop_items

PAGE = 8
EDITABLE = ("price", "stock", "name", "desc", "photos")


def items(turn: Turn) -> list[Reply]:
    """`mitems:<page>`: the shop's items, a page at a time."""
    turn.expect(None)
    shop = require_shop(turn)
    page = int_arg(turn) if turn.args else 0
    found = shop_items(session=turn.session, shop_id=shop.id, limit=PAGE + 1, offset=page * PAGE)  # type: ignore[arg-type]
    options = [Option(_line(turn, item), f"mitem:{item.id}") for item in found[:PAGE]]
    if len(found) > PAGE:
        options.append(turn.option("nav_more", f"mitems:{page + 1}"))
    if page:
        options.append(turn.option("nav_prev", f"mitems:{page - 1}"))
    key = "m_items" if found else "m_items_none"
    return [turn.reply(key, [*options, *turn.nav("mshop")], shop=shop.name)]


def _line(turn: Turn, item: Item) -> str:
    stock = "∞" if item.stock is None else str(item.stock)
    hidden = f" · {turn.t('m_hidden')}" if item.hidden else ""
    return f"{item.name[:40]} · {turn.money(item.price_cents)} · {stock}{hidden}"


def item(turn: Turn) -> list[Reply]:
    """`mitem:<id>`: one item with everything the merchant can change."""
    turn.expect(None)
    found, shop = staff_item(turn, int_arg(turn))
    text, photo = card(turn, found, shop)
    if found.hidden:
        text += "\n" + turn.t("m_item_hidden_note")
    n = found.id
    options = (
        turn.option("m_change_price", f"mie:{n}:price"),
        turn.option("m_change_stock", f"mie:{n}:stock"),
        turn.option("m_change_name", f"mie:{n}:name"),
        turn.option("m_change_desc", f"mie:{n}:desc"),
        turn.option("m_change_photos", f"mie:{n}:photos"),
        turn.option("m_show" if found.hidden else "m_hide", f"mhide:{n}"),
        turn.option("m_delete", f"mdel:{n}"),
        *turn.nav("mitems:0"),
    )
    return [Reply(text, photo=photo, options=options)]


def ask(turn: Turn) -> list[Reply]:
    """`mie:<id>:<field>`: ask for the new value."""
    found, _ = staff_item(turn, int_arg(turn))
    field = turn.args[1] if len(turn.args) > 1 else ""
    if field not in EDITABLE:
        raise Stale(field)
    expect = {"photos": "mi_photos", "price": "mi_num", "stock": "mi_num"}.get(field, "mi_text")
    turn.expect(expect, mi=found.id, mf=field)
    return [
        turn.reply(
            f"m_ask_{field}", [turn.option("nav_back", f"mitem:{found.id}")], name=found.name
        )
    ]


def typed(turn: Turn) -> list[Reply]:
    """The new value of the field being changed; price and stock go to the audit trail."""
    item_id, field = turn.data.get("mi"), turn.data.get("mf", "")
    if not isinstance(item_id, int) or field not in EDITABLE:
        raise Stale("no item being changed")
    found, shop = staff_item(turn, item_id)
    if field == "photos":
        return [turn.reply("m_bad_photo"), *ask_again(turn, found, field)]
    text = (turn.incoming.text or "").strip()
    problem = value_problem(field, text)
    if problem:
        return [turn.reply(problem, limit=120), *ask_again(turn, found, field)]
    if field in ("price", "stock"):
        _change_audited(turn, found, shop.id, field, text)  # type: ignore[arg-type]
    elif field == "name":
        found.name = text
    else:
        found.description = text
    found.updated_at = turn.now()
    turn.args = [str(found.id)]
    return [turn.reply("m_item_saved"), *item(turn)]


def _change_audited(turn: Turn, found: Item, shop_id: int, field: str, text: str) -> None:
    """Set the price or the stock, and keep who changed it from what to what."""
    if field == "price":
        before, after = found.price_cents, parse_price(text)
        found.price_cents = after  # type: ignore[assignment]
    else:
        before, after = found.stock, None if is_unlimited(text) else parse_stock(text)
        found.stock = after
    audit.record(
        session=turn.session,
        user_id=turn.user.id,  # type: ignore[arg-type]
        shop_id=shop_id,
        entity="item",
        entity_id=found.id,  # type: ignore[arg-type]
        field=field,
        before=before,
        after=after,
        at=turn.now(),
    )


def ask_again(turn: Turn, found: Item, field: str) -> list[Reply]:
    turn.args = [str(found.id), field]
    return ask(turn)


def new_photos(turn: Turn) -> list[Reply]:
    """Photos sent while changing an item's photos: they replace the old ones."""
    item_id = turn.data.get("mi")
    if not isinstance(item_id, int):
        raise Stale("no item being changed")
    found, _ = staff_item(turn, item_id)
    found.photos = list(turn.incoming.photos[:MAX_PHOTOS])
    found.updated_at = turn.now()
    turn.args = [str(found.id)]
    return [turn.reply("m_item_saved"), *item(turn)]


def hide(turn: Turn) -> list[Reply]:
    """`mhide:<id>`: hide the item from customers, or show it again."""
    found, _ = staff_item(turn, int_arg(turn))
    found.hidden = not found.hidden
    found.updated_at = turn.now()
    return [turn.reply("m_item_hidden" if found.hidden else "m_item_shown"), *item(turn)]


def delete(turn: Turn) -> list[Reply]:
    """`mdel:<id>`: ask before deleting."""
    found, _ = staff_item(turn, int_arg(turn))
    options = [
        turn.option("m_delete_yes", f"mdelok:{found.id}"),
        turn.option("nav_back", f"mitem:{found.id}"),
    ]
    return [turn.reply("m_delete_ask", options, name=found.name)]


def delete_confirmed(turn: Turn) -> list[Reply]:
    """`mdelok:<id>`: the item leaves the catalogue; past orders keep their copy of it."""
    found, _ = staff_item(turn, int_arg(turn))
    found.deleted = True
    found.updated_at = turn.now()
    turn.args = ["0"]
    return [turn.reply("m_item_deleted", name=found.name), *items(turn)]
