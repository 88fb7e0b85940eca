"""Wiring the notifications: the dispatcher from the config, its scheduler, the handlers' jobs."""

import asyncio
import logging
import threading
from collections.abc import Iterable

from bot.app import App
from handlers import jobs
from handlers.notices.orders import tell_undelivered
from notifications.base import Sender
from notifications.dispatcher import Dispatcher
from notifications.rows import Settings
from notifications.service import NotificationService
from notifications.shared import build_limits

log = logging.getLogger(__name__)

JOBS_SECONDS = 60.0  # digests at opening time, expiry of uncollected orders


def build_dispatcher(app: App, senders: Iterable[Sender]) -> Dispatcher:
    """A dispatcher over `senders` with the config's retries, lease and rates."""
    cfg = app.config.notifications
    settings = Settings.from_config(app.config)
    limits = build_limits(
        app.db,
        {"telegram": cfg.telegram_per_second, "whatsapp": cfg.whatsapp_per_second},
        {"telegram": cfg.telegram_per_chat_per_second},
        shared=cfg.shared_limits,
        redis_url=cfg.redis_url,
    )
    return Dispatcher(
        app.db,
        senders,
        clock=app.ctx.clock,
        settings=settings,
        limits=limits,
        on_failed=lambda session, row_id: tell_undelivered(
            session=session, ctx=app.ctx, outbox_id=row_id
        ),
    )


def _tick(app: App) -> bool:
    return app.db.run(lambda session: jobs.tick(session=session, ctx=app.ctx))


async def start_notifications(app: App, senders: Iterable[Sender]) -> NotificationService:
    """Start delivering in the running loop; handlers' `ctx.on_outbox` now wakes it."""
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # a line per tick otherwise
    service = NotificationService(
        build_dispatcher(app, senders),
        poll_seconds=app.config.notifications.poll_seconds,
        jobs=[("handlers-jobs", lambda: _tick(app), JOBS_SECONDS)],
    )
    await service.start()
    app.ctx.on_outbox = service.wake
    return service


class BackgroundNotifications:
    """The service in a thread of its own, beside a blocking console chat."""

    def __init__(self, app: App, senders: Iterable[Sender]) -> None:
        self.app = app
        self.senders = list(senders)
        self.loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._main, name="notifications", daemon=True)
        self.service: NotificationService | None = None

    def start(self) -> "BackgroundNotifications":
        self._thread.start()
        self._ready.wait(10)
        return self

    def _main(self) -> None:
        asyncio.set_event_loop(self.loop)

        async def boot() -> None:
            self.service = await start_notifications(self.app, self.senders)
            self._ready.set()

        self.loop.run_until_complete(boot())
        self.loop.run_forever()
        left = asyncio.all_tasks(self.loop)  # whatever still runs ends here, not at exit
        for task in left:
            task.cancel()
        self.loop.run_until_complete(asyncio.gather(*left, return_exceptions=True))
        self.loop.close()

    def stop(self) -> None:
        if self.service is not None and self.loop.is_running():
            future = asyncio.run_coroutine_threadsafe(self.service.stop(), self.loop)
            future.result(10)
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(10)


async def drain_once(app: App, senders: Iterable[Sender]) -> int:
    """`vitrine notify --once`: run the jobs, deliver what is due, return the rows handled."""
    await asyncio.to_thread(_tick, app)
    return await build_dispatcher(app, senders).drain()
