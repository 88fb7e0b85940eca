"""Shop set-up: the kind of shop (and hours, in the same message) before the first sale; the
rest when the merchant wants it ("Compléter ma boutique"), each editable from the settings.
"""

from collections.abc import Callable

from handlers import i18n
from handlers.common import actions as a
from handlers.common.cards import category_name
from handlers.common.formats import show_phone
from handlers.common.readiness import read_category, read_hours
from handlers.common.rights import require_shop
from handlers.core import Option, Reply, Stale
from handlers.merchant import items
from handlers.merchant.setup_view import (
    FIELDS,
    closure_words,
    format_hours,
    settings,
    shop_closures,
)
from handlers.turn import Turn
from store.models import Shop
from store.parsing.caption import (
    has_words,
    parse_count,
    parse_minutes,
    parse_postcodes,
    parse_price,
)
from store.parsing.hours import parse_closures, parse_hours
from store.parsing.phone import normalise_phone

CATEGORIES = (
    "bakery", "books", "cheese", "chocolate", "clothes", "creperie", "flowers", "gifts",
    "jewellery", "lingerie", "toys", "wine", "other",
)  # fmt: skip
# The question after each answer; sub-questions follow a "yes" to pickup or delivery.
NEXT = {
    "category": "description", "description": "address", "address": "phone", "phone": "hours",
    "hours": "closures", "closures": "pickup", "pickup": "delivery", "pickup_on": "prep",
    "prep": "capacity", "capacity": "delivery", "delivery": "hold", "delivery_on": "fee",
    "fee": "free", "free": "postcodes", "postcodes": "hold", "hold": "photo", "photo": None,
}  # fmt: skip
CHAINED = {"pickup_on", "prep", "delivery_on", "fee", "free"}  # always go on to the next one
NUMERIC = {"phone", "prep", "capacity", "fee", "free", "postcodes", "hold"}
TEXT_LIMITS = {"description": 1000, "address": 200}
# Awaited typed answers: a text, a number, a photo (words instead are answered kindly).
ANSWER, NUMBER, PHOTO = "mset", "mset_num", "mset_photo"


ANSWERED: dict[str, Callable[[Shop], bool]] = {  # questions the completion skips once answered
    "category": lambda shop: shop.category != "other",
    "description": lambda shop: bool(shop.description),
    "address": lambda shop: bool(shop.address),
    "phone": lambda shop: bool(shop.phone),
    "hours": lambda shop: bool(shop.hours),
    "photo": lambda shop: bool(shop.photo),
}


def start_wizard(turn: Turn, shop: Shop) -> list[Reply]:
    """Right after the owner joined: only the kind of shop (hours welcome in the same message)."""
    turn.remember(mfirst=True)
    turn.forget("mwiz")
    question = ask(turn, "category")[-1]
    turn.expect(ANSWER, mfield="category")  # "Fromagerie, mar-sam 9h-19h" is read as typed
    text = turn.t("m_setup_intro", shop=shop.name) + "\n\n" + turn.t("m_ask_category_first")
    return [Reply(text, options=question.options)]


def ready(turn: Turn, shop: Shop, notice: str = "") -> list[Reply]:
    """After the first answer: send a photo to sell; the rest can wait."""
    turn.forget("mfirst")
    turn.expect(None)
    text = turn.t("m_setup_ready", shop=shop.name)
    if notice:
        text = f"{notice}\n\n{text}"
    options = [
        turn.option("m_complete", a.M_COMPLETE.pack()),
        turn.option("m_shop_menu", a.M_MENU.pack()),
    ]
    return [Reply(text, options=tuple(options))]


def complete(turn: Turn) -> list[Reply]:
    """`mcomplete`: the questions left, one after the other, each one skippable."""
    shop = require_shop(turn)
    turn.forget("mfirst")
    turn.remember(mwiz=True)
    first = _open(shop, "category")  # a photo sent first left the kind of shop unasked
    if first is None:
        turn.forget("mwiz")
        return [turn.reply("m_setup_done"), *settings(turn)]
    return ask(turn, first)


def _open(shop: Shop, field: str | None) -> str | None:
    """`field`, or the first question after it the shop has not answered yet."""
    while field is not None and field in ANSWERED and ANSWERED[field](shop):
        field = NEXT.get(field)
    return field


