"""What every dashboard page shares: the templates, the page's language, the guard."""

from collections.abc import Awaitable, Callable
from datetime import datetime
from functools import cache, wraps
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from bot.app import App
from bot.web.admin_auth import Staff, csrf_ok, csrf_token, current_staff
from handlers import i18n

TEMPLATES = Path(__file__).parent / "templates"
# No script at all, styles and images from here only, never inside another site's frame.
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
Endpoint = Callable[[Request, Staff], Awaitable[Response]]


@cache
def environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def language(request: Request) -> str:
    """`?lang=` (remembered in the session), else the session's, else the browser's."""
    chosen = request.query_params.get("lang")
    if chosen in i18n.LANGUAGES:
        request.session["lang"] = chosen
        return chosen
    kept = request.session.get("lang")
    if kept in i18n.LANGUAGES:
        return str(kept)
    return i18n.language_of(request.headers.get("accept-language", ""))


class View:
    """Renders the dashboard's pages for one app."""

    def __init__(self, app: App) -> None:
        self.app = app

    def render(
        self,
        request: Request,
        template: str,
        status: int = 200,
        who: Staff | None = None,
        **values: Any,
    ) -> Response:
        lang = language(request)
        tz = self.app.config.town.timezone

        def t(key: str, **more: object) -> str:
            return i18n.t(lang, key, **more)

        def when(moment: datetime | None) -> str:
            if moment is None:
                return t("admin_never")
            local = i18n.local(moment, tz)
            return f"{local:%d/%m/%Y %H:%M}"

        html = (
            environment()
            .get_template(template)
            .render(
                t=t,
                lang=lang,
                money=lambda cents: i18n.money(cents, lang, self.app.config.town.currency),
                when=when,
                day=lambda moment: i18n.day(moment, lang, tz),
                csrf=csrf_token(request),
                who=who,
                path=request.url.path,
                **values,
            )
        )
        return HTMLResponse(html, status, headers=HEADERS)

    def refuse(self, request: Request, key: str, status: int) -> Response:
        """A page that says no, and shows nothing else."""
        return self.render(request, "admin/refused.html", status, message_key=key)

    def guard(
        self, endpoint: Endpoint, *, post: bool = False
    ) -> Callable[..., Awaitable[Response]]:
        """Only for a logged-in member of staff; a POST also needs its CSRF token."""

        @wraps(endpoint)
        async def guarded(request: Request) -> Response:
            who = await current_staff(self.app, request)
            if who is None:
                if post:
                    return self.refuse(request, "admin_forbidden", 403)
                return RedirectResponse("/admin/login", status_code=303, headers=HEADERS)
            if post and not await csrf_ok(request):
                return self.refuse(request, "admin_forbidden", 403)
            return await endpoint(request, who)

        return guarded
