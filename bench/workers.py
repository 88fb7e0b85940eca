"""Benchmark: the outbox drained by 1, 2 and 4 `vitrine run --role worker` processes.

On a private PostgreSQL database, ROWS notifications (outbox rows, one per Telegram chat,
the chats spread over TOWNS towns) are written due now; then 1, 2 and 4 real worker
processes (`python -m bot.cli --config ... run --role worker`, as tests/fakes/processes.py
starts them) deliver them to a Bot API stand-in in a process of its own
(bench/botapi_rates.py), which answers 429 over its rate and counts every message by its
text: duplicates and lost are its count. The rate limits are shared through Redis (else
PostgreSQL), with the bot's rate set to HIGH a second so that the limiter is not what is
measured (the chat's stays Telegram's 1/s: each chat gets one message). Prints, side by
side, messages delivered a second (first delivery to last, as the stand-in timed them) and
the workers' CPU-seconds a message (/proc/<pid>/stat), with the ratio to one worker; beside
them the CPU of the PostgreSQL backends serving the workers, the stand-in's, and how busy
the whole machine was (every process, other sessions' too: on 2 CPUs, what caps scaling).
Then one run at the real limits (30/s per bot, 1/s per chat) with the most workers: the
combined rate the stand-in saw, the most in any one second, and its 429s.

`python -m bench.workers [--pg URL] [--rows N] [--workers 1 2 4]`, or `python -m bench --only
workers`.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text
from sqlmodel import func, select

from bench import Figure, admin_pg_url, private_pg, say
from bench.botapi_rates import BotApiStandin
from bot import wakeup
from bot.config import NotificationsConfig
from store import migrate
from store.db import Database
from store.models import Outbox, User
from store.towns import add_town
from store.types import utcnow

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "123456:BENCH-workers"
ROWS = 3000
FULL_ROWS = 12_000
REAL_ROWS = 600  # 20 s at 30/s
TOWNS = 4
HIGH = 100_000.0  # the bot's rate for the throughput runs: far above what 4 workers reach
REAL = 30.0  # Telegram's, per bot
PER_CHAT = 1.0  # Telegram's, per chat
REDIS_URL = os.environ.get("VITRINE_BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
TICK = os.sysconf("SC_CLK_TCK")
# Rows each worker has in flight: the config's default unless $VITRINE_BENCH_IN_FLIGHT says.
IN_FLIGHT = int(os.environ.get("VITRINE_BENCH_IN_FLIGHT") or NotificationsConfig().max_in_flight)


@dataclass
class Run:
    workers: int
    rows: int
    delivered: int
    seconds: float  # first delivery to last
    wall: float  # rows written to all sent
    cpu: float  # the workers' CPU-seconds
    standin_cpu: float  # the stand-in's
    pg_cpu: float  # the PostgreSQL backends serving the workers
    busy: float  # the whole machine's CPUs in use, on average (every process, other sessions')
    duplicates: int
    lost: int
    refused: int
    busiest_second: int

    @property
    def rate(self) -> float:
        return (self.delivered - 1) / self.seconds if self.seconds > 0 else 0.0

    @property
    def cpu_ms(self) -> float:
        return self.cpu / max(1, self.delivered) * 1000


def cpu_seconds(pid: int) -> float:
    """User + system CPU of one process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime (fields 14, 15)


def machine_busy() -> float:
    """CPU-seconds every CPU of the machine spent not idle so far (all processes)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / TICK  # less idle and iowait


def backends(db: Database) -> dict[int, float]:
    """CPU-seconds so far of each PostgreSQL backend serving this database (the workers')."""
    with db.engine.connect() as conn:
        pids = conn.execute(
            text("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                 "AND pid <> pg_backend_pid()")
        ).scalars().all()  # fmt: skip
    found = {}
    for pid in pids:
        try:
            found[int(pid)] = cpu_seconds(int(pid))
        except OSError:  # gone meanwhile
            pass
    return found


def redis_up(url: str) -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_timeout=1).ping())
    except Exception:  # noqa: BLE001 - any trouble: not there
        return False


def chats(db: Database, rows: int, towns: int) -> list[int]:
    """`towns` towns, `rows` Telegram users spread over them; their user ids."""

    def work(session: Any) -> list[int]:
        made = [
            add_town(session=session, name=f"Bourg {n}", postcodes=[f"{10 + n}000"])[0]
            for n in range(towns)
        ]
        now = utcnow()
        users = [
            {
                "channel": "telegram",
                "channel_ref": str(100_000 + i),
                "created_at": now,
                "town_id": made[i % towns].id,
            }
            for i in range(rows)
        ]
        session.execute(insert(User), users)
        return list(session.exec(select(User.id).order_by(User.id)).all())  # type: ignore[arg-type]

    return db.run(work)


