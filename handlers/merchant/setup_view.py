"""The shop's settings as the merchant reads them: hours, closures, pickup, delivery.

Each setting is a button that asks its question again (handlers/merchant/setup.py).
"""

from datetime import date

from babel.dates import format_date, get_day_names

from handlers import i18n
from handlers.common import actions as a
from handlers.common.cards import category_name
from handlers.common.rights import require_shop
from handlers.core import Reply
from handlers.turn import Turn
from store.hours import DAYS
from store.models import Shop

FIELDS = ("category", "description", "address", "phone", "hours", "closures", "pickup",
          "delivery", "hold", "photo")  # fmt: skip


def format_hours(turn: Turn, hours: dict[str, list[list[str]]]) -> str:
    """ "mardi → samedi : 09:30–12:30, 14:00–19:00" lines, days with the same hours together."""
    names = get_day_names("wide", locale=i18n.LOCALES[turn.lang])
    lines: list[str] = []
    run: list[int] = []
    for index, day in enumerate([*DAYS, None]):
        spans = hours.get(day) if day else None
        if run and (spans != hours.get(DAYS[run[0]]) or day is None):
            days = names[run[0]] if len(run) == 1 else f"{names[run[0]]} → {names[run[-1]]}"
            times = ", ".join(f"{a}–{b}" for a, b in hours[DAYS[run[0]]])
            lines.append(turn.t("m_hours_line", days=days, times=times))
            run = []
        if spans:
            run.append(index)
    closed = [names[i] for i, day in enumerate(DAYS) if day not in hours]
    if closed:
        lines.append(turn.t("m_hours_closed", days=", ".join(closed)))
    return "\n".join(lines)


def shop_closures(turn: Turn, shop: Shop) -> str:
    return closure_words(turn, shop.closures) or turn.t("m_none")


def closure_words(turn: Turn, closures: list[list[str]]) -> str:
    """ "du jeudi 24 décembre au samedi 26 décembre, le vendredi 1 janvier 2027"."""
    this_year = i18n.local(turn.now(), turn.tz).year
    locale = i18n.LOCALES[turn.lang]

    def day(iso: str) -> str:
        value = date.fromisoformat(iso)
        pattern = "EEEE d MMMM" if value.year == this_year else "EEEE d MMMM y"
        return format_date(value, pattern, locale=locale)

    return ", ".join(
        turn.t("m_closure_day", day=day(a))
        if a == b
        else turn.t("m_closure_range", first=day(a), last=day(b))
        for a, b in closures
    )


def settings(turn: Turn) -> list[Reply]:
    """`msettings`: the shop's settings, each one a button to change it."""
    turn.expect(None)
    shop = require_shop(turn)
    none = turn.t("m_none")
    summary = turn.t(
        "m_settings",
        shop=shop.name,
        category=category_name(turn, shop.category),
        description=shop.description[:120] or none,
        address=shop.address or none,
        phone=shop.phone or none,
        hours=format_hours(turn, shop.hours) if shop.hours else none,
        closures=shop_closures(turn, shop),
        pickup=_pickup(turn, shop),
        delivery=_delivery(turn, shop),
        hold=shop.hold_days,
        photo=turn.t("m_yes") if shop.photo else none,
    )
    if not (shop.pickup_enabled or shop.delivery_enabled):
        summary += "\n" + turn.t("m_no_way_to_order")
    options = [turn.option(f"m_set_{field}", a.M_SET.pack(field)) for field in FIELDS]
    return [Reply(summary, photo=shop.photo, options=(*options, *turn.nav(a.M_MENU.pack())))]


def _pickup(turn: Turn, shop: Shop) -> str:
    if not shop.pickup_enabled:
        return turn.t("m_off")
    return turn.t("m_pickup_summary", prep=shop.prep_minutes, capacity=shop.slot_capacity)


def _delivery(turn: Turn, shop: Shop) -> str:
    if not shop.delivery_enabled:
        return turn.t("m_off")
    free = turn.money(shop.free_delivery_cents) if shop.free_delivery_cents else turn.t("m_none")
    return turn.t(
        "m_delivery_summary",
        fee=turn.money(shop.delivery_fee_cents),
        free=free,
        postcodes=", ".join(shop.delivery_postcodes) or turn.t("m_none"),
    )
