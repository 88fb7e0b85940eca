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
