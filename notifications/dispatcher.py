"""The outbox dispatcher: delivers due rows through the channels' Senders, exactly as recorded.

How a row travels: `pending` (due_at reached) -> claimed as `sending` -> `sent`; or back to
`pending` with a later due_at after a transient failure; or `failed` (permanent error,
recipient unreachable, attempts used up) or `dropped` (turned off, order no longer open).

Claiming: one short transaction picks due rows (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so
dispatchers in several processes never pick the same row; SQLite's `BEGIN IMMEDIATE` makes
the pick exclusive there) and marks them `sending` with `claimed_by` and a lease: while a
row is `sending`, its `due_at` is when the lease lapses. Each result is recorded in its own
transaction right after the Sender returns (results that arrive together share one
transaction: a group commit).

What this guarantees:
- Nothing is lost. A row leaves `pending`/`sending` only by a recorded result; a dispatcher
  that dies (killed, crashed, machine gone) leaves its claimed rows `sending`, and the first
  dispatcher to look after the lease (`[notifications] lease_seconds`) takes them over.
- Nothing is sent twice, except a row that was in flight when its dispatcher died: handed to
  the Sender, result not yet recorded. Those are at most `max_in_flight` rows per channel,
  and in a quiet town usually the one. (Nothing can do better without the platform's help:
  the message may have left just before the crash.) A dispatcher stalled past its lease is
  treated as dead: keep `lease_seconds` well above `send_timeout`.
- Claimed rows still waiting for their turn under the rate limits were never handed over:
  after a crash they go once, by whichever dispatcher takes them over.
- A row is attempted at most `max_attempts` times, crashes included, so a message that
  crashes the dispatcher cannot do so forever.
"""

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from notifications import metrics
from notifications.base import OUTBOX_ROW, DeliveryError, Recipient, Sender
from notifications.limits import Limits
from notifications.rows import (
    REMINDER_KINDS,
    TO_DELIVER,
    Claimed,
    Settings,
    channel_of_recipient,
    remember_menu,
    settle,
    worker_name,
)
from store import logctx, quiet
from store.db import Database
from store.models import Order, Outbox, User
from store.statuses import BEFORE_PICKUP
from store.towns import zone_of
from store.types import persisted, utcnow

log = logging.getLogger(__name__)


