"""The public town page: 1,000 requests to `/` on SQLite against the same bytes served as a
static file by the same server in the same run; and what a phone loads at first paint.

Both go through uvicorn on loopback with one keep-alive client, so the difference between
the two is the page's own work: its reads, hours, templates.
"""

import asyncio
import re
import socket
import threading
import time
from pathlib import Path

import httpx
import uvicorn
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from bench import Figure, figure, ms, percentile, say
from bot.app import App
from bot.config import Config, TelegramConfig, WebConfig, WhatsAppConfig
from bot.web import build_web
from handlers.context import Context
from handlers.engine import Engine
from store import migrate
from store.db import Database
from store.demo import load_demo
from store.media import MediaStore

REQUESTS = 1000
WARM_UP = 50
GOAL_P95 = 0.050
GOAL_BYTES = 200 * 1024


def demo_app(workdir: Path) -> App:
    """The demo town on a fresh SQLite file, configured as a town with both chat channels."""
    path = workdir / "pages.db"
    path.unlink(missing_ok=True)
    db = Database(f"sqlite:///{path}")
    migrate.upgrade(db.engine)
    media = MediaStore(workdir / "pages-media")
    db.run(lambda session: load_demo(session=session, media=media))
    config = Config(
        telegram=TelegramConfig(token="1:bench"),
        whatsapp=WhatsAppConfig(account_sid="AC0", auth_token="x", from_number="+33700000000"),
        web=WebConfig(public_url="https://vitrine.example"),
    )
    ctx = Context.from_config(config, media=media)
    return App(config=config, db=db, media=media, ctx=ctx, engine=Engine(db, ctx))


class Server:
    """The web app under uvicorn on a free loopback port, in a thread."""

    def __init__(self, app: App, routes: list[BaseRoute]) -> None:
        # IPPROTO_TCP, so asyncio sets TCP_NODELAY on the connections it accepts (with the
        # default protocol 0 it does not, and each keep-alive answer waits ~40 ms for an ACK).
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        web = build_web(app, routes)
        config = uvicorn.Config(web, log_level="warning", lifespan="off", access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=asyncio.run, args=(self.server.serve(sockets=[sock]),), daemon=True
        )
        self.thread.start()
        while not self.server.started:
            time.sleep(0.01)

    def close(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def timings(client: httpx.Client, path: str) -> list[float]:
    for _ in range(WARM_UP):
        client.get(path).raise_for_status()
    out = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get(path)
        out.append(time.perf_counter() - started)
        response.raise_for_status()
    return out


def in_process(app: App) -> list[float]:
    """The town page's reads and template alone, called directly (no HTTP, no thread hop)."""
    from starlette.requests import Request

    from bot.web.public import town_html

    scope = {"type": "http", "method": "GET", "path": "/", "query_string": b"", "headers": []}
    request = Request(scope)
    for _ in range(WARM_UP):
        town_html(app, request)
    out = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        town_html(app, request)
        out.append(time.perf_counter() - started)
    return out


def first_paint_bytes(client: httpx.Client, html: str) -> tuple[int, int, int]:
    """The page, plus every picture and style sheet it loads eagerly: (bytes, files, lazy)."""
    total, files, lazy = len(html.encode()), 1, 0
    for tag in re.findall(r"<img\b[^>]*>", html):
        if 'loading="lazy"' in tag:
            lazy += 1
            continue
        src = re.search(r'src="([^"]+)"', tag)
        if src:
            total += len(client.get(src.group(1)).content)
            files += 1
    for href in re.findall(r'<link rel="stylesheet" href="([^"]+)"', html):
        total += len(client.get(href).content)
        files += 1
    return total, files, lazy


def main(full: bool, workdir: Path) -> list[Figure]:
    say("\n== Public town page (SQLite, demo town) ==")
    app = demo_app(workdir)
    static = workdir / "pages-static"
    static.mkdir(exist_ok=True)
    server = Server(app, [Mount("/static", StaticFiles(directory=static))])
    try:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            html = client.get("/").text
            (static / "town.html").write_text(html)
            town = timings(client, "/")
            baseline = timings(client, "/static/town.html")
            size, files, lazy = first_paint_bytes(client, html)
        direct = in_process(app)
    finally:
        server.close()
        app.db.dispose()
    p95, base95 = percentile(town, 95), percentile(baseline, 95)
    say(f"  {REQUESTS} requests each, one keep-alive client, after {WARM_UP} to warm up")
    return [
        figure("pages", "town page p50", ms(percentile(town, 50))),
        figure("pages", "town page p95", ms(p95), "< 50 ms", p95 < GOAL_P95),
        figure("pages", "static file baseline p95 (same bytes)", ms(base95)),
        figure("pages", "reads + template alone, no HTTP, p95", ms(percentile(direct, 95))),
        figure("pages", "town page p95 / static p95", f"{p95 / base95:.1f}x"),
        figure("pages", "HTML size", f"{len(html.encode()) / 1024:.1f} KB"),
        figure(
            "pages",
            f"first paint: HTML + {files - 1} eager pictures ({lazy} lazy)",
            f"{size / 1024:.1f} KB",
            "< 200 KB",
            size < GOAL_BYTES,
        ),
    ]
