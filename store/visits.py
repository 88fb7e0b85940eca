"""Live shop visits: their queries (the tables are in `store.models`).

Stock held for a reservation is taken from `Item.stock` at once, so nobody else can buy it,
and recorded as a `VisitHold`. The hold ends one of two ways, each exactly once:
- checkout takes stock inside `holds_claimed`: the held quantity goes back to stock in
  checkout's own transaction and is taken again by the order like any cart line (never
  twice); should the order fail, the hold stands as it was;
- `release_expired_holds` (a scheduled job) gives the stock back when the time is up.
A removed cart line keeps its hold until then (the cart is the orders feature's).
"""

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import bindparam, insert, update
from sqlmodel import Session, col, select

from store.models import Follow, Item, Visit, VisitHold, VisitInterest, VisitJoin
from store.shops import staff_ids
from store.statuses import HoldStatus, VisitStatus
from store.types import persisted

CHUNK = 500  # ids per IN (...) list


# Built once: every shop card asks.
_LIVE = select(Visit).where(
    Visit.shop_id == bindparam("shop_id"), Visit.status == VisitStatus.LIVE.value
)


def live_visit(*, session: Session, shop_id: int) -> Visit | None:
    return session.exec(_LIVE, params={"shop_id": shop_id}).first()


def audience(*, session: Session, visit: Visit) -> list[int]:
    """Followers of the shop and everyone who asked to be told, each once, staff left out."""
    followers = select(Follow.user_id).where(Follow.shop_id == visit.shop_id)
    interested = select(VisitInterest.user_id).where(VisitInterest.visit_id == visit.id)
    staff = set(staff_ids(session=session, shop_id=visit.shop_id))
    people = set(session.exec(followers)) | set(session.exec(interested))
    return sorted(people - staff)


def join_token(*, session: Session, visit_id: int, user_id: int) -> str:
    """The person's own Join token for this visit (made on first need)."""
    query = select(VisitJoin).where(VisitJoin.visit_id == visit_id, VisitJoin.user_id == user_id)
    row = session.exec(query).first()
    if row is None:
        row = VisitJoin(visit_id=visit_id, user_id=user_id, token=secrets.token_urlsafe(12))
        session.add(row)
    return row.token


def join_tokens(*, session: Session, visit_id: int, user_ids: list[int]) -> dict[int, str]:
    """Everyone's Join token for this visit, made in bulk for those who have none yet."""
    tokens: dict[int, str] = {}
    for start in range(0, len(user_ids), CHUNK):
        chunk = user_ids[start : start + CHUNK]
        query = select(VisitJoin.user_id, VisitJoin.token).where(
            VisitJoin.visit_id == visit_id, col(VisitJoin.user_id).in_(chunk)
        )
        tokens.update(dict(session.exec(query).all()))
    new = {user_id: secrets.token_urlsafe(12) for user_id in user_ids if user_id not in tokens}
    if new:
        rows = [
            {"visit_id": visit_id, "user_id": user_id, "token": token, "taps": 0}
            for user_id, token in new.items()
        ]
        session.execute(insert(VisitJoin), rows)  # one statement: no ORM object per follower
        tokens.update(new)
    return tokens


def record_join(*, session: Session, token: str, now: datetime) -> Visit | None:
    """Count a tap on a Join link; the visit it opens, or None for an unknown token."""
    row = session.exec(select(VisitJoin).where(VisitJoin.token == token)).first()
    if row is None:
        return None
    row.taps += 1
    if row.joined_at is None:
        row.joined_at = now
    return session.get(Visit, row.visit_id)


def joined_users(*, session: Session, visit_id: int) -> set[int]:
    query = select(VisitJoin.user_id).where(
        VisitJoin.visit_id == visit_id, col(VisitJoin.joined_at).is_not(None)
    )
    return set(session.exec(query))


def featured_items(*, session: Session, visit: Visit, now: datetime) -> list[Item]:
    """Items the shop posted while the visit was live."""
    if visit.started_at is None:
        return []
    query = select(Item).where(
        Item.shop_id == visit.shop_id,
        col(Item.created_at) >= visit.started_at,
        col(Item.created_at) <= (visit.ended_at or now),
        col(Item.deleted).is_(False),
        col(Item.hidden).is_(False),
    )
    return list(session.exec(query.order_by(col(Item.created_at))))


