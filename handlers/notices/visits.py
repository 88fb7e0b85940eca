"""What a visit tells other people: announcements, reminders, recaps, private visits.

Every message goes through the outbox with a `dedupe_key` per visit and person, so a merchant
tapping twice, or two workers running the job at once, still tells each person once.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import update
from sqlmodel import Session, col, select

from handlers import i18n
from handlers.common import actions as a
from handlers.common.formats import day_at
from handlers.core import Option, Reply, menu_of
from handlers.turn import Turn
from store import outbox
from store.models import Item, Outbox, PrivateVisitRequest, Shop, Town, User, Visit
from store.shops import staff_ids
from store.towns import zone_of
from store.types import persisted
from store.visits import CHUNK, audience, join_token, join_tokens

KINDS: dict[str, tuple[str, ...]] = {
    "visit_live": ("shop", "url"),
    "visit_scheduled": ("shop",),  # also: a scheduled visit called off
    "visit_reminder": ("shop", "url"),  # 10 minutes before; at the start; the staff's own
    "visit_recap": ("shop",),
    "private_visit": ("shop",),  # a private visit asked, answered, agreed or declined
}
REMINDER_LEAD = timedelta(minutes=10)
LOCAL_HOSTS = ("", "localhost", "127.0.0.1", "::1", "0.0.0.0")
Build = Callable[[str], list[Reply]]


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
    token = join_token(session=session, visit_id=persisted(visit.id), user_id=user_id)
    return join_link(public_url, visit, token)


def _join_build(key: str, url: str, visit: Visit, **values: str) -> Build:
    def build(lang: str) -> list[Reply]:
        options = (
            Option(i18n.t(lang, "visit_join"), url=url),
            Option(i18n.t(lang, "visit_see_items"), a.V_ITEMS.pack(persisted(visit.id))),
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


def fan_out(session: Session, now: datetime, kind: str, news: Sequence[News]) -> None:
    """Queue one message for each of many people, each dedupe key once, in bulk.

    A shop with 2,000 followers must not keep the merchant waiting: the recipients are read
    in a few queries and the rows written in a few statements, no ORM object per person.
    """
    languages: dict[int, str] = {}
    ids = [n.user_id for n in news]
    for start in range(0, len(ids), CHUNK):
        query = select(User.id, User.language).where(col(User.id).in_(ids[start : start + CHUNK]))
        languages.update({persisted(user_id): lang for user_id, lang in session.exec(query)})
    rows = []
    for one in news:
        if one.user_id not in languages:
            continue
        replies = one.build(languages[one.user_id])
        rows.append(
            {
                "user_id": one.user_id,
                "kind": kind,
                "replies": replies,
                "menu": menu_of(replies),
                "due_at": now,
                "essential": False,  # visits are news, not orders: quiet users are spared
                "variables": one.variables,
                "dedupe_key": one.dedupe_key,
            }
        )
    outbox.enqueue_many(session=session, rows=rows)


def _shop(session: Session, visit: Visit) -> Shop:
    shop = session.get(Shop, visit.shop_id)
    if shop is None:
        raise LookupError(f"visit {visit.id} of a shop that is gone")
    return shop


def announce_live(session: Session, now: datetime, public_url: str, visit: Visit) -> int:
    """`visit_live`: followers and everyone who asked hear the visit is live; how many."""
    shop = _shop(session, visit)
    visit_id = persisted(visit.id)
    people = audience(session=session, visit=visit)
    tokens = join_tokens(session=session, visit_id=visit_id, user_ids=people)
    news = []
    for user_id in people:
        url = join_link(public_url, visit, tokens[user_id])
        build = _join_build("visit_live_announce", url, visit, shop=shop.name)
        variables = {"shop": shop.name, "url": url}
        news.append(News(user_id, f"vlive:{visit_id}:{user_id}", build, variables))
    fan_out(session, now, "visit_live", news)
    drop_reminders(session, visit)
    visit.announced = True
    return len(people)


def announce_scheduled(
    session: Session, now: datetime, visit: Visit, starts_at: datetime, tz: str
) -> int:
    """`visit_scheduled`: the followers hear when the visit will be, with "Me prévenir", the
    time written in the shop's town's zone (`tz` when its town is gone)."""
    shop = _shop(session, visit)
    tz = zone_of(session=session, town_id=shop.town_id, default=tz)
    visit_id, shop_id = persisted(visit.id), persisted(shop.id)
    people = audience(session=session, visit=visit)

    def build(lang: str) -> list[Reply]:
        text = i18n.t(
            lang,
            "visit_scheduled_announce",
            shop=shop.name,
            day=i18n.day(starts_at, lang, tz),
            time=i18n.clock(starts_at, lang, tz),
        )
        options = (
            Option(i18n.t(lang, "visit_notify_me"), a.V_NOTIFY.pack(visit_id)),
            Option(i18n.t(lang, "visit_see_shop"), a.SHOP.pack(shop_id)),
        )
        return [Reply(text, options=options)]

    variables = {"shop": shop.name}
    news = [News(u, f"vsched:{visit_id}:{u}", build, variables) for u in people]
    fan_out(session, now, "visit_scheduled", news)
    visit.announced = True
    return len(people)


def schedule_reminders(turn: Turn, visit: Visit, starts_at: datetime) -> None:
    """`visit_reminder`: two for this person, 10 minutes before and at the start."""
    shop = _shop(turn.session, visit)
    url = join_url(turn.session, turn.ctx.public_url, visit, turn.user_id)
    soon = _join_build("visit_reminder_soon", url, visit, shop=shop.name)
    now_ = _join_build("visit_reminder_now", url, visit, shop=shop.name)
    for minutes, build in ((10, soon), (0, now_)):
        turn.notify(
            turn.user_id,
            "visit_reminder",
            build,
            due_at=starts_at - timedelta(minutes=minutes),
            essential=False,
            variables={"shop": shop.name, "url": url},
            dedupe_key=f"vrem:{visit.id}:{turn.user_id}:{minutes}",
        )


def remind_staff(turn: Turn, visit: Visit, starts_at: datetime) -> None:
    """`visit_reminder`: the shop's staff hear 10 minutes before their visit, one tap to start."""
    visit_id = persisted(visit.id)

    def build(lang: str) -> list[Reply]:
        options = (
            Option(i18n.t(lang, "visit_go"), a.V_GO.pack(visit_id)),
            Option(i18n.t(lang, "visit_panel"), a.V_PANEL.pack(visit_id)),
        )
        return [Reply(i18n.t(lang, "visit_staff_reminder"), options=options)]

    for user_id in staff_ids(session=turn.session, shop_id=visit.shop_id):
        turn.notify(
            user_id,
            "visit_reminder",
            build,
            due_at=starts_at - REMINDER_LEAD,
            dedupe_key=f"vrem:{visit_id}:{user_id}:staff",
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


def tell_recap(
    session: Session, now: datetime, visit: Visit, items: list[Item], missed: list[int]
) -> int:
    """`visit_recap`: followers who missed the visit get what was shown; how many."""
    shop = _shop(session, visit)
    visit_id, shop_id = persisted(visit.id), persisted(shop.id)
    town = session.get(Town, shop.town_id)
    town_currency = town.currency if town else "EUR"

    def build(lang: str) -> list[Reply]:
        lines = [
            f"• {i.name} · {i18n.money(i.price_cents, lang, town_currency)}" for i in items[:10]
        ]
        text = i18n.t(lang, "visit_recap", shop=shop.name, items="\n".join(lines))
        options = (
            Option(i18n.t(lang, "visit_see_items"), a.V_ITEMS.pack(visit_id)),
            Option(i18n.t(lang, "visit_see_shop"), a.SHOP.pack(shop_id)),
        )
        return [Reply(text, options=options)]

    variables = {"shop": shop.name}
    news = [News(u, f"vrecap:{visit_id}:{u}", build, variables) for u in missed]
    fan_out(session, now, "visit_recap", news)
    return len(missed)


def tell_called_off(turn: Turn, visit: Visit, waiting: Sequence[int]) -> None:
    """`visit_scheduled`: those waiting for a scheduled visit hear it is called off."""
    shop = _shop(turn.session, visit)
    for user_id in waiting:
        turn.notify(
            user_id,
            "visit_scheduled",
            lambda lang: [Reply(i18n.t(lang, "visit_cancelled_notice", shop=shop.name))],
            essential=False,
            dedupe_key=f"vcancel:{visit.id}:{user_id}",
        )


Buttons = Sequence[tuple[str, str]]  # (text key of the label, action)


def _zone(turn: Turn, shop: Shop) -> str:
    """The shop's town's zone: a visit's time is the time there."""
    return zone_of(session=turn.session, town_id=shop.town_id, default=turn.ctx.timezone)


def tell_private(
    turn: Turn,
    user_id: int,
    key: str,
    buttons: Buttons,
    at: datetime,
    tz: str,
    **values: str,
) -> None:
    """`private_visit`: one person's news of a private visit, the time written in `tz`."""

    def build(lang: str) -> list[Reply]:
        options = tuple(Option(i18n.t(lang, label), action) for label, action in buttons)
        return [Reply(i18n.t(lang, key, when=day_at(lang, at, tz), **values), options=options)]

    turn.notify(user_id, "private_visit", build, variables=values)


def tell_private_staff(
    turn: Turn, request: PrivateVisitRequest, key: str, buttons: Buttons
) -> None:
    """The request's news for everyone working in the shop."""
    shop = turn.session.get(Shop, request.shop_id)
    customer = turn.session.get(User, request.customer_id)
    if shop is None or customer is None:
        raise LookupError(f"private visit {request.id}: its shop or customer is gone")
    name = customer.name or i18n.t(turn.lang, "private_visit_someone")
    for user_id in staff_ids(session=turn.session, shop_id=request.shop_id):
        tell_private(turn, user_id, key, buttons, request.proposed_at, _zone(turn, shop),
                     shop=shop.name, name=name)  # fmt: skip


def tell_private_customer(
    turn: Turn, request: PrivateVisitRequest, key: str, buttons: Buttons
) -> None:
    """The request's news for the customer who asked."""
    shop = turn.session.get(Shop, request.shop_id)
    if shop is None:
        raise LookupError(f"private visit {request.id}: its shop is gone")
    tell_private(turn, request.customer_id, key, buttons, request.proposed_at,
                 _zone(turn, shop), shop=shop.name)  # fmt: skip


def tell_private_link(turn: Turn, request: PrivateVisitRequest, url: str) -> None:
    """The customer gets the accepted visit's link now, and again 10 minutes before."""
    shop = turn.session.get(Shop, request.shop_id)
    if shop is None:
        raise LookupError(f"private visit {request.id}: its shop is gone")
    at, tz = request.proposed_at, _zone(turn, shop)
    for key, due in (
        ("private_visit_accepted", None),
        ("private_visit_reminder", at - REMINDER_LEAD),
    ):

        def build(lang: str, key: str = key) -> list[Reply]:
            text = i18n.t(lang, key, shop=shop.name, when=day_at(lang, at, tz))
            return [Reply(text, options=(Option(i18n.t(lang, "visit_join"), url=url),))]

        if due is None or due > turn.now():
            kind = "private_visit" if due is None else "visit_reminder"
            turn.notify(
                request.customer_id, kind, build, due_at=due, dedupe_key=f"vpriv:{request.id}:{key}"
            )
