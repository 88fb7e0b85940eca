"""Live visits: a shop's video tour, who asked to hear of it, who joined, what was held."""

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from store.models.fields import _created, _utc


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
