"""Campaigns in the dashboard: write, preview with the number of recipients, send, report."""

from typing import TYPE_CHECKING, Any

from sqlmodel import col, select
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.app import App
from bot.web import signed_media_url
from bot.web.admin_auth import Staff
from bot.web.admin_view import HEADERS, language
from handlers.notices import town_news
from store import campaigns
from store.campaigns import MAX_TEXT
from store.media import NotAnImage
from store.models import Campaign, Shop, Town

if TYPE_CHECKING:
    from bot.web.admin_view import View

MAX_PHOTO_BYTES = 10 * 1024 * 1024


def _shops(session: Any, town_id: int) -> list[tuple[int, str]]:
    query = (
        select(Shop.id, Shop.name)
        .where(Shop.town_id == town_id, col(Shop.active).is_(True))
        .order_by(Shop.name)
    )
    return [(int(i), str(n)) for i, n in session.exec(query).all()]


def campaign_routes(app: App, view: "View") -> list[Route]:
    """The campaign pages, for the dashboard's routes."""

    def listing_values(who: Staff) -> dict[str, Any]:
        def work(session: Any) -> dict[str, Any]:
            made = campaigns.campaigns_of(session=session, town_id=who.town_id)
            return {
                "audience": campaigns.count_recipients(session=session, town_id=who.town_id),
                "campaigns": made,
                "reports": {
                    c.id: campaigns.report(session=session, campaign_id=c.id or 0) for c in made
                },
                "shops": _shops(session, who.town_id),
            }

        return app.db.run(work)

    async def listing(request: Request, who: Staff, **form: Any) -> Response:
        values = await run_in_threadpool(listing_values, who)
        status = 400 if form.get("error") else 200
        return view.render(
            request, "admin/campaigns.html", status, who=who, max_text=MAX_TEXT,
            form=form, **values,
        )  # fmt: skip

    async def index(request: Request, who: Staff) -> Response:
        return await listing(request, who)

    async def create(request: Request, who: Staff) -> Response:
        form = await request.form()
        text = str(form.get("text", "")).strip().replace("\r\n", "\n")
        button = str(form.get("button", ""))
        button = button if button in campaigns.BUTTONS else ""
        shop_field = str(form.get("shop_id", ""))
        shop_id = int(shop_field) if shop_field.isdigit() else None
        kept = {"text": text, "button": button, "shop_id": shop_id}
        if not text:
            return await listing(request, who, error="admin_campaign_empty", **kept)
        if len(text) > MAX_TEXT:
            error = {"error": "admin_campaign_too_long", "length": len(text)}
            return await listing(request, who, **error, **kept)
        photo = None
        upload = form.get("photo")
        if isinstance(upload, UploadFile) and upload.filename:
            data = await upload.read(MAX_PHOTO_BYTES + 1)
            try:
                if len(data) > MAX_PHOTO_BYTES:
                    raise NotAnImage("too big")
                photo = await run_in_threadpool(app.media.put_image, data)
            except NotAnImage:
                return await listing(request, who, error="admin_campaign_bad_photo", **kept)

        def work(session: Any) -> int | None:
            if button == "shop":
                shop = session.get(Shop, shop_id) if shop_id else None
                if shop is None or shop.town_id != who.town_id:
                    return None
            campaign = Campaign(
                town_id=who.town_id, author_id=who.account_id, text=text, photo=photo,
                button=button, shop_id=shop_id if button == "shop" else None,
            )  # fmt: skip
            session.add(campaign)
            session.flush()
            return campaign.id

        made = await run_in_threadpool(app.db.run, work)
        if made is None:
            return await listing(request, who, error="admin_campaign_pick_shop", **kept)
        return RedirectResponse(f"/admin/campaigns/{made}", status_code=303, headers=HEADERS)

    async def show(request: Request, who: Staff) -> Response:
        campaign_id = request.path_params["campaign_id"]
        lang = language(request)

        def work(session: Any) -> dict[str, Any] | None:
            campaign = session.get(Campaign, campaign_id)
            if campaign is None or campaign.town_id != who.town_id:
                return None
            town = session.get(Town, campaign.town_id)
            shop = session.get(Shop, campaign.shop_id) if campaign.shop_id else None
            return {
                "campaign": campaign,
                "message": town_news.message(campaign, town, shop, app.ctx, lang),
                "audience": campaigns.count_recipients(session=session, town_id=who.town_id),
                "report": campaigns.report(session=session, campaign_id=campaign_id),
            }

        found = await run_in_threadpool(app.db.run, work)
        if found is None:
            return view.refuse(request, "admin_not_found", 404)
        photo = found["message"].photo
        # The page's own address for the photo: the browser may reach us by another name.
        photo_url = signed_media_url(app, photo)[len(app.ctx.public_url) :] if photo else None
        return view.render(request, "admin/campaign.html", who=who, photo_url=photo_url, **found)

    async def send(request: Request, who: Staff) -> Response:
        campaign_id = request.path_params["campaign_id"]
        now = app.ctx.now()

        def work(session: Any) -> int | None:
            campaign = session.get(Campaign, campaign_id)
            if campaign is None or campaign.town_id != who.town_id:
                return None
            return town_news.send(session=session, ctx=app.ctx, campaign_id=campaign_id, now=now)

        queued = await run_in_threadpool(app.db.run, work)
        if queued:
            app.ctx.on_outbox()  # the dispatcher starts at once, within the platforms' rates
        return RedirectResponse(f"/admin/campaigns/{campaign_id}", status_code=303, headers=HEADERS)

    return [
        Route("/campaigns", view.guard(index)),
        Route("/campaigns", view.guard(create, post=True), methods=["POST"]),
        Route("/campaigns/{campaign_id:int}", view.guard(show)),
        Route("/campaigns/{campaign_id:int}/send", view.guard(send, post=True), methods=["POST"]),
    ]
