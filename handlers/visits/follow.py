"""Following shops: follow and unfollow from a shop's card, "Mes boutiques".

Followers hear about a shop's live visits, nothing else.
"""

from sqlmodel import col, delete, select

from handlers.core import Option, Reply, Stale
from handlers.turn import Turn
from handlers.visits.live import int_arg
from store.models import Follow, Shop
from store.visits import live_visit


def _shop(turn: Turn) -> Shop:
    shop = turn.session.get(Shop, int_arg(turn))
    if shop is None or not shop.active or shop.town_id != turn.town.id:
        raise Stale(turn.args)
    return shop


def is_following(turn: Turn, shop_id: int) -> bool:
    query = select(Follow.id).where(Follow.user_id == turn.user.id, Follow.shop_id == shop_id)
    return turn.session.exec(query).first() is not None


def shop_options(turn: Turn, shop: Shop) -> list[Option]:
    """What a shop's card offers for visits: live now, follow/unfollow, a private visit."""
    options = []
    live = live_visit(session=turn.session, shop_id=shop.id)  # type: ignore[arg-type]
    if live is not None:
        options.append(turn.option("visit_row_live", f"vsee:{live.id}", shop=shop.name))
    if is_following(turn, shop.id):  # type: ignore[arg-type]
        options.append(turn.option("follow_stop", f"unfollow:{shop.id}"))
    else:
        options.append(turn.option("follow_start", f"follow:{shop.id}"))
    options.append(turn.option("private_visit_ask", f"vprivate:{shop.id}"))
    return options


def follow(turn: Turn) -> list[Reply]:
    """`follow:<shop>`: hear about the shop's live visits."""
    shop = _shop(turn)
    if not is_following(turn, shop.id):  # type: ignore[arg-type]
        turn.session.add(Follow(user_id=turn.user.id, shop_id=shop.id, created_at=turn.now()))  # type: ignore[arg-type]
    options = [
        turn.option("follow_stop", f"unfollow:{shop.id}"),
        turn.option("visit_see_shop", f"shop:{shop.id}"),
        *turn.nav(),
    ]
    return [turn.reply("follow_done", options, shop=shop.name)]


def unfollow(turn: Turn) -> list[Reply]:
    """`unfollow:<shop>`: no more news of the shop's visits."""
    shop = _shop(turn)
    turn.session.exec(  # type: ignore[call-overload]
        delete(Follow).where(col(Follow.user_id) == turn.user.id, col(Follow.shop_id) == shop.id)
    )
    options = [
        turn.option("follow_start", f"follow:{shop.id}"),
        turn.option("visit_see_shop", f"shop:{shop.id}"),
        *turn.nav(),
    ]
    return [turn.reply("follow_stopped", options, shop=shop.name)]


def my_shops(turn: Turn) -> list[Reply]:
    """`myshops`: the shops I follow."""
    query = (
        select(Shop)
        .where(Follow.shop_id == Shop.id, Follow.user_id == turn.user.id, Shop.active)
        .order_by(Shop.name)
    )
    shops = turn.session.exec(query).all()
    if not shops:
        return [turn.reply("follow_none", [turn.option("menu_shops", "cats"), *turn.nav()])]
    options = [Option(shop.name, f"shop:{shop.id}") for shop in shops[:20]]
    return [turn.reply("follow_list", [*options, *turn.nav()])]
