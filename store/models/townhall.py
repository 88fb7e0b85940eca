"""The town hall: its staff's dashboard accounts, failed logins, campaigns to residents."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from store.models.fields import _created, _utc


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
