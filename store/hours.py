"""Opening hours: a shop's intervals on a local date, closures, open now."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from store.models import Shop

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _time(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def closed_on(shop: Shop, day: date) -> bool:
    """True when `day` falls in one of the shop's exceptional closures."""
    iso = day.isoformat()
    return any(start <= iso <= end for start, end in shop.closures)


def intervals_on(shop: Shop, day: date) -> list[tuple[time, time]]:
    """The shop's opening intervals on a local date (empty when closed)."""
    if closed_on(shop, day):
        return []
    return [(_time(a), _time(b)) for a, b in shop.hours.get(DAYS[day.weekday()], [])]


def is_open(shop: Shop, moment: datetime, tz: str) -> bool:
    """Is the shop open at `moment` (aware), in the town's zone `tz`?"""
    local = moment.astimezone(ZoneInfo(tz))
    now = local.time()
    return any(start <= now < end for start, end in intervals_on(shop, local.date()))
