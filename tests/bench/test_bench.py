"""The benchmarks stay runnable: their command answers, their generator fills a database."""

import subprocess
import sys

from sqlalchemy import text

from bench.gen import Size, populate, sample_queries
from store.search import search_items


def test_bench_command_shows_its_options():
    out = subprocess.run(
        [sys.executable, "-m", "bench", "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert "--full" in out and "--pg" in out


def test_the_generator_writes_the_rows_asked_for_and_search_finds_them(db):
    populate(db, Size(towns=3, shops=12, items=300))
    with db.engine.connect() as conn:
        counts = [
            conn.execute(text(f"SELECT count(*) FROM {t}")).scalar()
            for t in ("town", "shop", "item")
        ]
    assert counts == [3, 12, 300]
    with db.session() as session:
        found = sum(
            bool(search_items(session=session, query=q, town_id=1)) for q in sample_queries(30)
        )
        everywhere = search_items(session=session, query="pull", limit=300)
    assert found > 0
    assert everywhere and all(item.name.startswith("Pull") for item, _ in everywhere[:1])


def test_one_town_alone_is_that_same_town_of_the_whole(db, tmp_path):
    """bench/towns.py compares a town among 200 with itself alone: the very same rows."""
    from store import migrate
    from store.db import Database

    size = Size(towns=4, shops=12, items=120, uniform=True)
    populate(db, size)
    alone = Database(f"sqlite:///{tmp_path / 'alone.db'}")
    migrate.upgrade(alone.engine)
    populate(alone, size, only_towns=1)

    def rows(database, where: str) -> list[tuple]:
        query = (
            "SELECT item.id, item.name, shop.name FROM item JOIN shop ON shop.id = item.shop_id "
            f"WHERE {where} ORDER BY item.id"
        )
        with database.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(query))]

    with db.engine.connect() as conn:
        per_town = conn.execute(text("SELECT count(*) FROM shop GROUP BY town_id")).scalars().all()
    assert per_town == [3, 3, 3, 3]  # uniform: every town the same shape
    mine = rows(alone, "1 = 1")
    assert len(mine) == 30 and mine == rows(db, "shop.town_id = 1")
    alone.dispose()


def test_the_bot_api_stand_in_counts_each_message_and_refuses_over_the_rate():
    """bench/workers.py's platform: its duplicates, lost and 429s are the benchmark's verdict."""
    from bench.botapi_rates import BotApiPlatform

    platform = BotApiPlatform({"telegram": 1000.0}, {"telegram": 1.0})
    assert platform.route("/bot1:x/getMe", {})[1]["result"]["is_bot"] is True
    status, answer = platform.route("/bot1:x/sendMessage", {"chat_id": "5", "text": "n 1"})
    assert status == 200 and answer["result"]["chat"]["id"] == 5
    status, answer = platform.route("/bot1:x/sendMessage", {"chat_id": "5", "text": "n 2"})
    assert status == 429 and answer["parameters"]["retry_after"] == 1  # the chat's 1/s
    platform.route("/bot1:x/sendMessage", {"chat_id": "6", "text": "n 1"})  # sent twice
    stats = platform.route("/stats", {})[1]
    assert stats["delivered"] == {"n 1": 2} and stats["refused"] == 1
    assert stats["count"] == {"getMe": 1, "telegram": 2} and len(stats["times"]) == 2
