"""Runs the real Telegram channel against the stand-in: its own event loop in a thread, and in
webhook mode a real uvicorn serving the Starlette app on a free loopback port."""

import asyncio
import socket
import threading
from collections.abc import Callable, Coroutine, Iterator
from typing import Any

import pytest
import uvicorn

from bot.app import App
from bot.channels.telegram import TelegramChannel
from bot.config import Config, TelegramConfig, WebConfig
from bot.web import build_web
from handlers.engine import Engine
from tests.telegram_standin import TelegramStandIn

SECRET = "s3cret-webhook-token"


class BotLoop:
    """An asyncio loop in its own thread, as `vitrine run` has in the main one."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coro: Coroutine[Any, Any, Any], timeout: float = 30) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()


class RunningBot:
    """The channel started in `mode`, talking to the stand-in; `stop()` shuts it down."""

    def __init__(
        self, tg: TelegramStandIn, engine: Engine, mode: str, token: str = "", **options: Any
    ) -> None:
        self.tg = tg
        self.engine = engine
        self.mode = mode
        self.loop = BotLoop()
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        port = self.sock.getsockname()[1]
        config = Config(
            telegram=TelegramConfig(
                token=token or tg.token,
                mode=mode,
                webhook_secret=SECRET,
                api_base_url=tg.base_url,
                api_file_url=tg.file_url,
            ),
            web=WebConfig(host="127.0.0.1", port=port, public_url=f"http://127.0.0.1:{port}"),
        )
        self.app = App(
            config=config, db=engine.db, media=engine.ctx.media, ctx=engine.ctx, engine=engine
        )
        self.channel = TelegramChannel(self.app, backoff=0.05, **options)
        self.web = build_web(self.app, self.channel.routes())
        self.server: uvicorn.Server | None = None
        if mode == "webhook":
            self.server = uvicorn.Server(
                uvicorn.Config(self.web, log_level="warning", lifespan="off")
            )
            self.serving = asyncio.run_coroutine_threadsafe(
                self.server.serve(sockets=[self.sock]), self.loop.loop
            )
            self.loop.run(self._listening())
        self.loop.run(self.channel.start())
        tg.settle = self.settle

    async def _listening(self) -> None:
        assert self.server
        while not self.server.started:
            await asyncio.sleep(0.01)

    @property
    def public_url(self) -> str:
        return self.app.config.web.public_url

    def settle(self) -> None:
        self.loop.run(self.channel.settled())

    def stop(self) -> None:
        self.loop.run(self.channel.stop())
        if self.server:
            self.server.should_exit = True
            self.serving.result(10)
        self.sock.close()
        self.loop.close()


@pytest.fixture
def tg() -> Iterator[TelegramStandIn]:
    """The Telegram Bot API stand-in, and the people on it."""
    standin = TelegramStandIn().start()
    yield standin
    standin.close()


@pytest.fixture
def start_bot(tg: TelegramStandIn, engine: Engine) -> Iterator[Callable[..., RunningBot]]:
    """`start_bot("polling" | "webhook")`: the channel running against the stand-in."""
    running: list[RunningBot] = []

    def start(mode: str = "polling", **options: Any) -> RunningBot:
        bot = RunningBot(tg, engine, mode, **options)
        running.append(bot)
        return bot

    yield start
    for bot in running:
        bot.stop()
