"""Live visits, the customer's side: "En direct", a visit's page, its items, reserving one."""

from datetime import timedelta

from sqlmodel import col, select

from handlers import i18n
from handlers.core import Option, Reply, Stale
from handlers.turn import Turn
from handlers.visits.live import int_arg, is_staff, panel
from handlers.visits.news import join_url, schedule_reminders
from store import cart
from store.models import Item, Shop
from store.visits import (
    Visit,
    VisitInterest,
    active_hold,
    featured_items,
    hold_item,
)

LIST_SIZE = 10


def live(turn: Turn) -> list[Reply]:
    """`live`: the town's visits on now, then the coming ones."""
    query = (
        select(Visit, Shop)
        .where(Visit.shop_id == Shop.id, Shop.town_id == turn.town.id, Shop.active)
        .where(col(Visit.status).in_(("live", "scheduled")))
        .order_by(col(Visit.status), col(Visit.starts_at))  # "live" sorts before "scheduled"
    )
    rows = turn.session.exec(query.limit(LIST_SIZE)).all()
    if not rows:
        options = [turn.option("visit_my_shops", "myshops"), *turn.nav()]
        return [turn.reply("visit_none_live", options)]
    options = []
    for visit, shop in rows:
        if visit.status == "live":
            label = turn.t("visit_row_live", shop=shop.name)
        else:
            label = turn.t("visit_row_scheduled", shop=shop.name, when=_when(turn, visit))
        options.append(Option(label, f"vsee:{visit.id}"))
    return [turn.reply("visit_list", [*options, *turn.nav()])]


def _when(turn: Turn, visit: Visit) -> str:
    if visit.starts_at is None:
        return ""
    tz = turn.ctx.timezone
    day = i18n.day(visit.starts_at, turn.lang, tz)
    return f"{day} {turn.t('visit_at')} {i18n.clock(visit.starts_at, turn.lang, tz)}"


def _visit(turn: Turn) -> tuple[Visit, Shop]:
    visit = turn.session.get(Visit, int_arg(turn))
    shop = turn.session.get(Shop, visit.shop_id) if visit else None
    if visit is None or shop is None or not shop.active or shop.town_id != turn.town.id:
        raise Stale(turn.args)
    return visit, shop


def see(turn: Turn) -> list[Reply]:
    """`vsee:<visit>`: join a live visit, or ask to be told about a coming one."""
    visit, shop = _visit(turn)
    if is_staff(turn, shop.id):
        return panel(turn)
    back = turn.nav("live")
    if visit.status == "live":
        url = join_url(turn.session, turn.ctx.public_url, visit, turn.user.id)  # type: ignore[arg-type]
        options = [
            Option(turn.t("visit_join"), url=url),
            turn.option("visit_see_items", f"vitems:{visit.id}"),
            *back,
        ]
        return [turn.reply("visit_live_page", options, shop=shop.name)]
    if visit.status == "scheduled":
        options = [
            turn.option("visit_notify_me", f"vnotify:{visit.id}"),
            turn.option("visit_see_shop", f"shop:{shop.id}"),
            *back,
        ]
        return [
            turn.reply("visit_scheduled_page", options, shop=shop.name, when=_when(turn, visit))
        ]
    return [
        turn.reply("visit_is_over", [turn.option("visit_see_items", f"vitems:{visit.id}"), *back])
    ]


def notify_me(turn: Turn) -> list[Reply]:
    """`vnotify:<visit>`: remind me 10 minutes before and at the start."""
    visit, shop = _visit(turn)
    if visit.status != "scheduled" or visit.starts_at is None:
        return see(turn)
    session = turn.session
    exists = session.exec(
        select(VisitInterest.id).where(
            VisitInterest.visit_id == visit.id, VisitInterest.user_id == turn.user.id
        )
    ).first()
    if exists is None:
        session.add(VisitInterest(visit_id=visit.id, user_id=turn.user.id))  # type: ignore[arg-type]
        session.flush()
    schedule_reminders(
        session,
        turn.notify,
        turn.ctx.public_url,
        visit,
        turn.user.id,
        turn.ctx.timezone,  # type: ignore[arg-type]
    )
    options = [turn.option("visit_see_shop", f"shop:{shop.id}"), *turn.nav("live")]
    return [turn.reply("visit_notify_ok", options, shop=shop.name, when=_when(turn, visit))]


def items(turn: Turn) -> list[Reply]:
    """`vitems:<visit>`: the items shown during the visit, each reservable while it is live."""
    visit, shop = _visit(turn)
    featured = featured_items(session=turn.session, visit=visit, now=turn.now())
    back = turn.nav(f"vsee:{visit.id}")
    if not featured:
        key = "visit_no_items_yet" if visit.status == "live" else "visit_no_items"
        return [turn.reply(key, [turn.option("visit_refresh", f"vitems:{visit.id}"), *back])]
    # Photos first, then one menu: a typed number picks from the last menu shown, so the
    # Reserve buttons of every item have to be in it.
    replies = [
        Reply(_item_line(turn, i), photo=_photo(i)) for i in featured[:LIST_SIZE] if i.photos
    ]
    lines = "\n".join(f"• {_item_line(turn, item)}" for item in featured[:LIST_SIZE])
    options = [
        turn.option("visit_reserve", f"vres:{visit.id}:{item.id}", name=item.name[:40])
        for item in featured[:LIST_SIZE]
        if visit.status == "live" and item.stock != 0
    ]
    options += (
        [turn.option("visit_refresh", f"vitems:{visit.id}")] if visit.status == "live" else []
    )
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
    visit, shop = _visit(turn)
    item = turn.session.get(Item, int_arg(turn, 1))
    now = turn.now()
    featured = featured_items(session=turn.session, visit=visit, now=now)
    if item is None or item.id not in {i.id for i in featured}:
        raise Stale(turn.args)
    back = turn.nav(f"vitems:{visit.id}")
    if visit.status != "live":
        return [turn.reply("visit_reserve_over", [turn.option("menu_cart", "cart"), *back])]
    tz = turn.ctx.timezone
    held = active_hold(session=turn.session, user_id=turn.user.id, item_id=item.id)  # type: ignore[arg-type]
    if held is not None:
        until = i18n.clock(held.held_until, turn.lang, tz)
        options = [turn.option("menu_cart", "cart"), *back]
        return [turn.reply("visit_already_reserved", options, name=item.name, until=until)]
    until_at = now + timedelta(minutes=turn.ctx.visit_hold_minutes)
    hold = hold_item(
        session=turn.session, visit=visit, user_id=turn.user.id, item=item, until=until_at
    )  # type: ignore[arg-type]
    if hold is None:
        return [turn.reply("visit_sold_out", back, name=item.name)]
    _into_cart(turn, item)
    options = [turn.option("menu_cart", "cart"), *back]
    until = i18n.clock(until_at, turn.lang, tz)
    return [turn.reply("visit_reserved", options, name=item.name, until=until, shop=shop.name)]


def _into_cart(turn: Turn, item: Item) -> None:
    """The item in the cart (the orders feature's), unless it is there already."""
    user_id, item_id = turn.user.id, item.id
    if cart.quantity_of(session=turn.session, user_id=user_id, item_id=item_id) == 0:  # type: ignore[arg-type]
        cart.set_quantity(session=turn.session, user_id=user_id, item_id=item_id, quantity=1)  # type: ignore[arg-type]
