"""Towns, shops, the people who use the bot and run the shops, items, invites, follows."""

from datetime import datetime

from sqlalchemy import JSON, Column, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from store.models.fields import _created, _json, _utc


class Town(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, max_length=80)
    name: str = Field(max_length=120)
    postcode: str = Field(default="", max_length=10)  # the main one, shown with the name
    # Every postcode it answers to (the main one too); '[]' for rows inserted without it.
    postcodes: list[str] = Field(
        default_factory=list,
        sa_column=Column(JSON, nullable=False, server_default=text("'[]'")),
    )
    timezone: str = Field(default="Europe/Paris", max_length=60)
    locale: str = Field(default="fr_FR", max_length=10)
    currency: str = Field(default="EUR", max_length=3)
    lat: float | None = None  # where it is, for "share your location": the nearest town
    lon: float | None = None


class Shop(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    town_id: int = Field(foreign_key="town.id", index=True)
    slug: str = Field(unique=True, max_length=80)
    name: str = Field(max_length=120)
    category: str = Field(default="other", max_length=40, index=True)
    description: str = Field(default="", max_length=1000)
    address: str = Field(default="", max_length=200)
    phone: str = Field(default="", max_length=30)
    email: str = Field(default="", max_length=200)  # the town hall's contact (invite letters)
    photo: str | None = Field(default=None, max_length=80)
    # {"mon": [["10:00", "12:30"], ["14:00", "19:00"]], ...}; a missing day is closed.
    hours: dict[str, list[list[str]]] = _json(dict)
    # [["2026-12-24", "2026-12-26"], ...], inclusive local dates.
    closures: list[list[str]] = _json(list)
    pickup_enabled: bool = True
    prep_minutes: int = 60
    slot_minutes: int = 30
    slot_capacity: int = 4
    hold_days: int = 3
    delivery_enabled: bool = False
    delivery_fee_cents: int = 0
    free_delivery_cents: int | None = None
    delivery_postcodes: list[str] = _json(list)
    active: bool = True
    # How customers pay: "counter" (at pickup, the default), "online", or "both" (they pick).
    payment_mode: str = Field(default="counter", max_length=10)
    # The shop's own Stripe account (Connect), where online payments go; set by the admin
    # or by the onboarding link, never typed into the chat.
    stripe_account: str = Field(default="", max_length=64)
    created_at: datetime = _created()


class User(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("channel", "channel_ref"),)
    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    channel_ref: str = Field(max_length=64)
    name: str = Field(default="", max_length=120)
    language: str = Field(default="fr", max_length=5)
    phone: str = Field(default="", max_length=30)
    town_id: int | None = Field(default=None, foreign_key="town.id")
    unreachable: bool = False
    quiet: bool = False  # turned off non-essential messages
    town_news: bool = False  # opted in to the town hall's campaigns (off until they say yes)
    created_at: datetime = _created()
    last_inbound_at: datetime | None = _utc()


class ShopStaff(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("shop_id", "user_id"),)
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    role: str = Field(default="staff", max_length=10)  # owner | staff
    created_at: datetime = _created()


class Item(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id", index=True)
    name: str = Field(max_length=120)
    description: str = Field(default="", max_length=1000)
    price_cents: int
    stock: int | None = None  # None: unlimited
    photos: list[str] = _json(list)
    hidden: bool = False
    deleted: bool = False
    created_at: datetime = _created()
    updated_at: datetime = _created()


class SearchWord(SQLModel, table=True):
    """A word written in a town's items or shops, as written; filled by the search index's
    triggers (store/search_index.py) and read by search to correct typos."""

    __tablename__ = "search_word"
    town_id: int = Field(primary_key=True)
    word: str = Field(primary_key=True)


class Follow(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("user_id", "shop_id"),)
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    shop_id: int = Field(foreign_key="shop.id", index=True)
    created_at: datetime = _created()


class Invite(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=16)
    shop_id: int = Field(foreign_key="shop.id")
    role: str = Field(default="owner", max_length=10)
    created_by: int | None = Field(default=None, foreign_key="user.id")
    expires_at: datetime = _created()
    used_by: int | None = Field(default=None, foreign_key="user.id")
    used_at: datetime | None = _utc()
    revoked_at: datetime | None = _utc()  # replaced by a fresh invite (its expiry is set then)


class AuditLog(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id")
    shop_id: int = Field(foreign_key="shop.id", index=True)
    entity: str = Field(max_length=20)
    entity_id: int
    field: str = Field(max_length=30)
    before: str = Field(default="", max_length=200)
    after: str = Field(default="", max_length=200)
    at: datetime = _created()
