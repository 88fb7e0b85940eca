"""`vitrine run` with channels configured: web server, channels and notifications, one loop.

Roles (`--role`): `web` takes the platforms' webhooks and serves media, pages, health and
metrics (as many as you like behind a load balancer); `worker` delivers the outbox and runs
the scheduled jobs (several may run: rows are claimed with FOR UPDATE SKIP LOCKED, and the
rate limits are shared, `notifications/shared.py`); `all` is both in one process.
"""

import asyncio
import logging

import uvicorn
from starlette.routing import BaseRoute

from bot import wakeup
from bot.app import App
from bot.channels import enabled_channels
from bot.channels.base import Channel
from bot.notify import start_notifications
from bot.payments import StripeLinks
from bot.web import build_web
from bot.web.admin import admin_mount
from bot.web.stripe import stripe_routes
from bot.web.visits import visit_routes
from notifications.base import Sender

log = logging.getLogger(__name__)


ROLES = ("all", "web", "worker")


async def serve_async(app: App, stop: asyncio.Event | None = None, role: str = "all") -> None:
    """Start what the config asks for and run until interrupted (or until `stop` is set)."""
    if role not in ROLES:
        raise ValueError(f"role {role!r}: one of {', '.join(ROLES)}")
    if role == "worker":
        await _work(app, stop)
        return
    # Each channel brings its webhook routes, start/stop hooks and its notifications Sender.
    channels = enabled_channels(app)
    routes: list[BaseRoute] = [route for channel in channels for route in channel.routes()]
    senders: list[Sender] = list(channels)
    routes += visit_routes(app)  # /v/<visit>/<token>: a live visit's Join link, counted
    if isinstance(app.ctx.payments, StripeLinks):
        routes += stripe_routes(app, app.ctx.payments)  # /stripe/webhook: paid orders
    routes.append(admin_mount(app))  # the town hall's dashboard under /admin/
    web = build_web(app, routes)
    server = uvicorn.Server(
        uvicorn.Config(web, host=app.config.web.host, port=app.config.web.port, log_level="info")
    )
    serving = asyncio.create_task(server.serve())
    if stop is not None:
        stopping = asyncio.create_task(_exit_on(stop, server))
    # The web server listens first, so a webhook registered next is reachable at once.
    while not (server.started or serving.done()):
        await asyncio.sleep(0.05)
    started: list[Channel] = []
    notifications = None
    try:
        for channel in channels:
            await channel.start()
            started.append(channel)
        # The dispatcher starts after the channels: their Senders need a started client.
        if role == "all":
            notifications = await start_notifications(app, senders)
        else:  # the workers deliver: tell them when a turn left messages due now
            app.ctx.on_outbox = wakeup.Announcer(app.db).announce
        await serving
    finally:
        if notifications is not None:
            await notifications.stop()
        for channel in reversed(started):
            await channel.stop()
        server.should_exit = True
        await asyncio.gather(serving, return_exceptions=True)
        if stop is not None:
            stopping.cancel()


async def _work(app: App, stop: asyncio.Event | None) -> None:
    """The worker role: the channels as senders only (no webhook, no polling), the
    dispatcher and the scheduler, woken by the web processes' announcements."""
    senders = enabled_channels(app)
    started: list[Channel] = []
    notifications = None
    listener = None
    try:
        for channel in senders:
            await channel.start(receive=False)
            started.append(channel)
        notifications = await start_notifications(app, senders)
        listener = wakeup.Listener(app.db, notifications.wake).start()
        await (stop.wait() if stop is not None else asyncio.Event().wait())
    finally:
        if listener is not None:
            listener.stop()
        if notifications is not None:
            await notifications.stop()
        for channel in reversed(started):
            await channel.stop()


async def _exit_on(stop: asyncio.Event, server: uvicorn.Server) -> None:
    await stop.wait()
    server.should_exit = True


def serve(app: App, role: str = "all") -> int:
    try:
        asyncio.run(serve_async(app, role=role))
    except KeyboardInterrupt:
        pass
    return 0
