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
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlmodel import Session
from telegram import Update

from store import inbound
from store.db import Database

log = logging.getLogger(__name__)

CHANNEL = "telegram"
PRUNE_EVERY = timedelta(hours=1)  # old claims are dropped this often (kept inbound.SEEN_KEPT)


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
        if isinstance(item, Update) and not await self._claim(item.update_id):
            self.dropped += 1
            log.info("telegram update %s arrived again, not handled twice", item.update_id)
            return
        await super().put(item)

    async def _claim(self, update_id: int) -> bool:
        now = self.now()
        prune = self._pruned_at is None or now - self._pruned_at >= PRUNE_EVERY
        if prune:
            self._pruned_at = now
        sid = f"{self.bot_id}:{update_id}"

        def work(session: Session) -> bool:
            if prune:
                inbound.forget_seen(session=session, before=now - inbound.SEEN_KEPT)
            return inbound.first_time(session=session, channel=CHANNEL, sid=sid, now=now)

        try:
            return await asyncio.to_thread(self.db.run, work)
        except Exception as exc:  # the database is down: handling twice beats never
            log.warning("telegram update %s not claimed (%s), handled anyway", update_id, exc)
            return True
