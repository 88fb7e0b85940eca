"""People: one row per channel identity."""

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from store.models import ConversationState, User
from store.types import utcnow


def get_or_create_user(
    *, session: Session, channel: str, channel_ref: str, language: str = "fr", name: str = ""
) -> tuple[User, bool]:
    """The user behind a channel identity, created on first contact (safe under races)."""
    query = select(User).where(User.channel == channel, User.channel_ref == channel_ref)
    user = session.exec(query).first()
    if user is not None:
        return user, False
    dialect = postgresql if session.connection().dialect.name == "postgresql" else sqlite
    session.execute(
        dialect.insert(User)
        .values(
            channel=channel,
            channel_ref=channel_ref,
            language=language,
            name=name[:120],
            created_at=utcnow(),
        )
        .on_conflict_do_nothing()
    )
    return session.exec(query).one(), True


def load_state(*, session: Session, user_id: int) -> ConversationState:
    """The user's conversation state, locked for this transaction (created when missing)."""
    query = select(ConversationState).where(ConversationState.user_id == user_id)
    state = session.exec(query.with_for_update()).first()
    if state is None:
        state = ConversationState(user_id=user_id)
        session.add(state)
        session.flush()
    return state


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
