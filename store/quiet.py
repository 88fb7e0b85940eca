"""Quiet hours ("21:00-08:00" in the town's zone): when the bot keeps reminders to itself."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo


def parse(spec: str) -> tuple[time, time] | None:
    """ "21:00-08:00" -> (21:00, 08:00); "" -> None (no quiet hours). ValueError names the spec."""
    if not spec.strip():
        return None
    try:
        start, end = (time.fromisoformat(part.strip()) for part in spec.split("-"))
    except ValueError as exc:
        raise ValueError(f"quiet hours {spec!r} should look like '21:00-08:00'") from exc
    return start, end


def _inside(moment: time, start: time, end: time) -> bool:
    if start <= end:
        return start <= moment < end
    return moment >= start or moment < end  # the span crosses midnight


def is_quiet(moment: datetime, tz: str, spec: str) -> bool:
    """Does `moment` (aware) fall in the quiet hours of the zone `tz`?"""
    span = parse(spec)
    if span is None:
        return False
    return _inside(moment.astimezone(ZoneInfo(tz)).time(), *span)


def after_quiet(moment: datetime, tz: str, spec: str) -> datetime:
    """`moment`, or the end of the quiet hours it falls in (local wall time, DST-safe)."""
    span = parse(spec)
    if span is None or not is_quiet(moment, tz, spec):
        return moment
    zone = ZoneInfo(tz)
    local = moment.astimezone(zone)
    day = local.date() if local.time() < span[1] else local.date() + timedelta(days=1)
    # Built from the local date and wall time, so 08:00 is 08:00 on both sides of a DST change.
    return datetime.combine(day, span[1], tzinfo=zone).astimezone(moment.tzinfo)
