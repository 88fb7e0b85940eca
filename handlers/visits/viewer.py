"""Live visits, the customer's side: "En direct", a visit's page, its items, reserving one."""

from datetime import timedelta

from sqlmodel import col, select

from handlers import i18n
from handlers.common import actions as a
from handlers.common.formats import day_at
from handlers.common.rights import is_staff_of
from handlers.core import Option, Reply, Stale
from handlers.notices.visits import join_url, schedule_reminders
from handlers.turn import Turn
from handlers.visits.live import show_panel
from store import cart
from store.models import Item, Shop, Visit, VisitInterest
from store.statuses import VisitStatus
from store.types import persisted
from store.visits import active_hold, featured_items, hold_item

LIST_SIZE = 10
V = VisitStatus


def live(turn: Turn) -> list[Reply]:
    """`live`: the town's visits on now, then the coming ones."""
    query = (
        select(Visit, Shop)
        .where(Visit.shop_id == Shop.id, Shop.town_id == turn.town.id, Shop.active)
        .where(col(Visit.status).in_((V.LIVE.value, V.SCHEDULED.value)))
        .order_by(col(Visit.status), col(Visit.starts_at))  # "live" sorts before "scheduled"
    )
    rows = turn.session.exec(query.limit(LIST_SIZE)).all()
    if not rows:
        options = [turn.option("visit_my_shops", a.MY_SHOPS.pack()), *turn.nav()]
        return [turn.reply("visit_none_live", options)]
    options = []
    for visit, shop in rows:
        if visit.status == V.LIVE:
            label = turn.t("visit_row_live", shop=shop.name)
        else:
            label = turn.t("visit_row_scheduled", shop=shop.name, when=_when(turn, visit))
        options.append(Option(label, a.V_SEE.pack(persisted(visit.id))))
    return [turn.reply("visit_list", [*options, *turn.nav()])]


def _when(turn: Turn, visit: Visit) -> str:
    if visit.starts_at is None:
        return ""
    return day_at(turn.lang, visit.starts_at, turn.tz)


def _visit(turn: Turn, visit_id: int) -> tuple[Visit, Shop]:
    visit = turn.session.get(Visit, visit_id)
    shop = turn.session.get(Shop, visit.shop_id) if visit else None
    if visit is None or shop is None or not shop.active or shop.town_id != turn.town.id:
        raise Stale(turn.args)
    return visit, shop


def see(turn: Turn) -> list[Reply]:
    """`vsee:<visit>`: join a live visit, or ask to be told about a coming one."""
    return _page(turn, *_visit(turn, a.V_SEE.args(turn).visit))


def _page(turn: Turn, visit: Visit, shop: Shop) -> list[Reply]:
    if is_staff_of(turn, visit.shop_id):
        return show_panel(turn, visit)
    back = turn.nav(a.V_LIVE.pack())
    visit_id, shop_id = persisted(visit.id), persisted(shop.id)
    if visit.status == V.LIVE:
        url = join_url(turn.session, turn.ctx.public_url, visit, turn.user_id)
        options = [
            Option(turn.t("visit_join"), url=url),
            turn.option("visit_see_items", a.V_ITEMS.pack(visit_id)),
            *back,
        ]
        return [turn.reply("visit_live_page", options, shop=shop.name)]
    if visit.status == V.SCHEDULED:
        options = [
            turn.option("visit_notify_me", a.V_NOTIFY.pack(visit_id)),
            turn.option("visit_see_shop", a.SHOP.pack(shop_id)),
            *back,
        ]
        return [
            turn.reply("visit_scheduled_page", options, shop=shop.name, when=_when(turn, visit))
        ]
    see = turn.option("visit_see_items", a.V_ITEMS.pack(visit_id))
    return [turn.reply("visit_is_over", [see, *back])]


