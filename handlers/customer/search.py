"""Typed words that are not a command: search the town's catalogue."""

from handlers.common import actions as a
from handlers.core import Option, Reply, Stale
from handlers.turn import Turn
from store.models import Item, Shop
from store.search import Found, find_items, fold
from store.types import persisted

PAGE = 8
LAST_PAGE = 9999
SEARCHING = "search"  # awaited: the words to look for (ConversationState.expect)


def ask(turn: Turn) -> list[Reply]:
    """Ask what to look for."""
    turn.expect(SEARCHING)
    return [turn.reply("search_ask", turn.nav())]


def results(turn: Turn) -> list[Reply]:
    """Items of the town's shops matching the typed words, best first; `found:<page>` pages."""
    if turn.args:  # `found:<page>`, pressed or typed ("Suite"): the query is the last one
        page, query = a.FOUND.args(turn).page, turn.data.get("query", "")
        if page > LAST_PAGE:
            raise Stale(turn.args)
    else:
        page, query = 0, turn.text[:200]
    turn.expect(None, query=query)
    found = find_items(
        session=turn.session, query=query, town_id=turn.town.id, limit=PAGE + 1, offset=page * PAGE
    )
    hits = found.hits
    if not hits:
        if page:
            raise Stale(turn.args)  # a page of an older search
        turn.expect(SEARCHING)
        browse = turn.option("menu_shops", a.CATEGORIES.pack())
        return [turn.reply("search_none", [browse, *turn.nav()], query=query[:60])]
    options = [_option(turn, item, shop) for item, shop in hits[:PAGE]]
    if page:
        options.append(turn.option("nav_prev", a.FOUND.pack(page - 1)))
    if len(hits) > PAGE:
        options.append(turn.option("nav_more", a.FOUND.pack(page + 1)))
    if found.suggestions and not page:  # nothing matched: the closest words' items
        options.append(turn.option("menu_shops", a.CATEGORIES.pack()))
        return [turn.reply("search_suggest", [*options, *turn.nav()], **_said(found, query))]
    key = "search_results_page" if page else _heading(found)
    return [turn.reply(key, [*options, *turn.nav()], page=page + 1, **_said(found, query))]


def _heading(found: Found) -> str:
    """Say when the search corrected a word or left one out."""
    if found.corrected:
        return "search_results_corrected"
    return "search_results_without" if found.dropped else "search_results"


def _said(found: Found, query: str) -> dict[str, str]:
    """The placeholders the search headings use."""
    corrected = " ".join(found.corrected.get(fold(word), word) for word in query.split())
    return {
        "query": query[:60],
        "corrected": corrected[:60],
        "dropped": ", ".join(found.dropped)[:60],
        "suggestion": " / ".join(found.suggestions)[:60],
    }


def _option(turn: Turn, item: Item, shop: Shop) -> Option:
    """ "Pull en laine rouge · 69,00 € · Boutique Émilie" (sold out instead of the price)."""
    price = turn.t("search_sold_out") if item.stock == 0 else turn.money(item.price_cents)
    label = turn.t("search_result", name=item.name, price=price, shop=shop.name)
    return Option(label, a.ITEM.pack(persisted(item.id)))
