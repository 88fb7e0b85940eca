"""Browsing the town: categories, a category's shops, a shop's card, its catalogue, an item."""

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import TypeVar

from sqlalchemy import Integer, bindparam
from sqlmodel import col, func, select

from handlers import i18n
from handlers.common import actions as a
from handlers.common.cards import (
    PAGE,
    category_label,
    category_name,
    item_card,
    join_lines,
    visible,
)
from handlers.common.formats import delay, hhmm, soon
from handlers.core import Option, Reply, Stale
from handlers.turn import Turn
from handlers.visits import follow
from store.hours import describe_today
from store.models import Item, Shop
from store.parsing.text import fold
from store.types import persisted

T = TypeVar("T")


# Lookups: every payload argument is checked against the database and the user's town.
def town_shop(turn: Turn, shop_id: int) -> Shop:
    """An active shop of the user's town, or the payload is stale."""
    shop = turn.session.get(Shop, shop_id)
    if shop is None or not shop.active or shop.town_id != turn.town.id:
        raise Stale(shop_id)
    return shop


def visible_item(turn: Turn, item_id: int) -> tuple[Item, Shop]:
    """An item customers may see (not hidden, not deleted, its shop in town), else stale."""
    item = turn.session.get(Item, item_id)
    if item is None or item.hidden or item.deleted:
        raise Stale(item_id)
    return item, town_shop(turn, item.shop_id)


_TOWN_SHOPS = select(Shop).where(Shop.town_id == bindparam("town"), col(Shop.active).is_(True))


def _town_shops(turn: Turn) -> list[Shop]:
    return list(turn.session.exec(_TOWN_SHOPS, params={"town": turn.town.id}).all())


