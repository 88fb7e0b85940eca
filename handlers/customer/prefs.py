"""Message preferences: `/stop` turns the shops' news off, `/start` or the settings turn it on.

Order messages are essential: they always go, whatever the setting.
"""

from sqlmodel import col, func, select

from handlers.common import actions as a
from handlers.core import Option, Reply
from handlers.turn import Turn
from store.models import Order
from store.statuses import OPEN, values


def menu(turn: Turn) -> list[Reply]:
    """`prefs`: what the person receives, and the switch."""
    turn.expect(None)
    lines = [
        turn.t("prefs_title"),
        turn.t("prefs_state_off" if turn.user.quiet else "prefs_state_on"),
        _news_line(turn),
        turn.t("prefs_orders_always"),
    ]
    count = open_orders(turn)
    if count:
        lines.append(turn.t("prefs_orders_open", count=count))
    switch = (
        turn.option("prefs_turn_on", a.PREFS.pack("on"))
        if turn.user.quiet
        else turn.option("prefs_turn_off", a.PREFS.pack("off"))
    )
    news = _news_option(turn)
    return [Reply("\n\n".join(lines), options=(switch, news, *turn.nav()))]


def switch(turn: Turn) -> list[Reply]:
    """`prefs:on` / `prefs:off`; anything else shows the switch."""
    choice = a.PREFS.args(turn).choice
    if choice not in ("on", "off"):
        return menu(turn)
    turn.user.quiet = choice == "off"
    key = "prefs_stopped" if turn.user.quiet else "prefs_resumed"
    return [turn.reply(key), *menu(turn)]


def stop(turn: Turn) -> list[Reply]:
    """`/stop`: no more news from the shops; order messages still come."""
    turn.expect(None)
    turn.user.quiet = True
    return [turn.reply("prefs_stopped", turn.nav())]


def resume(turn: Turn) -> list[Reply]:
    """On `/start`: someone who had turned messages off hears from the shops again."""
    if not turn.user.quiet:
        return []
    turn.user.quiet = False
    return [turn.reply("prefs_resumed")]


def open_orders(turn: Turn) -> int:
    """How many of the person's orders are still under way."""
    query = (
        select(func.count())
        .select_from(Order)
        .where(Order.customer_id == turn.user.id, col(Order.status).in_(values(OPEN)))
    )
    return int(turn.session.exec(query).one())


def _news_line(turn: Turn) -> str:
    """The line of the settings menu saying whether the town's news comes."""
    return turn.t("town_news_state_on" if turn.user.town_news else "town_news_state_off")


def _news_option(turn: Turn) -> Option:
    if turn.user.town_news:
        return turn.option("town_news_turn_off", a.NEWS.pack("off"))
    return turn.option("town_news_turn_on", a.NEWS.pack("on"))


def news_switch(turn: Turn) -> list[Reply]:
    """`news:on` / `news:off` from the settings menu: the town hall's campaigns, opted in."""
    _set_news(turn, a.NEWS.args(turn).choice == "on")
    key = "town_news_started" if turn.user.town_news else "town_news_stopped"
    return [turn.reply(key, town=turn.town.name), *menu(turn)]


def news_stop(turn: Turn) -> list[Reply]:
    """`newsoff`: the button under a campaign message; no more news from the town."""
    turn.expect(None)
    _set_news(turn, False)
    return [turn.reply("town_news_stopped", turn.nav(), town=turn.town.name)]


def _set_news(turn: Turn, on: bool) -> None:
    turn.user.town_news = on
    if on:
        turn.user.town_id = turn.town.id  # the town whose news they asked for
    turn.session.add(turn.user)
