"""Typed words that are not a command: search the town's catalogue."""

from handlers.core import Option, Reply, Stale
from handlers.turn import Turn
from store.models import Item, Shop
from store.search import fold, search_items

__all__ = ["fold", "ask", "results"]

PAGE = 8


def ask(turn: Turn) -> list[Reply]:
    """Ask what to look for."""
    turn.expect("search")
    return [turn.reply("search_ask", turn.nav())]


def results(turn: Turn) -> list[Reply]:
    """Items of the town's shops matching the typed words, best first; `found:<page>` pages."""
    if turn.args:  # `found:<page>`, pressed or typed ("Suite"): the query is the last one
        page_arg = turn.args[0]
        if not (page_arg.isascii() and page_arg.isdigit() and len(page_arg) <= 4):
            raise Stale(turn.args)
        page, query = int(page_arg), turn.data.get("query", "")
    else:
        page, query = 0, turn.text[:200]
    turn.expect(None, query=query)
    hits = search_items(
        session=turn.session, query=query, town_id=turn.town.id, limit=PAGE + 1, offset=page * PAGE
    )
    if not hits:
        if page:
            raise Stale(turn.args)  # a page of an older search
        turn.expect("search")
        browse = turn.option("menu_shops", "cats")
        return [turn.reply("search_none", [browse, *turn.nav()], query=query[:60])]
    options = [_option(turn, item, shop) for item, shop in hits[:PAGE]]
    if page:
        options.append(turn.option("nav_prev", f"found:{page - 1}"))
    if len(hits) > PAGE:
        options.append(turn.option("nav_more", f"found:{page + 1}"))
    key = "search_results_page" if page else "search_results"
    return [turn.reply(key, [*options, *turn.nav()], query=query[:60], page=page + 1)]


def _option(turn: Turn, item: Item, shop: Shop) -> Option:
    """ "Pull en laine rouge · 69,00 € · Boutique Émilie" (sold out instead of the price)."""
    price = turn.t("search_sold_out") if item.stock == 0 else turn.money(item.price_cents)
    label = turn.t("search_result", name=item.name, price=price, shop=shop.name)
    return Option(label, f"item:{item.id}")