def queue(db: Database, users: list[int], tag: str) -> None:
    """One message due now for each user, its text unique (the stand-in counts by it)."""
    now = utcnow() - timedelta(seconds=1)
    rows = [
        {
            "user_id": user_id,
            "kind": "visit_live",
            "essential": True,
            "due_at": now,
            "status": "pending",
            "attempts": 0,
            "last_error": "",
            "created_at": now,
            "quiet_hours": False,
            "payload": {"replies": [{"text": f"{tag} {i}", "options": []}], "variables": {}},
        }
        for i, user_id in enumerate(users)
    ]
    with db.session() as session:
        session.execute(insert(Outbox), rows)
        session.commit()
    wakeup.Announcer(db).announce()


def left(db: Database) -> int:
    with db.session() as session:
        waiting = select(func.count()).where(Outbox.status.in_(("pending", "sending")))  # type: ignore[attr-defined]
        return int(session.exec(waiting).one())


def config(folder: Path, name: str, url: str, api: str, rate: float, shared: str) -> Path:
    notifications = {
        "telegram_per_second": rate,
        "telegram_per_chat_per_second": PER_CHAT,
        "shared_limits": shared,
        "redis_url": REDIS_URL if shared == "redis" else "",
        "quiet_hours": "",
        "poll_seconds": 1.0,
        "max_in_flight": IN_FLIGHT,
    }
    lines = "\n".join(f"{k} = {json.dumps(v)}" for k, v in notifications.items())
    path = folder / f"{name}.toml"
    path.write_text(f"""
[database]
url = "{url}"
[telegram]
token = "{TOKEN}"
mode = "polling"
api_base_url = "{api}/bot"
api_file_url = "{api}/file/bot"
[media]
root = "{folder / "media"}"
[notifications]
{lines}
""")
    return path


def most_in_a_second(times: list[float]) -> int:
    times = sorted(times)
    best, start = 0, 0
    for end, t in enumerate(times):
        while times[start] <= t - 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


def run_once(
    url: str, users: list[int], workers: int, rate: float, shared: str, tag: str, folder: Path
) -> Run:
    """`workers` worker processes drain one message per user through the stand-in."""
    db = Database(url)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        with BotApiStandin({"telegram": rate}, {"telegram": PER_CHAT}) as standin:
            for n in range(workers):
                path = config(folder, f"{tag}-{n}", url, standin.url, rate, shared)
                log = open(folder / f"{tag}-{n}.log", "wb")  # noqa: SIM115 - the child's
                command = [sys.executable, "-m", "bot.cli", "--config", str(path)]
                processes.append(
                    subprocess.Popen(
                        [*command, "run", "--role", "worker"],
                        cwd=ROOT,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                    )
                )
            deadline = time.monotonic() + 120
            while standin.started < workers:  # each asks getMe once its bot is built
                if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
                    logs = (folder / f"{tag}-{n}.log" for n in range(workers))
                    raise RuntimeError(
                        "a worker did not start: "
                        + "\n".join(p.read_text(errors="replace")[-2000:] for p in logs)
                    )
                time.sleep(0.2)
            time.sleep(2.0)  # the dispatcher and its LISTEN come up after getMe
            before = [cpu_seconds(p.pid) for p in processes]
            standin_before, busy_before = cpu_seconds(standin.pid), machine_busy()
            pg_before = backends(db)
            started = time.monotonic()
            queue(db, users, tag)
            deadline = time.monotonic() + 600
            while left(db) and time.monotonic() < deadline:
                time.sleep(0.2)
            wall = time.monotonic() - started
            cpu = sum(cpu_seconds(p.pid) - b for p, b in zip(processes, before, strict=True))
            standin_cpu = cpu_seconds(standin.pid) - standin_before
            pg_cpu = sum(v - pg_before.get(pid, 0.0) for pid, v in backends(db).items())
            busy = (machine_busy() - busy_before) / wall
            stats = standin.stats()
            delivered = standin.delivered
            expected = {f"{tag} {i}" for i in range(len(users))}
            sent = stats["count"].get("telegram", 0)
            span = stats["last"].get("telegram", 0.0) - stats["first"].get("telegram", 0.0)
            return Run(
                workers=workers,
                rows=len(users),
                delivered=sent,
                seconds=span,
                wall=wall,
                cpu=cpu,
                standin_cpu=standin_cpu,
                pg_cpu=pg_cpu,
                busy=busy,
                duplicates=sum(n - 1 for n in delivered.values() if n > 1),
                lost=len(expected - set(delivered)),
                refused=standin.refused,
                busiest_second=most_in_a_second(standin.times),
            )
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
        db.dispose()


