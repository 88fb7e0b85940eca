"""Shops and the people who run them: invites, staff, the merchant's side of items and orders."""

import secrets
import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, func, select

from store.models import Invite, Item, Order, Shop, ShopStaff, Town
from store.orders import order_lines, restore_stock, token_hash
from store.parsing.caption import CODE_ALPHABET, CODE_LENGTH
from store.parsing.text import slugify

INVITE_DAYS = 14
# What a merchant may do next, by order status.
OPEN_STATUSES = ("pending", "accepted", "ready", "out_for_delivery")
COLLECTABLE = ("accepted", "ready")


def new_code() -> str:
    """An invite code: 8 characters a person can read aloud, with a digit and a letter."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if any(c.isdigit() for c in code) and any(c.isalpha() for c in code):
            return code


def find_town(*, session: Session, name: str) -> Town | None:
    return session.exec(select(Town).where(Town.slug == slugify(name))).first()


def get_or_create_shop(*, session: Session, name: str, town: Town) -> tuple[Shop, bool]:
    """The shop of that name in that town, created (with a free slug) when it does not exist."""
    name = " ".join(name.split())[:120]
    existing = session.exec(
        select(Shop).where(Shop.town_id == town.id, func.lower(Shop.name) == name.lower())
    ).first()
    if existing is not None:
        return existing, False
    base = slugify(name)
    slug, n = base, 1
    while session.exec(select(Shop.id).where(Shop.slug == slug)).first() is not None:
        n += 1
        slug = f"{base[:76]}-{n}"
    # Customers see the shop once its owner has joined (an empty, unattended shop helps nobody).
    shop = Shop(town_id=town.id, slug=slug, name=name, active=False)  # type: ignore[arg-type]
    session.add(shop)
    session.flush()
    return shop, True


def create_invite(
    *, session: Session, shop_id: int, role: str, now: datetime, created_by: int | None = None
) -> Invite:
    """A single-use invite into a shop, valid for 14 days."""
    code = new_code()
    while session.exec(select(Invite.id).where(Invite.code == code)).first() is not None:
        code = new_code()
    invite = Invite(
        code=code,
        shop_id=shop_id,
        role=role,
        created_by=created_by,
        expires_at=now + timedelta(days=INVITE_DAYS),
    )
    session.add(invite)
    session.flush()
    return invite


@dataclass(frozen=True)
class Joined:
    """The result of using an invite: `problem` is unknown | used | expired, else None."""

    problem: str | None
    shop: Shop | None = None
    role: str = ""
    already: bool = False  # the user already worked there


def redeem_invite(*, session: Session, code: str, user_id: int, now: datetime) -> Joined:
    """Use an invite code: the user becomes owner or staff of its shop, once."""
    invite = session.exec(select(Invite).where(Invite.code == code).with_for_update()).first()
    if invite is None:
        return Joined("unknown")
    shop = session.get(Shop, invite.shop_id)
    if invite.used_at is not None:
        return Joined("used", shop, invite.role, already=invite.used_by == user_id)
    if invite.expires_at <= now:
        return Joined("expired", shop, invite.role)
    staff = session.exec(
        select(ShopStaff).where(ShopStaff.shop_id == invite.shop_id, ShopStaff.user_id == user_id)
    ).first()
    if staff is not None and (staff.role == "owner" or invite.role == "staff"):
        return Joined(None, shop, staff.role, already=True)  # the invite stays unused
    invite.used_by, invite.used_at = user_id, now
    if invite.role == "owner" and shop is not None:
        shop.active = True
    if staff is None:
        session.add(ShopStaff(shop_id=invite.shop_id, user_id=user_id, role=invite.role))
    else:
        staff.role = "owner"  # a colleague promoted by an owner invite
    session.flush()
    return Joined(None, shop, invite.role)


def staff_role(*, session: Session, shop_id: int, user_id: int) -> str | None:
    """owner | staff when the user works in that shop, else None."""
    return session.exec(
        select(ShopStaff.role).where(ShopStaff.shop_id == shop_id, ShopStaff.user_id == user_id)
    ).first()


def shops_of(*, session: Session, user_id: int) -> list[Shop]:
    """The shops a user works in, oldest first."""
    query = (
        select(Shop)
        .join(ShopStaff, col(ShopStaff.shop_id) == Shop.id)
        .where(ShopStaff.user_id == user_id)
        .order_by(col(ShopStaff.id))
    )
    return list(session.exec(query))


def shop_items(*, session: Session, shop_id: int, limit: int, offset: int = 0) -> list[Item]:
    """A shop's items (hidden ones too, not deleted ones), newest first."""
    query = (
        select(Item)
        .where(Item.shop_id == shop_id, col(Item.deleted).is_(False))
        .order_by(col(Item.created_at).desc(), col(Item.id).desc())
        .limit(limit)
        .offset(offset)
    )
    return list(session.exec(query))


def usual_price_cents(*, session: Session, shop_id: int, at_least: int = 3) -> int | None:
    """The median price of a shop's recent items; None while it has fewer than `at_least`."""
    query = (
        select(Item.price_cents)
        .where(Item.shop_id == shop_id, col(Item.deleted).is_(False))
        .order_by(col(Item.id).desc())
        .limit(200)
    )
    prices = list(session.exec(query))
    return int(statistics.median(prices)) if len(prices) >= at_least else None


def shop_orders(
    *, session: Session, shop_id: int, statuses: tuple[str, ...], limit: int = 20
) -> list[Order]:
    """A shop's orders in these statuses, the soonest slot (then the oldest) first."""
    query = (
        select(Order)
        .where(Order.shop_id == shop_id, col(Order.status).in_(statuses))
        .order_by(col(Order.slot_start).asc(), col(Order.created_at).asc())
        .limit(limit)
    )
    return list(session.exec(query))


def move_order(
    *, session: Session, order: Order, to: str, allowed: tuple[str, ...], now: datetime
) -> bool:
    """Change an order's status only from `allowed` ones (one conditional UPDATE, race-safe)."""
    values: dict[str, object] = {"status": to, "updated_at": now}
    if to == "ready":
        values["ready_at"] = now
    if to in ("collected", "delivered"):
        values["collected_at"] = now
    stmt = (
        update(Order)
        .where(col(Order.id) == order.id, col(Order.status).in_(allowed))
        .values(**values)
    )
    moved = session.connection().execute(stmt).rowcount == 1
    session.expire(order)
    return moved


def give_back_stock(*, session: Session, order_id: int) -> None:
    """A declined order's units go back on the shelf (items that count their stock)."""
    lines = order_lines(session=session, order_id=order_id)
    quantities = [(line.item_id, line.quantity) for line in lines if line.item_id is not None]
    restore_stock(session=session, quantities=quantities)  # type: ignore[arg-type]


def order_by_token(*, session: Session, token: str) -> Order | None:
    if not token or len(token) > 64:
        return None
    query = select(Order).where(Order.pickup_token_hash == token_hash(token))
    return session.exec(query).first()


def order_by_code(*, session: Session, shop_ids: list[int], code: str) -> Order | None:
    """The open order of one of these shops with that 6-character pickup code."""
    query = (
        select(Order)
        .where(
            col(Order.shop_id).in_(shop_ids),
            Order.pickup_code == code,
            col(Order.status).in_(("pending", *COLLECTABLE, "collected")),
        )
        .order_by(col(Order.created_at).desc())
    )
    return session.exec(query).first()
