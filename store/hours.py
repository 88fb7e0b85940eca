"""Opening hours: a shop's intervals on a local date, closures, open now."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from store.models import Shop

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LOOKAHEAD_DAYS = 14  # a shop closed longer than this is treated as not opening


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


@dataclass(frozen=True)
class Today:
    """What a customer wants to know about a shop's hours right now (local times)."""

    intervals: list[tuple[time, time]]  # today's opening intervals (empty: closed all day)
    open_now: bool
    closure: tuple[date, date] | None  # the exceptional closure today falls in, if any
    next_open: datetime | None  # when it next opens, local (None: not within two weeks)
    upcoming_closure: tuple[date, date] | None  # an exceptional closure in the next weeks


def closure_on(shop: Shop, day: date) -> tuple[date, date] | None:
    """The exceptional closure (first and last local dates) that `day` falls in."""
    for start, end in shop.closures:
        if start <= day.isoformat() <= end:
            return date.fromisoformat(start), date.fromisoformat(end)
    return None


def next_opening(
    shop: Shop, local: datetime, horizon_days: int = LOOKAHEAD_DAYS, *, inclusive: bool = False
) -> datetime | None:
    """The first opening time after local moment `local` (aware, in the town's zone);
    `inclusive`: an opening at `local` itself counts."""
    for offset in range(horizon_days + 1):
        day = local.date() + timedelta(days=offset)
        for start, _ in intervals_on(shop, day):
            moment = datetime.combine(day, start, tzinfo=local.tzinfo)
            if moment > local or (inclusive and moment == local):
                return moment
    return None


def pickup_deadline(shop: Shop, ready_at: datetime, tz: str) -> datetime:
    """How long a ready order is held: until closing time of the first open day at least
    `shop.hold_days` after it was ready (then the expiry job cancels it)."""
    zone = ZoneInfo(tz)
    first = ready_at.astimezone(zone).date() + timedelta(days=shop.hold_days)
    for offset in range(LOOKAHEAD_DAYS):
        day = first + timedelta(days=offset)
        intervals = intervals_on(shop, day)
        if intervals:
            return datetime.combine(day, intervals[-1][1], tzinfo=zone)
    return ready_at + timedelta(days=shop.hold_days)


def describe_today(shop: Shop, moment: datetime, tz: str, warn_days: int = 21) -> Today:
    """Today's hours, whether the shop is open at `moment`, when it opens next, closures ahead."""
    local = moment.astimezone(ZoneInfo(tz))
    today = local.date()
    upcoming = None
    for start, end in sorted(shop.closures):
        first, last = date.fromisoformat(start), date.fromisoformat(end)
        if today < first <= today + timedelta(days=warn_days):
            upcoming = (first, last)
            break
    open_now = is_open(shop, moment, tz)
    return Today(
        intervals=intervals_on(shop, today),
        open_now=open_now,
        closure=closure_on(shop, today),
        next_open=None if open_now else next_opening(shop, local),
        upcoming_closure=upcoming,
    )
