"""What the public web pages show: only what customers may see, never a customer's data.

Active shops (their owner has joined), their visible items (not hidden, not deleted), the
visits live now. Each function is one page's reads, in as few queries as the page needs.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, or_
from sqlmodel import Session, col, func, select

from store.hours import Today, describe_today
from store.models import Item, Shop, Town, Visit
from store.search import search_items


@dataclass(frozen=True)
class ShopCard:
    """A shop as the town page lists it."""

    shop: Shop
    open_now: bool
    live: bool  # a live video visit is on now


@dataclass(frozen=True)
class TownPage:
    town: Town
    shops: list[ShopCard]  # active shops, by category then name (the page groups them)
    live: list[tuple[Shop, Visit]]  # visits live now
    later: list[tuple[Shop, Visit]]  # visits announced for later today, soonest first


@dataclass(frozen=True)
class ShopPage:
    shop: Shop
    town: Town
    today: Today
    items: list[Item]  # visible items, newest first
    live: Visit | None


@dataclass(frozen=True)
class ItemPage:
    item: Item
    shop: Shop
    town: Town


def find_public_town(*, session: Session, slug: str, exact: bool = False) -> Town | None:
    """The town of that slug; unless `exact`, else the only (or first) town (the default
    town's pages work before `[town]` names a row)."""
    town = session.exec(select(Town).where(Town.slug == slug[:80])).first()
    if town is not None or exact:
        return town
    return session.exec(select(Town).order_by(col(Town.id))).first()


def _visible_items() -> tuple[ColumnElement[bool], ...]:
    return (col(Item.hidden).is_(False), col(Item.deleted).is_(False))


def _todays_visits(session: Session, town: Town, now: datetime) -> list[tuple[Shop, Visit]]:
    """The town's visits live now or announced for later today, in one query."""
    later = and_(
        col(Visit.status) == "scheduled",
        col(Visit.starts_at) > now,
        col(Visit.starts_at) < _end_of_day(now, town.timezone),
    )
    query = (
        select(Shop, Visit)
        .join(Visit, col(Visit.shop_id) == Shop.id)
        .where(Shop.town_id == town.id, col(Shop.active).is_(True))
        .where(or_(col(Visit.status) == "live", later))
        .order_by(col(Visit.started_at).desc(), col(Visit.starts_at))
    )
    return [(shop, visit) for shop, visit in session.exec(query)]


def _end_of_day(now: datetime, tz: str) -> datetime:
    local = now.astimezone(ZoneInfo(tz))
    return datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=local.tzinfo)


def town_page(
    *, session: Session, slug: str, now: datetime, exact: bool = False
) -> TownPage | None:
    """The town's active shops with open-now and live flags, and its live visits."""
    town = find_public_town(session=session, slug=slug, exact=exact)
    if town is None:
        return None
    shops = session.exec(
        select(Shop)
        .where(Shop.town_id == town.id, col(Shop.active).is_(True))
        .order_by(col(Shop.category), col(Shop.name))
    ).all()
    visits = _todays_visits(session, town, now)
    live = [(shop, visit) for shop, visit in visits if visit.status == "live"]
    later = [(shop, visit) for shop, visit in visits if visit.status == "scheduled"]
    live_ids = {shop.id for shop, _ in live}
    cards = [
        ShopCard(
            shop=shop,
            open_now=describe_today(shop, now, town.timezone).open_now,
            live=shop.id in live_ids,
        )
        for shop in shops
    ]
    return TownPage(town=town, shops=cards, live=live, later=later)


def shop_page(*, session: Session, slug: str, now: datetime) -> ShopPage | None:
    """An active shop by its slug, its visible items, today's hours, its live visit."""
    shop = session.exec(select(Shop).where(Shop.slug == slug[:80])).first()
    if shop is None or not shop.active:
        return None
    town = session.get(Town, shop.town_id)
    assert town is not None
    items = session.exec(
        select(Item)
        .where(Item.shop_id == shop.id, *_visible_items())
        .order_by(col(Item.created_at).desc(), col(Item.id).desc())
    ).all()
    live = session.exec(
        select(Visit).where(Visit.shop_id == shop.id, Visit.status == "live")
    ).first()
    today = describe_today(shop, now, town.timezone)
    return ShopPage(shop=shop, town=town, today=today, items=list(items), live=live)


def item_page(*, session: Session, item_id: int) -> ItemPage | None:
    """A visible item of an active shop."""
    found = session.exec(
        select(Item, Shop, Town)
        .join(Shop, col(Shop.id) == Item.shop_id)
        .join(Town, col(Town.id) == Shop.town_id)
        .where(Item.id == item_id, col(Shop.active).is_(True), *_visible_items())
    ).first()
    if found is None:
        return None
    item, shop, town = found
    return ItemPage(item=item, shop=shop, town=town)


def search_page(
    *, session: Session, town: Town, query: str, limit: int = 24
) -> list[tuple[Item, Shop]]:
    """The town's visible items matching `query`, best first (store.search)."""
    return search_items(session=session, query=query[:200], town_id=town.id, limit=limit)


def towns(*, session: Session) -> list[Town]:
    """Every town, by name: the sitemap's town pages."""
    return list(session.exec(select(Town).order_by(col(Town.name))).all())


def sitemap(*, session: Session) -> tuple[list[Shop], list[tuple[int, str, datetime]]]:
    """Every active shop, and every visible item of theirs as (id, shop slug, updated_at)."""
    shops = session.exec(
        select(Shop).where(col(Shop.active).is_(True)).order_by(col(Shop.id))
    ).all()
    items = session.exec(
        select(Item.id, Shop.slug, Item.updated_at)
        .join(Shop, col(Shop.id) == Item.shop_id)
        .where(col(Shop.active).is_(True), *_visible_items())
        .order_by(col(Item.id))
    ).all()
    return list(shops), [(i, s, u) for i, s, u in items if i is not None]


def shop_named(*, session: Session, town_id: int, name: str) -> Shop | None:
    """A shop of the town by its name (any case) or its slug, joined or not."""
    name = " ".join(name.split())
    query = select(Shop).where(Shop.town_id == town_id)
    by_slug = session.exec(query.where(Shop.slug == name[:80])).first()
    return by_slug or session.exec(query.where(func.lower(Shop.name) == name.lower())).first()


def online_shops(*, session: Session, town_id: int) -> list[Shop]:
    """The town's shops customers can see, by category then name."""
    query = (
        select(Shop)
        .where(Shop.town_id == town_id, col(Shop.active).is_(True))
        .order_by(col(Shop.category), col(Shop.name))
    )
    return list(session.exec(query))
