"""Runs the real Telegram channel against the stand-in: its own event loop in a thread, and in
webhook mode a real uvicorn serving the Starlette app on a free loopback port."""

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from typing import Any

import pytest
import uvicorn

from bot.app import App
from bot.channels.telegram import TelegramChannel
from bot.config import Config, TelegramConfig, WebConfig
from bot.web import build_web
from handlers.engine import Engine
from tests.fakes.telegram_standin import TelegramStandIn

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
        self, tg: TelegramStandIn, engine: Engine, mode: str, token: str = "",
        provider_token: str = "", **options: Any,
    ) -> None:  # fmt: skip
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
                payment_provider_token=provider_token,
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


class RunningVitrine:
    """`vitrine run` itself (bot.runner.serve_async) against the stand-in: the web server,
    the Telegram channel and the notifications dispatcher in one loop, as in production."""

    def __init__(self, tg: TelegramStandIn, engine: Engine, mode: str, monkeypatch: Any) -> None:
        from bot import runner

        self.tg = tg
        # `vitrine run` binds the configured port itself. A port probed then freed could be
        # taken by another process meanwhile (the machine runs other suites), so the probe keeps
        # it until the test ends: bound but not listening, with SO_REUSEADDR like the server's,
        # it lets only the server's own bind through.
        self.probe = socket.socket()
        self.probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.probe.bind(("127.0.0.1", 0))
        self.port = self.probe.getsockname()[1]
        config = Config(
            telegram=TelegramConfig(
                token=tg.token,
                mode=mode,
                webhook_secret=SECRET,
                api_base_url=tg.base_url,
                api_file_url=tg.file_url,
            ),
            web=WebConfig(port=self.port, public_url=f"http://127.0.0.1:{self.port}"),
        )
        self.app = App(
            config=config, db=engine.db, media=engine.ctx.media, ctx=engine.ctx, engine=engine
        )
        made: list[TelegramChannel] = []  # the channel `vitrine run` builds from the registry
        original = runner.enabled_channels
        monkeypatch.setattr(
            runner, "enabled_channels", lambda app: made.extend(original(app)) or list(made)
        )
        self.loop = BotLoop()
        self.stop_event = self.loop.run(_event())
        self.running = asyncio.run_coroutine_threadsafe(
            runner.serve_async(self.app, self.stop_event), self.loop.loop
        )
        deadline = time.monotonic() + 30
        while not tg.commands.get("en") or (mode == "webhook" and not tg.webhook):
            assert time.monotonic() < deadline and not self.running.done(), "vitrine run failed"
            time.sleep(0.02)
        self.channel = made[0]
        tg.settle = lambda: self.loop.run(self.channel.settled())

    def wait_for(self, condition: Callable[[], object], timeout: float = 10) -> None:
        """Wait until `condition()` holds: for what the bot sends on its own."""
        deadline = time.monotonic() + timeout
        while not condition():
            assert time.monotonic() < deadline, "never happened"
            time.sleep(0.02)

    def stop(self) -> None:
        self.loop.loop.call_soon_threadsafe(self.stop_event.set)
        self.running.result(10)
        self.loop.close()


async def _event() -> asyncio.Event:
    return asyncio.Event()


@pytest.fixture
def run_vitrine(
    tg: TelegramStandIn, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., RunningVitrine]]:
    """`run_vitrine("polling" | "webhook")`: `vitrine run` serving the stand-in."""
    running: list[RunningVitrine] = []

    def start(mode: str = "polling") -> RunningVitrine:
        running.append(RunningVitrine(tg, engine, mode, monkeypatch))
        return running[-1]

    yield start
    for vitrine in running:
        if not vitrine.running.done():
            vitrine.stop()
        vitrine.probe.close()


# For tests of the channel's own mechanics (rendering, faults, start/stop), where the database
# plays no part: SQLite only, to keep the suite quick. Anything that writes goes on both.
sqlite_only = pytest.mark.parametrize("db", ["sqlite"], indirect=True)
