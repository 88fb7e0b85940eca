"""Checkout, one shop at a time: pickup slot or delivery address, phone, note, summary, confirm.

Every answer is kept in `turn.data["co"]`, so a mistake or a detour loses nothing. Each step
is its own action (`co.pickup:<shop>`, `co.day:<shop>:<YYYYMMDD>`, ...), a row of the table.
"""

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from handlers import i18n
from handlers.common import actions as a
from handlers.common.formats import show_phone
from handlers.core import Option, Reply, Stale
from handlers.customer import confirm
from handlers.customer.cart import show as show_cart
from handlers.turn import Turn
from store import cart, slots
from store.models import Shop
from store.parsing.phone import normalise_phone
from store.types import persisted

ADDRESS, PHONE, NOTE = "co_address", "co_phone", "co_note"  # awaited typed answers
MAX_NOTE = 500
POSTCODE = re.compile(r"(?<!\d)(\d{5})(?!\d)")


def _shop(turn: Turn, shop_id: int) -> Shop:
    shop = turn.session.get(Shop, shop_id)
    if shop is None or shop.town_id != turn.town.id:
        raise Stale(shop_id)
    return shop


def _co(turn: Turn, shop: Shop) -> dict[str, Any]:
    """This shop's checkout answers so far (a button of another checkout is stale)."""
    co = turn.data.get("co") or {}
    if co.get("shop") != shop.id:
        raise Stale(f"co:{shop.id}")
    return dict(co)


def _save(turn: Turn, co: dict[str, Any]) -> None:
    turn.remember(co=co)


def _lines(turn: Turn, shop: Shop) -> list[cart.Line]:
    return cart.lines(session=turn.session, user_id=turn.user_id, shop_id=persisted(shop.id))


def _step(turn: Turn, shop_id: int, then: Callable[[Shop], list[Reply]]) -> list[Reply]:
    """One step of this shop's checkout; an emptied cart goes back to the cart."""
    shop = _shop(turn, shop_id)
    if not _lines(turn, shop):
        return [turn.reply("co_empty"), *show_cart(turn)]
    return then(shop)


def _with_notice(notice: str, text: str) -> str:
    return f"{notice}\n\n{text}" if notice else text


# The rows of the routing table.
def start(turn: Turn) -> list[Reply]:
    """`co:<shop>`: begin (or resume) this shop's order."""
    return begin(turn, a.CO_START.args(turn).shop)


def from_cart(turn: Turn) -> list[Reply]:
    """ "commander" typed anywhere: the one shop's checkout, or the cart to pick a shop."""
    shops = {ln.shop.id for ln in cart.lines(session=turn.session, user_id=turn.user_id)}
    if len(shops) == 1:
        return begin(turn, persisted(shops.pop()))
    return show_cart(turn)


def mode(turn: Turn) -> list[Reply]:
    """`co.mode:<shop>`: pickup or delivery again."""
    return _step(turn, a.CO_MODE.args(turn).shop, lambda shop: choose_mode(turn, shop))


def pickup(turn: Turn) -> list[Reply]:
    """`co.pickup:<shop>`: the days to collect it."""
    return _step(turn, a.CO_PICKUP.args(turn).shop, lambda shop: pickup_days(turn, shop))


def delivery(turn: Turn) -> list[Reply]:
    """`co.delivery:<shop>`: the address."""
    return _step(turn, a.CO_DELIVERY.args(turn).shop, lambda shop: ask_address(turn, shop))


def day(turn: Turn) -> list[Reply]:
    """`co.day:<shop>:<YYYYMMDD>[:<HHMM-HHMM>]`: that day's slots (or one part of the day)."""
    shop_id, raw, part = a.CO_DAY.args(turn)
    return _step(turn, shop_id, lambda shop: pickup_slots(turn, shop, raw, part=part))


def slot(turn: Turn) -> list[Reply]:
    """`co.slot:<shop>:<HHMM>`: that slot of the chosen day."""
    shop_id, raw = a.CO_SLOT.args(turn)
    return _step(turn, shop_id, lambda shop: choose_slot(turn, shop, raw))


