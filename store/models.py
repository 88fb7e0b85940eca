"""The tables. Money is integer cents; times are aware UTC (`UTCDateTime`)."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from store.types import UTCDateTime, utcnow


def _utc(nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


def _created() -> Any:
    return Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


def _json(default: Any) -> Any:
    return Field(default_factory=default, sa_column=Column(JSON, nullable=False))


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


class ConversationState(SQLModel, table=True):
    """One user's place in the conversation: what typed text means now, and the last menu."""

    user_id: int = Field(foreign_key="user.id", primary_key=True)
    expect: str | None = Field(default=None, max_length=64)
    data: dict[str, Any] = _json(dict)
    menu: list[list[str]] = _json(list)  # [[label, action], ...] of the last options shown
    updated_at: datetime = _created()


class CartLine(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("user_id", "item_id"),)
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    item_id: int = Field(foreign_key="item.id")
    quantity: int = 1
    added_at: datetime = _created()


class Order(SQLModel, table=True):
    __tablename__ = "orders"
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True, max_length=12)
    shop_id: int = Field(foreign_key="shop.id", index=True)
    customer_id: int = Field(foreign_key="user.id", index=True)
    # An OrderStatus (store/statuses.py): the moves between them are listed there.
    status: str = Field(default="pending", max_length=20, index=True)
    fulfilment: str = Field(max_length=10)  # pickup | delivery
    slot_start: datetime | None = _utc()
    slot_end: datetime | None = _utc()
    address: str = Field(default="", max_length=300)
    postcode: str = Field(default="", max_length=10)
    latitude: float | None = None
    longitude: float | None = None
    phone: str = Field(default="", max_length=30)
    note: str = Field(default="", max_length=500)
    subtotal_cents: int = 0
    delivery_fee_cents: int = 0
    total_cents: int = 0
    pickup_code: str = Field(max_length=6, index=True)
    pickup_token_hash: str = Field(max_length=64, unique=True)
    decline_reason: str = Field(default="", max_length=300)
    created_at: datetime = _created()
    updated_at: datetime = _created()
    ready_at: datetime | None = _utc()
    collected_at: datetime | None = _utc()
    paid_online: bool = False  # chosen at checkout: the order waits for its payment


class Payment(SQLModel, table=True):
    """An order's online payment, every state kept (store/statuses.py PaymentStatus)."""

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", unique=True)
    provider: str = Field(max_length=10)  # stripe | telegram
    status: str = Field(default="open", max_length=12, index=True)
    amount_cents: int  # from the order lines, on the server
    currency: str = Field(default="EUR", max_length=3)
    # Stripe: the Checkout Session and its PaymentIntent; Telegram: both charge ids.
    session_id: str | None = Field(default=None, max_length=255, unique=True)
    payment_intent: str = Field(default="", max_length=255)
    telegram_charge_id: str = Field(default="", max_length=255)
    provider_charge_id: str = Field(default="", max_length=255)
    refund_id: str = Field(default="", max_length=255)
    url: str = Field(default="", max_length=1000)
    expires_at: datetime = _created()
    created_at: datetime = _created()
    updated_at: datetime = _created()


class ProviderEvent(SQLModel, table=True):
    """A webhook event already handled (Stripe's `evt_...`): each one changes things once."""

    id: str = Field(primary_key=True, max_length=255)
    kind: str = Field(max_length=80)
    received_at: datetime = _created()


