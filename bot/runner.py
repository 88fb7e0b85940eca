"""`vitrine run` with channels configured: web server, channels and notifications, one loop."""

import asyncio
import logging

import uvicorn
from starlette.routing import Route

from bot.app import App
from bot.notify import start_notifications
from bot.web import build_web
from notifications.base import Sender

log = logging.getLogger(__name__)


async def serve_async(app: App) -> None:
    """Start what the config asks for and run until interrupted."""
    routes: list[Route] = []
    senders: list[Sender] = []
    # Channels add their webhook routes and start/stop hooks here (Telegram, WhatsApp),
    # and their notification Senders to `senders`; the dispatcher starts beside them.
    web = build_web(app, routes)
    server = uvicorn.Server(
        uvicorn.Config(web, host=app.config.web.host, port=app.config.web.port, log_level="info")
    )
    notifications = await start_notifications(app, senders)
    try:
        await server.serve()
    finally:
        await notifications.stop()


def serve(app: App) -> int:
    try:
        asyncio.run(serve_async(app))
    except KeyboardInterrupt:
        pass
    return 0
