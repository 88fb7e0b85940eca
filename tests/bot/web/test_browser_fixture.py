"""The browser fixture itself: Debian's Chromium opens our app, and never the Internet."""

import asyncio

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

PAGE = (
    "<!doctype html><html lang=fr><meta charset=utf-8><title>Essai</title>"
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    '<main><h1>Bonjour</h1><a href="https://t.me/VitrineNogentBot?start=town-nogent">Telegram</a>'
    "</main></html>"
)


async def hello(request: Request) -> HTMLResponse:
    return HTMLResponse(PAGE)


def test_chromium_opens_the_app_on_a_phone_and_taps_stay_offline(
    web_app, serve_web, browser_page, outside_links, screenshot
):
    server = serve_web(web_app, [Route("/essai", hello)])
    assert web_app.ctx.public_url == server.url  # absolute links lead back to this server
    browser_page.goto(f"{server.url}/healthz")
    assert '"ok":true' in browser_page.content().replace(" ", "")
    browser_page.goto(f"{server.url}/essai")
    assert browser_page.evaluate("window.innerWidth") == 390
    assert browser_page.evaluate("navigator.language") == "fr-FR"
    browser_page.get_by_role("link", name="Telegram").click()
    browser_page.wait_for_url("https://t.me/**")
    assert outside_links == ["https://t.me/VitrineNogentBot?start=town-nogent"]
    assert screenshot(browser_page, "fixture-outside").stat().st_size > 0


def test_asyncio_runs_again_once_the_browser_is_closed():
    # Playwright's loop is gone after a browser test's teardown: the next tests may use asyncio.
    async def answer() -> int:
        return 42

    assert asyncio.run(answer()) == 42


def test_coroutines_run_on_the_server_loop_while_the_browser_is_open(web_server, browser_page):
    async def answer() -> int:
        return 42

    browser_page.goto(f"{web_server.url}/healthz")
    assert web_server.run(answer()) == 42
