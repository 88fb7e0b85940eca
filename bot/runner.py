"""`vitrine run` with channels configured: web server, channels and notifications, one loop."""

import asyncio
import logging

import uvicorn
from starlette.routing import Route

from bot.app import App
from bot.web import build_web

log = logging.getLogger(__name__)


async def serve_async(app: App) -> None:
    """Start what the config asks for and run until interrupted."""
    routes: list[Route] = []
    # Channels add their webhook routes and start/stop hooks here (Telegram, WhatsApp),
    # and the notifications dispatcher starts beside them.
    whatsapp = None
    if app.config.whatsapp_enabled:
        from bot.channels.whatsapp import WhatsAppChannel

        whatsapp = WhatsAppChannel(app)
        routes += whatsapp.routes()
        await whatsapp.start()
        log.info("WhatsApp webhook on %s/whatsapp/webhook", app.ctx.public_url)
    web = build_web(app, routes)
    server = uvicorn.Server(
        uvicorn.Config(web, host=app.config.web.host, port=app.config.web.port, log_level="info")
    )
    try:
        await server.serve()
    finally:
        if whatsapp is not None:
            await whatsapp.stop()


def serve(app: App) -> int:
    try:
        asyncio.run(serve_async(app))
    except KeyboardInterrupt:
        pass
    return 0
