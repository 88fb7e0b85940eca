"""A real headless Chromium on our web app: Debian's `chromium` driven by Playwright.

Never a browser download: Playwright launches /usr/bin/chromium (`.ci/run` installs it).
Fixtures (a pytest plugin, registered in tests/conftest.py):

- `serve_web(app, routes=None, public=True) -> WebServer`: `build_web(app, routes)` served by
  uvicorn in a thread on a free loopback port; `.url` is its base. With `public`, the app's
  `[web] public_url` becomes that base, so absolute links (og:url, QR codes) lead back to it.
- `web_app`: the App as `vitrine run` builds it, on the test's database holding the demo town.
- `web_server`: `serve_web(web_app)`.
- `browser`: a headless Chromium for the test (started per test: Playwright's sync API keeps
  an asyncio loop running on the test's thread while it is open, so `asyncio.run` fails there
  until teardown; run coroutines on the server's loop instead, `WebServer.run(coro)`).
- `open_page(locale="fr-FR", viewport=PHONE) -> Page`: a fresh context (no cookies shared
  between tests); every request that leaves loopback is answered by a stand-in page and its
  URL recorded in `outside_links` (a tapped t.me or wa.me button lands there, offline).
- `browser_page`: `open_page()`, a phone in French.
- `screenshot(page, name) -> Path`: a full-page PNG under var/screenshots/<name>.png.
"""

import asyncio
import os
import socket
import threading
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, Playwright, Route, sync_playwright
from starlette.routing import BaseRoute

from bot.app import App
from bot.config import Config, TelegramConfig, WebConfig, WhatsAppConfig
from bot.web import build_web
from handlers.context import Context
from handlers.engine import Engine
from store.db import Database

CHROMIUM = Path(os.environ.get("VITRINE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # we run as root in CI; the sandbox refuses root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
BOT_USERNAME = "VitrineNogentBot"
WHATSAPP_NUMBER = "+33700000000"
T = TypeVar("T")
OUTSIDE_PAGE = "<!doctype html><meta charset=utf-8><title>outside</title><p>outside link"


class WebServer:
    """`build_web(app, routes)` under uvicorn on a free loopback port, its loop in a thread."""

    def __init__(self, app: App, routes: list[BaseRoute] | None = None, public: bool = True):
        self.app = app
        # IPPROTO_TCP, so asyncio sets TCP_NODELAY on the connections it accepts (with the
        # default protocol 0 it does not, and each keep-alive answer waits ~40 ms for an ACK).
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        if public:
            app.ctx.public_url = app.config.web.public_url = self.url
        web = build_web(app, routes)  # type: ignore[arg-type]
        self.server = uvicorn.Server(
            uvicorn.Config(web, log_level="warning", lifespan="off", access_log=False)
        )
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(
            target=self.loop.run_until_complete,
            args=(self.server.serve(sockets=[sock]),),
            daemon=True,
        )
        self.thread.start()
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            threading.Event().wait(0.01)

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine on the server's loop (a test's thread has Playwright's)."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=60)

    def close(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.loop.close()


@pytest.fixture
def web_app(db: Database, ctx: Context, engine: Engine) -> App:
    """The App on the test's database (the demo town), with both channels named."""
    # Credentials as `vitrine run` has them (the pages show only the channels configured);
    # nothing here talks to Telegram or Twilio.
    config = Config(
        telegram=TelegramConfig(token="123456:web-test", bot_username=BOT_USERNAME),
        whatsapp=WhatsAppConfig(
            account_sid="AC" + "0" * 32,
            auth_token="web-test",
            from_number=f"whatsapp:{WHATSAPP_NUMBER}",
        ),
        web=WebConfig(),
    )
    ctx.telegram_username = BOT_USERNAME
    ctx.whatsapp_number = WHATSAPP_NUMBER
    return App(config=config, db=db, media=ctx.media, ctx=ctx, engine=engine)


@pytest.fixture
def serve_web() -> Iterator[Callable[..., WebServer]]:
    """`serve_web(app, routes=None, public=True)`: the app on a loopback port until teardown."""
    servers: list[WebServer] = []

    def start(app: App, routes: list[BaseRoute] | None = None, public: bool = True) -> WebServer:
        servers.append(WebServer(app, routes, public))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def web_server(serve_web: Callable[..., WebServer], web_app: App) -> WebServer:
    """The demo town's web app on a loopback port."""
    return serve_web(web_app)


@pytest.fixture
def _playwright() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture
def browser(_playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless, for one test."""
    chromium = _playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield chromium
    chromium.close()


@pytest.fixture
def outside_links() -> list[str]:
    """The URLs the test's pages tried to open away from loopback (none was reached)."""
    return []


@pytest.fixture
def open_page(browser: Browser, outside_links: list[str]) -> Iterator[Callable[..., Page]]:
    """`open_page(locale="fr-FR", viewport=PHONE)`: a new page in its own browser context."""
    contexts = []

    def answer_outside(route: Route) -> None:
        host = urlsplit(route.request.url).hostname
        if host in ("127.0.0.1", "localhost"):
            route.continue_()
            return
        outside_links.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body=OUTSIDE_PAGE)

    def make(locale: str = "fr-FR", viewport: dict[str, int] | None = None) -> Page:
        view = viewport or PHONE
        phone = view["width"] < 600
        context = browser.new_context(
            locale=locale,
            viewport=view,  # type: ignore[arg-type]
            is_mobile=phone,
            has_touch=phone,
            extra_http_headers={"Accept-Language": f"{locale},{locale.split('-')[0]};q=0.9"},
        )
        context.set_default_timeout(10_000)
        context.route("**/*", answer_outside)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def browser_page(open_page: Callable[..., Page]) -> Page:
    """A phone-sized page (390x844, touch) in French."""
    return open_page()


def save_screenshot(page: Page, name: str) -> Path:
    """The whole page as var/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def screenshot() -> Callable[[Page, str], Path]:
    """`screenshot(page, name)`: saves var/screenshots/<name>.png and returns its path."""
    return save_screenshot
