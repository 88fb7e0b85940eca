"""How the public pages say things: the language, the templates, hours and order links.

The pages are Jinja2 templates (bot/web/templates/public/), compiled once per process; every
text they show comes from handlers' i18n (handlers/locales/web.toml and browse.toml).
"""

from dataclasses import dataclass
from datetime import datetime, time
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request

from bot.app import App
from handlers import i18n
from store.hours import Today
from store.models import Town

TEMPLATES = Path(__file__).parent / "templates" / "public"


@cache
def environment() -> Environment:
    """The templates, autoescaped, compiled once (no reloading: pages must be fast)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "xml"]),
        auto_reload=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["css"] = (TEMPLATES / "style.css").read_text()
    return env


def language(request: Request) -> tuple[str, bool]:
    """The page's language: ?lang=, else the browser's first Accept-Language; and whether the
    choice came from the link (then the page's own links keep it)."""
    asked = request.query_params.get("lang", "")
    if asked in i18n.LANGUAGES:
        return asked, True
    first = request.headers.get("accept-language", "").split(",")[0].split(";")[0].strip()
    return i18n.language_of(first), False


@dataclass(frozen=True)
class OrderLink:
    channel: str  # whatsapp | telegram
    label: str
    url: str


class Page:
    """One request's view helpers: texts in its language, links, money, hours."""

    def __init__(self, app: App, request: Request) -> None:
        self.app = app
        self.lang, self.sticky = language(request)
        self.path = request.url.path
        self.query = {k: v for k, v in request.query_params.items() if k != "lang"}
        self.base = app.ctx.public_url.rstrip("/")

    def t(self, key: str, **values: object) -> str:
        return i18n.t(self.lang, key, **values)

    def url(self, path: str, **query: str) -> str:
        """A link on this site, keeping ?lang= when the visitor chose it."""
        if self.sticky:
            query = {**query, "lang": self.lang}
        return f"{path}?{urlencode(query)}" if query else path

    def absolute(self, path: str) -> str:
        """The public address of a page or media file ([web] public_url), for Open Graph."""
        return f"{self.base}{path}"

    def switch(self) -> str:
        """This page in the other language."""
        other = "en" if self.lang == "fr" else "fr"
        return f"{self.path}?{urlencode({**self.query, 'lang': other})}"

    def money(self, cents: int, currency: str) -> str:
        return i18n.money(cents, self.lang, currency)

    def clock(self, moment: datetime, tz: str) -> str:
        """ "15:00" in the town's zone."""
        return i18n.clock(moment, self.lang, tz)

    def category(self, key: str) -> str:
        """The category's name in words ("Fromagerie"; the chat's emoji left out)."""
        name = f"category_{key}"
        return _unsymbol(self.t(name if name in i18n.catalogue() else "category_other"))

    def town_home(self, town: Town) -> str:
        """The town's page: `/` for the deployment's default town, `/ville/<slug>` for others."""
        return "/" if town.slug == self.app.ctx.town_slug else f"/ville/{town.slug}"

    def town_search(self, town: Town) -> str:
        """Where the town's search form posts: `/recherche` or `/ville/<slug>/recherche`."""
        home = self.town_home(town)
        return "/recherche" if home == "/" else f"{home}/recherche"

    def media(self, key: str | None) -> str | None:
        return f"/media/{key}" if key else None

    def order_links(self, payload: str) -> list[OrderLink]:
        """The chat buttons for `shop-<slug>` or `item-<id>`: only the channels configured."""
        config = self.app.config
        links = []
        if config.whatsapp_enabled and self.app.ctx.whatsapp_number:
            url = self.app.ctx.deep_link("whatsapp", payload)
            links.append(OrderLink("whatsapp", self.t("web_order_whatsapp"), url))
        if config.telegram_enabled and self.app.ctx.telegram_username:
            url = self.app.ctx.deep_link("telegram", payload)
            links.append(OrderLink("telegram", self.t("web_order_telegram"), url))
        return links

    def hours(self, today: Today, now: datetime, tz: str) -> list[str]:
        """Today's hours and whether the shop is open now, as the chat's shop card says it."""
        spans = [
            self.t("shop_hours_interval", start=_hhmm(a), end=_hhmm(b)) for a, b in today.intervals
        ]
        hours = ", ".join(spans) or self.t("shop_hours_none")
        lines = [_unsymbol(self.t("shop_hours_today", hours=hours))]
        local_now = i18n.local(now, tz)
        if today.open_now:
            until = next(b for a, b in today.intervals if a <= local_now.time() < b)
            lines.append(self.t("shop_open_until", time=_hhmm(until)))
        elif today.next_open is not None:
            lines.append(self.t("shop_closed_until", when=self._when(today.next_open, local_now)))
        else:
            lines.append(self.t("shop_closed"))
        if today.closure:
            lines.append(self.t("shop_closure_now", last=i18n.day(today.closure[1], self.lang)))
        elif today.upcoming_closure:
            first, last = (i18n.day(d, self.lang) for d in today.upcoming_closure)
            lines.append(self.t("shop_closure_soon", first=first, last=last))
        return [_unsymbol(line) for line in lines]

    def _when(self, moment: datetime, local_now: datetime) -> str:
        at = _hhmm(moment.time())
        days = (moment.date() - local_now.date()).days
        if days == 0:
            return self.t("shop_when_today", time=at)
        if days == 1:
            return self.t("shop_when_tomorrow", time=at)
        return self.t("shop_when_day", day=i18n.day(moment.date(), self.lang), time=at)

    def render(self, template: str, **context: Any) -> str:
        return environment().get_template(template).render(page=self, **context)


def _hhmm(value: time) -> str:
    return value.strftime("%H:%M")


def _unsymbol(line: str) -> str:
    """A chat line without its leading emoji (the page says it with words and colour)."""
    return line.split(" ", 1)[1] if line and not line[0].isalnum() else line
