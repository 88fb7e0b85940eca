"""Click-and-collect slots: built from opening hours, lead time, closures and capacity."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam
from sqlmodel import Session, col, func, select

from store.hours import intervals_on
from store.models import Order, Shop
from store.statuses import CALLED_OFF, values
from store.types import UTCDateTime, persisted

HORIZON_DAYS = 21
PART_SIZE = 6  # slots in one list before the day is split into parts


@dataclass(frozen=True)
class Slot:
    start: datetime  # aware UTC
    end: datetime
    free: int  # places left


def _candidates(shop: Shop, day: date, now: datetime, tz: str) -> list[tuple[datetime, datetime]]:
    """Every slot of the day that starts after the shop's preparation lead time."""
    earliest = now + timedelta(minutes=shop.prep_minutes)
    hours = tuple(intervals_on(shop, day))
    day_slots = _day_slots(day, hours, max(shop.slot_minutes, 5), tz)
    return [slot for slot in day_slots if slot[0] >= earliest]


@lru_cache(maxsize=4096)  # every checkout step works out the same days' slots again
def _day_slots(
    day: date, hours: tuple[tuple[time, time], ...], minutes: int, tz: str
) -> tuple[tuple[datetime, datetime], ...]:
    """A day's slots of `minutes` within its opening `hours` (local), in UTC."""
    zone = ZoneInfo(tz)
    step = timedelta(minutes=minutes)
    slots = []
    for opens, closes in hours:
        start = datetime.combine(day, opens, zone)
        end = datetime.combine(day, closes, zone)
        while start + step <= end:
            slots.append((start.astimezone(UTC), (start + step).astimezone(UTC)))
            start += step
    return tuple(slots)


# Built once (every step of a checkout counts a shop's orders per slot).
_TAKEN = (
    select(Order.slot_start, func.count())
    .where(
        Order.shop_id == bindparam("shop_id"),
        col(Order.slot_start) >= bindparam("start", type_=UTCDateTime()),
        col(Order.slot_start) <= bindparam("end", type_=UTCDateTime()),
        col(Order.status).not_in(values(CALLED_OFF)),  # called off: the slot is free again
    )
    .group_by(col(Order.slot_start))
)


def _taken_between(
    *, session: Session, shop_id: int, start: datetime, end: datetime
) -> dict[datetime, int]:
    """Live orders per slot start in [start, end], in one query."""
    params = {"shop_id": shop_id, "start": start, "end": end}
    rows = session.exec(_TAKEN, params=params)
    return {moment: int(count) for moment, count in rows if moment is not None}


def _free(
    candidates: list[tuple[datetime, datetime]], taken: dict[datetime, int], capacity: int
) -> list[Slot]:
    """The candidates that still have room, in order."""
    result = []
    for start, end in candidates:
        free = capacity - taken.get(start, 0)
        if free > 0:
            result.append(Slot(start, end, free))
    return result


def free_slots(*, session: Session, shop: Shop, day: date, now: datetime, tz: str) -> list[Slot]:
    """The slots of `day` that still have room, in order."""
    candidates = _candidates(shop, day, now, tz)
    if not candidates:
        return []
    counts = _taken_between(
        session=session,
        shop_id=persisted(shop.id),
        start=candidates[0][0],
        end=candidates[-1][0],
    )
    return _free(candidates, counts, shop.slot_capacity)


def free_days(
    *, session: Session, shop: Shop, now: datetime, tz: str, count: int = 6
) -> list[tuple[date, list[Slot]]]:
    """The next days (today included) the shop is open with a free slot, skipping closures,
    each with its free slots: the orders of the next `count` open days in one query (more
    only when some of those days are full)."""
    today = now.astimezone(ZoneInfo(tz)).date()
    found: list[tuple[date, list[Slot]]] = []
    offset = 0
    while offset < HORIZON_DAYS and len(found) < count:
        batch: list[tuple[date, list[tuple[datetime, datetime]]]] = []
        while offset < HORIZON_DAYS and len(batch) < count - len(found):
            day = today + timedelta(days=offset)
            offset += 1
            candidates = _candidates(shop, day, now, tz)
            if candidates:
                batch.append((day, candidates))
        if not batch:
            break
        taken = _taken_between(
            session=session,
            shop_id=persisted(shop.id),
            start=batch[0][1][0][0],
            end=batch[-1][1][-1][0],
        )
        for day, candidates in batch:
            free = _free(candidates, taken, shop.slot_capacity)
            if free:
                found.append((day, free))
    return found


def pickup_days(
    *, session: Session, shop: Shop, now: datetime, tz: str, count: int = 6
) -> list[date]:
    """The next days (today included) the shop is open with a free slot, skipping closures."""
    return [day for day, _ in free_days(session=session, shop=shop, now=now, tz=tz, count=count)]


def soonest(*, session: Session, shop: Shop, now: datetime, tz: str) -> Slot | None:
    """The first free pickup slot from now on ("Dès que possible"), or None."""
    days = free_days(session=session, shop=shop, now=now, tz=tz, count=1)
    return days[0][1][0] if days else None


def slot_is_free(*, session: Session, shop: Shop, start: datetime, now: datetime, tz: str) -> bool:
    """Is `start` still a bookable slot of the shop (hours, lead time and capacity)?"""
    day = start.astimezone(ZoneInfo(tz)).date()
    return any(
        s.start == start for s in free_slots(session=session, shop=shop, day=day, now=now, tz=tz)
    )


def parts(found: list[Slot]) -> list[list[Slot]]:
    """A day's slots in parts of at most PART_SIZE, split where the shop closes (lunch), so
    a WhatsApp list stays within its ten rows and each choice reads as a time of day."""
    if len(found) <= PART_SIZE:
        return [found]
    runs: list[list[Slot]] = []
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


def part_key(group: list[Slot], tz: str) -> str:
    """ "0930-1230": the first start and last end of a part of the day, local."""
    zone = ZoneInfo(tz)
    return f"{group[0].start.astimezone(zone):%H%M}-{group[-1].end.astimezone(zone):%H%M}"