class OrderLine(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    item_id: int | None = Field(default=None, foreign_key="item.id")
    name: str = Field(max_length=120)
    unit_price_cents: int
    quantity: int


class Follow(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("user_id", "shop_id"),)
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    shop_id: int = Field(foreign_key="shop.id", index=True)
    created_at: datetime = _created()


class Outbox(SQLModel, table=True):
    """A message the bot sends on its own; written in the transaction of the change it tells."""

    __table_args__ = (
        Index("ix_outbox_due", "status", "due_at"),
        # What the dispatcher claims, in due order: only the rows still to deliver, so the
        # index stays small however many were sent, and a claim reads just its batch.
        Index(
            "ix_outbox_todo",
            "due_at",
            "id",
            postgresql_where=text("status IN ('pending', 'sending')"),
            sqlite_where=text("status IN ('pending', 'sending')"),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    kind: str = Field(max_length=40)
    # {"replies": [Reply as dict, ...], "variables": {...} for WhatsApp templates}
    payload: dict[str, Any] = _json(dict)
    essential: bool = True  # order messages: sent even to users who turned messages off
    # When it may go; for a `sending` row, when its claim lapses and another dispatcher may
    # take it again (see notifications/dispatcher.py), so one index serves both.
    due_at: datetime = _created()
    # pending | sending | sent | failed | dropped
    status: str = Field(default="pending", max_length=10)
    attempts: int = 0  # deliveries started (counted when claimed)
    last_error: str = Field(default="", max_length=500)
    dedupe_key: str | None = Field(default=None, max_length=120, unique=True)
    created_at: datetime = _created()
    sent_at: datetime | None = _utc()
    claimed_by: str | None = Field(default=None, max_length=64)  # the dispatcher sending it
    # The order it is about: a pickup reminder of a collected or cancelled order is dropped.
    order_id: int | None = Field(default=None, foreign_key="orders.id", index=True)
    # Held back during the town's quiet hours (reminders nobody asked for at that hour).
    quiet_hours: bool = False
    # What the platform said after sending it (WhatsApp status callbacks): sent | delivered |
    # read | failed | undelivered; "" when nothing came back (yet).
    receipt: str = Field(default="", max_length=12)


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


class TelegramFile(SQLModel, table=True):
    """The file_id Telegram gave a media file once uploaded, so it is sent by reference after."""

    media_key: str = Field(primary_key=True, max_length=80)
    file_id: str = Field(max_length=200)


class SeenMessage(SQLModel, table=True):
    """An inbound platform message already handled, so a webhook retried is handled once."""

    __tablename__ = "seen_message"
    __table_args__ = (Index("ix_seen_message_chat", "channel", "chat", "seq"),)
    channel: str = Field(primary_key=True, max_length=16)
    sid: str = Field(primary_key=True, max_length=64)
    received_at: datetime = _created()
    # Telegram: the chat and update_id, so that a chat's updates are handled in order by
    # whichever process received them; `done_at` once handled and answered.
    chat: str | None = Field(default=None, max_length=64)
    seq: int | None = None
    done_at: datetime | None = _utc()


class WhatsAppContent(SQLModel, table=True):
    """A Twilio Content API resource we created (a reply shape or a template), by our name."""

    __tablename__ = "whatsapp_content"
    name: str = Field(primary_key=True, max_length=64)  # "qr2", "list7", "order_ready_fr"
    sid: str = Field(max_length=34)  # HX...
    digest: str = Field(max_length=16)  # of the definition: a changed one is created anew
    # WhatsApp approval: "" for in-session shapes (none needed), else unsubmitted |
    # received | pending | approved | rejected | paused | disabled
    approval: str = Field(default="", max_length=12)
    category: str = Field(default="", max_length=16)  # utility | marketing (templates)
    reason: str = Field(default="", max_length=300)  # a rejection's or a failure's words
    refused: bool = False  # Twilio refused to send it: the numbered text is used instead
    updated_at: datetime = _created()


class WhatsAppMessage(SQLModel, table=True):
    """One message sent through Twilio: what it cost (its category) and what became of it."""

    __tablename__ = "whatsapp_message"
    id: int | None = Field(default=None, primary_key=True)
    sid: str = Field(unique=True, max_length=34)  # SM... / MM...
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    town_id: int | None = Field(default=None, foreign_key="town.id", index=True)
    outbox_id: int | None = Field(default=None, foreign_key="outbox.id", index=True)
    order_id: int | None = Field(default=None, foreign_key="orders.id", index=True)
    kind: str = Field(default="reply", max_length=40)  # "reply" or the outbox kind
    category: str = Field(default="service", max_length=10)  # service | utility | marketing
    shape: str = Field(default="text", max_length=64)  # text, media, qr2, list7, a template
    status: str = Field(default="queued", max_length=12)
    error_code: int | None = None
    created_at: datetime = _created()
    updated_at: datetime | None = _utc()


# Live visits: a shop's video tour, who asked to hear of it, who joined, what was held.
class Visit(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id", index=True)
    url: str = Field(max_length=500)
    platform: str = Field(default="other", max_length=16)
    status: str = Field(default="scheduled", max_length=10, index=True)  # VisitStatus
    starts_at: datetime | None = _utc()  # the announced time (scheduled visits)
    started_at: datetime | None = _utc()
    ended_at: datetime | None = _utc()
    announced: bool = False  # followers were told (once, however often the merchant taps)
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = _created()


class VisitInterest(SQLModel, table=True):
    """Someone who tapped "Me prévenir" on a scheduled visit."""

    __table_args__ = (UniqueConstraint("visit_id", "user_id"),)
    id: int | None = Field(default=None, primary_key=True)
    visit_id: int = Field(foreign_key="visit.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    created_at: datetime = _created()


class VisitJoin(SQLModel, table=True):
    """One person's Join link for a visit (`/v/<token>`) and whether they opened it."""

    __table_args__ = (UniqueConstraint("visit_id", "user_id"),)
    id: int | None = Field(default=None, primary_key=True)
    visit_id: int = Field(foreign_key="visit.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    token: str = Field(max_length=24, unique=True)
    taps: int = 0
    joined_at: datetime | None = _utc()


class VisitHold(SQLModel, table=True):
    """Stock set aside for a viewer who reserved a featured item."""

    __table_args__ = (Index("ix_visithold_due", "status", "held_until"),)
    id: int | None = Field(default=None, primary_key=True)
    visit_id: int = Field(foreign_key="visit.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    item_id: int = Field(foreign_key="item.id", index=True)
    quantity: int = 1
    took_stock: bool = True  # False for unlimited items: nothing to give back
    held_until: datetime = _created()
    status: str = Field(default="held", max_length=10)  # HoldStatus
    created_at: datetime = _created()
    closed_at: datetime | None = _utc()


class PrivateVisitRequest(SQLModel, table=True):
    """A customer asking a shop for a visit of their own."""

    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id", index=True)
    customer_id: int = Field(foreign_key="user.id", index=True)
    proposed_at: datetime = _created()
    # requested (by the customer) | countered (merchant proposed another time)
    # | agreed (customer took the merchant's time) | accepted (link sent) | declined
    status: str = Field(default="requested", max_length=10)
    proposed_by: str = Field(default="customer", max_length=10)  # customer | shop
    url: str = Field(default="", max_length=500)
    created_at: datetime = _created()


class RateSlot(SQLModel, table=True):
    """A sending rate shared by every process (notifications/shared.py, PostgreSQL backend):
    the next free slot and the last second's send times (epoch seconds, the server's clock)."""

    __tablename__ = "rate_slot"
    key: str = Field(primary_key=True, max_length=120)  # "telegram", "telegram:<chat>"
    next_at: float = 0.0
    sent: list[float] = _json(list)


# The town hall: its staff's dashboard accounts, failed logins, campaigns to residents.
class StaffAccount(SQLModel, table=True):
    """A person of the town hall who may open the dashboard of their town."""

    __tablename__ = "staff_account"
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(unique=True, max_length=254)
    password_hash: str = Field(max_length=200)
    town_id: int = Field(foreign_key="town.id", index=True)
    # Part of every session cookie: logging out bumps it, so no copy of an old cookie works.
    session_version: int = 1
    created_at: datetime = _created()
    last_login_at: datetime | None = _utc()


class LoginThrottle(SQLModel, table=True):
    """Failed logins of one account (`account:<email>`) or one address (`ip:<address>`)."""

    __tablename__ = "login_throttle"
    key: str = Field(primary_key=True, max_length=300)
    failures: int = 0
    first_failure_at: datetime = _created()
    locked_until: datetime | None = _utc()


CAMPAIGN_TEXT = 900  # fits a Telegram photo caption (1,024) with the buttons' words to spare


class Campaign(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    town_id: int = Field(foreign_key="town.id", index=True)
    author_id: int = Field(foreign_key="staff_account.id")
    text: str = Field(max_length=CAMPAIGN_TEXT)
    photo: str | None = Field(default=None, max_length=80)  # media key
    button: str = Field(default="", max_length=8)  # BUTTONS: none, one shop, the town page
    shop_id: int | None = Field(default=None, foreign_key="shop.id")
    status: str = Field(default="draft", max_length=8)  # draft | sent
    recipients: int = 0  # how many it was queued for
    created_at: datetime = _created()
    sent_at: datetime | None = _utc()
