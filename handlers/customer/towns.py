"""Which town a customer shops in: a `town-<slug>` link, a postcode or name, a position."""

from handlers.common import actions as a
from handlers.core import Option, Reply, Stale
from handlers.customer import browse, start
from handlers.turn import Turn
from store import towns
from store.models import Town
from store.parsing.text import fold
from store.types import persisted

PAGE = 8


def link(turn: Turn) -> list[Reply]:
    """Deep link `town-<slug>`: the customer lands in that town."""
    slug = turn.args[0] if turn.args else ""
    town = towns.by_slug(session=turn.session, slug=slug)
    if town is None:
        return [turn.reply("town_unknown_link"), *choose(turn)]
    return move(turn, town)


def move(turn: Turn, town: Town) -> list[Reply]:
    """Shop in `town` from now on, and its welcome."""
    turn.move_to(persisted(town.id))
    return start.welcome(turn)


def choose(turn: Turn) -> list[Reply]:
    """`towns:<page>`: the towns served, and how else to pick one."""
    turn.expect(None)
    page = a.TOWNS.args(turn).page if turn.incoming.action else 0
    rows = towns.all_towns(session=turn.session)
    shown, nav, note = browse.paged(turn, rows, page, a.TOWNS.pack)
    options = [Option(_label(town), a.TOWN.pack(persisted(town.id))) for town in shown]
    text = turn.t("town_choose", town=turn.town.name)
    if note:
        text = f"{text}\n{note}"
    return [Reply(text, options=(*options, *nav, *turn.nav()), replace=True)]


def pick(turn: Turn) -> list[Reply]:
    """`town:<id>`: a town picked from the list."""
    town = turn.session.get(Town, a.TOWN.args(turn).town)
    if town is None:
        raise Stale(turn.args)
    return move(turn, town)


def _label(town: Town) -> str:
    codes = towns.postcodes_of(town)
    return f"{town.name} ({codes[0]})" if codes else town.name


def typed(turn: Turn) -> list[Reply] | None:
    """A postcode or a town's name typed on its own: that town (or a choice), else not mine."""
    text = turn.text.strip()
    if towns.POSTCODE.fullmatch(text):
        found = towns.by_postcode(session=turn.session, postcode=text)
        if not found:
            return [turn.reply("town_unknown_postcode", postcode=text), *choose(turn)]
        if len(found) == 1:
            return move(turn, found[0])
        options = [Option(_label(t), a.TOWN.pack(persisted(t.id))) for t in found]
        return [turn.reply("town_which", [*options, *turn.nav()], postcode=text)]
    if len(text) < 3 or not any(c.isalpha() for c in fold(text)):
        return None
    town = towns.by_name(session=turn.session, text=text)
    if town is None or town.id == turn.town.id:
        return None  # the current town's name is a search like any other
    return move(turn, town)


def shared_location(turn: Turn) -> list[Reply]:
    """A position shared with no question asked: the nearest town."""
    assert turn.incoming.location is not None
    lat, lon = turn.incoming.location
    town = towns.nearest(session=turn.session, lat=lat, lon=lon)
    if town is None or towns.count_towns(session=turn.session) < 2:
        return start.unexpected_location(turn)
    return [turn.reply("town_nearest", town=town.name), *move(turn, town)]
