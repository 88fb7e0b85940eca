"""Following shops: follow and unfollow from a shop's card, "Mes boutiques".

Followers hear about a shop's live visits, nothing else.
"""

from sqlalchemy import bindparam
from sqlmodel import col, delete, select

from handlers.common import actions as a
from handlers.core import Option, Reply, Stale
from handlers.turn import Turn
from store.models import Follow, Shop
from store.types import persisted
from store.visits import live_visit


def _shop(turn: Turn, shop_id: int) -> Shop:
    shop = turn.session.get(Shop, shop_id)
    if shop is None or not shop.active or shop.town_id != turn.town.id:
        raise Stale(shop_id)
    return shop


_FOLLOWING = select(Follow.id).where(  # built once: every shop card asks
    Follow.user_id == bindparam("user_id"), Follow.shop_id == bindparam("shop_id")
)


def is_following(turn: Turn, shop_id: int) -> bool:
    params = {"user_id": turn.user.id, "shop_id": shop_id}
    return turn.session.exec(_FOLLOWING, params=params).first() is not None


def shop_options(turn: Turn, shop: Shop) -> list[Option]:
    """What a shop's card offers for visits: live now, follow/unfollow, a private visit."""
    shop_id = persisted(shop.id)
    options = []
    live = live_visit(session=turn.session, shop_id=shop_id)
    if live is not None:
        see = a.V_SEE.pack(persisted(live.id))
        options.append(turn.option("visit_row_live", see, shop=shop.name))
    if is_following(turn, shop_id):
        options.append(turn.option("follow_stop", a.UNFOLLOW.pack(shop_id)))
    else:
        options.append(turn.option("follow_start", a.FOLLOW.pack(shop_id)))
    options.append(turn.option("private_visit_ask", a.P_ASK.pack(shop_id)))
    return options


def follow(turn: Turn) -> list[Reply]:
    """`follow:<shop>`: hear about the shop's live visits."""
    shop = _shop(turn, a.FOLLOW.args(turn).shop)
    shop_id = persisted(shop.id)
    if not is_following(turn, shop_id):
        turn.session.add(Follow(user_id=turn.user_id, shop_id=shop_id, created_at=turn.now()))
    options = [
        turn.option("follow_stop", a.UNFOLLOW.pack(shop_id)),
        turn.option("visit_see_shop", a.SHOP.pack(shop_id)),
        *turn.nav(),
    ]
    return [turn.reply("follow_done", options, shop=shop.name)]


def unfollow(turn: Turn) -> list[Reply]:
    """`unfollow:<shop>`: no more news of the shop's visits."""
    shop = _shop(turn, a.UNFOLLOW.args(turn).shop)
    shop_id = persisted(shop.id)
    turn.session.execute(
        delete(Follow).where(col(Follow.user_id) == turn.user_id, col(Follow.shop_id) == shop_id)
    )
    options = [
        turn.option("follow_start", a.FOLLOW.pack(shop_id)),
        turn.option("visit_see_shop", a.SHOP.pack(shop_id)),
        *turn.nav(),
    ]
    return [turn.reply("follow_stopped", options, shop=shop.name)]


def my_shops(turn: Turn) -> list[Reply]:
    """`myshops`: the shops I follow."""
    query = (
        select(Shop)
        .where(Follow.shop_id == Shop.id, Follow.user_id == turn.user.id, Shop.active)
        .order_by(col(Shop.name))
    )
    shops = turn.session.exec(query).all()
    if not shops:
        browse = turn.option("menu_shops", a.CATEGORIES.pack())
        return [turn.reply("follow_none", [browse, *turn.nav()])]
    options = [Option(shop.name, a.SHOP.pack(persisted(shop.id))) for shop in shops[:20]]
    return [turn.reply("follow_list", [*options, *turn.nav()])]
