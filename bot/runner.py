"""`vitrine run` with channels configured: web server, channels and notifications, one loop."""

import asyncio
import logging
from typing import Any

import uvicorn
from starlette.routing import BaseRoute

from bot.app import App
from bot.notify import start_notifications
from bot.payments import StripeLinks
from bot.web import build_web
from bot.web.admin import admin_mount
from bot.web.stripe import stripe_routes
from bot.web.visits import visit_routes
from notifications.base import Sender

log = logging.getLogger(__name__)


def telegram_channel(app: App) -> Any:
    """The Telegram channel when a token is configured (polling or webhook)."""
    if not app.config.telegram_enabled:
        return None
    from bot.channels.telegram import TelegramChannel

    return TelegramChannel(app)


def whatsapp_channel(app: App) -> Any:
    """The WhatsApp channel (Twilio) when an account is configured."""
    if not app.config.whatsapp_enabled:
        return None
    from bot.channels.whatsapp import WhatsAppChannel

    return WhatsAppChannel(app)


async def serve_async(app: App, stop: asyncio.Event | None = None) -> None:
    """Start what the config asks for and run until interrupted (or until `stop` is set)."""
    routes: list[BaseRoute] = []
    senders: list[Sender] = []
    # Each channel brings its webhook routes, start/stop hooks and its notifications Sender.
    channels: list[Any] = []
    telegram = telegram_channel(app)
    if telegram is not None:
        channels.append(telegram)
        routes += telegram.routes()
        senders.append(telegram)
    whatsapp = whatsapp_channel(app)
    if whatsapp is not None:
        channels.append(whatsapp)
        routes += whatsapp.routes()
        senders.append(whatsapp)
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
    started: list[Any] = []
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
