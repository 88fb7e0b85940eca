"""Items by photo: a merchant sends a photo with a caption, checks the card, publishes it.

The draft lives in the conversation state (`data["draft"]`) until it is published, so an
answer to a question ("and the price?") never loses the photo or what was already read.
"""

from datetime import timedelta
from typing import Any

from handlers.common import actions as a
from handlers.common.cards import item_card
from handlers.common.menus import home_options
from handlers.common.readiness import missing_text
from handlers.common.rights import current_shop, require_shop, staff_shop
from handlers.core import Option, Reply, Stale
from handlers.turn import Turn
from store.models import Item, Shop
from store.parsing.caption import (
    MAX_DESCRIPTION,
    MAX_NAME,
    has_words,
    is_unlimited,
    parse_caption,
    parse_price,
    parse_stock,
    price_problem,
)
from store.shops import usual_price_cents
from store.types import persisted

MAX_PHOTOS = 10
# Awaited: the draft's name, price, stock or description (`md_<what>`).
DRAFT_INPUTS = ("md_name", "md_price", "md_stock", "md_desc")
IN_A_ROW = timedelta(minutes=30)


def photo(turn: Turn) -> list[Reply]:
    """A photo from shop staff: a new item, or more photos for the draft being written."""
    shop = require_shop(turn)
    # A caption sent with a file that was not a photo waits for the next photo.
    caption = (turn.incoming.text or "").strip() or turn.data.get("file_caption", "")
    turn.forget("file_caption")
    draft = dict(turn.data.get("draft") or {})  # a copy: the JSON column sees a new value
    if not caption and draft and turn.state.expect in DRAFT_INPUTS:
        draft["photos"] = [*draft["photos"], *turn.incoming.photos][:MAX_PHOTOS]
        turn.remember(draft=draft)
        return [turn.reply("m_photo_added", count=len(draft["photos"])), *next_step(turn, [])]
    # Photos sent one after another on a phone: a draft with its name and price was checked on
    # its card, so the next photo puts it on sale; an incomplete or old one is dropped, said so.
    notice = []
    if draft.get("name") and draft.get("price") is not None and _in_a_row(turn):
        staff_shop(turn, draft["shop"])
        item = _put_on_sale(turn, draft)
        notice = [
            turn.reply("m_draft_published", name=item.name, price=turn.money(item.price_cents))
        ]
    elif draft.get("name"):
        notice = [turn.reply("m_draft_replaced", name=draft["name"])]
    draft = {
        "shop": shop.id,
        "photos": list(turn.incoming.photos[:MAX_PHOTOS]),
        "name": "",
        "price": None,
        "stock": None,
        "desc": "",
    }
    if not caption:
        turn.remember(draft=draft)
        turn.expect("md_name")
        cancel = turn.option("m_cancel", a.M_DRAFT_DROP.pack())
        return [*notice, turn.reply("m_item_no_caption", [cancel])]
    return [*notice, *_read(turn, draft, caption)]


def _in_a_row(turn: Turn) -> bool:
    """The previous message came minutes ago: the same sitting, not a draft forgotten days ago."""
    last = turn.state.updated_at
    return last is not None and turn.now() - last <= IN_A_ROW


def _read(turn: Turn, draft: dict[str, Any], caption: str) -> list[Reply]:
    """Fill the draft from a caption (or typed words) and ask for what is still missing."""
    usual = usual_price_cents(session=turn.session, shop_id=draft["shop"])
    parsed = parse_caption(caption, usual_cents=usual)
    problems = list(parsed.problems)
    if parsed.name and "name_too_long" not in problems:
        # Typed on a phone in lowercase: customers read "Culotte coton bio" in the lists.
        draft["name"] = parsed.name[:1].upper() + parsed.name[1:]
    if parsed.price_cents is not None and price_problem(parsed.price_cents) is None:
        draft["price"] = parsed.price_cents
        draft.pop("doubt", None)
        doubt = parsed.doubts[0] if parsed.doubts else None
        readings = [c for c in doubt.readings if price_problem(c) is None] if doubt else []
        if doubt and readings:  # two readings: the merchant picks one, the bot doesn't guess
            draft["doubt"] = {"kind": doubt.kind, "readings": readings, "usual": usual}
            draft["price"] = None
    if parsed.stock is not None:
        draft["stock"] = parsed.stock
    if parsed.description:
        draft["desc"] = parsed.description[:MAX_DESCRIPTION]
    if draft["name"]:  # a name kept from before: nothing missing there
        problems = [p for p in problems if p != "name_missing"]
    if draft["price"] is not None and "price_missing" in problems:
        problems.remove("price_missing")
    turn.remember(draft=draft)
    return next_step(turn, problems)


