"""Checkout, one shop at a time: pickup slot or delivery address, phone, note, summary, confirm.

Every answer is kept in `turn.data["co"]`, so a mistake or a detour loses nothing.
Actions are `co:<shop_id>[:step[:value]]`.
"""

import re
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from handlers import i18n
from handlers.core import Option, Reply, Stale
from handlers.customer.cart import show as show_cart
from handlers.turn import Turn
from store import cart, slots
from store.models import Shop

ADDRESS, PHONE, NOTE = "co_address", "co_phone", "co_note"
MAX_NOTE = 500
POSTCODE = re.compile(r"(?<!\d)(\d{5})(?!\d)")

PART_SIZE = 6  # slots in one list before the day is split into parts


def _shop(turn: Turn) -> Shop:
    raw = turn.args[0] if turn.args else ""
    shop = turn.session.get(Shop, int(raw)) if raw.isdigit() else None
    if shop is None or shop.town_id != turn.town.id:
        raise Stale(raw)
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
    return cart.lines(session=turn.session, user_id=turn.user.id, shop_id=shop.id)  # type: ignore[arg-type]


def step(turn: Turn) -> list[Reply]:
    """`co:<shop_id>:<step>:<value>`: one checkout step."""
    shop = _shop(turn)
    name = turn.args[1] if len(turn.args) > 1 else ""
    value = turn.args[2] if len(turn.args) > 2 else ""
    extra = turn.args[3] if len(turn.args) > 3 else ""
    if not name:
        return start(turn)
    if not _lines(turn, shop):
        return [turn.reply("co_empty"), *show_cart(turn)]
    from handlers.customer import confirm

    steps = {
        "p": lambda: pickup_days(turn, shop),
        "d": lambda: ask_address(turn, shop),
        "day": lambda: pickup_slots(turn, shop, value, part=extra),
        "slot": lambda: choose_slot(turn, shop, value),
        "tel": lambda: saved_phone(turn, shop),
        "skip": lambda: skip_note(turn, shop),
        "note": lambda: ask_note(turn, shop),
        "mode": lambda: choose_mode(turn, shop),
        "ok": lambda: confirm.confirm(turn, shop, _co(turn, shop)),
    }
    if name not in steps:
        raise Stale(name)
    return steps[name]()


def start(turn: Turn) -> list[Reply]:
    """`co:<shop_id>`: begin (or resume) this shop's order: how to get it."""
    shop = _shop(turn)
    turn.expect(None)
    if not _lines(turn, shop):
        return [turn.reply("co_empty"), *show_cart(turn)]
    co = turn.data.get("co") or {}
    if co.get("shop") != shop.id:
        co = {"shop": shop.id}
        _save(turn, co)
    from handlers.customer import confirm

    if confirm.complete(co):  # back after a detour: every answer is still there
        return confirm.summary(turn, shop, co)
    return choose_mode(turn, shop)


def choose_mode(turn: Turn, shop: Shop) -> list[Reply]:
    """Pickup or delivery, where the shop offers both."""
    _co(turn, shop)
    turn.expect(None)
    if shop.pickup_enabled and shop.delivery_enabled:
        options = [
            turn.option("co_mode_pickup", f"co:{shop.id}:p"),
            turn.option("co_mode_delivery", f"co:{shop.id}:d"),
            *turn.nav("cart"),
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
    tz = turn.ctx.timezone
    days = slots.pickup_days(session=turn.session, shop=shop, now=turn.now(), tz=tz)
    if not days:
        return [turn.reply("co_no_days", turn.nav(f"co:{shop.id}:mode"), shop=shop.name)]
    options = [Option(_day_label(turn, d), f"co:{shop.id}:day:{d:%Y%m%d}") for d in days]
    return [turn.reply("co_day_ask", [*options, *turn.nav(f"co:{shop.id}:mode")])]


def _day_label(turn: Turn, day: date) -> str:
    today = turn.now().astimezone(ZoneInfo(turn.ctx.timezone)).date()
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
        session=turn.session, shop=shop, day=day, now=turn.now(), tz=turn.ctx.timezone
    )
    if not found:
        return [turn.reply("co_day_full"), *pickup_days(turn, shop)]
    co.update(mode="pickup", day=raw)
    _save(turn, co)
    tz = turn.ctx.timezone
    groups = _parts(found)
    back = f"co:{shop.id}:p"
    if part:
        chosen = next((g for g in groups if _part_key(g, tz) == part), None)
        if chosen is None:  # those slots went meanwhile: the day as it is now
            return pickup_slots(turn, shop, raw, notice=turn.t("co_slot_gone"))
        found, back = chosen, f"co:{shop.id}:day:{raw}"
    elif len(groups) > 1:
        options = [
            Option(turn.t("co_part_label", start=_hhmm(g[0].start, turn, tz),
                          end=_hhmm(g[-1].end, turn, tz), count=len(g)),
                   f"co:{shop.id}:day:{raw}:{_part_key(g, tz)}")
            for g in groups
        ]  # fmt: skip
        text = turn.t("co_part_ask", day=_day_label(turn, day))
        text = f"{notice}\n\n{text}" if notice else text
        return [Reply(text, options=(*options, *turn.nav(back)))]
    options = [
        Option(
            turn.t("co_slot_label", start=_hhmm(s.start, turn, tz), end=_hhmm(s.end, turn, tz)),
            f"co:{shop.id}:slot:{s.start.astimezone(ZoneInfo(tz)):%H%M}",
        )
        for s in found
    ]
    text = turn.t("co_slot_ask", day=_day_label(turn, day))
    return [Reply(f"{notice}\n\n{text}" if notice else text, options=(*options, *turn.nav(back)))]


