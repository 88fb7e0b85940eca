"""The web app: Telegram and Twilio webhooks, media files, health. One small Starlette app."""

import asyncio
import hashlib
import hmac
import os
import secrets
from datetime import timedelta
from functools import cache
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from bot import metrics
from bot.app import App
from bot.web.limits import BodyLimit
from bot.web.public import kind_not_found, public_routes
from store import migrate
from store.media_access import is_public_photo

# How long a signed media URL works: Twilio fetches a photo within seconds of the send.
MEDIA_URL_TTL = timedelta(hours=1)


@cache
def _media_secret(root: Path) -> bytes:
    """The key that signs media URLs, kept beside the media so every worker shares it."""
    path = root / ".url-secret"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return bytes.fromhex(path.read_text().strip())
    secret = secrets.token_bytes(32)
    with os.fdopen(fd, "w") as fh:
        fh.write(secret.hex())
    return secret


def _signature(app: App, key: str, expires: int) -> str:
    message = f"{key}:{expires}".encode()
    return hmac.new(_media_secret(app.media.root.resolve()), message, hashlib.sha256).hexdigest()


def signed_media_url(app: App, key: str, ttl: timedelta = MEDIA_URL_TTL) -> str:
    """A URL under `public_url` that serves media `key` until `ttl` from now (QR codes too)."""
    expires = int((app.ctx.now() + ttl).timestamp())
    return f"{app.ctx.public_url}/media/{key}?exp={expires}&sig={_signature(app, key, expires)}"


def media_url_valid(app: App, key: str, expires: str, signature: str) -> bool:
    """True for a signature we made for `key` whose time has not run out."""
    if not expires.isdigit() or int(expires) < app.ctx.now().timestamp():
        return False
    return hmac.compare_digest(_signature(app, key, int(expires)), signature)


def build_web(app: App, routes: list[BaseRoute] | None = None) -> Starlette:
    """The ASGI app; channels add their webhook routes through `routes`."""

    scraped = metrics.registry(app.db)

    async def healthz(request: Request) -> Response:
        """Alive (the process answers); `/readyz` says whether it can work."""
        return JSONResponse({"ok": True})

    async def readyz(request: Request) -> Response:
        """Ready: the database answers and its schema is the newest (503 otherwise)."""
        try:
            current = await asyncio.to_thread(migrate.is_current, app.db.engine)
        except Exception as exc:
            return JSONResponse({"ok": False, "database": type(exc).__name__}, status_code=503)
        if not current:
            return JSONResponse({"ok": False, "migrations": "behind"}, status_code=503)
        return JSONResponse({"ok": True})

    async def metrics_page(request: Request) -> Response:
        body, content_type = await asyncio.to_thread(metrics.render, scraped)
        return Response(body, media_type=content_type)

    async def media(request: Request) -> Response:
        key = request.path_params["key"]
        if not app.media.exists(key):
            return Response(status_code=404)
        query = request.query_params
        headers = {}
        if not media_url_valid(app, key, query.get("exp", ""), query.get("sig", "")):
            # Unsigned: only the public catalogue's photos, never a QR code or a private photo.
            public = await asyncio.to_thread(
                app.db.run, lambda session: is_public_photo(session=session, key=key)
            )
            if not public:
                return Response("This link has expired or is not valid.", status_code=403)
            # A key is its content's hash: the public pages' photos can be kept a day.
            headers["Cache-Control"] = "public, max-age=86400"
        # FileResponse reads the file off the event loop, in chunks.
        return FileResponse(
            app.media.path(key), media_type=app.media.content_type(key), headers=headers
        )

    async def not_found(request: Request, exc: Exception) -> Response:
        return await kind_not_found(app, request)

    return Starlette(
        routes=[
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics_page),
            Route("/media/{key}", media),
            *(routes or []),
            # The town's public pages, after the channels' routes.
            *public_routes(app),
        ],
        exception_handlers={404: not_found},
        # Outermost: a body over its limit is refused before any route reads it.
        middleware=[Middleware(BodyLimit)],
    )