def ask(turn: Turn, field: str) -> list[Reply]:
    """Ask one set-up question; every question can be skipped."""
    skip = turn.option("m_skip", a.M_SKIP.pack(field))
    if field == "category":
        turn.expect(None)
        options = [Option(category_name(turn, key), a.M_CATEGORY.pack(key)) for key in CATEGORIES]
        return [turn.reply("m_ask_category", [*options, skip])]
    if field in ("pickup", "delivery"):
        turn.expect(None)
        switch = a.M_PICKUP if field == "pickup" else a.M_DELIVERY
        yes, no = turn.option("m_yes", switch.pack("1")), turn.option("m_no", switch.pack("0"))
        return [turn.reply(f"m_ask_{field}", [yes, no, skip])]
    turn.expect(PHOTO if field == "photo" else NUMBER if field in NUMERIC else ANSWER)
    turn.remember(mfield=field)
    stop = turn.option("m_setup_stop", a.M_SETTINGS.pack())
    return [turn.reply(f"m_ask_{field}", [skip, stop])]


def again(turn: Turn, field: str, key: str, **values: object) -> list[Reply]:
    """Ask the same question again, the text saying what to send instead."""
    question = ask(turn, field)[-1]
    return [Reply(turn.t(key, **values), options=question.options)]


def after(turn: Turn, field: str) -> list[Reply]:
    """What comes after an answer: the next question in the wizard, else the settings."""
    if field == "category" and turn.data.get("mfirst"):
        return ready(turn, require_shop(turn))
    following = NEXT.get(field)
    if following and turn.data.get("mwiz"):
        following = _open(require_shop(turn), following)
    if following and (turn.data.get("mwiz") or field in CHAINED):
        return ask(turn, following)
    if turn.data.get("mwiz"):
        turn.forget("mwiz")
        return [turn.reply("m_setup_done"), *settings(turn)]
    return settings(turn)


def edit(turn: Turn) -> list[Reply]:
    """`mset:<field>`: change one setting."""
    field = a.M_SET.args(turn).word
    if field not in FIELDS:
        raise Stale(field)
    require_shop(turn)
    turn.forget("mwiz")
    return ask(turn, field)


def skip(turn: Turn) -> list[Reply]:
    """`mskip:<field>`: leave this one as it is."""
    field = a.M_SKIP.args(turn).word
    if field not in NEXT:
        raise Stale(field)
    require_shop(turn)
    return after(turn, field)


def category(turn: Turn) -> list[Reply]:
    """`mcat:<key>`: the shop's category."""
    key = a.M_CATEGORY.args(turn).word
    if key not in CATEGORIES:
        raise Stale(key)
    require_shop(turn).category = key
    return after(turn, "category")


def pickup(turn: Turn) -> list[Reply]:
    """`mpickup:<0|1>`: click-and-collect on or off."""
    on = a.M_PICKUP.args(turn).on == "1"
    require_shop(turn).pickup_enabled = on
    return after(turn, "pickup_on" if on else "pickup")


def delivery(turn: Turn) -> list[Reply]:
    """`mdelivery:<0|1>`: home delivery on or off."""
    on = a.M_DELIVERY.args(turn).on == "1"
    require_shop(turn).delivery_enabled = on
    return after(turn, "delivery_on" if on else "delivery")


def typed(turn: Turn) -> list[Reply]:
    """A typed answer to the current set-up question."""
    shop = require_shop(turn)
    field = turn.data.get("mfield", "")
    text = (turn.incoming.text or "").strip()
    if field == "category":
        return _first_answer(turn, shop, text)
    if field == "phone":
        phone = normalise_phone(text)
        if phone is None:
            return again(turn, field, "m_bad_phone")
        shop.phone = show_phone(phone)
        return after(turn, field)
    if field in TEXT_LIMITS:
        if len(text) > TEXT_LIMITS[field] or not has_words(text):
            return again(turn, field, "m_bad_text", limit=TEXT_LIMITS[field])
        setattr(shop, field, text)
        return after(turn, field)
    if field == "hours":
        return _hours(turn, text)
    if field == "photo":
        return again(turn, field, "m_bad_photo")
    if field == "closures":
        return _closures_typed(turn, shop, text)
    return _number(turn, shop, field, text)


def _first_answer(turn: Turn, shop: Shop, text: str) -> list[Reply]:
    """The kind of shop typed in words, with the hours when they came in the same message."""
    key, hours = read_category(text, CATEGORIES), read_hours(text)
    if key is None and hours is None:
        return again(turn, "category", "m_bad_category")
    if key is not None:
        shop.category = key
    notice = ""
    if hours:
        shop.hours = hours
        notice = turn.t("m_hours_noted", hours=format_hours(turn, hours))
    if key is None:  # hours only: the kind of shop is still the first question
        question = ask(turn, "category")[-1]
        turn.expect(ANSWER, mfield="category")
        return [Reply(f"{notice}\n\n{question.text}", options=question.options)]
    if turn.data.get("mfirst"):
        return ready(turn, shop, notice)
    return [Reply(notice), *after(turn, "category")] if notice else after(turn, "category")


