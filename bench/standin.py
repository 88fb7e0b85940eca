"""A small Telegram Bot API stand-in with a scripted crowd, run in its own process.

`python -m bench.standin --port N` serves the Bot API methods a polling bot uses
(`/bot<token>/getUpdates`, `sendMessage`, `editMessageText`, ...) and a control endpoint:
`POST /control/run {"mode": "vitrine"|"echo", "users", "updates", "rate"}` plays customers at a
steady rate and answers, when done, with each update's reply latency: from the moment the
update is available to `getUpdates` to the moment the bot's first reply to that chat arrives,
both read on this process's clock.
"""

import argparse
import asyncio
import json
import random
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bench.script import Customer, crowd

BOT = {
    "id": 7000001,
    "is_bot": True,
    "first_name": "Vitrine",
    "username": "VitrineBenchBot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
REPLIES = ("send", "edit", "copy")


class World:
    """The updates waiting for the bot and what the bot answered."""

    def __init__(self, bot_url: str = "") -> None:
        self.bot_url = bot_url  # where bots find the Bot API
        self.queue: list[dict[str, Any]] = []
        self.arrived = asyncio.Event()
        self.update_id = 0
        self.message_id = 0
        self.polls = 0
        self.methods: Counter[str] = Counter()
        self.waiting: dict[int, float] = {}  # chat -> when its unanswered update was available
        self.latencies: list[float] = []
        self.overruns = 0  # a new update for a chat still waiting for its answer
        self.options: dict[int, list[str]] = {}  # chat -> actions of replies since its update
        self.messages: dict[tuple[int, str], dict[str, Any]] = {}  # (chat, action) -> message

    def push(self, chat: int, body: dict[str, Any]) -> None:
        self.update_id += 1
        self.queue.append({"update_id": self.update_id, **body})
        if chat in self.waiting:
            self.overruns += 1
        self.waiting[chat] = time.perf_counter()
        self.options[chat] = []
        self.arrived.set()

    def message(self, chat: int, params: dict[str, Any]) -> dict[str, Any]:
        """A sent (or edited) message as the Bot API returns it."""
        if "message_id" in params:
            message_id = int(params["message_id"])
        else:
            self.message_id += 1
            message_id = self.message_id
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat, "type": "private"},
            "from": BOT,
        }
        if "text" in params:
            message["text"] = str(params["text"])
        if "photo" in params:
            message["photo"] = [
                {
                    "file_id": f"photo-{message_id}",
                    "file_unique_id": f"u{message_id}",
                    "width": 640,
                    "height": 480,
                }
            ]
            message["caption"] = str(params.get("caption", ""))
        markup = params.get("reply_markup")
        if isinstance(markup, str):
            markup = json.loads(markup)
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup
            for row in markup["inline_keyboard"]:
                for button in row:
                    if "callback_data" in button:
                        self.options.setdefault(chat, []).append(button["callback_data"])
                        self.messages[(chat, button["callback_data"])] = message
        return message

    def replied(self, chat: int) -> None:
        started = self.waiting.pop(chat, None)
        if started is not None:
            self.latencies.append(time.perf_counter() - started)

    def actions(self, chat: int) -> list[str]:
        """The callback data of the bot's replies to this chat's last update."""
        return self.options.get(chat, [])

    def menu(self, chat: int, action: str) -> dict[str, Any]:
        """The bot's message whose keyboard holds `action`."""
        return self.messages.get((chat, action)) or self.message(chat, {"text": "…"})

    def next_message_id(self) -> int:
        self.message_id += 1
        return self.message_id

    def summary(self) -> dict[str, Any]:
        return {"methods": self.methods}


world: World
make_world: Callable[[], World]


async def params_of(request: Request) -> dict[str, Any]:
    if request.headers.get("content-type", "").startswith("application/json"):
        body = await request.body()
        return json.loads(body) if body else {}
    form = await request.form()
    return {key: value for key, value in form.items()}


async def get_updates(params: dict[str, Any]) -> list[dict[str, Any]]:
    """Long polling: confirm what the offset says was seen, wait for news up to `timeout`."""
    world.polls += 1
    offset = int(params.get("offset") or 0)
    world.queue = [u for u in world.queue if u["update_id"] >= offset]
    if not world.queue and float(params.get("timeout") or 0) > 0:
        world.arrived.clear()
        try:
            await asyncio.wait_for(world.arrived.wait(), float(params["timeout"]))
        except TimeoutError:
            pass
    return world.queue[: int(params.get("limit") or 100)]


