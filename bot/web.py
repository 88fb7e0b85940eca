"""The web app: Telegram and Twilio webhooks, media files, health. One small Starlette app."""

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.app import App


def build_web(app: App, routes: list[Route] | None = None) -> Starlette:
    """The ASGI app; channels add their webhook routes through `routes`."""

    async def healthz(request: Request) -> Response:
        return JSONResponse({"ok": True})

    async def media(request: Request) -> Response:
        key = request.path_params["key"]
        if not app.media.exists(key):
            return Response(status_code=404)
        return Response(app.media.get(key), media_type=app.media.content_type(key))

    return Starlette(
        routes=[
            Route("/healthz", healthz),
            Route("/media/{key}", media),
            *(routes or []),
        ]
    )
