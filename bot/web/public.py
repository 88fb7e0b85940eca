"""The towns' public shop windows: `/` and `/recherche` (the default town), `/ville/<slug>`
and `/ville/<slug>/recherche` (every town), `/boutique/<slug>`, `/article/<id>`,
`/sitemap.xml`, `/robots.txt`. Server-rendered HTML, no script, no cookie.

Only what customers may see: active shops, visible items, live visits; never a customer's data.
The store is synchronous, so each page's reads run in the thread pool.
"""

from collections.abc import Callable
from itertools import groupby
from typing import Any, TypeVar

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from bot.app import App
from bot.web.public_view import Page, environment
from store import public
from store.search import fold

T = TypeVar("T")

# No cookie, no script, styles inline, pictures from here only, forms posted here only.
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "public, max-age=60",
    # French or English by the browser's language: a cache keeps one copy of each.
    "Vary": "Accept-Language",
}


def _html(body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(body, status_code=status, headers=HEADERS)


def public_routes(app: App) -> list[Route]:
    """The public pages, for the web app's routes."""

    async def read(work: Callable[[Session], T]) -> T:
        return await run_in_threadpool(app.db.run, work)

    def not_found(page: Page) -> HTMLResponse:
        return _html(page.render("not_found.html", town=app.config.town.name), 404)

    async def town(request: Request) -> Response:
        slug = request.path_params.get("slug")
        body = await run_in_threadpool(town_html, app, request, slug)
        return _html(body) if body is not None else not_found(Page(app, request))

    async def search(request: Request) -> Response:
        page = Page(app, request)
        query = " ".join(request.query_params.get("q", "").split())[:200]
        slug = request.path_params.get("slug")

        def work(session: Session) -> tuple[Any, list[Any]]:
            town = public.find_public_town(
                session=session, slug=slug or app.ctx.town_slug, exact=slug is not None
            )
            if town is None or not query:
                return town, []
            return town, public.search_page(session=session, town=town, query=query)

        found_town, results = await read(work)
        if found_town is None:
            return not_found(page)
        return _html(page.render("search.html", town=found_town, query=query, results=results))

    async def shop(request: Request) -> Response:
        page = Page(app, request)
        slug = request.path_params["slug"]
        now = app.ctx.now()
        found = await read(lambda s: public.shop_page(session=s, slug=slug, now=now))
        if found is None:
            return not_found(page)
        hours = page.hours(found.today, now, found.town.timezone)
        return _html(page.render("shop.html", found=found, hours=hours))

    async def item(request: Request) -> Response:
        page = Page(app, request)
        item_id = request.path_params["item_id"]
        found = await read(lambda s: public.item_page(session=s, item_id=item_id))
        if found is None:
            return not_found(page)
        return _html(page.render("item.html", found=found))

    async def sitemap(request: Request) -> Response:
        shops, items = await read(lambda s: public.sitemap(session=s))
        towns = await read(lambda s: public.towns(session=s))
        others = [t for t in towns if t.slug != app.ctx.town_slug]  # the default one is /
        body = (
            environment()
            .get_template("sitemap.xml")
            .render(base=app.ctx.public_url.rstrip("/"), shops=shops, items=items, towns=others)
        )
        return Response(body, media_type="application/xml")

    async def robots(request: Request) -> Response:
        base = app.ctx.public_url.rstrip("/")
        lines = ["User-agent: *", "Allow: /", "Disallow: /admin/", "Disallow: /recherche"]
        lines.append(f"Sitemap: {base}/sitemap.xml")
        return PlainTextResponse("\n".join(lines) + "\n")

    return [
        Route("/", town),
        Route("/recherche", search),
        Route("/ville/{slug}", town),  # each town of a regional deployment
        Route("/ville/{slug}/recherche", search),
        Route("/boutique/{slug}", shop),
        Route("/article/{item_id:int}", item),
        Route("/sitemap.xml", sitemap),
        Route("/robots.txt", robots),
    ]


def town_html(app: App, request: Request, slug: str | None = None) -> str | None:
    """The town page's HTML (None without that town): the default town's, or the one of
    `slug` (exactly); its reads, then its template."""
    page = Page(app, request)
    now = app.ctx.now()
    found = app.db.run(
        lambda s: public.town_page(
            session=s, slug=slug or app.ctx.town_slug, now=now, exact=slug is not None
        )
    )
    if found is None:
        return None
    groups = [
        (key, list(cards))
        for key, cards in groupby(found.shops, key=lambda card: card.shop.category)
    ]
    groups.sort(key=lambda group: fold(page.category(group[0])))
    cover = next((c.shop.photo for c in found.shops if c.shop.photo), None)
    return page.render("town.html", found=found, groups=groups, cover=cover)


async def kind_not_found(app: App, request: Request) -> Response:
    """Any unknown address: the kind page with the way back to the shops."""
    page = Page(app, request)
    return _html(page.render("not_found.html", town=app.config.town.name), 404)