def known_phone(turn: Turn) -> list[Reply]:
    """`co.tel:<shop>`: use the phone number we already know."""
    return _step(turn, a.CO_PHONE.args(turn).shop, lambda shop: saved_phone(turn, shop))


def note(turn: Turn) -> list[Reply]:
    """`co.note:<shop>`: write (or rewrite) the note for the shop."""
    return _step(turn, a.CO_NOTE.args(turn).shop, lambda shop: ask_note(turn, shop))


def skip(turn: Turn) -> list[Reply]:
    """`co.skip:<shop>`: no note."""
    return _step(turn, a.CO_SKIP.args(turn).shop, lambda shop: skip_note(turn, shop))


def place(turn: Turn) -> list[Reply]:
    """`co.ok:<shop>`: place the order; a full slot or a sold-out line says so."""
    return _step(turn, a.CO_CONFIRM.args(turn).shop, lambda shop: _place(turn, shop))


# The steps.
def begin(turn: Turn, shop_id: int) -> list[Reply]:
    """This shop's order: how to get it, or the summary when every answer is there."""
    shop = _shop(turn, shop_id)
    turn.expect(None)
    if not _lines(turn, shop):
        return [turn.reply("co_empty"), *show_cart(turn)]
    co = turn.data.get("co") or {}
    if co.get("shop") != shop.id:
        co = {"shop": shop.id}
        _save(turn, co)
    if confirm.complete(co):  # back after a detour: every answer is still there
        return _summary(turn, shop, co)
    return choose_mode(turn, shop)


def choose_mode(turn: Turn, shop: Shop) -> list[Reply]:
    """Pickup or delivery, where the shop offers both."""
    _co(turn, shop)
    turn.expect(None)
    if shop.pickup_enabled and shop.delivery_enabled:
        shop_id = persisted(shop.id)
        options = [
            turn.option("co_mode_pickup", a.CO_PICKUP.pack(shop_id)),
            turn.option("co_mode_delivery", a.CO_DELIVERY.pack(shop_id)),
            *turn.nav(a.CART.pack()),
        ]
        return [turn.reply("co_mode_ask", options, shop=shop.name)]
    if shop.delivery_enabled:
        return ask_address(turn, shop)
    return pickup_days(turn, shop)


def pickup_days(turn: Turn, shop: Shop) -> list[Reply]:
    """The next days the shop can prepare the order."""
    co = _co(turn, shop)
    if not shop.pickup_enabled:
        raise Stale("pickup")
    co.update(mode="pickup")
    _save(turn, co)
    turn.expect(None)
    tz = turn.tz
    days = slots.pickup_days(session=turn.session, shop=shop, now=turn.now(), tz=tz)
    shop_id = persisted(shop.id)
    back = turn.nav(a.CO_MODE.pack(shop_id))
    if not days:
        return [turn.reply("co_no_days", back, shop=shop.name)]
    options = [Option(_day_label(turn, d), a.CO_DAY.pack(shop_id, f"{d:%Y%m%d}")) for d in days]
    return [turn.reply("co_day_ask", [*options, *back])]


def _day_label(turn: Turn, day: date) -> str:
    today = turn.now().astimezone(ZoneInfo(turn.tz)).date()
    label = i18n.day(day, turn.lang)
    # Only the first letter: str.capitalize() would turn "December" into "december".
    return turn.t("co_today", day=label) if day == today else label[:1].upper() + label[1:]


