"""Benchmark: a live visit announced to 2,000 followers, from the merchant's tap to delivery.

Half the followers are on Telegram, half on WhatsApp. The merchant sends a Jitsi link and
taps "start now" through the real conversation engine (timed: the followers' rows are
written in that one transaction), then the dispatcher drains the announcements through the
rate-enforcing stand-ins of `bench.notifications`. Prints the tap's time, the achieved rate
per channel over its limit (goal >= 0.95), duplicates, lost messages and 429s (goal 0).

Quick run: limits ten times the real ones; `--full`: Telegram 30/s, Twilio 80/s (~35 s).
`python -m bench.visits [--full] [--db URL] [--followers N]`.
"""

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlmodel import func, select

from bench.notifications import PER_CHAT, REAL, delivery_figures, drain, print_delivery
from bot.channels.console import ConsoleChannel
from bot.config import Config
from handlers.context import Context
from handlers.engine import Engine
from notifications.base import Recipient
from store import migrate
from store.db import Database
from store.demo import load_demo
from store.media import MediaStore
from store.models import Follow, Outbox, Shop, ShopStaff, User
from store.types import utcnow
from tests.fakes.rates import HttpSender, RateStandin

FOLLOWERS = 2_000


class FollowerSender(HttpSender):
    """The stand-in counts deliveries by message id: here, one per follower."""

    async def deliver(self, recipient: Recipient, kind: str, payload: dict[str, Any]) -> None:
        variables = {**payload.get("variables", {}), "id": str(recipient.user_id)}
        await super().deliver(recipient, kind, {**payload, "variables": variables})


def _town(db: Database, media: MediaStore, followers: int) -> list[int]:
    """The demo town, a merchant, and `followers` people following the lingerie shop."""
    db.run(lambda session: load_demo(session=session, media=media))
    now = utcnow()
    channels = list(REAL)
    people = [
        {"channel": channels[i % 2], "channel_ref": f"{channels[i % 2]}-{i}", "created_at": now}
        for i in range(followers)
    ]
    with db.session() as session:
        shop = session.exec(select(Shop).where(Shop.slug == "lingerie-christelle")).one()
        session.execute(insert(User), people)
        ids = list(session.exec(select(User.id).where(User.channel != "console")))
        session.execute(
            insert(Follow), [{"user_id": i, "shop_id": shop.id, "created_at": now} for i in ids]
        )
        merchant = User(channel="console", channel_ref="christelle")
        session.add(merchant)
        session.flush()
        session.add(ShopStaff(shop_id=shop.id, user_id=merchant.id, role="owner"))  # type: ignore[arg-type]
    return ids  # type: ignore[return-value]


def run(full: bool, url: str | None = None, followers: int = FOLLOWERS) -> dict[str, Any]:
    """Announce a visit to `followers` and deliver it; the figures, also printed."""
    rates = dict(REAL) if full else {ch: rate * 10 for ch, rate in REAL.items()}
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(url or f"sqlite:///{Path(tmp) / 'bench.db'}")
        try:
            migrate.upgrade(db.engine)
            media = MediaStore(Path(tmp) / "media")
            ids = _town(db, media, followers)
            merchant = ConsoleChannel(
                Engine(db, Context.from_config(Config(), media=media)), user="christelle"
            )
            merchant.say("https://meet.jit.si/LingerieChristelle")
            started = time.monotonic()
            screen = merchant.say("1")  # Commencer maintenant
            tap_seconds = time.monotonic() - started
            assert f"{followers} personne(s) prévenue(s)" in screen, screen
            with RateStandin(rates, PER_CHAT) as standin:
                started = time.monotonic()
                handled = asyncio.run(drain(db, standin, rates, FollowerSender))
                drain_seconds = time.monotonic() - started
            with db.session() as session:
                query = select(Outbox.status, func.count()).group_by(Outbox.status)
                statuses = dict(session.exec(query).all())  # type: ignore[arg-type]
        finally:
            db.dispose()
    figures: dict[str, Any] = {
        "db": db.dialect,
        "followers": followers,
        "tap_seconds": round(tap_seconds, 2),
        "handled": handled,
        "drain_seconds": round(drain_seconds, 1),
        **delivery_figures(standin, rates, {str(i) for i in ids}),
        "outbox": statuses,
    }
    _print(figures, rates)
    return figures


def _print(figures: dict[str, Any], rates: dict[str, float]) -> None:
    print(
        f"visits: {figures['followers']} followers on {figures['db']}: the merchant's tap "
        f"{figures['tap_seconds']} s, delivery {figures['drain_seconds']} s"
    )
    print_delivery(figures, rates)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.visits")
    parser.add_argument("--full", action="store_true", help="the real limits (~35 s)")
    parser.add_argument("--db", help="database URL (default: a throw-away SQLite file)")
    parser.add_argument("--followers", type=int, default=FOLLOWERS)
    args = parser.parse_args()
    result = run(args.full, args.db, args.followers)
    ok = result["duplicates"] == 0 and result["lost"] == 0 and result["429s"] == 0
    sys.exit(0 if ok and all(result[ch]["ratio"] >= 0.95 for ch in REAL) else 1)
