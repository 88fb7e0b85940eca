"""How times, delays and phone numbers read in a message, written once for every screen."""

from datetime import datetime, time, timedelta

from handlers import i18n
from handlers.turn import Turn


def show_phone(phone: str) -> str:
    """+33612345678 -> "06 12 34 56 78"."""
    if not phone.startswith("+33"):
        return phone
    digits = "0" + phone[3:]
    return " ".join(digits[i : i + 2] for i in range(0, 10, 2))


def hhmm(value: time) -> str:
    """A local wall time, "09:30"."""
    return value.strftime("%H:%M")


def day_at(lang: str, moment: datetime, tz: str) -> str:
    """ "samedi 12 décembre à 15:00" in the town's zone."""
    day, clock = i18n.day(moment, lang, tz), i18n.clock(moment, lang, tz)
    return f"{day} {i18n.t(lang, 'visit_at')} {clock}"


def until(lang: str, deadline: datetime, tz: str) -> str:
    """ "vendredi 11 décembre à 19:00" (how long an order is kept)."""
    day, clock = i18n.day(deadline, lang, tz), i18n.clock(deadline, lang, tz)
    return i18n.t(lang, "m_until", day=day, time=clock)


def soon(turn: Turn, moment: datetime, local_now: datetime) -> str:
    """ "à 14:00", "demain à 09:30", "mardi 9 décembre à 09:30" (local times)."""
    at = hhmm(moment.time())
    if moment.date() == local_now.date():
        return turn.t("shop_when_today", time=at)
    if moment.date() == local_now.date() + timedelta(days=1):
        return turn.t("shop_when_tomorrow", time=at)
    return turn.t("shop_when_day", day=i18n.day(moment.date(), turn.lang), time=at)


def delay(turn: Turn, minutes: int) -> str:
    """60 -> "1 h", 90 -> "1 h 30", 30 -> "30 min"."""
    hours, rest = divmod(max(minutes, 0), 60)
    if not hours:
        return turn.t("delay_minutes", minutes=rest)
    if not rest:
        return turn.t("delay_hours", hours=hours)
    return turn.t("delay_hours_minutes", hours=hours, minutes=rest)