def pickup_slots(turn: Turn, shop: Shop, raw: str, notice: str = "", part: str = "") -> list[Reply]:
    """The free slots of the chosen day; a long day is first split into parts of the day."""
    co = _co(turn, shop)
    try:
        day = datetime.strptime(raw, "%Y%m%d").date()
    except ValueError as exc:
        raise Stale(raw) from exc
    found = slots.free_slots(
        session=turn.session, shop=shop, day=day, now=turn.now(), tz=turn.tz
    )
    if not found:
        return [turn.reply("co_day_full"), *pickup_days(turn, shop)]
    co.update(mode="pickup", day=raw)
    _save(turn, co)
    tz = turn.tz
    shop_id = persisted(shop.id)
    groups = slots.parts(found)
    back = a.CO_PICKUP.pack(shop_id)
    if part:
        chosen = next((g for g in groups if slots.part_key(g, tz) == part), None)
        if chosen is None:  # those slots went meanwhile: the day as it is now
            return pickup_slots(turn, shop, raw, notice=turn.t("co_slot_gone"))
        found, back = chosen, a.CO_DAY.pack(shop_id, raw)
    elif len(groups) > 1:
        options = [
            Option(turn.t("co_part_label", start=_clock(g[0].start, turn, tz),
                          end=_clock(g[-1].end, turn, tz), count=len(g)),
                   a.CO_DAY.pack(shop_id, raw, slots.part_key(g, tz)))
            for g in groups
        ]  # fmt: skip
        text = _with_notice(notice, turn.t("co_part_ask", day=_day_label(turn, day)))
        return [Reply(text, options=(*options, *turn.nav(back)))]
    options = [
        Option(
            turn.t("co_slot_label", start=_clock(s.start, turn, tz), end=_clock(s.end, turn, tz)),
            a.CO_SLOT.pack(shop_id, f"{s.start.astimezone(ZoneInfo(tz)):%H%M}"),
        )
        for s in found
    ]
    text = _with_notice(notice, turn.t("co_slot_ask", day=_day_label(turn, day)))
    return [Reply(text, options=(*options, *turn.nav(back)))]


def _clock(moment: datetime, turn: Turn, tz: str) -> str:
    return i18n.clock(moment, turn.lang, tz)


def choose_slot(turn: Turn, shop: Shop, raw: str) -> list[Reply]:
    """Keep the chosen slot, then the phone number."""
    co = _co(turn, shop)
    if not re.fullmatch(r"\d{4}", raw) or "day" not in co:
        raise Stale(raw)
    tz = ZoneInfo(turn.tz)
    local = datetime.strptime(co["day"] + raw, "%Y%m%d%H%M").replace(tzinfo=tz)
    found = slots.free_slots(
        session=turn.session, shop=shop, day=local.date(), now=turn.now(), tz=turn.tz
    )
    chosen = next((s for s in found if s.start == local), None)
    if chosen is None:
        return pickup_slots(turn, shop, co["day"], notice=turn.t("co_slot_gone"))
    co.update(slot=chosen.start.isoformat(), slot_end=chosen.end.isoformat())
    _save(turn, co)
    return ask_phone(turn, shop)


def ask_address(turn: Turn, shop: Shop, notice: str = "") -> list[Reply]:
    """Delivery: ask for the address (typed, or a shared location then the street)."""
    co = _co(turn, shop)
    if not shop.delivery_enabled:
        raise Stale("delivery")
    co.update(mode="delivery")
    _save(turn, co)
    turn.expect(ADDRESS)
    text = turn.t("co_address_ask", zone=", ".join(shop.delivery_postcodes))
    back = turn.nav(a.CO_MODE.pack(persisted(shop.id)))
    return [Reply(_with_notice(notice, text), options=tuple(back))]


def typed_address(turn: Turn) -> list[Reply]:
    """The delivery address (or a location): the postcode must be in the shop's zone."""
    shop = _shop_of_checkout(turn)
    co = _co(turn, shop)
    if turn.incoming.location:
        lat, lon = turn.incoming.location
        co.update(latitude=lat, longitude=lon)
        _save(turn, co)
        return ask_address(turn, shop, notice=turn.t("co_location_thanks"))
    text = " ".join(turn.text.split())[:300]
    match = POSTCODE.search(text)
    if not match:
        return ask_address(turn, shop, notice=turn.t("co_address_no_postcode"))
    postcode = match.group(1)
    if postcode not in shop.delivery_postcodes:
        co["address_refused"] = text
        _save(turn, co)
        notice = turn.t(
            "co_address_outside", postcode=postcode, zone=", ".join(shop.delivery_postcodes)
        )
        shop_id = persisted(shop.id)
        to_pickup = turn.option("co_mode_pickup", a.CO_PICKUP.pack(shop_id))
        options = [to_pickup] if shop.pickup_enabled else []
        turn.expect(ADDRESS)
        return [Reply(notice, options=(*options, *turn.nav(a.CO_MODE.pack(shop_id))))]
    co.update(address=text, postcode=postcode)
    _save(turn, co)
    return ask_phone(turn, shop)


