"""`vitrine run` with channels configured: web server, channels and notifications, one loop."""

import asyncio
import logging

import uvicorn
from starlette.routing import Route

from bot.app import App
from bot.visits_web import visit_routes
from bot.web import build_web

log = logging.getLogger(__name__)


async def serve_async(app: App) -> None:
    """Start what the config asks for and run until interrupted."""
    routes: list[Route] = [*visit_routes(app)]  # live visits' Join links (issue 7)
    # Channels add their webhook routes and start/stop hooks here (Telegram, WhatsApp),
    # and the notifications dispatcher starts beside them.
    web = build_web(app, routes)
    server = uvicorn.Server(
        uvicorn.Config(web, host=app.config.web.host, port=app.config.web.port, log_level="info")
    )
    await server.serve()


def serve(app: App) -> int:
    try:
        asyncio.run(serve_async(app))
    except KeyboardInterrupt:
        pass
    return 0
