"""`Turn`: one message being handled, with everything a handler needs to answer it."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from sqlmodel import Session

from handlers import i18n
from handlers.context import Context
from handlers.core import Incoming, Option, Reply, menu_of
from store import outbox
from store.models import ConversationState, Town, User
from store.shops import staff_ids, staff_now
from store.towns import default_town
from store.types import persisted


@dataclass
class Turn:
    """The database session, the person, their conversation state and what they sent."""

    session: Session
    ctx: Context
    user: User
    state: ConversationState
    incoming: Incoming
    args: list[str] = field(default_factory=list)  # the action's arguments, after its name
    text: str = ""  # what was typed, stripped
    outbox_now: bool = False  # set when a message for someone else is due now
    # Set by a handler whose replies must arrive even if the process dies before sending
    # them (an order's confirmation): they are also kept as an outbox row, due a little later,
    # which the channel cancels once it has sent them (`Engine.delivered`).
    safety_copy: bool = False
    staff: bool | None = None  # works in a shop, as read with the person (None: not read)

    @property
    def user_id(self) -> int:
        """The person's id (their row exists before any handler runs)."""
        return persisted(self.user.id)

    @property
    def lang(self) -> str:
        return self.user.language

    def t(self, key: str, **values: object) -> str:
        return i18n.t(self.lang, key, **values)

    def money(self, cents: int) -> str:
        return i18n.money(cents, self.lang, self.ctx.currency)

    def now(self) -> datetime:
        return self.ctx.now()

    @cached_property
    def town(self) -> Town:
        """The person's town, else the deployment's default one (looked up once a turn)."""
        if self.user.town_id is not None:
            town = self.session.get(Town, self.user.town_id)
            if town is not None:
                return town
        return default_town(session=self.session, slug=self.ctx.town_slug)

    @property
    def is_staff(self) -> bool:
        """Whether the person works in a shop (now, if this turn changed it)."""
        return staff_now(session=self.session, user_id=self.user_id, known=self.staff)

    @property
    def tz(self) -> str:
        """The time zone of the person's town: times are shown in it."""
        return self.town.timezone

    def move_to(self, town_id: int) -> None:
        """The person now shops in that town (kept on their row for the next turns)."""
        self.user.town_id = town_id
        self.__dict__.pop("town", None)  # the cached town is the old one

    # What typed text means next.
    def expect(self, what: str | None, **data: Any) -> None:
        """Await typed input `what` (None: nothing special); `data` is kept with it."""
        self.state.expect = what
        if data:
            self.state.data = {**self.state.data, **data}

    def remember(self, **data: Any) -> None:
        self.state.data = {**self.state.data, **data}

    def forget(self, *keys: str) -> None:
        self.state.data = {k: v for k, v in self.state.data.items() if k not in keys}

    @property
    def data(self) -> dict[str, Any]:
        return self.state.data

    # Building replies.
    def option(self, key: str, action: str, **values: object) -> Option:
        return Option(self.t(key, **values), action)

    def nav(self, back: str | None = None) -> list[Option]:
        """Back (when there is somewhere to go back to) and home."""
        options = [self.option("nav_back", back)] if back else []
        return [*options, self.option("nav_home", "home")]

    def reply(
        self, key: str, options: Sequence[Option] = (), photo: str | None = None, **values: object
    ) -> Reply:
        return Reply(self.t(key, **values), photo=photo, options=tuple(options))

    def notify(
        self,
        user_id: int,
        kind: str,
        build: Callable[[str], list[Reply]],
        *,
        due_at: datetime | None = None,
        essential: bool = True,
        variables: dict[str, str] | None = None,
        dedupe_key: str | None = None,
        order_id: int | None = None,
        quiet_hours: bool = False,
    ) -> None:
        """Queue a message for someone else, in their language, in this same transaction.

        `order_id`: the order it is about; `quiet_hours`: hold it back during the town's
        quiet hours (for reminders nobody asked for at that hour).
        """
        recipient = self.session.get(User, user_id)
        if recipient is None:
            return
        due = due_at or self.now()
        replies = build(recipient.language)
        outbox.enqueue(
            session=self.session,
            user_id=user_id,
            kind=kind,
            replies=replies,
            menu=menu_of(replies),
            due_at=due,
            essential=essential,
            variables=variables,
            dedupe_key=dedupe_key,
            order_id=order_id,
            quiet_hours=quiet_hours,
        )
        if due <= self.now():
            self.outbox_now = True

    def notify_staff(
        self,
        shop_id: int,
        kind: str,
        build: Callable[[str], list[Reply]],
        *,
        dedupe: str,
        variables: dict[str, str] | None = None,
        order_id: int | None = None,
    ) -> None:
        """The same message for everyone working in the shop, each once (`<dedupe>:<user>`)."""
        for staff_id in staff_ids(session=self.session, shop_id=shop_id):
            self.notify(
                staff_id,
                kind,
                build,
                variables=variables,
                dedupe_key=f"{dedupe}:{staff_id}",
                order_id=order_id,
            )