def _number(turn: Turn, shop: Shop, field: str, text: str) -> list[Reply]:
    if field == "prep":
        value = parse_minutes(text)
        ok = value is not None and value <= 7 * 24 * 60
        if ok and value is not None:
            shop.prep_minutes = value
    elif field in ("capacity", "hold"):
        value = parse_count(text, 100 if field == "capacity" else 60)
        ok = value is not None and value >= 1
        if ok:
            setattr(shop, "slot_capacity" if field == "capacity" else "hold_days", value)
    elif field in ("fee", "free"):
        value = 0 if text.lower() in ("0", "gratuit", "gratuite", "free") else parse_price(text)
        ok = value is not None and 0 <= value <= 100_000
        if ok and value is not None and field == "fee":
            shop.delivery_fee_cents = value
        elif ok:
            shop.free_delivery_cents = value or None
    elif field == "postcodes":
        codes = parse_postcodes(text)
        ok = bool(codes)
        if ok:
            shop.delivery_postcodes = codes
    else:
        raise Stale(field)
    if not ok:
        return again(turn, field, f"m_bad_{field}")
    return after(turn, field)


def _hours(turn: Turn, text: str) -> list[Reply]:
    """Typed hours read back as a week, with what was not understood, before they are saved."""
    hours = parse_hours(text)
    if hours is None:
        return again(turn, "hours", "m_bad_hours", text=_quoted(text))
    if not hours:  # only "sur rendez-vous": a shop shown open then would turn people away
        return again(turn, "hours", "m_hours_only_appointment")
    turn.remember(mhours=dict(hours))
    turn.expect(ANSWER, mfield="hours")  # typing again corrects them
    notes = [turn.t("m_not_understood", text=part) for part in hours.unread]
    if hours.appointment:
        notes.append(turn.t("m_hours_appointment"))
    options = [
        turn.option("m_hours_ok", a.M_HOURS_OK.pack()),
        turn.option("m_skip", a.M_SKIP.pack("hours")),
    ]
    week = "\n".join([format_hours(turn, hours), *notes])
    return [turn.reply("m_hours_check", options, hours=week)]


def _quoted(text: str) -> str:
    """What the merchant typed, short enough to be said back in one line."""
    flat = " ".join(text.split())
    return flat if len(flat) <= 80 else flat[:79] + "…"


def _closures_typed(turn: Turn, shop: Shop, text: str) -> list[Reply]:
    """Closures read surely are saved and said back in words; a doubtful reading asks first."""
    today = i18n.local(turn.now(), turn.tz).date()
    closures = parse_closures(text, today)
    if closures is None:
        return again(turn, "closures", "m_bad_closures", text=_quoted(text))
    notes = [turn.t("m_not_understood", text=part) for part in closures.unread]
    notes += [turn.t(f"m_closure_doubt_{why}", text=part) for part, why in closures.doubts]
    sure = not closures.unread and not closures.doubts
    if sure or (not closures and not closures.doubts):  # or "aucune" with a word more
        shop.closures = list(closures)
        said = "\n".join([shop_closures(turn, shop), *notes])
        return [turn.reply("m_closures_saved", closures=said), *after(turn, "closures")]
    turn.remember(mclosures=list(closures))
    turn.expect(ANSWER, mfield="closures")  # typing again corrects them
    understood = closure_words(turn, list(closures)) or turn.t("m_none")
    options = [
        turn.option("m_hours_ok", a.M_CLOSURES_OK.pack()),
        turn.option("m_skip", a.M_SKIP.pack("closures")),
    ]
    return [turn.reply("m_closures_check", options, closures="\n".join([understood, *notes]))]


def closures_ok(turn: Turn) -> list[Reply]:
    """`mclosok`: the closures read back were right; save them."""
    shop = require_shop(turn)
    closures = turn.data.get("mclosures")
    if not isinstance(closures, list):
        raise Stale("no closures to confirm")
    shop.closures = closures
    turn.forget("mclosures")
    saved = turn.reply("m_closures_saved", closures=shop_closures(turn, shop))
    return [saved, *after(turn, "closures")]


def hours_ok(turn: Turn) -> list[Reply]:
    """`mhoursok`: the hours read back were right; save them."""
    shop = require_shop(turn)
    hours = turn.data.get("mhours")
    if not isinstance(hours, dict) or not hours:
        raise Stale("no hours to confirm")
    shop.hours = hours
    turn.forget("mhours")
    return [turn.reply("m_hours_saved"), *after(turn, "hours")]


def photo(turn: Turn) -> list[Reply]:
    """A photo sent while the set-up asked for the shop's photo; with a caption, an item."""
    if (turn.incoming.text or "").strip():
        return items.photo(turn)  # a photo with a caption is something to sell
    require_shop(turn).photo = turn.incoming.photos[0]
    return [turn.reply("m_photo_saved"), *after(turn, "photo")]
