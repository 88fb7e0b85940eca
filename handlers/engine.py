"""The engine: load the person and their state, pick the handler, commit one transaction.

The only reader of `handlers/routes.py`: features never import the table or the engine.
"""

import logging
import threading
import weakref
from datetime import timedelta
from functools import lru_cache

from sqlalchemy import inspect
from sqlmodel import Session

from handlers import i18n, routes
from handlers.common import actions, args
from handlers.context import Context
from handlers.core import Incoming, Option, Reply, Stale, menu_of
from handlers.turn import Turn
from store import outbox
from store.db import Database, is_transient
from store.models import ConversationState
from store.parsing.text import fold
from store.types import persisted
from store.users import first_contact, load_known, load_state, save_state

log = logging.getLogger(__name__)

INBOUND_PRECISION = timedelta(minutes=1)
SAFETY_KIND = "reply"  # the outbox kind of replies kept in case the channel cannot send them
RECEIPT = "receipt"  # Reply.extra key: the id of the replies' safety copy in the outbox
MAX_TEXT = 1000  # longer messages are cut; handlers that keep text cap it themselves


class Engine:
    """Handles one `Incoming` at a time per person; thread-safe, channel-neutral."""

    def __init__(self, db: Database, ctx: Context) -> None:
        self.db = db
        self.ctx = ctx
        self._locks: weakref.WeakValueDictionary[tuple[str, str], threading.Lock] = (
            weakref.WeakValueDictionary()
        )
        self._guard = threading.Lock()

    def _lock(self, key: tuple[str, str]) -> threading.Lock:
        with self._guard:
            lock = self._locks.get(key)
            if lock is None:
                lock = threading.Lock()
                self._locks[key] = lock
            return lock

    def handle(self, incoming: Incoming) -> list[Reply]:
        """The replies for the person who wrote; messages for others go to the outbox."""
        lock = self._lock((incoming.channel, incoming.user_ref))
        with lock:
            try:
                replies, wake = self.db.run(lambda session: dispatch(session, self.ctx, incoming))
            except Exception as exc:
                lang = i18n.language_of(incoming.language)
                if is_transient(exc):
                    log.error("database unavailable: %s", exc)
                    return [Reply(i18n.t(lang, "error_unavailable"))]
                log.exception("handler failed on %r", incoming)
                return [Reply(i18n.t(lang, "error_unexpected"))]
        if wake:
            self.ctx.on_outbox()
        return replies

    def commands(self) -> frozenset[str]:
        """The slash commands it knows (for a channel's command menu)."""
        return frozenset(routes.COMMANDS)

    def delivered(self, replies: list[Reply]) -> None:
        """The channel sent `replies`: their safety copy, if any, is not needed any more."""
        receipts = [r.extra[RECEIPT] for r in replies if RECEIPT in r.extra]
        if receipts:
            now = self.ctx.now()
            self.db.run(lambda s: outbox.cancel_copies(session=s, ids=receipts, now=now))


def _turn(session: Session, ctx: Context, incoming: Incoming) -> Turn:
    known = load_known(
        session=session,
        channel=incoming.channel,
        channel_ref=incoming.user_ref,
        default_slug=ctx.town_slug,
    )
    now = ctx.now()
    staff: bool | None = None  # unknown: asked when needed
    if known is not None:
        user, state, town, staff = known.user, known.state, known.town, known.staff
    else:
        user, created = first_contact(
            session=session,
            channel=incoming.channel,
            channel_ref=incoming.user_ref,
            language=i18n.language_of(incoming.language),
            name=incoming.name or "",
            phone=incoming.phone or "",
            now=now,
        )
        town = None
        if created:  # nobody else has their row yet: the state is inserted at the end
            state = ConversationState(user_id=persisted(user.id))
        else:
            state = load_state(session=session, user_id=persisted(user.id))
    # Minute precision is plenty for WhatsApp's 24-hour window, and it spares an UPDATE of
    # the user's row on most messages of a conversation.
    if user.last_inbound_at is None or now - user.last_inbound_at >= INBOUND_PRECISION:
        user.last_inbound_at = now
    if user.unreachable:  # (set only when it changes: a dirty row costs every autoflush)
        user.unreachable = False
    if incoming.phone and not user.phone:
        user.phone = incoming.phone
    # The state is written once, at the end of the turn (`_finish`): out of the session, the
    # handlers' queries do not flush each change of it on their way.
    if state in session:
        session.expunge(state)
    text = (incoming.text or "").strip()[:MAX_TEXT]
    turn = Turn(
        session=session, ctx=ctx, user=user, state=state, incoming=incoming, text=text, staff=staff
    )
    if town is not None:
        turn.__dict__["town"] = town  # Turn.town, already loaded with the person
    return turn