def active_hold(*, session: Session, user_id: int, item_id: int) -> VisitHold | None:
    query = select(VisitHold).where(
        VisitHold.user_id == user_id,
        VisitHold.item_id == item_id,
        VisitHold.status == HoldStatus.HELD.value,
    )
    return session.exec(query).first()


def hold_item(
    *, session: Session, visit: Visit, user_id: int, item: Item, until: datetime
) -> VisitHold | None:
    """Take one from stock and keep it for the viewer; None when it is sold out."""
    took = item.stock is not None
    if took:
        taken = session.connection().execute(
            update(Item)
            .where(col(Item.id) == item.id, col(Item.stock) >= 1)
            .values(stock=col(Item.stock) - 1)
        )
        if taken.rowcount != 1:
            return None
        session.refresh(item)
    hold = VisitHold(
        visit_id=persisted(visit.id),
        user_id=user_id,
        item_id=persisted(item.id),
        took_stock=took,
        held_until=until,
    )
    session.add(hold)
    session.flush()
    return hold


def _close(session: Session, hold: VisitHold, status: HoldStatus, now: datetime) -> None:
    """Give the held stock back and mark the hold closed."""
    if hold.took_stock:
        session.execute(
            update(Item)
            .where(col(Item.id) == hold.item_id, col(Item.stock).is_not(None))
            .values(stock=col(Item.stock) + hold.quantity)
        )
    hold.status = status
    hold.closed_at = now


_HELD = (  # built once: every order asks
    select(VisitHold)
    .where(
        VisitHold.user_id == bindparam("user_id"),
        VisitHold.status == HoldStatus.HELD.value,
        col(VisitHold.item_id).in_(bindparam("item_ids", expanding=True)),
    )
    .with_for_update()
)


def claim_holds(
    *, session: Session, user_id: int, item_ids: list[int], now: datetime
) -> list[VisitHold]:
    """The user's held stock goes back, to be taken by their order itself.

    Call it in checkout's transaction, before taking stock; the row locks taken here keep
    anyone else from buying the returned units before checkout takes them.
    """
    holds = list(session.exec(_HELD, params={"user_id": user_id, "item_ids": item_ids}))
    for hold in holds:
        _close(session, hold, HoldStatus.ORDERED, now)
    session.flush()
    return holds


@contextmanager
def holds_claimed(
    *, session: Session, user_id: int, item_ids: list[int], now: datetime
) -> Iterator[list[VisitHold]]:
    """Checkout's stock-taking, run inside: units held for the customer count as theirs.

    When the stock-taking fails (another line sold out), the holds stand as they were.
    """
    holds = claim_holds(session=session, user_id=user_id, item_ids=item_ids, now=now)
    try:
        yield holds
    except Exception:
        for hold in holds:
            if hold.took_stock:
                session.execute(
                    update(Item)
                    .where(col(Item.id) == hold.item_id, col(Item.stock).is_not(None))
                    .values(stock=col(Item.stock) - hold.quantity)
                )
            hold.status, hold.closed_at = HoldStatus.HELD, None
        session.flush()
        raise


def release_expired_holds(*, session: Session, now: datetime) -> list[VisitHold]:
    """Give back the stock of holds whose time is up; safe to run again or in parallel."""
    query = (
        select(VisitHold)
        .where(VisitHold.status == HoldStatus.HELD.value, col(VisitHold.held_until) <= now)
        .with_for_update(skip_locked=True)
    )
    holds = list(session.exec(query))
    for hold in holds:
        _close(session, hold, HoldStatus.RELEASED, now)
    session.flush()
    return holds


def reservations(*, session: Session, visit_id: int) -> list[tuple[str, int]]:
    """(item name, units reserved) for the merchant, most reserved first."""
    query = select(Item.name, VisitHold.quantity).where(
        VisitHold.visit_id == visit_id, VisitHold.item_id == Item.id
    )
    totals: dict[str, int] = {}
    for name, quantity in session.exec(query):
        totals[name] = totals.get(name, 0) + quantity
    return sorted(totals.items(), key=lambda pair: (-pair[1], pair[0]))
