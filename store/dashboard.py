"""What the town hall's dashboard shows: figures per shop and per day, aggregates only.

Nothing here reads a customer's name, phone number or address: the town sees counts and
sums, never who bought what.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case
from sqlmodel import Session, col, func, or_, select

from store.models import Invite, Item, Order, Shop, ShopStaff, Town
from store.shops import create_invite
from store.types import persisted

# Orders that count: placed and not refused or cancelled.
NOT_COUNTED = ("declined", "cancelled")


@dataclass(frozen=True)
class Period:
    """Local dates, both included, in the town's time zone."""

    first: date
    last: date
    timezone: str

    def bounds(self) -> tuple[datetime, datetime]:
        zone = ZoneInfo(self.timezone)
        start = datetime.combine(self.first, datetime.min.time(), zone)
        end = datetime.combine(self.last + timedelta(days=1), datetime.min.time(), zone)
        return start, end

    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]


@dataclass
class ShopFigures:
    shop_id: int
    name: str
    category: str
    invited: int = 0  # invites made for it
    joined: bool = False  # an owner has joined
    items_online: int = 0
    orders: int = 0
    revenue_cents: int = 0
    last_activity: datetime | None = None
    missing: list[str] = field(default_factory=list)  # photo | items | hours

    @property
    def sells_nothing(self) -> bool:
        """Joined, yet no order in the period: the crêperie of the story."""
        return self.joined and self.orders == 0


def _latest(*moments: datetime | None) -> datetime | None:
    known = [m for m in moments if m is not None]
    return max(known) if known else None


def shop_figures(*, session: Session, town_id: int, period: Period) -> list[ShopFigures]:
    """One line per shop of the town (joined or only invited), by name."""
    start, end = period.bounds()
    shops = session.exec(select(Shop).where(Shop.town_id == town_id).order_by(Shop.name)).all()
    ids = [s.id for s in shops if s.id is not None]
    invited = dict(
        session.exec(
            select(Invite.shop_id, func.count())
            .where(col(Invite.shop_id).in_(ids))
            .group_by(col(Invite.shop_id))
        ).all()
    )
    owners = set(
        session.exec(
            select(ShopStaff.shop_id).where(
                col(ShopStaff.shop_id).in_(ids), ShopStaff.role == "owner"
            )
        ).all()
    )
    online = (
        select(Item.shop_id, func.count(), func.max(Item.updated_at))
        .where(
            col(Item.shop_id).in_(ids), col(Item.hidden).is_(False), col(Item.deleted).is_(False)
        )
        .where(or_(col(Item.stock).is_(None), col(Item.stock) > 0))
        .group_by(col(Item.shop_id))
    )
    items: dict[int, tuple[int, datetime | None]] = {
        shop_id: (int(n), latest) for shop_id, n, latest in session.exec(online).all()
    }
    counted = (
        select(Order.shop_id, func.count(), func.sum(Order.total_cents))
        .where(col(Order.shop_id).in_(ids), col(Order.status).not_in(NOT_COUNTED))
        .where(Order.created_at >= start, Order.created_at < end)
        .group_by(col(Order.shop_id))
    )
    orders = {shop_id: (int(n), int(total or 0)) for shop_id, n, total in session.exec(counted)}
    last_order = dict(
        session.exec(
            select(Order.shop_id, func.max(Order.created_at))
            .where(col(Order.shop_id).in_(ids))
            .group_by(col(Order.shop_id))
        ).all()
    )
    lines = []
    for shop in shops:
        assert shop.id is not None
        n_items, item_at = items.get(shop.id, (0, None))
        n_orders, revenue = orders.get(shop.id, (0, 0))
        line = ShopFigures(
            shop_id=shop.id,
            name=shop.name,
            category=shop.category,
            invited=int(invited.get(shop.id, 0)),
            joined=shop.id in owners,
            items_online=n_items,
            orders=n_orders,
            revenue_cents=revenue,
            last_activity=_latest(item_at, last_order.get(shop.id)),
        )
        line.missing = [
            what
            for what, lacking in (
                ("photo", not shop.photo),
                ("items", not n_items),
                ("hours", not shop.hours),
            )
            if lacking
        ]
        lines.append(line)
    return lines


def orders_per_day(*, session: Session, town_id: int, period: Period) -> list[tuple[date, int]]:
    """Counted orders of the town on each local day of the period (zeros included).

    The database sorts each order into its local day (a CASE over the days' UTC bounds), so
    only one row per day comes back, whatever the number of orders, on both databases.
    """
    days = period.days()
    zone = ZoneInfo(period.timezone)
    ends = [datetime.combine(d + timedelta(days=1), datetime.min.time(), zone) for d in days]
    start, end = period.bounds()
    bucket = case(*((col(Order.created_at) < bound, n) for n, bound in enumerate(ends)), else_=-1)
    query = (
        select(bucket, func.count())
        .join(Shop, col(Shop.id) == Order.shop_id)
        .where(Shop.town_id == town_id, col(Order.status).not_in(NOT_COUNTED))
        .where(Order.created_at >= start, Order.created_at < end)
        .group_by(bucket)
    )
    counts = {int(n): int(count) for n, count in session.exec(query).all()}
    return [(d, counts.get(n, 0)) for n, d in enumerate(days)]


@dataclass(frozen=True)
class InviteLine:
    invite_id: int
    shop_id: int
    shop: str
    code: str
    role: str
    status: str  # joined | revoked | expired | waiting
    expires_at: datetime
    used_at: datetime | None


def invite_status(invite: Invite, now: datetime) -> str:
    if invite.used_at is not None:
        return "joined"
    if invite.revoked_at is not None:
        return "revoked"
    return "expired" if invite.expires_at <= now else "waiting"


def invite_lines(*, session: Session, town_id: int, now: datetime) -> list[InviteLine]:
    """Every invite of the town's shops, the newest first."""
    query = (
        select(Invite, Shop.name)
        .join(Shop, col(Shop.id) == Invite.shop_id)
        .where(Shop.town_id == town_id)
        .order_by(col(Invite.id).desc())
    )
    return [
        InviteLine(
            invite_id=persisted(invite.id),
            shop_id=invite.shop_id,
            shop=name,
            code=invite.code,
            role=invite.role,
            status=invite_status(invite, now),
            expires_at=invite.expires_at,
            used_at=invite.used_at,
        )
        for invite, name in session.exec(query).all()
    ]


def resend_invite(
    *, session: Session, town_id: int, invite_id: int, now: datetime
) -> Invite | None:
    """A fresh invite in place of one not used yet; the old code stops working at once.

    None when the invite is not this town's, or was already used.
    """
    invite = session.exec(select(Invite).where(Invite.id == invite_id).with_for_update()).first()
    if invite is None or invite.used_at is not None:
        return None
    shop = session.get(Shop, invite.shop_id)
    if shop is None or shop.town_id != town_id:
        return None
    if invite.revoked_at is None:
        invite.revoked_at = now
    invite.expires_at = min(invite.expires_at, now)  # what redeeming the code checks
    session.add(invite)
    return create_invite(session=session, shop_id=invite.shop_id, role=invite.role, now=now)


def town_of(*, session: Session, town_id: int) -> Town:
    town = session.get(Town, town_id)
    assert town is not None, f"no town {town_id}"
    return town
