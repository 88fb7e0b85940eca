"""The dispatcher: load the person and their state, pick the handler, commit one transaction."""

import logging
import threading
import weakref
from datetime import timedelta

from handlers import i18n, routes
from handlers.context import Context
from handlers.core import Incoming, Option, Reply, Stale
from handlers.search import fold
from handlers.turn import Turn
from store import outbox
from store.db import Database, is_transient
from store.users import get_or_create_user, load_state

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

    def delivered(self, replies: list[Reply]) -> None:
        """The channel sent `replies`: their safety copy, if any, is not needed any more."""
        receipts = [r.extra[RECEIPT] for r in replies if RECEIPT in r.extra]
        if receipts:
            now = self.ctx.now()
            self.db.run(lambda s: outbox.cancel_copies(session=s, ids=receipts, now=now))


def _turn(session: object, ctx: Context, incoming: Incoming) -> Turn:
    user, created = get_or_create_user(
        session=session,  # type: ignore[arg-type]
        channel=incoming.channel,
        channel_ref=incoming.user_ref,
        language=i18n.language_of(incoming.language),
        name=incoming.name or "",
    )
    now = ctx.now()
    # Minute precision is plenty for WhatsApp's 24-hour window, and it spares an UPDATE of
    # the user's row on most messages of a conversation.
    if user.last_inbound_at is None or now - user.last_inbound_at >= INBOUND_PRECISION:
        user.last_inbound_at = now
    user.unreachable = False
    if incoming.phone and not user.phone:
        user.phone = incoming.phone
    state = load_state(session=session, user_id=user.id)  # type: ignore[arg-type]
    text = (incoming.text or "").strip()[:MAX_TEXT]
    return Turn(session=session, ctx=ctx, user=user, state=state, incoming=incoming, text=text)  # type: ignore[arg-type]


def dispatch(session: object, ctx: Context, incoming: Incoming) -> tuple[list[Reply], bool]:
    """Route one message and return the replies and whether the outbox has work due now."""
    turn = _turn(session, ctx, incoming)
    try:
        replies = route(turn)
    except Stale:
        turn.expect(None)
        replies = [Reply(turn.t("menu_out_of_date")), *routes.ACTIONS["home"](turn)]
    return _finish(turn, replies), turn.outbox_now


def _finish(turn: Turn, replies: list[Reply]) -> list[Reply]:
    """Remember the last menu, so a typed number or label picks the same option."""
    for reply in reversed(replies):
        if reply.options:
            turn.state.menu = [[o.label, o.action] for o in reply.options if o.action]
            break
    turn.state.updated_at = turn.now()
    if turn.safety_copy and replies:
        copy = outbox.enqueue(
            session=turn.session,
            user_id=turn.user.id,  # type: ignore[arg-type]
            kind=SAFETY_KIND,
            replies=replies,
            due_at=turn.now() + turn.ctx.reply_grace,
        )
        assert copy is not None
        turn.session.flush()
        replies[-1].extra[RECEIPT] = copy.id
    return replies


def route(turn: Turn) -> list[Reply]:
    """Pick the handler for this message: the routing rules in one place."""
    incoming = turn.incoming
    if incoming.action:
        return run_action(turn, incoming.action)
    if incoming.photos:
        return routes.PHOTO(turn)
    if incoming.location:
        handler = routes.INPUTS.get(turn.state.expect or "")
        return handler(turn) if handler else routes.LOCATION(turn)
    text = turn.text
    if not text:
        return routes.ACTIONS["home"](turn)
    if text.startswith("/"):
        command, _, rest = text[1:].partition(" ")
        handler = routes.COMMANDS.get(command.split("@")[0].lower())
        if handler is None:
            return [Reply(turn.t("unknown_command")), *routes.ACTIONS["help"](turn)]
        turn.args = rest.split()
        return handler(turn)
    action = menu_choice(turn, text)
    if action:
        return run_action(turn, action)
    if text.isdigit() and turn.state.menu and turn.state.expect not in routes.NUMERIC_INPUTS:
        count = len(turn.state.menu)
        menu = [Option(label, action) for label, action in turn.state.menu]
        return [Reply(turn.t("choose_number", count=count), options=tuple(menu))]
    handler = routes.INPUTS.get(turn.state.expect or "")
    if handler:
        return handler(turn)
    return routes.TEXT(turn)


def run_action(turn: Turn, action: str) -> list[Reply]:
    """Run an action string `name:arg:arg`; unknown names are stale payloads."""
    name, *args = action.split(":")
    handler = routes.ACTIONS.get(name)
    if handler is None:
        raise Stale(action)
    turn.args = args
    return handler(turn)


def _plain(text: str) -> str:
    folded = fold(text)
    return "".join(c for c in folded if c.isalnum() or c == " ").strip()


def menu_choice(turn: Turn, text: str) -> str | None:
    """The action a typed number, option label or keyword stands for, if any."""
    menu = turn.state.menu
    awaiting_number = turn.state.expect in routes.NUMERIC_INPUTS
    if text.isdigit() and not awaiting_number:
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
