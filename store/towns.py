"""The towns one deployment serves: found by slug, postcode, name or position."""

import math
import re
import threading
import time
import weakref
from typing import Any

from sqlalchemy import bindparam, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col, select

from store.models import Town
from store.parsing.text import fold, slugify

POSTCODE = re.compile(r"\d{5}")  # a French postcode
EARTH_KM = 6371.0


def zone_of(*, session: Session, town_id: int | None, default: str) -> str:
    """The time zone of town `town_id` (its times, its quiet hours), else `default`: the
    config's `[town]` zone, for a person who never chose a town."""
    town = session.get(Town, town_id) if town_id is not None else None
    return town.timezone if town is not None else default


# The towns' slugs, per database, for the questions every few messages ask: how many towns
# are there (the home menu's "change town"), is this typed word a town's name. Kept in the
# process for SLUGS_TTL seconds: a town another process adds or renames is seen that much
# later (towns change a few times a year; the rows themselves are always read fresh), and
# one this process writes is seen at once (the cache is dropped when a town is flushed
# and again when that transaction commits).
SLUGS_TTL = 30.0
_slugs: "weakref.WeakKeyDictionary[Engine, tuple[float, frozenset[str]]]" = (
    weakref.WeakKeyDictionary()
)
_slugs_guard = threading.Lock()
_CHANGED = "towns_changed"  # session.info: this transaction wrote a town


def _known_slugs(session: Session) -> frozenset[str]:
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    now = time.monotonic()
    with _slugs_guard:
        cached = _slugs.get(engine)
    if cached is not None and now - cached[0] < SLUGS_TTL and not session.info.get(_CHANGED):
        return cached[1]
    slugs = frozenset(session.exec(select(Town.slug)).all())
    if not session.info.get(_CHANGED):  # not this transaction's own, uncommitted towns
        with _slugs_guard:
            _slugs[engine] = (now, slugs)
    return slugs


def forget_known() -> None:
    """Drop the cached slugs (a town was written)."""
    with _slugs_guard:
        _slugs.clear()


def _town_written(_mapper: Any, _connection: Any, town: Town) -> None:
    forget_known()
    session = OrmSession.object_session(town)
    if session is not None:
        session.info[_CHANGED] = True


for _kind in ("after_insert", "after_update", "after_delete"):
    event.listen(Town, _kind, _town_written)


@event.listens_for(OrmSession, "after_commit")
def _committed(session: OrmSession) -> None:
    if session.info.pop(_CHANGED, False):
        forget_known()


@event.listens_for(OrmSession, "after_rollback")
def _rolled_back(session: OrmSession) -> None:
    session.info.pop(_CHANGED, None)


def all_towns(*, session: Session) -> list[Town]:
    """Every town, by name."""
    return list(session.exec(select(Town).order_by(col(Town.name))).all())


def count_towns(*, session: Session) -> int:
    """How many towns (as this process saw them within SLUGS_TTL seconds)."""
    return len(_known_slugs(session))


_BY_SLUG = select(Town).where(Town.slug == bindparam("slug"))  # built once: every newcomer


def by_slug(*, session: Session, slug: str) -> Town | None:
    return session.exec(_BY_SLUG, params={"slug": slug[:80]}).first()


def default_town(*, session: Session, slug: str) -> Town:
    """The config's `[town]` when it is a row, else the first town made."""
    town = by_slug(session=session, slug=slug)
    if town is None:
        town = session.exec(select(Town).order_by(col(Town.id))).first()
    if town is None:
        raise LookupError(
            f"no town {slug!r} in the database: run `vitrine demo`, `vitrine admin town add` "
            "or set [town] name in the config"
        )
    return town


def postcodes_of(town: Town) -> list[str]:
    """Its main postcode first, then the others."""
    codes = [town.postcode] if town.postcode else []
    return [*codes, *(c for c in town.postcodes if c not in codes)]


def by_postcode(*, session: Session, postcode: str) -> list[Town]:
    """The towns answering to `postcode` (several villages may share one)."""
    return [t for t in all_towns(session=session) if postcode in postcodes_of(t)]


def by_name(*, session: Session, text: str) -> Town | None:
    """The town whose name is `text` (accents, case, dashes and spaces folded)."""
    if not re.search("[a-z]", fold(text)):
        return None
    slug = slugify(text)[:80]
    if slug not in _known_slugs(session):  # most typed words: no query
        return None
    return by_slug(session=session, slug=slug)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(math.sqrt(h))


def nearest(*, session: Session, lat: float, lon: float) -> Town | None:
    """The town nearest (lat, lon) among those with a position, None when none has one."""
    placed = [t for t in all_towns(session=session) if t.lat is not None and t.lon is not None]
    if not placed:
        return None
    return min(placed, key=lambda t: distance_km(lat, lon, t.lat or 0.0, t.lon or 0.0))


def add_town(
    *,
    session: Session,
    name: str,
    postcodes: list[str],
    timezone: str = "Europe/Paris",
    lat: float | None = None,
    lon: float | None = None,
) -> tuple[Town, bool]:
    """The town of that name, made when new (its postcodes and position set either way)."""
    slug = slugify(name)
    if not slug:
        raise ValueError("a town needs a name")
    bad = [p for p in postcodes if not POSTCODE.fullmatch(p)]
    if bad:
        raise ValueError(f"not a postcode: {', '.join(bad)}")
    town = by_slug(session=session, slug=slug)
    created = town is None
    if town is None:
        town = Town(slug=slug, name=name.strip(), timezone=timezone)
    town.postcode = postcodes[0] if postcodes else town.postcode
    town.postcodes = list(dict.fromkeys(postcodes or town.postcodes))
    town.timezone = timezone
    if lat is not None and lon is not None:
        town.lat, town.lon = lat, lon
    session.add(town)
    session.flush()
    return town, created
