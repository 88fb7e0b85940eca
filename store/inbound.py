"""What the channels keep about inbound messages: which were already handled."""

from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from store.models import SeenMessage, ShopStaff, User

SEEN_KEPT = timedelta(days=3)  # platforms retry a webhook for hours, not days


def first_time(
    *,
    session: Session,
    channel: str,
    sid: str,
    now: datetime,
    chat: str | None = None,
    seq: int | None = None,
) -> bool:
    """Record message `sid` (of `chat`, its `seq` in the chat's order); False when it was
    recorded before (a retried webhook)."""
    dialect = postgresql if session.connection().dialect.name == "postgresql" else sqlite
    result = session.execute(
        dialect.insert(SeenMessage)
        .values(channel=channel, sid=sid, received_at=now, chat=chat, seq=seq)
        .on_conflict_do_nothing()
        .returning(col(SeenMessage.sid))
    )
    return result.first() is not None


def forget_seen(*, session: Session, before: datetime) -> int:
    """Drop records of messages older than any retry; returns how many."""
    query = delete(SeenMessage).where(col(SeenMessage.received_at) < before)
    return session.connection().execute(query).rowcount


def user_language(*, session: Session, channel: str, channel_ref: str) -> str | None:
    """The language of a known person, None for someone new."""
    query = select(User.language).where(User.channel == channel, User.channel_ref == channel_ref)
    return session.exec(query).first()


def user_id(*, session: Session, channel: str, channel_ref: str) -> int | None:
    """The id of a known person, None for someone new."""
    query = select(User.id).where(User.channel == channel, User.channel_ref == channel_ref)
    return session.exec(query).first()


def takes_photos(*, session: Session, channel: str, channel_ref: str) -> bool:
    """Whether this person's photos are kept (shop staff): nobody else's are even fetched."""
    query = (
        select(ShopStaff.id)
        .join(User, col(User.id) == ShopStaff.user_id)
        .where(User.channel == channel, User.channel_ref == channel_ref)
        .limit(1)
    )
    return session.exec(query).first() is not None


def earlier_pending(
    *, session: Session, channel: str, chat: str, seq: int, since: datetime
) -> bool:
    """Is an earlier message of `chat`, received since `since`, not handled yet?"""
    query = select(SeenMessage.sid).where(
        SeenMessage.channel == channel,
        SeenMessage.chat == chat,
        col(SeenMessage.seq) < seq,
        col(SeenMessage.done_at).is_(None),
        col(SeenMessage.received_at) >= since,
    )
    return session.exec(query.limit(1)).first() is not None


def mark_done(*, session: Session, channel: str, sid: str, now: datetime) -> None:
    """Message `sid` is handled and answered: the chat's next one may go."""
    query = update(SeenMessage).where(
        col(SeenMessage.channel) == channel, col(SeenMessage.sid) == sid
    )
    session.connection().execute(query.values(done_at=now))
