"""What a visit tells other people (announcements, reminders, recaps) and its scheduled job.

Every message goes through the outbox with a `dedupe_key` per visit and person, so a merchant
tapping twice, or two workers running the job at once, still tells each person once.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol
from urllib.parse import urlsplit

from sqlalchemy import update
from sqlmodel import Session, col, select

from handlers import i18n
from handlers.context import Context
from handlers.core import Option, Reply
from store import outbox
from store.models import Outbox, Shop, ShopStaff, Town, User
from store.visits import (
    CHUNK,
    Visit,
    audience,
    featured_items,
    join_token,
    join_tokens,
    joined_users,
)
from store.visits import (
    release_expired_holds as release_holds,
)

REMINDER_LEAD = timedelta(minutes=10)
LOCAL_HOSTS = ("", "localhost", "127.0.0.1", "::1", "0.0.0.0")
MAX_LIVE_MINUTES = 120
Build = Callable[[str], list[Reply]]


class Notify(Protocol):
    """`Turn.notify`'s shape: queue a message for someone else in their language."""

    def __call__(
        self,
        user_id: int,
        kind: str,
        build: Build,
        *,
        due_at: datetime | None = None,
        essential: bool = True,
        variables: dict[str, str] | None = None,
        dedupe_key: str | None = None,
    ) -> None: ...


def counts_joins(public_url: str) -> bool:
    """Whether our redirect can be reached: not on a local address (console demo, tests).

    Telegram refuses URL buttons to localhost, and `vitrine chat` serves no web pages; there
    the platform's own link is shared, and joins are not counted.
    """
    host = urlsplit(public_url).hostname or ""
    return host not in LOCAL_HOSTS and not host.endswith(".localhost")


def join_link(public_url: str, visit: Visit, token: str) -> str:
    if not counts_joins(public_url):
        return visit.url
    return f"{public_url}/v/{visit.id}/{token}"


def join_url(session: Session, public_url: str, visit: Visit, user_id: int) -> str:
    """The person's own Join link: our redirect counts the tap, then opens the platform."""
    token = join_token(session=session, visit_id=visit.id, user_id=user_id)  # type: ignore[arg-type]
    return join_link(public_url, visit, token)


def _join_build(key: str, url: str, visit: Visit, **values: str) -> Build:
    def build(lang: str) -> list[Reply]:
        options = (
            Option(i18n.t(lang, "visit_join"), url=url),
            Option(i18n.t(lang, "visit_see_items"), f"vitems:{visit.id}"),
        )
        return [Reply(i18n.t(lang, key, **values), options=options)]

    return build


@dataclass
class News:
    """One person's copy of a message sent to many."""

    user_id: int
    dedupe_key: str
    build: Build
    variables: dict[str, str] = field(default_factory=dict)


def fan_out(session: Session, now: datetime, kind: str, news: list[News]) -> None:
    """Queue one message for each of many people, each dedupe key once, in bulk.

    A shop with 2,000 followers must not keep the merchant waiting: the recipients are read
    in a few queries and the rows written in a few statements, no ORM object per person.
    """
    languages: dict[int, str] = {}
    ids = [n.user_id for n in news]
    for start in range(0, len(ids), CHUNK):
        query = select(User.id, User.language).where(col(User.id).in_(ids[start : start + CHUNK]))
        languages.update(dict(session.exec(query).all()))  # type: ignore[arg-type]
    rows = [
        {
            "user_id": one.user_id,
            "kind": kind,
            "replies": one.build(languages[one.user_id]),
            "due_at": now,
            "essential": False,  # visits are news, not orders: quiet users are spared
            "variables": one.variables,
            "dedupe_key": one.dedupe_key,
        }
        for one in news
        if one.user_id in languages
    ]
    outbox.enqueue_many(session=session, rows=rows)


def announce_live(session: Session, now: datetime, public_url: str, visit: Visit) -> int:
    """Tell the shop's followers and everyone who asked that the visit is live; how many."""
    shop = session.get(Shop, visit.shop_id)
    assert shop is not None
    people = audience(session=session, visit=visit)
    tokens = join_tokens(session=session, visit_id=visit.id, user_ids=people)  # type: ignore[arg-type]
    news = []
    for user_id in people:
        url = join_link(public_url, visit, tokens[user_id])
        build = _join_build("visit_live_announce", url, visit, shop=shop.name)
        variables = {"shop": shop.name, "url": url}
        news.append(News(user_id, f"vlive:{visit.id}:{user_id}", build, variables))
    fan_out(session, now, "visit_live", news)
    drop_reminders(session, visit)
    visit.announced = True
    return len(people)


def announce_scheduled(session: Session, now: datetime, visit: Visit, tz: str) -> int:
    """Tell the followers when the visit will be, with "Me prévenir"; how many."""
    shop = session.get(Shop, visit.shop_id)
    assert shop is not None and visit.starts_at is not None
    people = audience(session=session, visit=visit)
    starts_at = visit.starts_at

    def build(lang: str) -> list[Reply]:
        text = i18n.t(
            lang,
            "visit_scheduled_announce",
            shop=shop.name,
            day=i18n.day(starts_at, lang, tz),
            time=i18n.clock(starts_at, lang, tz),
        )
        options = (
            Option(i18n.t(lang, "visit_notify_me"), f"vnotify:{visit.id}"),
            Option(i18n.t(lang, "visit_see_shop"), f"shop:{shop.id}"),
        )
        return [Reply(text, options=options)]

    variables = {"shop": shop.name}
    news = [News(u, f"vsched:{visit.id}:{u}", build, variables) for u in people]
    fan_out(session, now, "visit_scheduled", news)
    visit.announced = True
    return len(people)


