"""Memory: peak RSS of Vitrine serving the generated catalogue to many active conversations.

The bot runs as in the end-to-end benchmark (polling the Telegram stand-in) on the search
benchmark's SQLite database, in its biggest town; every customer opens a conversation (half
with /start, half with a search), so each has a user row, a conversation state and a place in
whatever the process keeps per chat. At most 16 updates wait for an answer at a time: the
bot goes as fast as it can without a backlog whose size would be the queue's, not ours.
The figure is the process's VmHWM (peak resident set).
"""

from pathlib import Path

from sqlalchemy import text

from bench import Figure, figure, say
from bench.e2e import StandIn, serve, vitrine_command
from bench.gen import FULL, SMALL, populate
from store import migrate
from store.db import Database

GOAL_MB = 300
RATE = 500
IN_FLIGHT = 16


def database(full: bool, workdir: Path, search_db: Path | None) -> tuple[Path, str]:
    """The search benchmark's database (generated here when it did not run) and its big town."""
    if search_db is None or not search_db.exists():
        search_db = workdir / f"memory-{'full' if full else 'small'}.db"
        for leftover in workdir.glob(search_db.name + "*"):
            leftover.unlink()
        db = Database(f"sqlite:///{search_db}")
        migrate.upgrade(db.engine)
        populate(db, FULL if full else SMALL)
        db.dispose()
    db = Database(f"sqlite:///{search_db}")
    with db.engine.connect() as conn:
        town, items = conn.execute(
            text(
                "SELECT town.name, (SELECT count(*) FROM item) FROM town JOIN shop "
                "ON shop.town_id = town.id GROUP BY town.id ORDER BY count(*) DESC LIMIT 1"
            )
        ).one()
    db.dispose()
    say(f"  database: {search_db} ({items:,} items), town: {town}")
    return search_db, town


def main(full: bool, workdir: Path, search_db: Path | None) -> list[Figure]:
    users = 10_000 if full else 1_000
    say(f"\n== Memory: {users:,} active conversations ({'full' if full else 'small'}) ==")
    path, town = database(full, workdir, search_db)
    standin = StandIn()
    try:
        command = vitrine_command(standin, f"sqlite:///{path}", town, workdir)
        (result,) = serve(
            standin,
            command,
            workdir / "memory-vitrine.log",
            [
                {
                    "mode": "vitrine",
                    "users": users,
                    "updates": users,
                    "rate": RATE,
                    "in_flight": IN_FLIGHT,
                    "grace": 60,
                }
            ],
        )
    finally:
        standin.stop()
    peak = result["peak_rss_mb"]
    say(
        f"  {len(result['latencies']):,} of {users:,} updates answered in time, "
        f"{result['unanswered']} unanswered; RSS {result['rss_before_mb']:.0f} MB before the "
        f"conversations, {peak:.0f} MB at the peak"
    )
    return [
        figure(
            "memory",
            f"peak RSS, {users:,} conversations",
            f"{peak:.0f} MB",
            f"<= {GOAL_MB} MB",
            peak <= GOAL_MB,
        ),
    ]