def _hhmm(moment: datetime, turn: Turn, tz: str) -> str:
    return i18n.clock(moment, turn.lang, tz)


def _parts(found: list[slots.Slot]) -> list[list[slots.Slot]]:
    """Slots in runs of at most PART_SIZE, split where the shop closes (lunch), so a
    WhatsApp list stays within its ten rows and each choice reads as a time of day."""
    if len(found) <= PART_SIZE:
        return [found]
    runs: list[list[slots.Slot]] = []
    for slot in found:
        if runs and runs[-1][-1].end == slot.start:
            runs[-1].append(slot)
        else:
            runs.append([slot])
    groups = []
    for run in runs:
        pieces = -(-len(run) // PART_SIZE)  # as few parts as fit, of even sizes
        size = -(-len(run) // pieces)
        groups += [run[i : i + size] for i in range(0, len(run), size)]
    return groups


def _part_key(group: list[slots.Slot], tz: str) -> str:
    zone = ZoneInfo(tz)
    return f"{group[0].start.astimezone(zone):%H%M}-{group[-1].end.astimezone(zone):%H%M}"


def choose_slot(turn: Turn, shop: Shop, raw: str) -> list[Reply]:
    """Keep the chosen slot, then the phone number."""
    co = _co(turn, shop)
    if not re.fullmatch(r"\d{4}", raw) or "day" not in co:
        raise Stale(raw)
    tz = ZoneInfo(turn.ctx.timezone)
    local = datetime.strptime(co["day"] + raw, "%Y%m%d%H%M").replace(tzinfo=tz)
    found = slots.free_slots(
        session=turn.session, shop=shop, day=local.date(), now=turn.now(), tz=turn.ctx.timezone
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
    zone = ", ".join(shop.delivery_postcodes)
    text = turn.t("co_address_ask", zone=zone)
    return [
        Reply(
            f"{notice}\n\n{text}" if notice else text, options=tuple(turn.nav(f"co:{shop.id}:mode"))
        )
    ]


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
        options = [turn.option("co_mode_pickup", f"co:{shop.id}:p")] if shop.pickup_enabled else []
        turn.expect(ADDRESS)
        return [Reply(notice, options=(*options, *turn.nav(f"co:{shop.id}:mode")))]
    co.update(address=text, postcode=postcode)
    _save(turn, co)
    return ask_phone(turn, shop)


def _shop_of_checkout(turn: Turn) -> Shop:
    shop_id = (turn.data.get("co") or {}).get("shop")
    turn.args = [str(shop_id)]
    return _shop(turn)


def normalise_phone(text: str) -> str | None:
    """A French phone number as +33XXXXXXXXX, from "06 12 34 56 78", "+33 6 ...", "0033..."."""
    raw = re.sub(r"[\s.\-()/]", "", text)
    for prefix in ("+33", "0033"):
        if raw.startswith(prefix):
            raw = raw[len(prefix) :]
            break
    else:
        if not raw.startswith("0"):
            return None
    raw = raw.removeprefix("0")
    return f"+33{raw}" if re.fullmatch(r"[1-9]\d{8}", raw) else None


def show_phone(phone: str) -> str:
    """+33612345678 -> "06 12 34 56 78"."""
    if not phone.startswith("+33"):
        return phone
    digits = "0" + phone[3:]
    return " ".join(digits[i : i + 2] for i in range(0, 10, 2))


def ask_phone(turn: Turn, shop: Shop, notice: str = "") -> list[Reply]:
    """The number the shop can call about this order."""
    turn.expect(PHONE)
    known = normalise_phone(turn.user.phone or "")
    options = (
        [turn.option("co_phone_use", f"co:{shop.id}:tel", phone=show_phone(known))] if known else []
    )
    text = turn.t("co_phone_ask")
    back = (
        f"co:{shop.id}:p"
        if (turn.data.get("co") or {}).get("mode") == "pickup"
        else f"co:{shop.id}:d"
    )
    return [Reply(f"{notice}\n\n{text}" if notice else text, options=(*options, *turn.nav(back)))]


def typed_phone(turn: Turn) -> list[Reply]:
    """A typed phone number, checked."""
    shop = _shop_of_checkout(turn)
    co = _co(turn, shop)
    menu = turn.state.menu
    if turn.text.isdigit() and 1 <= int(turn.text) <= len(menu) and len(turn.text) <= 2:
        # A menu number ("1": use the known phone), not a phone number.
        from handlers.engine import run_action  # the engine imports the routes

        return run_action(turn, menu[int(turn.text) - 1][1])
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
    options = [turn.option("co_note_skip", f"co:{shop.id}:skip"), *turn.nav()]
    return [turn.reply("co_note_ask", options)]


def typed_note(turn: Turn) -> list[Reply]:
    """The note, cut to a length the shop will read; then the summary."""
    shop = _shop_of_checkout(turn)
    co = _co(turn, shop)
    note = turn.incoming.text or ""
    notice = turn.t("co_note_cut", count=MAX_NOTE) if len(note.strip()) > MAX_NOTE else ""
    co["note"] = note.strip()[:MAX_NOTE]
    _save(turn, co)
    from handlers.customer import confirm

    return confirm.summary(turn, shop, co, notice=notice)


def skip_note(turn: Turn, shop: Shop) -> list[Reply]:
    """No note."""
    co = _co(turn, shop)
    co["note"] = ""
    _save(turn, co)
    from handlers.customer import confirm

    return confirm.summary(turn, shop, co)
