"""Each Telegram update handled once, however often it arrives and whichever worker gets it.

Telegram sends a webhook update again when it thinks the first POST failed, several workers
may each receive a copy, and a poller that restarts before confirming its offset fetches the
last updates again. Every update goes through the application's update queue (the webhook
puts it there, so does PTB's poller), so the queue itself claims the `update_id` in the
database before letting the update in: one INSERT ... ON CONFLICT DO NOTHING into the
`seen_message` table the WhatsApp channel uses for its MessageSids, shared by all workers.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from sqlmodel import Session
from telegram import Update

from store import inbound, logctx
from store.db import Database

log = logging.getLogger(__name__)

CHANNEL = "telegram"
PRUNE_EVERY = timedelta(hours=1)  # old claims are dropped this often (kept inbound.SEEN_KEPT)
# A chat's update waits for its earlier ones handled by other processes, this long at most
# (a process that died with one in hand does not hold the chat up for ever).
TURN_WAIT = 10.0
TURN_POLL = 0.03
TURN_LOOKBACK = timedelta(seconds=60)


class ClaimedUpdates(asyncio.Queue[object]):
    """The PTB update queue: an update whose id was claimed before is dropped at `put`."""

    def __init__(self, db: Database, bot_id: str, now: Callable[[], datetime]) -> None:
        super().__init__()
        self.db = db
        self.bot_id = bot_id  # update ids count per bot: the token's numeric part
        self.now = now
        self.dropped = 0
        self._pruned_at: datetime | None = None

    async def put(self, item: object) -> None:
        """Queue `item` unless it is an update some worker already took."""
        if isinstance(item, Update) and not await self._claim(item):
            self.dropped += 1
            log.info("telegram update %s arrived again, not handled twice", item.update_id)
            return
        await super().put(item)

    async def _claim(self, update: Update) -> bool:
        update_id = update.update_id
        chat = update.effective_chat
        ref = str(chat.id) if chat is not None else None
        now = self.now()
        prune = self._pruned_at is None or now - self._pruned_at >= PRUNE_EVERY
        if prune:
            self._pruned_at = now
        sid = f"{self.bot_id}:{update_id}"

        def work(session: Session) -> bool:
            if prune:
                inbound.forget_seen(session=session, before=now - inbound.SEEN_KEPT)
            return inbound.first_time(
                session=session, channel=CHANNEL, sid=sid, now=now, chat=ref, seq=update_id
            )

        try:
            return await asyncio.to_thread(self.db.run, work)
        except Exception as exc:  # the database is down: handling twice beats never
            log.warning("telegram update %s not claimed (%s), handled anyway", update_id, exc)
            return True

    async def in_order(self, update: Update, route: Callable[[Update], Awaitable[None]]) -> None:
        """`route(update)` once the chat's earlier updates are handled, then mark it done.
        In one process, the chat's lock queues in arrival order; across processes, the
        claims' update ids do (PostgreSQL)."""
        chat = update.effective_chat
        logctx.bind(update_id=update.update_id, chat=chat.id if chat else None)
        album = bool(update.message and update.message.media_group_id)
        if not album:  # an album's first part waits for the others: they cannot wait for it
            await self.my_turn(update)
        started = asyncio.get_running_loop().time()
        try:
            await route(update)
        finally:
            await self.done(update)
            elapsed = asyncio.get_running_loop().time() - started
            log.info("telegram update handled in %.0f ms", elapsed * 1000)

    async def my_turn(self, update: Update) -> None:
        """Return once the chat's earlier updates are handled, whichever process has them."""
        chat = update.effective_chat
        if chat is None or self.db.dialect != "postgresql":  # SQLite: one process
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + TURN_WAIT
        since = self.now() - TURN_LOOKBACK

        def waiting(session: Session) -> bool:
            return inbound.earlier_pending(
                session=session, channel=CHANNEL, chat=str(chat.id), seq=update.update_id,
                since=since,
            )  # fmt: skip

        while loop.time() < deadline:
            try:
                if not await asyncio.to_thread(self.db.run, waiting):
                    return
            except Exception as exc:  # the database is down: answering beats waiting
                log.warning("telegram update %s not ordered (%s)", update.update_id, exc)
                return
            await asyncio.sleep(TURN_POLL)
        log.warning("telegram update %s went ahead of an earlier one", update.update_id)

    async def done(self, update: Update) -> None:
        """The update is handled and answered."""
        if self.db.dialect != "postgresql":
            return
        sid, now = f"{self.bot_id}:{update.update_id}", self.now()
        try:
            await asyncio.to_thread(
                self.db.run,
                lambda s: inbound.mark_done(session=s, channel=CHANNEL, sid=sid, now=now),
            )
        except Exception as exc:  # its followers wait TURN_WAIT at most
            log.warning("telegram update %s not marked handled: %s", update.update_id, exc)
