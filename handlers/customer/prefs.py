"""Message preferences: `/stop` turns the shops' news off, `/start` or the settings turn it on.

Order messages are essential: they always go, whatever the setting.
"""

from sqlmodel import col, func, select

from handlers.common import actions as a
from handlers.core import Reply
from handlers.turn import Turn
from store.models import Order
from store.statuses import OPEN, values


def menu(turn: Turn) -> list[Reply]:
    """`prefs`: what the person receives, and the switch."""
    turn.expect(None)
    lines = [
        turn.t("prefs_title"),
        turn.t("prefs_state_off" if turn.user.quiet else "prefs_state_on"),
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
    return [Reply("\n\n".join(lines), options=(switch, *turn.nav()))]


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
