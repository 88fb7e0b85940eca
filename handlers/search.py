"""Typed words that are not a command: search the town's catalogue."""

from handlers.core import Option, Reply
from handlers.turn import Turn
from store.search import fold, search_items

__all__ = ["fold", "ask", "results"]

PAGE = 8


def ask(turn: Turn) -> list[Reply]:
    """Ask what to look for."""
    turn.expect("search")
    return [turn.reply("search_ask", turn.nav())]


def results(turn: Turn) -> list[Reply]:
    """Items of the town's shops matching the typed words, best first."""
    query = turn.text[:200] if turn.text else turn.data.get("query", "")
    page = int(turn.args[0]) if turn.args and turn.args[0].isdigit() else 0
    turn.expect(None, query=query)
    hits = search_items(
        session=turn.session, query=query, town_id=turn.town.id, limit=PAGE + 1, offset=page * PAGE
    )
    if not hits:
        turn.expect("search")
        return [turn.reply("search_none", turn.nav(), query=query[:60])]
    options = [
        Option(f"{item.name} · {turn.money(item.price_cents)} · {shop.name}", f"item:{item.id}")
        for item, shop in hits[:PAGE]
    ]
    if len(hits) > PAGE:
        options.append(turn.option("nav_more", f"found:{page + 1}"))
    return [turn.reply("search_results", [*options, *turn.nav()], query=query[:60])]