def run(
    server: str, rows: int = ROWS, counts: tuple[int, ...] = (1, 2, 4), real: bool = True
) -> dict[str, Any]:
    """The throughput runs, then the real-limits run; the runs by name."""
    shared = "redis" if redis_up(REDIS_URL) else "postgresql"
    found: dict[str, Any] = {"shared": shared}
    with private_pg(server, "workers") as url, tempfile.TemporaryDirectory() as tmp:
        db = Database(url)
        migrate.upgrade(db.engine)
        users = chats(db, rows, TOWNS)
        db.dispose()
        for workers in counts:
            found[f"high-{workers}"] = run_once(
                url, users, workers, HIGH, shared, f"high{workers}", Path(tmp)
            )
        if real:
            most = max(counts)
            found["real"] = run_once(url, users[:REAL_ROWS], most, REAL, shared, "real", Path(tmp))
    return found


def report(found: dict[str, Any], counts: tuple[int, ...]) -> list[Figure]:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    say(f"  shared limits: {found['shared']}; load average {load} on {os.cpu_count()} CPUs")
    base: Run = found[f"high-{counts[0]}"]
    say(
        f"  bot rate {HIGH:,.0f}/s (not the bottleneck), {PER_CHAT:g}/s per chat, "
        f"{base.rows} rows over {TOWNS} towns, {IN_FLIGHT} in flight per worker"
    )
    head = (
        "workers",
        "msg/s",
        "x 1",
        "CPU ms/msg",
        "x 1",
        "wall s",
        "dup",
        "lost",
        "429",
        "PG ms/msg",
        "stand-in CPU",
        "machine busy",
    )
    say(
        "  {:>7} {:>9} {:>6} {:>11} {:>6} {:>7} {:>4} {:>5} {:>5} {:>10} {:>13} {:>13}".format(
            *head
        )
    )
    figures = []
    for workers in counts:
        r: Run = found[f"high-{workers}"]
        say(
            f"  {workers:>7} {r.rate:>9.1f} {r.rate / base.rate:>5.2f}x {r.cpu_ms:>11.2f} "
            f"{r.cpu_ms / base.cpu_ms:>5.2f}x {r.wall:>7.1f} {r.duplicates:>4} {r.lost:>5} "
            f"{r.refused:>5} {r.pg_cpu / max(1, r.delivered) * 1000:>10.2f} "
            f"{r.standin_cpu:>11.1f} s {r.busy:>6.2f} of {os.cpu_count()}"
        )
        figures.append(
            Figure(
                "workers",
                f"{workers} worker(s): msg/s (x 1 worker)",
                f"{r.rate:.0f} ({r.rate / base.rate:.2f}x)",
            )
        )
        figures.append(
            Figure(
                "workers",
                f"{workers} worker(s): duplicates + lost",
                str(r.duplicates + r.lost),
                "0",
                r.duplicates + r.lost == 0,
            )
        )
    real: Run | None = found.get("real")
    if real is not None:
        say(
            f"  real limits, {real.workers} worker(s), {real.rows} rows: {real.rate:.1f}/s "
            f"combined, at most {real.busiest_second} in one second, {real.refused} 429s, "
            f"{real.duplicates} dup, {real.lost} lost"
        )
        ok = real.rate <= REAL and real.refused == 0
        figures.append(
            Figure(
                "workers",
                f"real limits, {real.workers} workers: rate/s",
                f"{real.rate:.1f}",
                f"<= {REAL:g}, 0 429s",
                ok,
            )
        )
        figures.append(
            Figure(
                "workers",
                "real limits: duplicates + lost",
                str(real.duplicates + real.lost),
                "0",
                real.duplicates + real.lost == 0,
            )
        )
    return figures


def main(full: bool, pg: str | None, counts: tuple[int, ...] = (1, 2, 4)) -> list[Figure]:
    say("\n== Worker processes (PostgreSQL) ==")
    if pg is None:
        say("  skipped: needs PostgreSQL (--pg URL or $VITRINE_TEST_PG_URL)")
        return []
    found = run(pg, FULL_ROWS if full else ROWS, counts)
    return report(found, counts)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.workers")
    parser.add_argument("--pg", help="PostgreSQL server (default $VITRINE_TEST_PG_URL)")
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--no-real", action="store_true", help="skip the real-limits run")
    args = parser.parse_args()
    server = admin_pg_url(args.pg) or "postgresql://postgres@127.0.0.1:5432/test"
    say("== Worker processes (PostgreSQL) ==")
    counts = tuple(args.workers)
    report(run(server, args.rows, counts, not args.no_real), counts)
