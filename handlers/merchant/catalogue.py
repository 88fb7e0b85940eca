"""Managing published items: list, change, hide or show, delete (orders keep their snapshot)."""

from handlers.common import actions as a
from handlers.common.rights import require_shop, staff_item
from handlers.core import Option, Reply, Stale
from handlers.merchant.items import MAX_PHOTOS, card, value_problem
from handlers.turn import Turn
from store import audit
from store.models import Item
from store.parsing.caption import is_unlimited, parse_price, parse_stock
from store.shops import shop_items
from store.types import persisted

PAGE = 8
EDITABLE = ("price", "stock", "name", "desc", "photos")
# Awaited: an item's new text, number or photos (the item in data["mi"], the field in "mf").
TEXT, NUMBER, PHOTOS = "mi_text", "mi_num", "mi_photos"


def items(turn: Turn) -> list[Reply]:
    """`mitems:<page>`: the shop's items, a page at a time."""
    turn.expect(None)
    shop = require_shop(turn)
    page = a.M_ITEMS.args(turn).page
    found = shop_items(
        session=turn.session, shop_id=persisted(shop.id), limit=PAGE + 1, offset=page * PAGE
    )
    options = [Option(_line(turn, i), a.M_ITEM.pack(persisted(i.id))) for i in found[:PAGE]]
    if len(found) > PAGE:
        options.append(turn.option("nav_more", a.M_ITEMS.pack(page + 1)))
    if page:
        options.append(turn.option("nav_prev", a.M_ITEMS.pack(page - 1)))
    key = "m_items" if found else "m_items_none"
    return [turn.reply(key, [*options, *turn.nav(a.M_MENU.pack())], shop=shop.name)]


def _line(turn: Turn, item: Item) -> str:
    stock = "∞" if item.stock is None else str(item.stock)
    hidden = f" · {turn.t('m_hidden')}" if item.hidden else ""
    return f"{item.name[:40]} · {turn.money(item.price_cents)} · {stock}{hidden}"


def item(turn: Turn) -> list[Reply]:
    """`mitem:<id>`: one item with everything the merchant can change."""
    return _card(turn, a.M_ITEM.args(turn).item)


def _card(turn: Turn, item_id: int) -> list[Reply]:
    turn.expect(None)
    found, shop = staff_item(turn, item_id)
    text, photo = card(turn, found, shop)
    if found.hidden:
        text += "\n" + turn.t("m_item_hidden_note")
    n = persisted(found.id)
    options = (
        turn.option("m_change_price", a.M_ITEM_EDIT.pack(n, "price")),
        turn.option("m_change_stock", a.M_ITEM_EDIT.pack(n, "stock")),
        turn.option("m_change_name", a.M_ITEM_EDIT.pack(n, "name")),
        turn.option("m_change_desc", a.M_ITEM_EDIT.pack(n, "desc")),
        turn.option("m_change_photos", a.M_ITEM_EDIT.pack(n, "photos")),
        turn.option("m_show" if found.hidden else "m_hide", a.M_HIDE.pack(n)),
        turn.option("m_delete", a.M_DELETE.pack(n)),
        *turn.nav(a.M_ITEMS.pack(0)),
    )
    return [Reply(text, photo=photo, options=options)]


def ask(turn: Turn) -> list[Reply]:
    """`mie:<id>:<field>`: ask for the new value."""
    item_id, field = a.M_ITEM_EDIT.args(turn)
    return _ask(turn, item_id, field)


def _ask(turn: Turn, item_id: int, field: str) -> list[Reply]:
    found, _ = staff_item(turn, item_id)
    if field not in EDITABLE:
        raise Stale(field)
    expect = {"photos": PHOTOS, "price": NUMBER, "stock": NUMBER}.get(field, TEXT)
    turn.expect(expect, mi=item_id, mf=field)
    back = turn.option("nav_back", a.M_ITEM.pack(item_id))
    return [turn.reply(f"m_ask_{field}", [back], name=found.name)]


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
        _change_audited(turn, found, persisted(shop.id), field, text)
    elif field == "name":
        found.name = text
    else:
        found.description = text
    found.updated_at = turn.now()
    return [turn.reply("m_item_saved"), *_card(turn, item_id)]


def _change_audited(turn: Turn, found: Item, shop_id: int, field: str, text: str) -> None:
    """Set the price or the stock, and keep who changed it from what to what."""
    before: int | None
    after: int | None
    if field == "price":
        before, after = found.price_cents, parse_price(text)
        found.price_cents = found.price_cents if after is None else after  # checked before
    else:
        before, after = found.stock, None if is_unlimited(text) else parse_stock(text)
        found.stock = after
    audit.record(
        session=turn.session,
        user_id=turn.user_id,
        shop_id=shop_id,
        entity="item",
        entity_id=persisted(found.id),
        field=field,
        before=before,
        after=after,
        at=turn.now(),
    )


def ask_again(turn: Turn, found: Item, field: str) -> list[Reply]:
    return _ask(turn, persisted(found.id), field)


def new_photos(turn: Turn) -> list[Reply]:
    """Photos sent while changing an item's photos: they replace the old ones."""
    item_id = turn.data.get("mi")
    if not isinstance(item_id, int):
        raise Stale("no item being changed")
    found, _ = staff_item(turn, item_id)
    found.photos = list(turn.incoming.photos[:MAX_PHOTOS])
    found.updated_at = turn.now()
    return [turn.reply("m_item_saved"), *_card(turn, item_id)]


def hide(turn: Turn) -> list[Reply]:
    """`mhide:<id>`: hide the item from customers, or show it again."""
    item_id = a.M_HIDE.args(turn).item
    found, _ = staff_item(turn, item_id)
    found.hidden = not found.hidden
    found.updated_at = turn.now()
    return [turn.reply("m_item_hidden" if found.hidden else "m_item_shown"), *_card(turn, item_id)]


def delete(turn: Turn) -> list[Reply]:
    """`mdel:<id>`: ask before deleting."""
    item_id = a.M_DELETE.args(turn).item
    found, _ = staff_item(turn, item_id)
    options = [
        turn.option("m_delete_yes", a.M_DELETE_OK.pack(item_id)),
        turn.option("nav_back", a.M_ITEM.pack(item_id)),
    ]
    return [turn.reply("m_delete_ask", options, name=found.name)]


def delete_confirmed(turn: Turn) -> list[Reply]:
    """`mdelok:<id>`: the item leaves the catalogue; past orders keep their copy of it."""
    found, _ = staff_item(turn, a.M_DELETE_OK.args(turn).item)
    found.deleted = True
    found.updated_at = turn.now()
    turn.args = []  # the first page of the list
    return [turn.reply("m_item_deleted", name=found.name), *items(turn)]