def dispatch(session: Session, ctx: Context, incoming: Incoming) -> tuple[list[Reply], bool]:
    """Route one message and return the replies and whether the outbox has work due now."""
    turn = _turn(session, ctx, incoming)
    try:
        replies = route(turn)
    except Stale:
        turn.expect(None)
        replies = [Reply(turn.t("menu_out_of_date")), *routes.ACTIONS[actions.HOME.name](turn)]
    return _finish(turn, replies), turn.outbox_now


def _finish(turn: Turn, replies: list[Reply]) -> list[Reply]:
    """Remember the last menu, so a typed number or label picks the same option."""
    menu = menu_of(replies)
    if menu is not None:
        turn.state.menu = menu
    turn.state.updated_at = turn.now()
    # (A newcomer's first turn inserts it.)
    save_state(session=turn.session, state=turn.state, new=inspect(turn.state).transient)
    if turn.safety_copy and replies:
        copy = outbox.enqueue(
            session=turn.session,
            user_id=turn.user_id,
            kind=SAFETY_KIND,
            replies=replies,
            menu=menu,
            due_at=turn.now() + turn.ctx.reply_grace,
        )
        assert copy is not None
        replies[-1].extra[RECEIPT] = copy
    return replies


def route(turn: Turn) -> list[Reply]:
    """Pick the handler for this message: the routing rules in one place."""
    incoming = turn.incoming
    awaited = routes.INPUTS.get(turn.state.expect or "")
    if incoming.action:
        return run_action(turn, incoming.action)
    if incoming.photos:
        if awaited is not None and awaited.photos is not None:
            return awaited.photos(turn)
        return routes.PHOTO(turn)
    if incoming.location:
        return awaited.handler(turn) if awaited else routes.LOCATION(turn)
    text = turn.text
    if not text:
        return routes.ACTIONS[actions.HOME.name](turn)
    if text.startswith("/"):
        return _command(turn, text)
    reads = awaited.reads if awaited else "text"
    action = menu_choice(turn, text, reads)
    if action:
        return run_action(turn, action)
    # (A 5-digit number is a postcode, not a menu's number.)
    if text.isdigit() and len(text) < 5 and turn.state.menu and reads in ("text", "photo"):
        count = len(turn.state.menu)
        menu = [Option(label, action) for label, action in turn.state.menu]
        return [Reply(turn.t("choose_number", count=count), options=tuple(menu))]
    if awaited is not None:
        return awaited.handler(turn)
    return routes.TEXT(turn)


def _command(turn: Turn, text: str) -> list[Reply]:
    """A slash command; `/start <kind>-<value>` opens its deep link."""
    command, _, rest = text[1:].partition(" ")
    name = command.split("@")[0].lower()
    handler = routes.COMMANDS.get(name)
    if handler is None:
        return [Reply(turn.t("unknown_command")), *routes.ACTIONS[actions.HELP.name](turn)]
    turn.args = rest.split()
    if name == "start" and turn.args:
        kind, _, value = turn.args[0].partition("-")
        link = routes.DEEP_LINKS.get(kind)
        if link is not None and value:
            turn.expect(None)
            resumed = routes.ON_START(turn)
            turn.args = [value]
            return [*resumed, *link(turn)]
    return handler(turn)


def run_action(turn: Turn, action: str) -> list[Reply]:
    """Run an action string `name:arg:arg`; unknown names and malformed arguments are stale."""
    name, *parts = action.split(":")
    handler = routes.ACTIONS.get(name)
    if handler is None:
        raise Stale(action)
    args.check(turn, name, parts)
    turn.args = parts
    return handler(turn)


@lru_cache(maxsize=4096)  # every typed word is compared with each label of the menu
def _plain(text: str) -> str:
    folded = fold(text)
    return "".join(c for c in folded if c.isalnum() or c == " ").strip()


def _picks_by_number(text: str, count: int, reads: str) -> bool:
    """Does a typed number pick from the menu? Not where a number is the answer; where a
    phone is, only a 1- or 2-digit number within the menu."""
    if reads == "number":
        return False
    if reads == "phone":
        return len(text) <= 2 and 1 <= int(text) <= count
    return True


def menu_choice(turn: Turn, text: str, reads: str = "text") -> str | None:
    """The action a typed number, option label or keyword stands for, if any."""
    menu = turn.state.menu
    if text.isdigit() and _picks_by_number(text, len(menu), reads):
        index = int(text) - 1
        if 0 <= index < len(menu):
            return menu[index][1]
        return None
    typed = _plain(text)
    if not typed:
        return None
    for label, action in menu:
        if _plain(label) == typed:
            return action
    return routes.KEYWORDS.get(typed)
