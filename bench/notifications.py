"""Benchmark: 10,000 notifications drained through stand-ins that enforce the platforms' rates.

Half go to Telegram users, half to WhatsApp users (one message each: a live visit announced
to every follower), all due at once. The stand-ins answer 429 as soon as a channel goes
over its configured rate in any one-second window. Prints, per channel, the achieved rate
over the configured limit (goal >= 0.95), and duplicates, lost messages and 429s (goal 0).

Quick run: the limits ten times the real ones (300/s, 800/s) so it takes ~20 s;
`--full`: the real limits (Telegram 30/s, Twilio 80/s), ~3 minutes.
`python -m bench.notifications [--full] [--db URL]` (default: a throw-away SQLite file).
"""

import argparse
import asyncio
import os
import sys
import tempfile
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlmodel import func, select

from bot.config import Config
from notifications.dispatcher import Dispatcher, Settings
from notifications.limits import RateLimits
from store import migrate
from store.db import Database
from store.models import Outbox, User
from store.types import utcnow
from tests.fakes.rates import HttpSender, RateStandin

TOTAL = 10_000
REAL = {"telegram": 30.0, "whatsapp": 80.0}
PER_CHAT = {"telegram": 1.0}


def _fill(db: Database, total: int) -> None:
    """`total` users, half on each channel, each with one message due now."""
    now = utcnow() - timedelta(seconds=1)
    channels = list(REAL)
    users = [
        {"channel": channels[i % 2], "channel_ref": f"{channels[i % 2]}-{i}", "created_at": now}
        for i in range(total)
    ]
    with db.session() as session:
        session.execute(insert(User), users)
        ids = session.exec(select(User.id).order_by(User.id)).all()  # type: ignore[arg-type]
        session.execute(
            insert(Outbox),
            [
                {
                    "user_id": user_id,
                    "kind": "visit_live",
                    "payload": {"replies": [{"text": "En direct !"}], "variables": {"id": str(i)}},
                    "essential": False,
                    "due_at": now,
                    "status": "pending",
                    "attempts": 0,
                    "last_error": "",
                    "created_at": now,
                    "quiet_hours": False,
                }
                for i, user_id in enumerate(ids)
            ],
        )


async def drain(
    db: Database, standin: RateStandin, rates: dict[str, float], sender: type = HttpSender
) -> int:
    """Deliver every due row through `sender`s pointed at the rate-enforcing stand-in."""
    senders = [sender(channel, standin.url) for channel in rates]
    dispatcher = Dispatcher(
        db,
        senders,
        settings=replace(Settings.from_config(Config()), max_in_flight=256),
        limits=RateLimits(rates, PER_CHAT),
    )
    try:
        return await dispatcher.drain()
    finally:
        for sender in senders:
            await sender.close()


def run(full: bool, url: str | None = None, total: int = TOTAL) -> dict[str, Any]:
    """Drain `total` notifications; the figures, also printed."""
    rates = dict(REAL) if full else {ch: rate * 10 for ch, rate in REAL.items()}
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(url or f"sqlite:///{Path(tmp) / 'bench.db'}")
        try:
            migrate.upgrade(db.engine)
            _fill(db, total)
            with RateStandin(rates, PER_CHAT) as standin:
                started = time.monotonic()
                handled = asyncio.run(drain(db, standin, rates))
                elapsed = time.monotonic() - started
            with db.session() as session:
                statuses = dict(
                    session.exec(select(Outbox.status, func.count()).group_by(Outbox.status)).all()  # type: ignore[arg-type]
                )
        finally:
            db.dispose()
    expected = {str(i) for i in range(total)}
    figures: dict[str, Any] = {
        "db": db.dialect,
        "rows": total,
        "handled": handled,
        "seconds": round(elapsed, 1),
        **delivery_figures(standin, rates, expected),
        "outbox": statuses,
    }
    _print(figures, rates)
    return figures


def delivery_figures(
    standin: RateStandin, rates: dict[str, float], expected: set[str]
) -> dict[str, Any]:
    """What the stand-in saw: duplicates, lost, 429s, and each channel's rate / its limit."""
    figures: dict[str, Any] = {
        "duplicates": sum(n - 1 for n in standin.delivered.values() if n > 1),
        "lost": len(expected - set(standin.delivered)),
        "429s": standin.refused,
    }
    for channel, limit in rates.items():
        achieved = standin.rate(channel)
        figures[channel] = {
            "delivered": standin.count[channel],
            "limit_per_s": limit,
            "achieved_per_s": round(achieved, 1),
            "ratio": round(achieved / limit, 3),
        }
    return figures


def print_delivery(figures: dict[str, Any], rates: dict[str, float]) -> None:
    """Each channel's rate against its goal, then duplicates, lost and 429s."""
    for channel in rates:
        f = figures[channel]
        print(
            f"  {channel:9} {f['delivered']:6} sent  {f['achieved_per_s']:7.1f}/s "
            f"of {f['limit_per_s']:.0f}/s  ratio {f['ratio']:.3f} (goal >= 0.95)"
        )
    print(
        f"  duplicates {figures['duplicates']}  lost {figures['lost']}  "
        f"429s {figures['429s']}  (goal 0 each)  outbox {figures['outbox']}"
    )


def _print(figures: dict[str, Any], rates: dict[str, float]) -> None:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"notifications: {figures['rows']} rows on {figures['db']}, {figures['seconds']} s "
        f"(load average {load} on {os.cpu_count()} CPUs)"
    )
    print_delivery(figures, rates)


def main(full: bool = False) -> int:
    """Run the benchmark; 1 when a goal is missed."""
    figures = run(full)
    ok = (
        figures["duplicates"] == 0
        and figures["lost"] == 0
        and figures["429s"] == 0
        and all(figures[ch]["ratio"] >= 0.95 for ch in REAL)
    )
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.notifications")
    parser.add_argument("--full", action="store_true", help="the real limits (~3 minutes)")
    parser.add_argument("--db", help="database URL (default: a throw-away SQLite file)")
    parser.add_argument("--rows", type=int, default=TOTAL)
    args = parser.parse_args()
    if args.db or args.rows != TOTAL:
        figures = run(args.full, args.db, args.rows)
        sys.exit(0 if figures["429s"] == 0 and figures["lost"] == 0 else 1)
    sys.exit(main(args.full))
