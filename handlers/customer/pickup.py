"""Checkout's pickup time: "Dès que possible" first (one tap), else a day, a part of it, a slot.

Each function that settles the time hands on to `then(shop)`, the checkout's next question.
"""

import re
from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from handlers import i18n
from handlers.common import actions as a
from handlers.core import Option, Reply, Stale
from handlers.customer.co_state import answers, save, with_notice
from handlers.turn import Turn
from store import slots
from store.models import Shop
from store.types import persisted

Then = Callable[[Shop], list[Reply]]


def _clock(moment: datetime, turn: Turn, tz: str) -> str:
    return i18n.clock(moment, turn.lang, tz)


def day_label(turn: Turn, day: date) -> str:
    today = turn.now().astimezone(ZoneInfo(turn.tz)).date()
    label = i18n.day(day, turn.lang)
    # Only the first letter: str.capitalize() would turn "December" into "december".
    return turn.t("co_today", day=label) if day == today else label[:1].upper() + label[1:]


def _soon_option(turn: Turn, shop: Shop, first: slots.Slot) -> list[Option]:
    """ "⚡ Dès que possible : aujourd'hui 16:30", the first free slot."""
    tz = turn.tz
    local = first.start.astimezone(ZoneInfo(tz))
    time = _clock(first.start, turn, tz)
    if local.date() == turn.now().astimezone(ZoneInfo(tz)).date():
        label = turn.t("co_soon_today", time=time)
    else:
        label = turn.t("co_soon", day=i18n.day(local.date(), turn.lang), time=time)
    return [Option(label, a.CO_SOON.pack(persisted(shop.id), f"{local:%Y%m%d}", f"{local:%H%M}"))]


def days(turn: Turn, shop: Shop) -> list[Reply]:
    """The soonest slot, then the next days the shop can prepare the order."""
    co = answers(turn, shop)
    if not shop.pickup_enabled:
        raise Stale("pickup")
    co.update(mode="pickup")
    save(turn, co)
    turn.expect(None)
    tz = turn.tz
    found = slots.free_days(session=turn.session, shop=shop, now=turn.now(), tz=tz)
    shop_id = persisted(shop.id)
    back = turn.nav(a.CO_MODE.pack(shop_id))
    if not found:
        return [turn.reply("co_no_days", back, shop=shop.name)]
    soon = _soon_option(turn, shop, found[0][1][0])
    options = [Option(day_label(turn, d), a.CO_DAY.pack(shop_id, f"{d:%Y%m%d}")) for d, _ in found]
    return [turn.reply("co_day_ask", [*soon, *options, *back])]


def day_slots(turn: Turn, shop: Shop, raw: str, notice: str = "", part: str = "") -> list[Reply]:
    """The free slots of the chosen day; a long day is first split into parts of the day."""
    co = answers(turn, shop)
    try:
        day = datetime.strptime(raw, "%Y%m%d").date()
    except ValueError as exc:
        raise Stale(raw) from exc
    found = slots.free_slots(session=turn.session, shop=shop, day=day, now=turn.now(), tz=turn.tz)
    if not found:
        return [turn.reply("co_day_full"), *days(turn, shop)]
    co.update(mode="pickup", day=raw)
    save(turn, co)
    tz = turn.tz
    shop_id = persisted(shop.id)
    groups = slots.parts(found)
    back = a.CO_PICKUP.pack(shop_id)
    if part:
        chosen = next((g for g in groups if slots.part_key(g, tz) == part), None)
        if chosen is None:  # those slots went meanwhile: the day as it is now
            return day_slots(turn, shop, raw, notice=turn.t("co_slot_gone"))
        found, back = chosen, a.CO_DAY.pack(shop_id, raw)
    elif len(groups) > 1:
        options = [
            Option(turn.t("co_part_label", start=_clock(g[0].start, turn, tz),
                          end=_clock(g[-1].end, turn, tz), count=len(g)),
                   a.CO_DAY.pack(shop_id, raw, slots.part_key(g, tz)))
            for g in groups
        ]  # fmt: skip
        text = with_notice(notice, turn.t("co_part_ask", day=day_label(turn, day)))
        return [Reply(text, options=(*options, *turn.nav(back)))]
    options = [
        Option(
            turn.t("co_slot_label", start=_clock(s.start, turn, tz), end=_clock(s.end, turn, tz)),
            a.CO_SLOT.pack(shop_id, f"{s.start.astimezone(ZoneInfo(tz)):%H%M}"),
        )
        for s in found
    ]
    text = with_notice(notice, turn.t("co_slot_ask", day=day_label(turn, day)))
    return [Reply(text, options=(*options, *turn.nav(back)))]


def choose(turn: Turn, shop: Shop, raw: str, then: Then, day: str = "") -> list[Reply]:
    """Keep the chosen slot (of `day`, else the day chosen before), then `then`."""
    co = answers(turn, shop)
    if day:
        if not re.fullmatch(r"\d{8}", day):
            raise Stale(day)
        co.update(mode="pickup", day=day)
    if not re.fullmatch(r"\d{4}", raw) or "day" not in co or not shop.pickup_enabled:
        raise Stale(raw)
    tz = ZoneInfo(turn.tz)
    try:
        local = datetime.strptime(co["day"] + raw, "%Y%m%d%H%M").replace(tzinfo=tz)
    except ValueError as exc:
        raise Stale(raw) from exc
    save(turn, co)
    found = slots.free_slots(
        session=turn.session, shop=shop, day=local.date(), now=turn.now(), tz=turn.tz
    )
    chosen = next((s for s in found if s.start == local), None)
    if chosen is None:
        if not found:
            return [turn.reply("co_slot_gone"), *days(turn, shop)]
        return day_slots(turn, shop, co["day"], notice=turn.t("co_slot_gone"))
    # A new dict: the one saved above is the state's own, so changing it in place would not show.
    save(turn, {**co, "slot": chosen.start.isoformat(), "slot_end": chosen.end.isoformat()})
    return then(shop)