class Dispatcher:
    """Claims due outbox rows and delivers them through the Sender of each recipient's channel."""

    def __init__(
        self,
        db: Database,
        senders: Iterable[Sender],
        *,
        settings: Settings,
        clock: Callable[[], datetime] = utcnow,
        limits: Limits | None = None,
        name: str | None = None,
        on_failed: Callable[[Session, int], None] | None = None,
    ) -> None:
        self.db = db
        # Told (in the same transaction) of each row given up for good: bot wires it to a
        # handlers job that lets the shop know its customer could not be reached.
        self.on_failed = on_failed
        self.senders = {sender.channel: sender for sender in senders}
        self.clock = clock
        self.settings = settings
        self.limits = limits
        self.name = name or worker_name()
        self._user_locks: dict[int, asyncio.Lock] = {}
        self._results: list[tuple[Claimed, DeliveryError | None, asyncio.Future[None]]] = []
        self._committer: asyncio.Task[None] | None = None
        # SQLite has one writer at a time, and a writer that finds it busy sleeps in steps of
        # up to 100 ms: our own claims and records take turns on a lock instead.
        self._writing: threading.Lock | contextlib.nullcontext[None] = (
            threading.Lock() if db.dialect == "sqlite" else contextlib.nullcontext()
        )

    # Claiming (one transaction).
    def claim(self, limit: int, channel: str | None = None) -> tuple[list[Claimed], int]:
        """Take up to `limit` due rows (of one channel, or any we can send to): the rows to
        send, and how many were settled on the spot (dropped, failed, held)."""
        channels = [channel] if channel else list(self.senders)
        if not channels:
            return [], 0
        with self._writing:
            return self.db.run(lambda session: self._claim(session, limit, channels))

    def _claim(
        self, session: Session, limit: int, channels: list[str]
    ) -> tuple[list[Claimed], int]:
        now = self.clock()
        query = (
            select(Outbox)
            .where(TO_DELIVER, Outbox.due_at <= now, channel_of_recipient().in_(channels))
            .order_by(col(Outbox.due_at), col(Outbox.id))
            .limit(limit)
        )
        if session.connection().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        rows = session.exec(query).all()
        users = {
            u.id: u
            for u in session.exec(select(User).where(col(User.id).in_({r.user_id for r in rows})))
        }
        claimed: list[Claimed] = []
        settled = 0
        lease_until = now + timedelta(seconds=self.settings.lease_seconds)
        for row in rows:
            user = users[row.user_id]
            if self._screen(session, row, user, now):
                settled += 1
                continue
            claimed.append(
                Claimed(
                    id=persisted(row.id),
                    kind=row.kind,
                    payload=row.payload,
                    attempts=row.attempts + 1,
                    recipient=Recipient(
                        user_id=persisted(user.id),
                        channel=user.channel,
                        channel_ref=user.channel_ref,
                        language=user.language,
                        last_inbound_at=user.last_inbound_at,
                    ),
                    lease_until=lease_until,
                )
            )
        if claimed:  # one statement for the batch (the screened rows were changed one by one)
            session.execute(
                update(Outbox)
                .where(col(Outbox.id).in_([c.id for c in claimed]))
                .values(
                    status="sending",
                    claimed_by=self.name,
                    due_at=lease_until,
                    attempts=Outbox.attempts + 1,
                )
                .execution_options(synchronize_session=False)
            )
        return claimed, settled

    def _screen(self, session: Session, row: Outbox, user: User, now: datetime) -> bool:
        """Settle a row that must not go now (dropped, failed, held); True when it did."""
        if user.unreachable:
            settle(row, "failed", "recipient unreachable (blocked the bot or unknown)")
            session.flush()
            return self._failed(session, persisted(row.id))
        if user.quiet and not row.essential:
            return settle(row, "dropped", "recipient turned these messages off")
        if row.kind in REMINDER_KINDS and row.order_id is not None:
            order = session.get(Order, row.order_id)
            if order is None or order.status not in BEFORE_PICKUP:
                status = order.status if order else "gone"
                return settle(row, "dropped", f"order {status}")
        if row.attempts >= self.settings.max_attempts:
            settle(row, "failed", f"gave up after {row.attempts} attempts: {row.last_error}")
            session.flush()
            return self._failed(session, persisted(row.id))
        if row.quiet_hours:
            # The recipient's night: their town's zone, else the config's [town] one.
            zone = zone_of(session=session, town_id=user.town_id, default=self.settings.timezone)
            later = quiet.after_quiet(now, zone, self.settings.quiet_hours)
            if later > now:
                row.status, row.due_at, row.claimed_by = "pending", later, None
                return True
        return False

    # Recording results: right after the Sender answers, many in one transaction (a group
    # commit); a row's delivery task ends, and frees its place, only once it is written.
    def record(self, results: list[tuple[Claimed, DeliveryError | None]]) -> None:
        """Write down how the deliveries went, in one transaction."""
        now = self.clock()
        sent = [claimed.id for claimed, error in results if error is None]

        def work(session: Session) -> None:
            mine = col(Outbox.claimed_by) == self.name
            done = 0
            if sent:
                done += (
                    session.connection()
                    .execute(
                        update(Outbox)
                        .where(col(Outbox.id).in_(sent), mine)
                        .values(status="sent", sent_at=now, last_error="", claimed_by=None)
                    )
                    .rowcount
                )
            for claimed, error in results:
                if error is None:
                    continue
                values = self._after_failure(claimed, error, now)
                changed = (
                    session.connection()
                    .execute(
                        update(Outbox).where(col(Outbox.id) == claimed.id, mine).values(**values)
                    )
                    .rowcount
                )
                done += changed
                if changed and values["status"] == "failed":
                    log.warning("outbox %s given up: %s", claimed.id, values["last_error"])
                    self._failed(session, claimed.id)
                if error.permanent:
                    session.execute(
                        update(User)
                        .where(col(User.id) == claimed.recipient.user_id)
                        .values(unreachable=True)
                    )
            for claimed, error in results:
                if error is None:
                    remember_menu(session, claimed)
            if done < len(results):
                log.warning("%d outbox claims lapsed before their result", len(results) - done)

        with self._writing:
            self.db.run(work)

    def _failed(self, session: Session, row_id: int) -> bool:
        if self.on_failed is not None:
            self.on_failed(session, row_id)
        return True

    def _after_failure(
        self, claimed: Claimed, error: DeliveryError, now: datetime
    ) -> dict[str, Any]:
        if error.permanent or claimed.attempts >= self.settings.max_attempts:
            reason = str(error) if error.permanent else f"gave up after {claimed.attempts}: {error}"
            return {"status": "failed", "last_error": reason[:500], "claimed_by": None}
        delay = self.retry_delay(claimed.attempts, error.retry_after)
        return {
            "status": "pending",
            "due_at": now + timedelta(seconds=delay),
            "last_error": str(error)[:500],
            "claimed_by": None,
        }

    async def _record(self, claimed: Claimed, error: DeliveryError | None) -> None:
        """Queue one result for the next group commit and wait until it is written."""
        done = asyncio.get_running_loop().create_future()
        self._results.append((claimed, error, done))
        if self._committer is None or self._committer.done():
            self._committer = asyncio.create_task(self._commit_results())
        await done

    async def _commit_results(self) -> None:
        while self._results:
            batch, self._results = self._results, []
            try:
                await asyncio.to_thread(self.record, [(c, e) for c, e, _ in batch])
            except Exception as exc:  # the database is gone: the leases bring them back
                log.exception("could not record %d outbox results", len(batch))
                for *_, done in batch:
                    if not done.done():
                        done.set_exception(exc)
                continue
            for *_, done in batch:
                if not done.done():
                    done.set_result(None)

    def retry_delay(self, attempts: int, retry_after: float | None) -> float:
        """Seconds before the next try: what the platform asked for, else doubling delays."""
        if retry_after is not None:
            return max(0.0, retry_after)
        delay: float = self.settings.retry_seconds * 2.0 ** max(0, attempts - 1)
        return min(delay, self.settings.max_retry_seconds)

    # Delivering.
    async def deliver(self, claimed: Claimed) -> None:
        """Send one claimed row (after the rate limits) and record the result."""
        recipient = claimed.recipient
        logctx.bind(outbox=claimed.id)
        lock = self._user_locks.setdefault(recipient.user_id, asyncio.Lock())
        async with lock:  # one message at a time per person, in due order
            if self.clock() >= claimed.lease_until:
                return  # too late: another dispatcher may have it now; ours lapses unsent
            if self.limits is not None:
                await self.limits.wait(recipient.channel, recipient.channel_ref)
            error = await self._send(claimed)
            metrics.delivered(recipient.channel, error, bool(error and error.permanent))
            try:
                await self._record(claimed, error)
            except Exception:  # logged by the committer; the row's lease brings it back
                pass

    async def _send(self, claimed: Claimed) -> DeliveryError | None:
        sender = self.senders[claimed.recipient.channel]
        OUTBOX_ROW.set(claimed.id)  # copied into the task wait_for makes
        try:
            await asyncio.wait_for(
                sender.deliver(claimed.recipient, claimed.kind, claimed.payload),
                self.settings.send_timeout,
            )
        except DeliveryError as exc:
            if exc.retry_after:
                metrics.RATE_LIMITED.labels(claimed.recipient.channel).inc()
            if exc.retry_after and self.limits is not None:
                self.limits.hold(claimed.recipient.channel, exc.retry_after)
            log.info("outbox %s to %s: %s", claimed.id, claimed.recipient.channel, exc)
            return exc
        except TimeoutError:
            return DeliveryError(f"no answer from {claimed.recipient.channel} in time")
        except Exception as exc:  # a Sender's bug must not stop everyone's messages
            log.exception("outbox %s: the %s sender failed", claimed.id, claimed.recipient.channel)
            return DeliveryError(f"{type(exc).__name__}: {exc}")
        return None

    async def drain(self) -> int:
        """Deliver everything due now; returns the rows handled.

        Each channel drains on its own, `max_in_flight` rows at a time, so a slow or
        rate-limited channel never holds up another.
        """
        counts = await asyncio.gather(*(self._drain(channel) for channel in self.senders))
        committer, self._committer = self._committer, None
        if committer is not None and not committer.done():  # every result written first
            await asyncio.gather(committer, return_exceptions=True)
        self._user_locks.clear()  # nobody waits on them any more
        return sum(counts)

    async def _drain(self, channel: str) -> int:
        most = self.settings.max_in_flight
        handled = 0
        tasks: set[asyncio.Task[None]] = set()
        try:
            while True:
                if len(tasks) <= most * 3 // 4:  # top up before the channel runs dry
                    batch, settled = await asyncio.to_thread(self.claim, most - len(tasks), channel)
                    handled += len(batch) + settled
                    tasks.update(asyncio.create_task(self.deliver(c)) for c in batch)
                    if not batch and not settled:
                        if not tasks:
                            return handled
                        await asyncio.wait(tasks)  # then look once more: retries may be due
                        tasks.clear()
                        continue
                if tasks:
                    _, tasks = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()

    def next_due(self) -> datetime | None:
        """When the next row (or lapsed claim) we can deliver becomes due, for the scheduler."""

        def work(session: Session) -> datetime | None:
            query = select(func.min(Outbox.due_at)).where(
                TO_DELIVER, channel_of_recipient().in_(list(self.senders))
            )
            due: datetime | None = session.execute(query).scalar_one()
            return due

        return self.db.run(work)