# Paging.
def _paged(
    turn: Turn, rows: Sequence[T], page: int, pack: "Pager"
) -> tuple[Sequence[T], list[Option], str]:
    """One page of `rows`, the previous/next options (`pack(page)`) and "Page 1 of 2"."""
    pages = max(1, -(-len(rows) // PAGE))
    if page >= pages:
        raise Stale(page)
    nav = []
    if page > 0:
        nav.append(turn.option("nav_prev", pack(page - 1)))
    if page + 1 < pages:
        nav.append(turn.option("nav_more", pack(page + 1)))
    note = turn.t("browse_page", page=page + 1, pages=pages) if pages > 1 else ""
    return rows[page * PAGE : (page + 1) * PAGE], nav, note


Pager = Callable[[int], str]
paged = _paged  # the towns' list pages the same way


# Categories.
# Only the categories' counts: whole shops would each bring their hours, closures, ...
_CATEGORY_COUNTS = (
    select(Shop.category, func.count())
    .where(Shop.town_id == bindparam("town"), col(Shop.active).is_(True))
    .group_by(col(Shop.category))
)


def categories(turn: Turn) -> list[Reply]:
    """`cats[:<page>]`: the town's categories with how many shops each, paged."""
    turn.expect(None)
    page = a.CATEGORIES.args(turn).page
    rows = turn.session.exec(_CATEGORY_COUNTS, params={"town": turn.town.id})
    counts = Counter({category: int(count) for category, count in rows})
    if not counts:
        return [turn.reply("browse_no_shops", turn.nav())]
    names = _sorted_categories(turn, counts)
    chosen, nav, note = _paged(turn, names, page, a.CATEGORIES.pack)
    options = [
        Option(
            turn.t("browse_category_option", name=category_name(turn, c), count=counts[c]),
            a.CATEGORY.pack(c, 0),
        )
        for c in chosen
    ]
    text = join_lines(turn.t("browse_categories", count=counts.total()), note)
    return [Reply(text, options=(*options, *nav, *turn.nav()), replace=True)]


def _sorted_categories(turn: Turn, categories: Iterable[str]) -> list[str]:
    """Categories in the alphabetical order of their names in the user's language."""
    return list(_category_order(turn.lang, frozenset(categories)))


@lru_cache(maxsize=1024)
def _category_order(lang: str, categories: frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted(categories, key=lambda c: fold(strip_symbol(category_label(lang, c)))))


def strip_symbol(label: str) -> str:
    """A label without its leading emoji, to sort by the words."""
    return label.split(" ", 1)[-1] if not label[:1].isalnum() else label


def category(turn: Turn) -> list[Reply]:
    """`cat:<category>:<page>`: the category's shops, open ones marked, paged."""
    turn.expect(None)
    key, page = a.CATEGORY.args(turn)
    town_shops = _town_shops(turn)
    shops = sorted((s for s in town_shops if s.category == key), key=lambda s: fold(s.name))
    if not shops:
        raise Stale(key)
    # Back to the page of categories this one is on.
    back_page = _sorted_categories(turn, (s.category for s in town_shops)).index(key) // PAGE
    chosen, nav, note = _paged(turn, shops, page, lambda p: a.CATEGORY.pack(key, p))
    now = turn.now()
    options = []
    for shop in chosen:
        open_now = describe_today(shop, now, turn.tz).open_now
        label = "browse_shop_open" if open_now else "browse_shop_closed"
        options.append(turn.option(label, a.SHOP.pack(persisted(shop.id)), name=shop.name))
    text = join_lines(turn.t("browse_category_shops", category=category_name(turn, key)), note)
    back = turn.option("browse_all_categories", a.CATEGORIES.pack(back_page))
    return [Reply(text, options=(*options, *nav, back, *turn.nav()), replace=True)]


# A shop.
def shop(turn: Turn) -> list[Reply]:
    """`shop:<shop_id>`: the shop's card."""
    turn.expect(None)
    return shop_card(turn, town_shop(turn, a.SHOP.args(turn).shop))


def shop_link(turn: Turn) -> list[Reply]:
    """Deep link `shop-<slug>`: straight to the shop's card, in the shop's town."""
    slug = turn.args[0] if turn.args else ""
    found = turn.session.exec(select(Shop).where(Shop.slug == slug[:80])).first()
    if found is None or not found.active:
        turn.args = []
        return [Reply(turn.t("browse_shop_link_unknown")), *categories(turn)]
    turn.move_to(found.town_id)
    return shop_card(turn, found)


def item_link(turn: Turn) -> list[Reply]:
    """Deep link `item-<id>`: the item's card, in its shop's town."""
    value = turn.args[0] if turn.args else ""
    found = turn.session.get(Item, int(value)) if value.isdigit() and len(value) < 10 else None
    its_shop = turn.session.get(Shop, found.shop_id) if found is not None else None
    if found is None or its_shop is None or not its_shop.active or found.hidden or found.deleted:
        turn.args = []
        return [Reply(turn.t("browse_item_link_unknown")), *categories(turn)]
    turn.move_to(its_shop.town_id)
    return [item_card(turn, found, its_shop)]


def shop_card(turn: Turn, shop: Shop) -> list[Reply]:
    """Photo, description, address, today's hours, open now, pickup and delivery; its options."""
    text = join_lines(
        f"🏪 {shop.name}",
        shop.description,
        turn.t("shop_address", address=shop.address) if shop.address else "",
        hours_text(turn, shop),
        fulfilment_text(turn, shop),
    )
    options = (
        turn.option("shop_catalogue", a.CATALOGUE.pack(persisted(shop.id), 0)),
        *follow.shop_options(turn, shop),  # live now, follow/unfollow, a private visit
        *turn.nav(back=a.CATEGORY.pack(shop.category, 0)),
    )
    photo = shop.photo if shop.photo and turn.ctx.media.exists(shop.photo) else None
    return [Reply(text, photo=photo, options=options)]


def hours_text(turn: Turn, shop: Shop) -> str:
    """Today's hours, open or closed now (and until / from when), closures ahead."""
    tz = turn.tz
    now = turn.now()
    today = describe_today(shop, now, tz)
    spans = [turn.t("shop_hours_interval", start=hhmm(a), end=hhmm(b)) for a, b in today.intervals]
    lines = [turn.t("shop_hours_today", hours=", ".join(spans) or turn.t("shop_hours_none"))]
    local_now = i18n.local(now, tz)
    if today.open_now:
        until = next(b for a, b in today.intervals if a <= local_now.time() < b)
        lines.append(turn.t("shop_open_until", time=hhmm(until)))
    elif today.next_open is not None:
        lines.append(turn.t("shop_closed_until", when=soon(turn, today.next_open, local_now)))
    else:
        lines.append(turn.t("shop_closed"))
    if today.closure:
        lines.append(turn.t("shop_closure_now", last=i18n.day(today.closure[1], turn.lang)))
    elif today.upcoming_closure:
        first, last = today.upcoming_closure
        lines.append(
            turn.t(
                "shop_closure_soon",
                first=i18n.day(first, turn.lang),
                last=i18n.day(last, turn.lang),
            )
        )
    return "\n".join(lines)


def fulfilment_text(turn: Turn, shop: Shop) -> str:
    """Click-and-collect and delivery as offered, with fee and free-delivery threshold."""
    lines = []
    if shop.pickup_enabled:
        lines.append(turn.t("shop_pickup", delay=delay(turn, shop.prep_minutes)))
    if shop.delivery_enabled and shop.delivery_postcodes:
        fee = turn.money(shop.delivery_fee_cents) if shop.delivery_fee_cents else ""
        postcodes = ", ".join(shop.delivery_postcodes)
        if fee and shop.free_delivery_cents:
            threshold = turn.money(shop.free_delivery_cents)
            lines.append(
                turn.t("shop_delivery_free_from", postcodes=postcodes, fee=fee, threshold=threshold)
            )
        else:
            lines.append(
                turn.t(
                    "shop_delivery", postcodes=postcodes, fee=fee or turn.t("shop_delivery_free")
                )
            )
    else:
        lines.append(turn.t("shop_no_delivery"))
    return "\n".join(lines)


# A shop's catalogue and an item.
# Only what a catalogue page shows, as plain rows: whole items would each bring their
# description, photos and the rest, and the ORM's work to build them.
_CATALOGUE = (
    select(Item.id, Item.name, Item.price_cents, Item.stock)
    .where(*visible(bindparam("shop", type_=Integer)))
    .order_by(col(Item.id))
)


def catalogue(turn: Turn) -> list[Reply]:
    """`items:<shop_id>:<page>`: the shop's visible items, sold-out ones marked, paged."""
    turn.expect(None)
    shop_id, page = a.CATALOGUE.args(turn)
    found = town_shop(turn, shop_id)
    items = turn.session.connection().execute(_CATALOGUE, {"shop": shop_id}).all()
    back = turn.nav(back=a.SHOP.pack(shop_id))
    if not items:
        return [turn.reply("catalogue_empty", back, shop=found.name)]
    chosen, nav, note = _paged(turn, items, page, lambda p: a.CATALOGUE.pack(shop_id, p))
    options = []
    for item in chosen:
        see = a.ITEM.pack(persisted(item.id))
        if item.stock == 0:
            options.append(turn.option("catalogue_option_sold_out", see, name=item.name))
        else:
            price = turn.money(item.price_cents)
            options.append(turn.option("catalogue_option", see, name=item.name, price=price))
    title = "catalogue_title_one" if len(items) == 1 else "catalogue_title"
    text = join_lines(turn.t(title, shop=found.name, count=len(items)), note)
    return [Reply(text, options=(*options, *nav, *back), replace=True)]


def item(turn: Turn) -> list[Reply]:
    """`item:<item_id>`: the item's card."""
    turn.expect(None)
    found, its_shop = visible_item(turn, a.ITEM.args(turn).item)
    return [item_card(turn, found, its_shop)]