def schedule_reminders(
    session: Session, notify: Notify, public_url: str, visit: Visit, user_id: int, tz: str
) -> None:
    """Two reminders for one person: 10 minutes before, and at the start."""
    shop = session.get(Shop, visit.shop_id)
    assert shop is not None and visit.starts_at is not None
    url = join_url(session, public_url, visit, user_id)
    soon = _join_build("visit_reminder_soon", url, visit, shop=shop.name)
    now_ = _join_build("visit_reminder_now", url, visit, shop=shop.name)
    for minutes, build in ((10, soon), (0, now_)):
        notify(
            user_id,
            "visit_reminder",
            build,
            due_at=visit.starts_at - timedelta(minutes=minutes),
            essential=False,
            variables={"shop": shop.name, "url": url},
            dedupe_key=f"vrem:{visit.id}:{user_id}:{minutes}",
        )


def remind_staff(session: Session, notify: Notify, visit: Visit) -> None:
    """The shop's staff hear 10 minutes before their own visit, with one tap to start."""
    assert visit.starts_at is not None

    def build(lang: str) -> list[Reply]:
        options = (
            Option(i18n.t(lang, "visit_go"), f"vgo:{visit.id}"),
            Option(i18n.t(lang, "visit_panel"), f"vpanel:{visit.id}"),
        )
        return [Reply(i18n.t(lang, "visit_staff_reminder"), options=options)]

    staff = session.exec(select(ShopStaff.user_id).where(ShopStaff.shop_id == visit.shop_id))
    for user_id in staff:
        notify(
            user_id,
            "visit_reminder",
            build,
            due_at=visit.starts_at - REMINDER_LEAD,
            dedupe_key=f"vrem:{visit.id}:{user_id}:staff",
        )


def drop_reminders(session: Session, visit: Visit) -> None:
    """Reminders not yet sent are void once the visit is live, cancelled or over."""
    session.execute(
        update(Outbox)
        .where(
            col(Outbox.status) == "pending",
            col(Outbox.dedupe_key).startswith(f"vrem:{visit.id}:"),
        )
        .values(status="dropped", last_error="visit started, cancelled or ended")
    )


def end_visit(session: Session, visit: Visit, now: datetime) -> int:
    """End a live visit; followers who did not join get a recap; how many got one."""
    visit.status = "ended"
    visit.ended_at = now
    drop_reminders(session, visit)
    items = featured_items(session=session, visit=visit, now=now)
    shop = session.get(Shop, visit.shop_id)
    if not items or shop is None:
        return 0
    town = session.get(Town, shop.town_id)
    currency = town.currency if town else "EUR"
    joined = joined_users(session=session, visit_id=visit.id)  # type: ignore[arg-type]
    missed = [u for u in audience(session=session, visit=visit) if u not in joined]

    def build(lang: str) -> list[Reply]:
        lines = [f"• {i.name} · {i18n.money(i.price_cents, lang, currency)}" for i in items[:10]]
        text = i18n.t(lang, "visit_recap", shop=shop.name, items="\n".join(lines))
        options = (
            Option(i18n.t(lang, "visit_see_items"), f"vitems:{visit.id}"),
            Option(i18n.t(lang, "visit_see_shop"), f"shop:{shop.id}"),
        )
        return [Reply(text, options=options)]

    variables = {"shop": shop.name}
    news = [News(u, f"vrecap:{visit.id}:{u}", build, variables) for u in missed]
    fan_out(session, now, "visit_recap", news)
    return len(missed)


def end_overdue_visits(session: Session, now: datetime, *, max_live_minutes: int) -> int:
    """End visits left live too long (recaps go out); how many recaps were queued."""
    limit = now - timedelta(minutes=max_live_minutes)
    recaps = 0
    overdue = select(Visit).where(Visit.status == "live", col(Visit.started_at) <= limit)
    for visit in session.exec(overdue.with_for_update(skip_locked=True)).all():
        recaps += end_visit(session, visit, now)
    # A scheduled visit nobody started is over once its whole slot has passed.
    forgotten = select(Visit).where(Visit.status == "scheduled", col(Visit.starts_at) <= limit)
    for visit in session.exec(forgotten.with_for_update(skip_locked=True)).all():
        visit.status = "ended"
        visit.ended_at = now
        drop_reminders(session, visit)
    return recaps


def release_expired_holds(
    session: Session, now: datetime, *, max_live_minutes: int = MAX_LIVE_MINUTES
) -> int:
    """The scheduled sweep: give back expired holds' stock, end visits left running too long.

    Idempotent: a hold or a visit is closed once (rows locked, SKIP LOCKED on PostgreSQL),
    and recaps carry dedupe keys. Returns how many holds it released.
    """
    released = release_holds(session=session, now=now)
    end_overdue_visits(session, now, max_live_minutes=max_live_minutes)
    return len(released)


def sweep(*, session: Session, ctx: Context) -> bool:
    """The visits' part of the periodic tick; True when recaps became due now."""
    release_holds(session=session, now=ctx.now())
    return end_overdue_visits(session, ctx.now(), max_live_minutes=ctx.visit_max_minutes) > 0
