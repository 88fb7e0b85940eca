"""The dispatcher at work in the running loop, with APScheduler 3 as its clock.

Three things wake it: a handler that just committed a message due now (`wake`, callable
from any thread), a date job at the next row's due time, and an interval job (the safety
net: rows written by another process, claims lapsed by a dead one). APScheduler only
holds these wake-ups in memory; the outbox is the truth, so a restart loses nothing.
"""

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from notifications.dispatcher import Dispatcher

log = logging.getLogger(__name__)

# A periodic job: its name, a blocking function (run in a worker thread) that returns True
# when it wrote messages due now, and its interval in seconds.
Job = tuple[str, Callable[[], bool], float]
NEXT_DUE = "vitrine-outbox-next-due"


class NotificationService:
    """Runs `dispatcher` whenever something may be due; start and stop inside the loop."""

    def __init__(
        self, dispatcher: Dispatcher, *, poll_seconds: float = 15.0, jobs: Sequence[Job] = ()
    ) -> None:
        self.dispatcher = dispatcher
        self.poll_seconds = poll_seconds
        self.jobs = list(jobs)
        self.scheduler: AsyncIOScheduler | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._event: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._idle: asyncio.Event | None = None  # set while no drain is under way
        self.drained = 0  # rows handled since start (for logs and tests)

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._event = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self.scheduler = AsyncIOScheduler(event_loop=self._loop, timezone=UTC)
        self.scheduler.add_job(self._tick, "interval", seconds=self.poll_seconds, id="outbox-poll")
        for name, work, seconds in self.jobs:
            self.scheduler.add_job(
                self._job, "interval", args=(name, work), seconds=seconds, id=name,
                next_run_time=datetime.now(UTC),
            )  # fmt: skip
        self.scheduler.start()
        self._task = asyncio.create_task(self._run(), name="outbox-dispatcher")
        self._event.set()  # whatever was due while we were down

    def wake(self) -> None:
        """Something is due now; safe from any thread (handlers run in worker threads)."""
        loop, event = self._loop, self._event
        if loop is None or event is None or loop.is_closed():
            return
        try:
            loop.call_soon_threadsafe(event.set)
        except RuntimeError:  # the loop is shutting down; the next start will look
            pass

    async def stop(self, grace: float = 10.0) -> None:
        """Stop; a drain under way first finishes (up to `grace` seconds), so a normal
        restart sends nothing twice: only a kill leaves rows in flight."""
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        if self._task is not None and self._idle is not None:
            try:
                await asyncio.wait_for(self._idle.wait(), grace)
            except TimeoutError:
                log.warning("notifications stopped mid-drain; leased rows go after the lease")
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        self._loop = self._event = self._task = self._idle = None

    async def _tick(self) -> None:
        if self._event is not None:
            self._event.set()

    async def _job(self, name: str, work: Callable[[], bool]) -> None:
        try:
            if await asyncio.to_thread(work):
                await self._tick()
        except asyncio.CancelledError:  # stopped mid-job (the console chat ended): no traceback
            log.debug("notifications job %s stopped", name)
        except Exception:
            log.exception("notifications job %s failed; it runs again later", name)

    async def _run(self) -> None:
        assert self._event is not None
        while True:
            await self._event.wait()
            self._event.clear()
            assert self._idle is not None
            self._idle.clear()
            try:
                self.drained += await self.dispatcher.drain()
                await self._plan_next()
            except Exception:  # the database is down, say: the poll tries again
                log.exception("outbox dispatch failed")
            finally:
                self._idle.set()

    async def _plan_next(self) -> None:
        """A date job at the next due time, so a reminder goes on the minute."""
        due = await asyncio.to_thread(self.dispatcher.next_due)
        if due is None or self.scheduler is None:
            return
        seconds = (due - self.dispatcher.clock()).total_seconds()
        self.scheduler.add_job(
            self._tick, "date", id=NEXT_DUE, replace_existing=True, misfire_grace_time=None,
            run_date=datetime.now(UTC) + timedelta(seconds=max(seconds, 0.05)),
        )  # fmt: skip
