"""The town hall's campaigns: a message to the residents who asked for the town's news.

A campaign's messages are outbox rows of kind `town_news` whose dedupe key is
`news:<campaign>:<user>`, so sending twice still reaches each person once and the report
reads the outcome straight from the outbox.
"""

from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from store.models import CAMPAIGN_TEXT, Campaign, Outbox, User

KIND = "town_news"
MAX_TEXT = CAMPAIGN_TEXT
BUTTONS = ("", "shop", "town")


def dedupe_key(campaign_id: int, user_id: int) -> str:
    return f"news:{campaign_id}:{user_id}"


def audience(town_id: int) -> object:
    """Who receives the town's news: opted in, of this town, reachable, not silenced."""
    return select(User.id).where(
        col(User.town_news).is_(True),
        User.town_id == town_id,
        col(User.unreachable).is_(False),
        col(User.quiet).is_(False),
    )


def count_recipients(*, session: Session, town_id: int) -> int:
    query = audience(town_id).subquery()  # type: ignore[attr-defined]
    return int(session.exec(select(func.count()).select_from(query)).one())


def recipient_ids(*, session: Session, town_id: int) -> list[int]:
    return list(session.exec(audience(town_id)))  # type: ignore[call-overload]


@dataclass(frozen=True)
class Report:
    """What became of a campaign's messages."""

    queued: int
    sent: int
    failed: int
    dropped: int
    waiting: int


def report(*, session: Session, campaign_id: int) -> Report:
    """Counts by outcome, read from the outbox rows of this campaign."""
    query = (
        select(Outbox.status, func.count())
        .where(Outbox.kind == KIND, col(Outbox.dedupe_key).startswith(f"news:{campaign_id}:"))
        .group_by(Outbox.status)
    )
    counts: dict[str, int] = {status: int(n) for status, n in session.exec(query).all()}
    return Report(
        queued=sum(counts.values()),
        sent=counts.get("sent", 0),
        failed=counts.get("failed", 0),
        dropped=counts.get("dropped", 0),
        waiting=counts.get("pending", 0) + counts.get("sending", 0),
    )


def campaigns_of(*, session: Session, town_id: int, limit: int = 20) -> list[Campaign]:
    query = (
        select(Campaign)
        .where(Campaign.town_id == town_id)
        .order_by(col(Campaign.id).desc())
        .limit(limit)
    )
    return list(session.exec(query))
