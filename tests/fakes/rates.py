"""A loopback stand-in for a messaging platform that enforces a rate, as Telegram and Twilio do.

`POST /<channel>/send` with JSON `{"chat": ..., "id": ...}`: 200 and the message counts as
delivered, or 429 `{"retry_after": 1}` when the channel (or the chat) is over its rate: a
token bucket refilled at the rate that holds half a second's worth. The stand-in can only
time a request when it reads it: were it strict to the millisecond, a moment it spends
descheduled on a busy machine would bunch a well-paced client's requests into a "burst".
A client that bursts or runs over the rate is still refused within half a second.
`HttpSender` is the matching Sender, the way a channel adapter talks to its platform.
Used by the notifications tests and `python -m bench.notifications`.
"""

import asyncio
import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any, Self

import aiohttp
import httpx

from notifications.base import DeliveryError, Recipient

BURST_SECONDS = 0.5


class RateStandin:
    """The platform, in a process of its own like a server elsewhere (no shared GIL)."""

    main_module = "tests.fakes.rates"  # whose serve_main(config) the process runs

    def __init__(
        self, per_second: dict[str, float], per_chat: dict[str, float] | None = None
    ) -> None:
        self.per_second = per_second
        self.per_chat = per_chat or {}
        self.url = ""
        self._process: Any = None
        self._stats: dict[str, Any] | None = None

    def __enter__(self) -> Self:
        config = json.dumps({"per_second": self.per_second, "per_chat": self.per_chat})
        code = f"import sys; from {self.main_module} import serve_main; serve_main(sys.argv[1])"
        root = Path(__file__).resolve().parents[2]
        env = {**os.environ, "PYTHONPATH": str(root)}
        self._process = subprocess.Popen(
            [sys.executable, "-c", code, config], cwd=root, env=env, stdout=subprocess.PIPE
        )
        port = self._process.stdout.readline().strip()
        if not port:
            raise RuntimeError("the rate stand-in did not start")
        self.url = f"http://127.0.0.1:{int(port)}"
        return self

    def __exit__(self, *exc: object) -> None:
        self.stats()  # keep the figures before the server goes
        self._process.terminate()
        self._process.wait(10)
        self._process.stdout.close()

    @property
    def pid(self) -> int:
        return int(self._process.pid)

    def stats(self) -> dict[str, Any]:
        """What the platform saw: deliveries by message id, 429s, first/last per channel."""
        if self._stats is None or self._process.poll() is None:
            self._stats = httpx.get(f"{self.url}/stats", timeout=10).json()
        return self._stats

    @property
    def delivered(self) -> Counter[str]:
        return Counter(self.stats()["delivered"])

    @property
    def refused(self) -> int:
        return int(self.stats()["refused"])

    @property
    def count(self) -> Counter[str]:
        return Counter(self.stats()["count"])

    def rate(self, channel: str) -> float:
        """Messages a second the channel achieved, first delivery to last."""
        stats = self.stats()
        span = stats["last"].get(channel, 0.0) - stats["first"].get(channel, 0.0)
        return (stats["count"].get(channel, 0) - 1) / span if span > 0 else 0.0


def serve_main(config: str, kind: "type[Platform] | None" = None) -> None:
    """The stand-in process: prints its port, then serves until terminated."""
    limits = json.loads(config)
    platform = (kind or Platform)(limits["per_second"], limits["per_chat"])

    async def main() -> None:
        server = await asyncio.start_server(platform.serve, "127.0.0.1", 0, backlog=1024)
        print(server.sockets[0].getsockname()[1], flush=True)
        await server.serve_forever()

    asyncio.run(main())


async def answer_json(writer: asyncio.StreamWriter, status: int, answer: dict[str, Any]) -> None:
    """One HTTP/1.1 JSON answer on a kept-alive connection: 200, or 429 over the rate."""
    data = json.dumps(answer).encode()
    reason = "OK" if status == 200 else "Too Many Requests"
    writer.write(
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(data)}\r\n\r\n".encode()
        + data
    )
    await writer.drain()