async def bot_api(request: Request) -> JSONResponse:
    method = request.path_params["method"]
    params = await params_of(request)
    world.methods[method] += 1
    if method == "getUpdates":
        return JSONResponse({"ok": True, "result": await get_updates(params)})
    if method == "getMe":
        return JSONResponse({"ok": True, "result": BOT})
    if method.startswith(REPLIES) and "chat_id" in params:
        chat = int(params["chat_id"])
        result = world.message(chat, params)
        world.replied(chat)
        return JSONResponse({"ok": True, "result": result})
    return JSONResponse({"ok": True, "result": True})


def user(chat: int) -> dict[str, Any]:
    return {"id": chat, "is_bot": False, "first_name": f"Client {chat}", "language_code": "fr"}


def update_for(customer: Customer, mode: str, n: int, tally: Counter[str]) -> dict[str, Any]:
    chat = int(customer.ref)
    if mode == "echo":
        text, action = f"bonjour {n}", None
    else:
        customer.saw(world.actions(chat))
        text, action = customer.next(tally)
    if action is not None:
        return {
            "callback_query": {
                "id": f"q{n}",
                "from": user(chat),
                "chat_instance": str(chat),
                "data": action,
                "message": world.menu(chat, action),
            }
        }
    message = {
        "message_id": world.next_message_id(),
        "date": int(time.time()),
        "from": user(chat),
        "chat": {"id": chat, "type": "private", "first_name": f"Client {chat}"},
        "text": text,
    }
    if text and text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"message": message}


async def run(request: Request) -> JSONResponse:
    """Play `updates` updates from `users` customers at `rate` a second; report latencies.

    With `in_flight`, no more than that many updates wait for an answer at any time (the
    memory benchmark: as fast as the bot goes, never a backlog that would be a queue's size).
    """
    spec = await request.json()
    mode, rate = spec["mode"], float(spec["rate"])
    in_flight = int(spec.get("in_flight") or 1_000_000)
    world.latencies, world.overruns, world.waiting = [], 0, {}
    world.methods.clear()
    customers = crowd(int(spec["users"]), seed=int(spec.get("seed", 3)))
    rng = random.Random(1)
    tally: Counter[str] = Counter()
    loop = asyncio.get_running_loop()
    started = loop.time()
    order: list[Customer] = []
    for n in range(int(spec["updates"])):
        if not order:
            order = customers[:]
            rng.shuffle(order)
        customer = order.pop()
        delay = started + n / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        while len(world.waiting) >= in_flight:  # a closed loop: never more than this waiting
            await asyncio.sleep(0.002)
        world.push(int(customer.ref), update_for(customer, mode, n, tally))
    sent_for = loop.time() - started
    deadline = loop.time() + float(spec.get("grace", 10))
    while world.waiting and loop.time() < deadline:
        await asyncio.sleep(0.01)
    return JSONResponse(
        {
            "latencies": world.latencies,
            "unanswered": len(world.waiting),
            "overruns": world.overruns,
            "seconds": sent_for,
            "tally": tally,
            **world.summary(),
        }
    )


async def status(request: Request) -> JSONResponse:
    return JSONResponse({"polls": world.polls, "bot_url": world.bot_url})


async def reset(request: Request) -> JSONResponse:
    global world
    world = make_world()
    return JSONResponse({"ok": True})


def app(make: Callable[[], World]) -> Starlette:
    global world, make_world
    make_world = make
    world = make_world()
    return Starlette(
        routes=[
            Route("/bot{token}/{method}", bot_api, methods=["GET", "POST"]),
            Route("/control/run", run, methods=["POST"]),
            Route("/control/status", status),
            Route("/control/reset", reset, methods=["POST"]),
        ]
    )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--port", type=int, required=True)
    p.add_argument(
        "--tests",
        action="store_true",
        help="serve the Bot API with tests/fakes/telegram_standin.py (the project's stand-in)",
    )
    p.add_argument("--token", default="123:bench")
    args = p.parse_args()
    bot_url = f"http://127.0.0.1:{args.port}/bot"
    if args.tests:
        from bench.standin_tests import tests_world

        def make() -> World:
            return tests_world(args.token)
    else:

        def make() -> World:
            return World(bot_url)

    uvicorn.run(app(make), host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
