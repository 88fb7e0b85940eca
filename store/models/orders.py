"""What a customer is doing: the conversation state, the cart, orders and their lines, payments."""

from datetime import datetime
from typing import Any

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from store.models.fields import _created, _json, _utc


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
