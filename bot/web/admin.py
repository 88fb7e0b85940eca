"""The town hall's dashboard under `/admin/`: login, figures per shop, CSV, invites.

Server-rendered (Jinja2), no JavaScript. Every page shows aggregates of the staff member's
own town only, and says what it stores.
"""

import csv
import io
from datetime import date, datetime, timedelta
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route

from bot.app import App
from bot.web.admin_auth import Staff, csrf_ok, current_staff, log_in, log_out, session_middleware
from bot.web.admin_campaigns import campaign_routes
from bot.web.admin_downloads import download_routes
from bot.web.admin_view import HEADERS, View, language
from bot.web.charts import orders_chart
from handlers import i18n
from store import dashboard
from store.models import Shop
from store.staff import LOCK_FOR

PRESETS = (1, 7, 30, 90)  # the period links: today, last 7 days, ...


def period_of(request: Request, app: App) -> dashboard.Period:
    """`?from=YYYY-MM-DD&to=YYYY-MM-DD`, else `?days=N`, else the last 30 days."""
    tz = app.config.town.timezone
    today = i18n.local(app.ctx.now(), tz).date()
    query = request.query_params
    try:
        first = date.fromisoformat(query.get("from", ""))
        last = date.fromisoformat(query.get("to", ""))
        if first <= last and (last - first).days <= 366:
            return dashboard.Period(first, last, tz)
    except ValueError:
        pass
    days = query.get("days", "30")
    count = int(days) if days.isdigit() and 1 <= int(days) <= 366 else 30
    return dashboard.Period(today - timedelta(days=count - 1), today, tz)


def figures(app: App, who: Staff, period: dashboard.Period) -> dict[str, Any]:
    """Everything the dashboard page and the CSV show, read in one transaction."""

    def work(session: Any) -> dict[str, Any]:
        shops = dashboard.shop_figures(session=session, town_id=who.town_id, period=period)
        per_day = dashboard.orders_per_day(session=session, town_id=who.town_id, period=period)
        town = dashboard.town_of(session=session, town_id=who.town_id)
        return {"shops": shops, "per_day": per_day, "town": town.name}

    return app.db.run(work)


def csv_text(shops: list[dashboard.ShopFigures], tz: str) -> str:
    """One line per shop; revenue in cents and in currency units (dot decimals)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["shop", "category", "invites", "joined", "items_online", "orders", "revenue_cents",
         "revenue", "last_activity", "missing"]
    )  # fmt: skip
    for line in shops:
        last = i18n.local(line.last_activity, tz).isoformat() if line.last_activity else ""
        writer.writerow(
            [line.name, line.category, line.invited, "yes" if line.joined else "no",
             line.items_online, line.orders, line.revenue_cents,
             f"{line.revenue_cents // 100}.{line.revenue_cents % 100:02d}", last,
             " ".join(line.missing)]
        )  # fmt: skip
    return out.getvalue()


def admin_mount(app: App) -> Mount:
    """The dashboard, with its own signed-cookie sessions, mounted at /admin."""
    view = View(app)

    async def login_page(request: Request) -> Response:
        if await current_staff(app, request) is not None:
            return RedirectResponse("/admin/", status_code=303, headers=HEADERS)
        notice = "admin_logged_out" if request.query_params.get("out") else None
        return view.render(request, "admin/login.html", notice=notice)

    async def login(request: Request) -> Response:
        if not await csrf_ok(request):
            return view.refuse(request, "admin_forbidden", 403)
        form = await request.form()
        email, password = str(form.get("email", ""))[:254], str(form.get("password", ""))[:1024]
        problem = await log_in(app, request, email, password)
        if problem is None:
            return RedirectResponse("/admin/", status_code=303, headers=HEADERS)
        minutes = int(LOCK_FOR.total_seconds() // 60)
        key, status = (
            ("admin_login_locked", 429) if problem == "locked" else ("admin_login_wrong", 401)
        )
        return view.render(
            request, "admin/login.html", status, error=key, minutes=minutes, email=email
        )

    async def logout(request: Request, who: Staff) -> Response:
        await log_out(app, request, who)
        return RedirectResponse("/admin/login?out=1", status_code=303, headers=HEADERS)

    async def home(request: Request, who: Staff) -> Response:
        period = period_of(request, app)
        found = await run_in_threadpool(figures, app, who, period)
        shops: list[dashboard.ShopFigures] = found["shops"]
        lang = language(request)
        chart = orders_chart(
            found["per_day"], i18n.t(lang, "admin_chart_title"), i18n.t(lang, "admin_chart_bar")
        )
        totals = {
            "invited": sum(1 for s in shops if s.invited),
            "joined": sum(1 for s in shops if s.joined),
            "items": sum(s.items_online for s in shops),
            "orders": sum(s.orders for s in shops),
            "revenue": sum(s.revenue_cents for s in shops),
        }
        return view.render(
            request, "admin/dashboard.html", who=who, town=found["town"], shops=shops,
            idle=[s for s in shops if s.sells_nothing], totals=totals, chart=chart,
            period=period, presets=PRESETS, query=request.url.query,
        )  # fmt: skip

    async def export(request: Request, who: Staff) -> Response:
        period = period_of(request, app)
        found = await run_in_threadpool(figures, app, who, period)
        name = f"vitrine-{period.first.isoformat()}-{period.last.isoformat()}.csv"
        body = "\ufeff" + csv_text(found["shops"], app.config.town.timezone)  # BOM: Excel's UTF-8
        headers = {**HEADERS, "Content-Disposition": f'attachment; filename="{name}"'}
        return Response(body, media_type="text/csv; charset=utf-8", headers=headers)

    async def invites(request: Request, who: Staff) -> Response:
        now = app.ctx.now()
        lines = await run_in_threadpool(
            app.db.run,
            lambda s: dashboard.invite_lines(session=s, town_id=who.town_id, now=now),
        )
        flash = request.session.pop("flash", None)
        return view.render(request, "admin/invites.html", who=who, invites=lines, flash=flash)

    async def resend(request: Request, who: Staff) -> Response:
        invite_id = request.path_params["invite_id"]
        now = app.ctx.now()

        def work(session: Any) -> tuple[str, str, datetime] | None:
            fresh = dashboard.resend_invite(
                session=session, town_id=who.town_id, invite_id=invite_id, now=now
            )
            if fresh is None:
                return None
            shop = session.get(Shop, fresh.shop_id)
            return shop.name, fresh.code, fresh.expires_at

        done = await run_in_threadpool(app.db.run, work)
        if done is None:
            request.session["flash"] = {"key": "admin_resend_refused", "values": {}}
        else:
            shop, code, until = done
            link = app.ctx.deep_link("telegram", f"join-{code}")
            day = i18n.day(until, language(request), app.config.town.timezone)
            values = {"shop": shop, "code": code, "day": day, "link": link}
            request.session["flash"] = {"key": "admin_resent", "values": values}
        return RedirectResponse("/admin/invites", status_code=303, headers=HEADERS)

    routes = [
        Route("/", view.guard(home)),
        Route("/login", login_page),
        Route("/login", login, methods=["POST"]),
        Route("/logout", view.guard(logout, post=True), methods=["POST"]),
        Route("/shops.csv", view.guard(export)),
        Route("/invites", view.guard(invites)),
        Route("/invites/{invite_id:int}/resend", view.guard(resend, post=True), methods=["POST"]),
        *campaign_routes(app, view),
        *download_routes(app, view),
    ]
    inner = Starlette(routes=routes, middleware=[session_middleware(app)])
    return Mount("/admin", app=inner)
