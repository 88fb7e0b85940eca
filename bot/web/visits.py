"""`GET /v/<visit>/<token>`: a follower's Join link. Counts the tap, then opens the platform.

The Join button carries our own short link rather than the platform's, so the merchant sees
how many joined (one token per person and visit), and a visit that ended opens nothing.
"""

from html import escape

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from bot.app import App
from handlers import i18n
from store.visits import record_join

PAGE = "<!doctype html><meta charset=utf-8><title>Vitrine</title><p>{}</p>"


def visit_routes(app: App) -> list[Route]:
    """The Join redirect, for the web app's routes."""

    async def join(request: Request) -> Response:
        token = request.path_params["token"][:32]
        visit_id = request.path_params["visit_id"]
        now = app.ctx.now()

        def work(session: object) -> tuple[str, str] | None:
            visit = record_join(session=session, token=token, now=now)  # type: ignore[arg-type]
            if visit is None or visit.id != visit_id:
                return None
            return visit.status, visit.url

        # The store is synchronous: keep the event loop free while it works.
        found = await run_in_threadpool(app.db.run, work)
        lang = i18n.language_of(request.headers.get("accept-language", ""))
        if found is None:
            return HTMLResponse(PAGE.format(escape(i18n.t(lang, "visit_link_unknown"))), 404)
        status, url = found
        if status == "ended":
            return HTMLResponse(PAGE.format(escape(i18n.t(lang, "visit_is_over"))), 410)
        return RedirectResponse(url, status_code=302)

    return [Route("/v/{visit_id:int}/{token}", join)]