def _shop_of_checkout(turn: Turn) -> Shop:
    shop_id = (turn.data.get("co") or {}).get("shop")
    if not isinstance(shop_id, int):
        raise Stale("no checkout")
    return _shop(turn, shop_id)


def ask_phone(turn: Turn, shop: Shop, notice: str = "") -> list[Reply]:
    """The number the shop can call about this order."""
    turn.expect(PHONE)
    shop_id = persisted(shop.id)
    known = normalise_phone(turn.user.phone or "")
    use = turn.option("co_phone_use", a.CO_PHONE.pack(shop_id), phone=show_phone(known or ""))
    options = [use] if known else []
    pickup = (turn.data.get("co") or {}).get("mode") == "pickup"
    back = (a.CO_PICKUP if pickup else a.CO_DELIVERY).pack(shop_id)
    text = _with_notice(notice, turn.t("co_phone_ask"))
    return [Reply(text, options=(*options, *turn.nav(back)))]


def typed_phone(turn: Turn) -> list[Reply]:
    """A typed phone number, checked (the engine reads a menu number as the menu's)."""
    shop = _shop_of_checkout(turn)
    co = _co(turn, shop)
    phone = normalise_phone(turn.text)
    if phone is None:
        return ask_phone(turn, shop, notice=turn.t("co_phone_invalid"))
    co["phone"] = phone
    _save(turn, co)
    if not turn.user.phone:
        turn.user.phone = phone
    return ask_note(turn, shop)


def saved_phone(turn: Turn, shop: Shop) -> list[Reply]:
    """Use the phone number we already know."""
    co = _co(turn, shop)
    phone = normalise_phone(turn.user.phone or "")
    if phone is None:
        raise Stale("tel")
    co["phone"] = phone
    _save(turn, co)
    return ask_note(turn, shop)


def ask_note(turn: Turn, shop: Shop) -> list[Reply]:
    """An optional word for the shop."""
    turn.expect(NOTE)
    options = [turn.option("co_note_skip", a.CO_SKIP.pack(persisted(shop.id))), *turn.nav()]
    return [turn.reply("co_note_ask", options)]


def typed_note(turn: Turn) -> list[Reply]:
    """The note, cut to a length the shop will read; then the summary."""
    shop = _shop_of_checkout(turn)
    co = _co(turn, shop)
    note = turn.incoming.text or ""
    notice = turn.t("co_note_cut", count=MAX_NOTE) if len(note.strip()) > MAX_NOTE else ""
    co["note"] = note.strip()[:MAX_NOTE]
    _save(turn, co)
    return _summary(turn, shop, co, notice=notice)


def skip_note(turn: Turn, shop: Shop) -> list[Reply]:
    """No note."""
    co = _co(turn, shop)
    co["note"] = ""
    _save(turn, co)
    return _summary(turn, shop, co)


def _summary(turn: Turn, shop: Shop, co: dict[str, Any], notice: str = "") -> list[Reply]:
    """Everything about the order before it is placed; a missing answer starts again."""
    turn.expect(None)
    lines, how = _lines(turn, shop), confirm.fulfilment(co)
    if not lines or how is None:
        turn.forget("co")
        return begin(turn, persisted(shop.id))
    return confirm.summary(turn, shop, co, lines, how, notice=notice)


def _place(turn: Turn, shop: Shop) -> list[Reply]:
    """The order placed, or the question the outcome calls for."""
    co = _co(turn, shop)
    outcome = confirm.place(turn, shop, co)
    if isinstance(outcome, confirm.Placed):
        return outcome.replies
    if isinstance(outcome, confirm.SlotTaken):
        turn.remember(co={k: v for k, v in co.items() if k not in ("slot", "slot_end")})
        return pickup_slots(turn, shop, outcome.day, notice=turn.t("co_slot_full"))
    if isinstance(outcome, confirm.SoldOut):
        return [turn.reply("co_out_of_stock", names=", ".join(outcome.names)), *show_cart(turn)]
    return begin(turn, persisted(shop.id))
