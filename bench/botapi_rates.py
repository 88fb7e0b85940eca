"""The Bot API as the rate stand-in (tests/fakes/rates.py) sees it, in a process of its own.

`/bot<token>/sendMessage` counts as one Telegram message, keyed by its text (the benchmark
writes a unique text in each outbox row), admitted or answered 429 as Telegram does over the
bot's rate and the chat's; `getMe` answers the bot (and counts the processes that started);
any other method answers true. `/stats` adds the time of every admitted message, for the most
sent in any one second. Used by bench/workers.py.
"""

import asyncio
import json
import time
from typing import Any
from urllib.parse import parse_qsl

from tests.fakes import rates
from tests.fakes.rates import Platform, RateStandin, answer_json

BOT = {"id": 7000001, "is_bot": True, "first_name": "Vitrine", "username": "VitrineBenchBot"}


class BotApiStandin(RateStandin):
    """RateStandin serving the Bot API (bench/botapi_rates.py) instead of `/<channel>/send`."""

    main_module = "bench.botapi_rates"

    @property
    def times(self) -> list[float]:
        return [float(t) for t in self.stats()["times"]]

    @property
    def started(self) -> int:
        """How many processes asked getMe (a PTB bot does on start)."""
        return int(self.stats()["count"].get("getMe", 0))


class BotApiPlatform(Platform):
    def __init__(self, per_second: dict[str, float], per_chat: dict[str, float]) -> None:
        super().__init__(per_second, per_chat)
        self.times: list[float] = []

    def bot_api(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if method == "getMe":
            self.count["getMe"] += 1
            return 200, {"ok": True, "result": BOT}
        if method != "sendMessage":
            return 200, {"ok": True, "result": True}
        chat, text = str(params.get("chat_id")), str(params.get("text"))
        now = time.monotonic()
        if not self.admit("telegram", chat, now):
            self.refused += 1
            return 429, {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 1",
                "parameters": {"retry_after": 1},
            }
        self.delivered[text] += 1
        self.count["telegram"] += 1
        self.first.setdefault("telegram", now)
        self.last["telegram"] = now
        self.times.append(now)
        message = {
            "message_id": self.count["telegram"],
            "date": int(time.time()),
            "chat": {"id": int(chat), "type": "private"},
            "from": BOT,
            "text": text,
        }
        return 200, {"ok": True, "result": message}

    def route(self, path: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if path.startswith("/bot"):
            return self.bot_api(path.rpartition("/")[2], params)
        status, answer = self.handle(path, params)
        if path == "/stats":
            answer["times"] = self.times
        return status, answer

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                request = await reader.readline()
                if not request:
                    break
                length, kind = 0, ""
                while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
                    name, _, value = line.decode().partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value)
                    elif name.strip().lower() == "content-type":
                        kind = value.strip()
                raw = await reader.readexactly(length) if length else b""
                path, _, query = request.split()[1].decode().partition("?")
                params: dict[str, Any] = dict(parse_qsl(query))
                if kind.startswith("application/json") and raw:
                    params.update(json.loads(raw))
                elif raw:
                    params.update(parse_qsl(raw.decode(), keep_blank_values=True))
                status, answer = self.route(path, params)
                await answer_json(writer, status, answer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()


def serve_main(config: str) -> None:
    """The stand-in process (tests/fakes/rates.serve_main with this platform)."""
    rates.serve_main(config, BotApiPlatform)
