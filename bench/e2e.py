"""Cost per update end to end: Vitrine polling a Telegram stand-in, against a bare echo bot.

Three processes: the stand-in (it plays the customers and times the replies), then each bot in
turn. Both bots answer the same number of updates at the same steady rate on the same
stand-in; the CPU time each bot's process spends meanwhile (user + system, from /proc) divided
by the updates is its cost per update. Everything else on the machine slows the wall clock,
not these CPU seconds, so their ratio is the figure to compare.
"""

import importlib.util
import os
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from bench import Figure, figure, ms, percentile, say
from bench.core import demo_engine
from bench.script import describe

RATE = 100  # updates per second
GOAL_RATIO = 1.5
GOAL_P99 = 0.050
TICK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far, all its threads."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def rss_mb(pid: int, field: str = "VmHWM") -> float:
    """The process's peak (VmHWM) or current (VmRSS) resident memory."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def project_standin() -> bool:
    """Whether tests/fakes/telegram_standin.py (the channel tests' stand-in) is in this tree."""
    return importlib.util.find_spec("tests.fakes.telegram_standin") is not None


class StandIn:
    """The stand-in's process and its control endpoint."""

    def __init__(self, project: bool = False) -> None:
        self.port = free_port()
        flags = ["--tests"] if project else []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.standin", "--port", str(self.port), *flags]
        )
        self.url = f"http://127.0.0.1:{self.port}"
        self.wait(lambda: httpx.get(f"{self.url}/control/status").status_code == 200, 20)
        self.bot_url = httpx.get(f"{self.url}/control/status").json()["bot_url"]

    @staticmethod
    def wait(ready: Any, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                if ready():
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise TimeoutError("the stand-in or the bot did not start")

    def polled(self) -> bool:
        return httpx.get(f"{self.url}/control/status").json()["polls"] > 0

    def reset(self) -> None:
        httpx.post(f"{self.url}/control/reset")

    def run(self, **spec: Any) -> dict[str, Any]:
        return httpx.post(f"{self.url}/control/run", json=spec, timeout=600).json()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


def vitrine_command(standin: StandIn, database: str, town: str, workdir: Path) -> list[str]:
    """`vitrine run` on the stand-in when the Telegram channel is in main, else our adapter."""
    if importlib.util.find_spec("bot.channels.telegram") is None:
        return [
            sys.executable,
            "-m",
            "bench.vitrine_bot",
            "--base-url",
            standin.bot_url,
            "--database",
            database,
            "--town",
            town,
            "--max-rate",
            "0",
        ]
    config = workdir / "e2e-config.toml"
    config.write_text(
        f'[database]\nurl = "{database}"\n\n'
        f'[telegram]\ntoken = "123:bench"\nmode = "polling"\napi_base_url = "{standin.bot_url}"\n\n'
        f'[web]\nport = {free_port()}\n\n[town]\nname = "{town}"\n\n'
        f'[media]\nroot = "{workdir / "media"}"\n'
    )
    return [sys.executable, "-m", "bench.vitrine_real", "run", "--config", str(config)]


def serve(
    standin: StandIn, command: list[str], log: Path, runs: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Start a bot, wait for its first poll, play each run, stop it; CPU and RSS per run."""
    standin.reset()
    with log.open("wb") as out:
        bot = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    results = []
    try:
        standin.wait(lambda: bot.poll() is None and standin.polled(), 120)
        time.sleep(0.5)  # let start-up work (webhook removal, commands) finish
        for spec in runs:
            cpu = cpu_seconds(bot.pid)
            rss_before = rss_mb(bot.pid, "VmRSS")
            result = standin.run(**spec)
            result["cpu"] = cpu_seconds(bot.pid) - cpu
            result["rss_before_mb"] = rss_before
            result["peak_rss_mb"] = rss_mb(bot.pid)
            result["updates"] = spec["updates"]
            results.append(result)
    finally:
        bot.terminate()
        try:
            bot.wait(15)
        except subprocess.TimeoutExpired:
            bot.kill()
            bot.wait()
    return results


def report(name: str, result: dict[str, Any]) -> None:
    """What was played and answered (the bot's own output is in var/bench/e2e-*.log)."""
    lat, updates = result["latencies"], result["updates"]
    say(
        f"  {name}: {len(lat)} of {updates} updates answered in {result['seconds']:.1f} s "
        f"(+ {result['unanswered']} unanswered, {result['overruns']} overruns), "
        f"{result['cpu']:.2f} CPU s, RSS {result['rss_before_mb']:.0f} MB before, "
        f"{result['peak_rss_mb']:.0f} MB peak"
    )
    if result.get("tally"):
        say(f"    mix: {describe(Counter(result['tally']))}")
    say(
        f"    Bot API calls: {describe(Counter(result['methods']))}"
        + (f"; {result['refused']} refused by the stand-in" if "refused" in result else "")
    )


def main(full: bool, workdir: Path, project: bool = False) -> list[Figure]:
    say(f"\n== Cost per update, end to end (Telegram stand-in, polling, {RATE} updates/s) ==")
    if importlib.util.find_spec("bot.channels.telegram") is None:
        say(
            "  bot/channels/telegram.py is not in main yet: Vitrine runs behind "
            "bench/vitrine_bot.py, a plain PTB adapter around the real engine and database"
        )
    say(
        "  the stand-in sets no flood limit and the bots none of their own (bench/vitrine_real.py"
        " lifts the channel's): on Telegram, 30 messages/s for the whole bot would queue "
        "replies above ~20 updates/s of this mix"
    )
    database = workdir / "e2e.db"
    for leftover in workdir.glob(database.name + "*"):
        leftover.unlink()
    if project and not project_standin():
        say("  tests/fakes/telegram_standin.py is not in this tree: using bench/standin.py")
        project = False
    # The channel tests' stand-in checks every call against the published spec (Vitrine's
    # calls all pass), but it serves a request per thread: on a small shared machine it
    # cannot keep a steady 100 updates/s even for the echo bot, so it is not the default.
    say(
        "  Bot API served by "
        + (
            "tests/fakes/telegram_standin.py (the channel tests' stand-in)"
            if project
            else "bench/standin.py (asyncio; --project-standin for tests/fakes/telegram_standin.py)"
        )
    )
    # The demo town, restocked as the core benchmark has it (`vitrine run` finds it loaded).
    demo_engine(f"sqlite:///{database}", workdir).db.dispose()
    standin = StandIn(project)
    # The cost: a closed loop (8 updates waiting at most), so the mix is played as written
    # whatever the machine's speed. The latency: a steady 100 updates/s, as the issue asks.
    cost = {"users": 200, "updates": 2_000, "rate": 1_000, "in_flight": 8}
    steady = {"users": 200, "updates": 2_000 if full else 1_000, "rate": RATE}
    calm = {"users": 100, "updates": 600, "rate": 20}
    try:
        echo_cost, echo = serve(
            standin,
            [sys.executable, "-m", "bench.echo_bot", "--base-url", standin.bot_url],
            workdir / "e2e-echo.log",
            [{"mode": "echo", **cost}, {"mode": "echo", **steady}],
        )
        report("echo bot, closed loop", echo_cost)
        report(f"echo bot at {RATE}/s", echo)
        command = vitrine_command(standin, f"sqlite:///{database}", "Nogent-le-Rotrou", workdir)
        # The run that saturates the bot comes last: its backlog would delay the next one.
        runs = [cost, calm, steady] if full else [cost, steady]
        found = serve(
            standin,
            command,
            workdir / "e2e-vitrine.log",
            [{"mode": "vitrine", **run} for run in runs],
        )
        names = ["closed loop", *(["at 20/s"] if full else []), f"at {RATE}/s"]
        for name, result in zip(names, found, strict=True):
            report(f"Vitrine, {name}", result)
        vitrine_cost, vitrine = found[0], found[-1]
        alone: dict[str, Any] = {"cpu": 0.0}
        if full:  # where the time goes: the PTB adapter alone, every update answered one menu
            stub = [
                sys.executable,
                "-m",
                "bench.vitrine_bot",
                "--base-url",
                standin.bot_url,
                "--database",
                f"sqlite:///{database}",
                "--max-rate",
                "0",
                "--stub-engine",
            ]
            (alone,) = serve(standin, stub, workdir / "e2e-stub.log", [{"mode": "vitrine", **cost}])
            report("PTB adapter with a stub engine (no database), closed loop", alone)
    finally:
        standin.stop()
    echo_per, per = echo_cost["cpu"] / cost["updates"], vitrine_cost["cpu"] / cost["updates"]
    ratio = per / echo_per if echo_per else float("inf")
    p99 = percentile(vitrine["latencies"], 99)
    return [
        figure("e2e", "echo bot CPU per update", ms(echo_per)),
        figure("e2e", "Vitrine CPU per update", ms(per)),
        figure(
            "e2e",
            "Vitrine / echo bot CPU per update",
            f"{ratio:.2f}x",
            "<= 1.5x",
            ratio <= GOAL_RATIO,
        ),
        figure(
            "e2e", f"echo bot reply latency p50 at {RATE}/s", ms(percentile(echo["latencies"], 50))
        ),
        figure(
            "e2e", f"echo bot reply latency p99 at {RATE}/s", ms(percentile(echo["latencies"], 99))
        ),
        figure(
            "e2e",
            f"Vitrine reply latency p50 at {RATE}/s",
            ms(percentile(vitrine["latencies"], 50)),
        ),
        figure(
            "e2e",
            f"Vitrine reply latency p99 at {RATE}/s",
            ms(p99),
            "<= 50 ms",
            p99 <= GOAL_P99 and not vitrine["unanswered"],
        ),
    ] + (
        [
            figure(
                "e2e",
                "PTB adapter, stub engine: CPU per update",
                ms(alone["cpu"] / cost["updates"]),
            ),
            figure(
                "e2e",
                "Vitrine reply latency p50 at 20/s",
                ms(percentile(found[1]["latencies"], 50)),
            ),
            figure(
                "e2e",
                "Vitrine reply latency p99 at 20/s",
                ms(percentile(found[1]["latencies"], 99)),
            ),
        ]
        if full
        else []
    )
