"""Real `vitrine run --role web|worker` processes on one database, against the Telegram
stand-in: the updates go to the web processes' webhooks by hand, as a load balancer would."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from tests.fakes.telegram import SECRET
from tests.fakes.telegram_standin import TelegramStandIn

ROOT = Path(__file__).resolve().parents[2]  # the project: `python -m bot.cli` runs from there


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Fleet:
    """Web and worker processes; `stop()` ends them (and only them)."""

    def __init__(
        self,
        tg: TelegramStandIn,
        db_url: str,
        folder: Path,
        notifications: dict[str, Any],
        env: dict[str, str] | None = None,
    ) -> None:
        self.env = {**os.environ, **(env or {})}
        self.tg = tg
        self.db_url = db_url
        self.folder = folder
        self.notifications = notifications
        self.processes: list[subprocess.Popen[bytes]] = []
        self.web_urls: list[str] = []
        self.media_root = folder / "media"

    def _config(self, name: str, port: int) -> Path:
        notifications = "\n".join(f"{k} = {json.dumps(v)}" for k, v in self.notifications.items())
        text = f"""
[database]
url = "{self.db_url}"
[telegram]
token = "{self.tg.token}"
mode = "webhook"
webhook_secret = "{SECRET}"
api_base_url = "{self.tg.base_url}"
api_file_url = "{self.tg.file_url}"
[web]
host = "127.0.0.1"
port = {port}
public_url = "http://127.0.0.1:{port}"
[media]
root = "{self.media_root}"
[notifications]
{notifications}
"""
        path = self.folder / f"{name}.toml"
        path.write_text(text)
        return path

    def start(self, role: str, name: str, *flags: str) -> None:
        """`vitrine [flags] run --role <role>`; a web process is up once /healthz answers."""
        port = free_port()
        config = self._config(name, port)
        log = open(self.folder / f"{name}.log", "wb")  # noqa: SIM115 - kept for the process
        command = [sys.executable, "-m", "bot.cli", "--config", str(config), *flags]
        command += ["run", "--role", role]
        self.processes.append(
            subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        )
        if role == "web":
            url = f"http://127.0.0.1:{port}"
            self._wait_healthy(url, name)
            self.web_urls.append(url)

    def _wait_healthy(self, url: str, name: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if self.processes[-1].poll() is not None:
                break
            time.sleep(0.2)
        raise AssertionError(f"{name} never came up: {self.log(name)}")

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(errors="replace")[-3000:]

    def post(self, web: int, update: dict[str, Any]) -> int:
        """POST one update to web process `web` (as Telegram through a load balancer)."""
        headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET}
        url = f"{self.web_urls[web % len(self.web_urls)]}/telegram/webhook"
        request = urllib.request.Request(url, json.dumps(update).encode(), headers)
        with urllib.request.urlopen(request, timeout=20) as answer:
            return int(answer.status)

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)


class Person:
    """One Telegram user typing to whichever web process the load balancer picks."""

    def __init__(self, fleet: Fleet, chat_id: int, name: str) -> None:
        self.fleet = fleet
        self.tg = fleet.tg
        self.chat_id = chat_id
        self.name = name
        self.turns = 0
        self.tg.known_chats.add(chat_id)

    def _update(self, **content: Any) -> dict[str, Any]:
        with self.tg.cond:
            update_id = next(self.tg._ids)
        message = self.tg._message(self.chat_id, "fr", self.name, **content)
        return {"update_id": update_id, "message": message}

    def say(self, text: str, timeout: float = 30) -> str:
        """Type `text`; the bot's answer (every message it sends until it is quiet)."""
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            length = len(text.split()[0])
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        before = len(self.tg.chat_log(self.chat_id))
        self.fleet.post(self.turns, self._update(**content))  # turn by turn, web 0, 1, 0, ...
        self.turns += 1
        return self.answer(before, timeout)

    def tap(self, screen: str, word: str) -> str:
        """Type the number of the last button whose label holds `word` (as a person would)."""
        labels = [line[1:-1] for line in screen.split("\n") if line.startswith("[")]
        number = max(n for n, label in enumerate(labels, 1) if word in label)
        return self.say(str(number))

    def answer(self, before: int, timeout: float = 30, quiet: float = 0.6) -> str:
        deadline = time.monotonic() + timeout
        seen, since = before, time.monotonic()
        while time.monotonic() < deadline:
            count = len(self.tg.chat_log(self.chat_id))
            if count != seen:
                seen, since = count, time.monotonic()
            elif count > before and time.monotonic() - since >= quiet:
                break
            time.sleep(0.05)
        return "\n".join(screen(m) for m in self.tg.chat_log(self.chat_id)[before:])


def screen(message: dict[str, Any]) -> str:
    """A message as the person reads it: its text, then its buttons."""
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    buttons = [f"[{b['text']}]" for row in rows for b in row]
    return "\n".join([message.get("text") or message.get("caption") or "", *buttons])


def scrape(url: str) -> dict[str, float]:
    """`GET /metrics`, as Prometheus reads it: sample name with labels -> value."""
    from prometheus_client.parser import text_string_to_metric_families

    with urllib.request.urlopen(f"{url}/metrics", timeout=20) as answer:
        text = answer.read().decode()
    samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = ",".join(f'{k}="{v}"' for k, v in sorted(sample.labels.items()))
            samples[f"{sample.name}{{{labels}}}"] = sample.value
    return samples
