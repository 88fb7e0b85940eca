"""`vitrine run` with channels configured: web server, channels and notifications, one loop."""

import asyncio
import logging

import uvicorn
from starlette.routing import BaseRoute

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


async def serve_async(app: App, stop: asyncio.Event | None = None) -> None:
    """Start what the config asks for and run until interrupted (or until `stop` is set)."""
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
        notifications = await start_notifications(app, senders)
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


async def _exit_on(stop: asyncio.Event, server: uvicorn.Server) -> None:
    await stop.wait()
    server.should_exit = True


def serve(app: App) -> int:
    try:
        asyncio.run(serve_async(app))
    except KeyboardInterrupt:
        pass
    return 0
