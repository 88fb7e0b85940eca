"""Posters and invite letters from the dashboard: the same PDFs as `vitrine admin poster`."""

from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.app import App
from bot.posters import Letter, invite_letters, shop_poster, town_poster
from bot.web.admin_auth import Staff
from bot.web.admin_view import HEADERS, language
from store import dashboard
from store.models import Shop, Town
from store.public import online_shops

if TYPE_CHECKING:
    from bot.web.admin_view import View

PAPERS = ("A4", "A5")


def _pdf(body: bytes, name: str) -> Response:
    headers = {**HEADERS, "Content-Disposition": f'attachment; filename="{name}"'}
    return Response(body, media_type="application/pdf", headers=headers)


def download_routes(app: App, view: "View") -> list[Route]:
    """The downloads page and its PDFs, for the dashboard's routes."""

    def waiting_letters(session: Any, town_id: int) -> list[Letter]:
        lines = dashboard.invite_lines(session=session, town_id=town_id, now=app.ctx.now())
        return [Letter(i.shop, i.code, i.expires_at) for i in lines if i.status == "waiting"]

    async def page(request: Request, who: Staff) -> Response:
        def work(session: Any) -> dict[str, Any]:
            return {
                "shops": online_shops(session=session, town_id=who.town_id),
                "letters": len(waiting_letters(session, who.town_id)),
            }

        found = await run_in_threadpool(app.db.run, work)
        return view.render(request, "admin/downloads.html", who=who, papers=PAPERS, **found)

    def paper_of(request: Request) -> str | None:
        paper = request.path_params["paper"].upper()
        return paper if paper in PAPERS else None

    async def town(request: Request, who: Staff) -> Response:
        paper, lang = paper_of(request), language(request)
        if paper is None:
            return view.refuse(request, "admin_not_found", 404)

        def work(session: Any) -> tuple[Town, list[Shop]]:
            found = dashboard.town_of(session=session, town_id=who.town_id)
            return found, online_shops(session=session, town_id=who.town_id)

        found, shops = await run_in_threadpool(app.db.run, work)
        body = await run_in_threadpool(
            lambda: town_poster(app, found, shops, paper=paper, lang=lang)
        )
        return _pdf(body, f"{found.slug}-{paper}.pdf")

    async def shop(request: Request, who: Staff) -> Response:
        paper, lang = paper_of(request), language(request)
        shop_id = request.path_params["shop_id"]
        found = await run_in_threadpool(app.db.run, lambda s: s.get(Shop, shop_id))
        if paper is None or found is None or found.town_id != who.town_id or not found.active:
            return view.refuse(request, "admin_not_found", 404)
        body = await run_in_threadpool(lambda: shop_poster(app, found, paper=paper, lang=lang))
        return _pdf(body, f"{found.slug}-{paper}.pdf")

    async def letters(request: Request, who: Staff) -> Response:
        paper, lang = paper_of(request), language(request)
        found = await run_in_threadpool(app.db.run, lambda s: waiting_letters(s, who.town_id))
        if paper is None or not found:
            return view.refuse(request, "admin_not_found", 404)
        body = await run_in_threadpool(lambda: invite_letters(app, found, paper=paper, lang=lang))
        return _pdf(body, f"invitations-{paper}.pdf")

    guard = view.guard
    return [
        Route("/downloads", guard(page)),
        Route("/downloads/town-{paper}.pdf", guard(town)),
        Route("/downloads/shop-{shop_id:int}-{paper}.pdf", guard(shop)),
        Route("/downloads/letters-{paper}.pdf", guard(letters)),
    ]