class Platform:
    """The stand-in's state and HTTP handling (runs in the stand-in's process)."""

    def __init__(self, per_second: dict[str, float], per_chat: dict[str, float]) -> None:
        self.per_second = per_second
        self.per_chat = per_chat
        self.delivered: Counter[str] = Counter()  # message id -> times delivered
        self.refused = 0  # 429s answered
        self.first: dict[str, float] = {}
        self.last: dict[str, float] = {}
        self.count: Counter[str] = Counter()
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, when)

    def admit(self, channel: str, chat: str, now: float) -> bool:
        """May this message go now? Takes a token from the channel's and the chat's bucket."""
        rate = self.per_second.get(channel)
        if rate is not None and not self._take(channel, rate, now):
            return False
        chat_rate = self.per_chat.get(channel)
        if chat_rate is not None and not self._take(f"{channel}:{chat}", chat_rate, now):
            if rate is not None:
                self._buckets[channel] = (self._buckets[channel][0] + 1, now)  # give it back
            return False
        return True

    def _take(self, key: str, rate: float, now: float) -> bool:
        capacity = max(1.0, rate * BURST_SECONDS)
        tokens, then = self._buckets.get(key, (capacity, now))
        tokens = min(capacity, tokens + (now - then) * rate)
        if tokens < 1.0:
            self._buckets[key] = (tokens, now)
            return False
        self._buckets[key] = (tokens - 1.0, now)
        return True

    def handle(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if path == "/stats":
            return 200, {
                "delivered": self.delivered, "refused": self.refused, "count": self.count,
                "first": self.first, "last": self.last,
            }  # fmt: skip
        channel = path.strip("/").split("/")[0]
        now = time.monotonic()
        if not self.admit(channel, str(body.get("chat")), now):
            self.refused += 1
            return 429, {"ok": False, "retry_after": 1}
        self.delivered[str(body.get("id"))] += 1
        self.count[channel] += 1
        self.first.setdefault(channel, now)
        self.last[channel] = now
        return 200, {"ok": True}

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                request = await reader.readline()
                if not request:
                    break
                length = 0
                while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
                    name, _, value = line.decode().partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value)
                body = json.loads(await reader.readexactly(length)) if length else {}
                status, answer = self.handle(request.split()[1].decode(), body)
                await answer_json(writer, status, answer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()


class HttpSender:
    """A channel adapter's Sender, posting to the stand-in (aiohttp: httpx's connection pool
    tops out near 150 requests/s on loopback, below the rates measured here)."""

    def __init__(self, channel: str, base_url: str, connections: int = 64) -> None:
        self.channel = channel
        self.base_url = base_url
        self.connections = connections
        self.session: aiohttp.ClientSession | None = None
        self.answered_429 = 0

    async def deliver(self, recipient: Recipient, kind: str, payload: dict[str, Any]) -> None:
        if self.session is None:
            self.session = aiohttp.ClientSession(
                base_url=self.base_url,
                connector=aiohttp.TCPConnector(limit=self.connections),
                timeout=aiohttp.ClientTimeout(total=10),
            )
        body = {"chat": recipient.channel_ref, "id": payload["variables"].get("id"), "kind": kind}
        try:
            async with self.session.post(f"/{self.channel}/send", json=body) as response:
                answer = await response.json()
                status = response.status
        except aiohttp.ClientError as exc:
            raise DeliveryError(f"{self.channel}: {exc!r}") from exc
        if status == 429:
            self.answered_429 += 1
            raise DeliveryError("429 Too Many Requests", retry_after=answer["retry_after"])
        if status == 403:
            raise DeliveryError("403 blocked", permanent=True)
        if status >= 400:
            raise DeliveryError(f"HTTP {status}")

    async def close(self) -> None:
        if self.session is not None:
            await self.session.close()