def next_step(turn: Turn, problems: list[str]) -> list[Reply]:
    """Say what was wrong, then ask for the name, the price, or show the card."""
    draft = turn.data["draft"]
    told = [turn.reply(f"m_problem_{p}", limit=MAX_NAME) for p in problems if p != "price_missing"]
    cancel = [turn.option("m_cancel", a.M_DRAFT_DROP.pack())]
    if not draft["name"]:
        turn.expect("md_name")
        return [*told, turn.reply("m_ask_name", cancel)]
    if draft["price"] is None:
        turn.expect("md_price")
        if draft.get("doubt"):
            return [*told, _price_question(turn, draft)]
        return [*told, turn.reply("m_ask_price", cancel, name=draft["name"])]
    turn.expect(None)
    return [*told, *preview(turn)]


def _price_question(turn: Turn, draft: dict[str, Any]) -> Reply:
    """The readings of an unsure price as buttons; a typed price answers too."""
    doubt = draft["doubt"]
    readings = doubt["readings"]
    money = [turn.money(cents) for cents in readings]
    options = [
        turn.option("m_price_reading", a.M_DRAFT_PRICE_CHOSEN.pack(cents), price=shown)
        for cents, shown in zip(readings, money, strict=True)
    ]
    usual = turn.money(doubt["usual"]) if doubt.get("usual") else ""
    text = turn.t(
        f"m_doubt_{doubt['kind']}",
        name=draft["name"],
        first=money[0] if money else "",
        second=money[1] if len(money) > 1 else "",
        usual=usual,
    )
    return Reply(text, options=(*options, turn.option("m_cancel", "mdx")))


def draft_price_chosen(turn: Turn) -> list[Reply]:
    """`mdpc:<cents>`: the merchant picked one reading of an unsure price."""
    draft = _draft(turn)
    doubt = draft.get("doubt") or {}
    cents = a.M_DRAFT_PRICE_CHOSEN.args(turn).cents
    if cents not in doubt.get("readings", []):
        raise Stale("not a reading of this draft's price")
    draft["price"] = cents
    draft.pop("doubt")
    turn.remember(draft=draft)
    return next_step(turn, [])


def preview(turn: Turn) -> list[Reply]:
    """The draft as customers will see it, with what the merchant can do about it."""
    draft = turn.data["draft"]
    shop = turn.session.get(Shop, draft["shop"])
    if shop is None:
        raise Stale("the draft's shop is gone")
    # Never stored: id 0 only lets browse's card build its (discarded) buttons.
    item = Item(
        id=0,
        shop_id=persisted(shop.id),
        name=draft["name"],
        description=draft["desc"],
        price_cents=draft["price"],
        stock=draft["stock"],
        photos=draft["photos"],
    )
    text, photo = card(turn, item, shop)
    options = (
        turn.option("m_publish", a.M_PUBLISH.pack()),
        turn.option("m_change_price", a.M_DRAFT_PRICE.pack()),
        turn.option("m_change_stock", a.M_DRAFT_STOCK.pack()),
        turn.option("m_change_name", a.M_DRAFT_NAME.pack()),
        turn.option("m_change_desc", a.M_DRAFT_DESC.pack()),
        turn.option("m_cancel", a.M_DRAFT_DROP.pack()),
    )
    return [Reply(turn.t("m_preview", text=text), photo=photo, options=options)]


def card(turn: Turn, item: Item, shop: Shop) -> tuple[str, str | None]:
    """The customer's item card (browse's own), plus the exact stock customers don't see."""
    customer = item_card(turn, item, shop)
    if item.stock is None:
        stock = turn.t("m_stock_unlimited")
    else:
        stock = turn.t("m_stock_left", stock=item.stock)
    return f"{customer.text}\n{stock}", customer.photo or next(iter(item.photos), None)


def _draft(turn: Turn) -> dict[str, Any]:
    """The draft being written, checked against the shops this user still works in."""
    draft = turn.data.get("draft")
    if not isinstance(draft, dict):
        raise Stale("no draft")
    staff_shop(turn, draft["shop"])
    return dict(draft)  # a copy: changed in place, the JSON column would not see it


def _draft_ask(turn: Turn, what: str) -> list[Reply]:
    _draft(turn)
    turn.expect(f"md_{what}")
    back = [turn.option("nav_back", a.M_DRAFT_SHOW.pack())]
    return [turn.reply(f"m_ask_{what}", back, name=turn.data["draft"]["name"])]


def draft_price(turn: Turn) -> list[Reply]:
    """`mdp`: change the draft's price."""
    return _draft_ask(turn, "price")


def draft_stock(turn: Turn) -> list[Reply]:
    """`mds`: change the draft's stock."""
    return _draft_ask(turn, "stock")


def draft_name(turn: Turn) -> list[Reply]:
    """`mdn`: change the draft's name."""
    return _draft_ask(turn, "name")


def draft_desc(turn: Turn) -> list[Reply]:
    """`mdd`: write the draft's description."""
    return _draft_ask(turn, "desc")


def draft_show(turn: Turn) -> list[Reply]:
    """`mdshow`: the draft's card again."""
    _draft(turn)
    return next_step(turn, [])


