"""People: one row per channel identity."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import JSON, bindparam, exists, func, insert, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from store.models import ConversationState, ShopStaff, Town, User
from store.types import UTCDateTime, utcnow

_DEFAULT_TOWN = aliased(Town)
# A known person's row, their conversation state (locked for the transaction, as
# `load_state` locks it), their town (else the one whose slug is `default_slug`) and whether
# they work in a shop (the home menu's question): what every turn starts from, in one
# statement built once.
_TURN = (
    select(
        User,
        ConversationState,
        Town,
        exists().where(col(ShopStaff.user_id) == col(User.id)).label("staff"),
    )
    .join(ConversationState, col(ConversationState.user_id) == col(User.id))
    .outerjoin(
        Town,
        col(Town.id)
        == func.coalesce(
            User.town_id,
            select(_DEFAULT_TOWN.id)
            .where(_DEFAULT_TOWN.slug == bindparam("default_slug"))
            .scalar_subquery(),
        ),
    )
    .where(User.channel == bindparam("channel"), User.channel_ref == bindparam("channel_ref"))
    .with_for_update(of=ConversationState)
)


@dataclass(frozen=True)
class Known:
    """What `load_known` read of a returning person."""

    user: User
    state: ConversationState
    town: Town | None  # None: to be looked up the slow way (no row for the default slug)
    staff: bool  # works in a shop


def load_known(
    *, session: Session, channel: str, channel_ref: str, default_slug: str
) -> Known | None:
    """A returning person's user row, locked state, town and whether they are shop staff,
    in one query; None for a first contact (no row or no state yet: `first_contact` and
    `load_state` do it)."""
    params = {"channel": channel, "channel_ref": channel_ref, "default_slug": default_slug[:80]}
    row = session.exec(_TURN, params=params).first()
    if row is None:
        return None
    user, state, town, staff = row
    return Known(user, state, town, bool(staff))


def get_or_create_user(
    *, session: Session, channel: str, channel_ref: str, language: str = "fr", name: str = ""
) -> tuple[User, bool]:
    """The user behind a channel identity, created on first contact (safe under races)."""
    query = select(User).where(User.channel == channel, User.channel_ref == channel_ref)
    user = session.exec(query).first()
    if user is not None:
        return user, False
    return first_contact(
        session=session, channel=channel, channel_ref=channel_ref, language=language, name=name
    )


def first_contact(
    *,
    session: Session,
    channel: str,
    channel_ref: str,
    language: str = "fr",
    name: str = "",
    phone: str = "",
    now: datetime | None = None,
) -> tuple[User, bool]:
    """After `load_known` found nobody: the person's new row in one statement (INSERT ...
    RETURNING), else the row someone else just made, or theirs that has no state yet."""
    dialect = postgresql if session.connection().dialect.name == "postgresql" else sqlite
    insert = (
        dialect.insert(User)
        .values(
            channel=channel,
            channel_ref=channel_ref,
            language=language,
            name=name[:120],
            phone=phone[:30],
            created_at=now or utcnow(),
            last_inbound_at=now,
        )
        .on_conflict_do_nothing()
        .returning(User)
    )
    user = session.scalars(insert, execution_options={"populate_existing": True}).first()
    if user is not None:
        return user, True
    query = select(User).where(User.channel == channel, User.channel_ref == channel_ref)
    return session.exec(query).one(), False


def load_state(*, session: Session, user_id: int) -> ConversationState:
    """The user's conversation state, locked for this transaction (created when missing)."""
    query = select(ConversationState).where(ConversationState.user_id == user_id)
    state = session.exec(query.with_for_update()).first()
    if state is None:
        state = ConversationState(user_id=user_id)
        session.add(state)
        session.flush()
    return state


_SAVE_STATE = (
    update(ConversationState)
    .where(col(ConversationState.user_id) == bindparam("state_user"))
    .values(
        expect=bindparam("state_expect"),
        data=bindparam("state_data", type_=JSON),
        menu=bindparam("state_menu", type_=JSON),
        updated_at=bindparam("state_at", type_=UTCDateTime()),
    )
)


_NEW_STATE = insert(ConversationState).values(
    user_id=bindparam("state_user"),
    expect=bindparam("state_expect"),
    data=bindparam("state_data", type_=JSON),
    menu=bindparam("state_menu", type_=JSON),
    updated_at=bindparam("state_at", type_=UTCDateTime()),
)


def save_state(*, session: Session, state: ConversationState, new: bool = False) -> None:
    """Write a turn's state in one UPDATE, or INSERT for a `new` one (statements built once;
    the ORM's unit of work costs more than the write for the one row every turn changes)."""
    session.connection().execute(
        _NEW_STATE if new else _SAVE_STATE,
        {
            "state_user": state.user_id,
            "state_expect": state.expect,
            "state_data": state.data,
            "state_menu": state.menu,
            "state_at": state.updated_at,
        },
    )


def show_menu(*, session: Session, user_id: int, menu: list[list[str]]) -> None:
    """Make `menu` the one a typed number picks from (a message the bot sent on its own)."""
    state = session.get(ConversationState, user_id)
    if state is None:
        state = ConversationState(user_id=user_id)
        session.add(state)
    state.menu = menu


def mark_unreachable(*, session: Session, channel: str, channel_ref: str) -> bool:
    """Flag a person the platform says cannot be reached (blocked the bot, number gone).

    Their next message clears it. True if the person is known.
    """
    query = select(User).where(User.channel == channel, User.channel_ref == channel_ref)
    user = session.exec(query).first()
    if user is None:
        return False
    user.unreachable = True
    return True


def load_menu(*, session: Session, user_id: int) -> list[list[str]]:
    """The menu a typed number picks from ([[label, action], ...]), empty when none."""
    state = session.get(ConversationState, user_id)
    return [list(pair) for pair in state.menu] if state is not None and state.menu else []