def notify_me(turn: Turn) -> list[Reply]:
    """`vnotify:<visit>`: remind me 10 minutes before and at the start."""
    visit, shop = _visit(turn, a.V_NOTIFY.args(turn).visit)
    if visit.status != V.SCHEDULED or visit.starts_at is None:
        return _page(turn, visit, shop)
    session, visit_id = turn.session, persisted(visit.id)
    exists = session.exec(
        select(VisitInterest.id).where(
            VisitInterest.visit_id == visit_id, VisitInterest.user_id == turn.user_id
        )
    ).first()
    if exists is None:
        session.add(VisitInterest(visit_id=visit_id, user_id=turn.user_id))
        session.flush()
    schedule_reminders(turn, visit, visit.starts_at)
    see_shop = turn.option("visit_see_shop", a.SHOP.pack(persisted(shop.id)))
    options = [see_shop, *turn.nav(a.V_LIVE.pack())]
    return [turn.reply("visit_notify_ok", options, shop=shop.name, when=_when(turn, visit))]


def items(turn: Turn) -> list[Reply]:
    """`vitems:<visit>`: the items shown during the visit, each reservable while it is live."""
    visit, shop = _visit(turn, a.V_ITEMS.args(turn).visit)
    visit_id = persisted(visit.id)
    featured = featured_items(session=turn.session, visit=visit, now=turn.now())
    back = turn.nav(a.V_SEE.pack(visit_id))
    refresh = turn.option("visit_refresh", a.V_ITEMS.pack(visit_id))
    if not featured:
        key = "visit_no_items_yet" if visit.status == V.LIVE else "visit_no_items"
        return [turn.reply(key, [refresh, *back])]
    # Photos first, then one menu: a typed number picks from the last menu shown, so the
    # Reserve buttons of every item have to be in it.
    replies = [
        Reply(_item_line(turn, i), photo=_photo(i)) for i in featured[:LIST_SIZE] if i.photos
    ]
    lines = "\n".join(f"• {_item_line(turn, item)}" for item in featured[:LIST_SIZE])
    options = [
        turn.option(
            "visit_reserve", a.V_RESERVE.pack(visit_id, persisted(item.id)), name=item.name[:40]
        )
        for item in featured[:LIST_SIZE]
        if visit.status == V.LIVE and item.stock != 0
    ]
    options += [refresh] if visit.status == V.LIVE else []
    replies.append(turn.reply("visit_items", [*options, *back], shop=shop.name, items=lines))
    return replies


def _photo(item: Item) -> str | None:
    return item.photos[0] if item.photos else None


def _item_line(turn: Turn, item: Item) -> str:
    price = turn.money(item.price_cents)
    if item.stock == 0:
        return turn.t("visit_item_sold_out", name=item.name, price=price)
    return f"{item.name} · {price}"


def reserve(turn: Turn) -> list[Reply]:
    """`vres:<visit>:<item>`: into my cart, one held for me for a while."""
    visit_id, item_id = a.V_RESERVE.args(turn)
    visit, shop = _visit(turn, visit_id)
    item = turn.session.get(Item, item_id)
    now = turn.now()
    featured = featured_items(session=turn.session, visit=visit, now=now)
    if item is None or item.id not in {i.id for i in featured}:
        raise Stale(turn.args)
    back = turn.nav(a.V_ITEMS.pack(visit_id))
    cart_option = turn.option("menu_cart", a.CART.pack())
    if visit.status != V.LIVE:
        return [turn.reply("visit_reserve_over", [cart_option, *back])]
    tz = turn.tz
    held = active_hold(session=turn.session, user_id=turn.user_id, item_id=item_id)
    if held is not None:
        until = i18n.clock(held.held_until, turn.lang, tz)
        options = [cart_option, *back]
        return [turn.reply("visit_already_reserved", options, name=item.name, until=until)]
    until_at = now + timedelta(minutes=turn.ctx.visit_hold_minutes)
    hold = hold_item(
        session=turn.session, visit=visit, user_id=turn.user_id, item=item, until=until_at
    )
    if hold is None:
        return [turn.reply("visit_sold_out", back, name=item.name)]
    _into_cart(turn, item)
    options = [cart_option, *back]
    until = i18n.clock(until_at, turn.lang, tz)
    return [turn.reply("visit_reserved", options, name=item.name, until=until, shop=shop.name)]


def _into_cart(turn: Turn, item: Item) -> None:
    """The item in the cart (the orders feature's), unless it is there already."""
    user_id, item_id = turn.user_id, persisted(item.id)
    if cart.quantity_of(session=turn.session, user_id=user_id, item_id=item_id) == 0:
        cart.set_quantity(session=turn.session, user_id=user_id, item_id=item_id, quantity=1)