def draft_typed(turn: Turn) -> list[Reply]:
    """A typed answer while writing a draft: name, price, stock or description."""
    draft = _draft(turn)
    text = (turn.incoming.text or "").strip()
    what = (turn.state.expect or "").removeprefix("md_")
    if what == "name" and not draft["name"]:
        return _read(turn, draft, text)  # "Pull rouge 35 €" answers name and price at once
    picked = _picked_reading(draft, text) if what == "price" else None
    problem = None if picked is not None else value_problem(what, text)
    if problem:
        return [turn.reply(problem, limit=MAX_NAME), *_ask_again(turn, what)]
    if what == "price":
        draft["price"] = picked if picked is not None else parse_price(text)
        draft.pop("doubt", None)
    elif what == "stock":
        draft["stock"] = None if is_unlimited(text) else parse_stock(text)
    elif what == "name":
        draft["name"] = text
    else:
        draft["desc"] = text
    turn.remember(draft=draft)
    return next_step(turn, [])


def _picked_reading(draft: dict[str, Any], text: str) -> int | None:
    """ "2" under numbered readings (WhatsApp, console): the second reading, not 2,00 €."""
    readings = (draft.get("doubt") or {}).get("readings", [])
    if text.isdigit() and 1 <= int(text) <= len(readings) and int(text) * 100 not in readings:
        return int(readings[int(text) - 1])
    return None


def _ask_again(turn: Turn, what: str) -> list[Reply]:
    turn.expect(f"md_{what}")
    return [
        turn.reply(
            f"m_ask_{what}",
            [turn.option("m_cancel", a.M_DRAFT_DROP.pack())],
            name=turn.data["draft"]["name"],
        )
    ]


def value_problem(what: str, text: str) -> str | None:
    """The text key saying why a typed value can't be used, or None."""
    if what == "price":
        problem = price_problem(parse_price(text))
        return f"m_problem_{problem}" if problem else None
    if what == "stock":
        return (
            None
            if is_unlimited(text) or parse_stock(text) is not None
            else "m_problem_stock_not_number"
        )
    if what == "name":
        if not has_words(text):
            return "m_problem_name_missing"
        return "m_problem_name_too_long" if len(text) > MAX_NAME else None
    return "m_problem_description_too_long" if len(text) > MAX_DESCRIPTION else None


def publish(turn: Turn) -> list[Reply]:
    """`mdpub`: the item goes on sale."""
    draft = _draft(turn)
    if not draft["name"] or draft["price"] is None:
        return next_step(turn, [])
    item = _put_on_sale(turn, draft)
    turn.expect(None)
    options = [
        turn.option("m_see_item", a.M_ITEM.pack(persisted(item.id))),
        turn.option("m_menu_items", a.M_ITEMS.pack(0)),
        turn.option("m_shop_menu", a.M_MENU.pack()),
    ]
    text = turn.t("m_published", name=item.name)
    shop = turn.session.get(Shop, item.shop_id)
    todo = missing_text(turn.lang, shop) if shop else ""
    if todo:  # a gentle word: what customers would like to know as well
        text += "\n\n" + turn.t("m_published_missing", missing=todo)
        options.insert(0, turn.option("m_complete", a.M_COMPLETE.pack()))
    return [Reply(text, options=tuple(options))]


def _put_on_sale(turn: Turn, draft: dict[str, Any]) -> Item:
    now = turn.now()
    item = Item(
        shop_id=draft["shop"],
        name=draft["name"],
        description=draft["desc"],
        price_cents=draft["price"],
        stock=draft["stock"],
        photos=draft["photos"],
        created_at=now,
        updated_at=now,
    )
    turn.session.add(item)
    turn.session.flush()
    turn.forget("draft")
    return item


def cancel(turn: Turn) -> list[Reply]:
    """`mdx`: drop the draft."""
    turn.forget("draft")
    turn.expect(None)
    options = (turn.option("m_shop_menu", a.M_MENU.pack()), *turn.nav())
    return [Reply(turn.t("m_draft_dropped"), options=options)]


def not_an_image(turn: Turn) -> list[Reply]:
    """`mfile:<big|other>`: the channel got a file that is not a usable photo."""
    reason = a.M_FILE.args(turn).reason
    if current_shop(turn) is None:
        return [turn.reply("file_not_a_photo", home_options(turn))]
    options = [Option(turn.t("m_shop_menu"), a.M_MENU.pack())]
    if turn.data.get("draft"):
        options.insert(0, turn.option("m_back_to_draft", a.M_DRAFT_SHOW.pack()))
    caption = turn.text  # the file's caption, never a search: kept for the next photo
    if caption:
        turn.remember(file_caption=caption)
        return [turn.reply(f"m_file_{reason}_caption", options, caption=caption[:80])]
    return [turn.reply(f"m_file_{reason}", options)]
