"""Towns, shops and the people who run them: invites, staff, a shop's items."""

import re
import secrets
import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, event
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col, func, select

from store.models import Invite, Item, Shop, ShopStaff, Town
from store.parsing.caption import CODE_ALPHABET, CODE_LENGTH
from store.parsing.text import slugify
from store.types import persisted

INVITE_DAYS = 14


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
    shop = Shop(town_id=persisted(town.id), slug=slug, name=name, active=False)
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


def owner_invite(
    *, session: Session, shop_name: str, town_name: str, timezone: str, now: datetime
) -> tuple[Shop, Invite]:
    """The admin's invite: the town and the shop made when new, an owner invite into it."""
    town = find_town(session=session, name=town_name)
    if town is None:
        town = Town(slug=slugify(town_name), name=town_name, timezone=timezone)
        session.add(town)
        session.flush()
    shop, _ = get_or_create_shop(session=session, name=shop_name, town=town)
    invite = create_invite(session=session, shop_id=persisted(shop.id), role="owner", now=now)
    return shop, invite


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


# Built once: every order and every home menu asks.
_STAFF_IDS = (
    select(ShopStaff.user_id)
    .where(ShopStaff.shop_id == bindparam("shop_id"))
    .order_by(col(ShopStaff.id))
)
_STAFF_SHOP_IDS = (
    select(ShopStaff.shop_id)
    .where(ShopStaff.user_id == bindparam("user_id"))
    .order_by(col(ShopStaff.id))
)


def staff_ids(*, session: Session, shop_id: int) -> list[int]:
    """The user ids working in a shop, in the order they joined (who hears of its orders)."""
    return list(session.exec(_STAFF_IDS, params={"shop_id": shop_id}))


def staff_shop_ids(*, session: Session, user_id: int) -> list[int]:
    """The shops this user works in, in the order they joined them."""
    return list(session.exec(_STAFF_SHOP_IDS, params={"user_id": user_id}))


STAFF_CHANGED = "staff_changed"  # session.info: this transaction changed who works where


def _staff_written(_mapper: Any, _connection: Any, row: ShopStaff) -> None:
    session = OrmSession.object_session(row)
    if session is not None:
        session.info[STAFF_CHANGED] = True


for _kind in ("after_insert", "after_update", "after_delete"):
    event.listen(ShopStaff, _kind, _staff_written)


def staff_now(*, session: Session, user_id: int, known: bool | None) -> bool:
    """Whether the user works in a shop: `known` (read with the turn's first rows) unless
    it was not read or this transaction changed who works where."""
    pending = any(isinstance(o, ShopStaff) for o in (*session.new, *session.deleted))
    if known is None or pending or session.info.get(STAFF_CHANGED):
        return bool(staff_shop_ids(session=session, user_id=user_id))
    return known


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


PAYMENT_MODES = ("counter", "online", "both")
STRIPE_ACCOUNT = re.compile(r"acct_[A-Za-z0-9]{1,60}")


def set_payments(
    *, session: Session, shop_name: str, mode: str | None, account: str | None
) -> Shop:
    """How a shop's customers pay, and its Stripe account (an id, never a secret key).

    Raises ValueError naming what is wrong: no such shop, an unknown mode, an id that is not
    `acct_...`, or online payment without an account.
    """
    shop = session.exec(select(Shop).where(func.lower(Shop.name) == shop_name.lower())).first()
    if shop is None:
        raise ValueError(f"no shop named {shop_name!r}")
    if account is not None:
        if account and not STRIPE_ACCOUNT.fullmatch(account):
            raise ValueError("--account must be a Stripe account id (acct_...), never a key")
        shop.stripe_account = account
    if mode is not None:
        if mode not in PAYMENT_MODES:
            raise ValueError(f"--mode must be one of {', '.join(PAYMENT_MODES)}")
        shop.payment_mode = mode
    if shop.payment_mode != "counter" and not shop.stripe_account:
        raise ValueError("online payment needs the shop's Stripe account: --account acct_...")
    session.add(shop)
    return shop
