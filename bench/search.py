"""Search at scale: `store.search.search_items` against a naive LIKE scan, same data, same run."""

import random
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import text
from sqlmodel import Session

from bench import Figure, figure, ms, percentile, private_pg, say
from bench.gen import FULL, SMALL, Size, populate, sample_queries
from store import migrate
from store.db import Database
from store.search import search_items, terms

GOAL_P95 = 0.020  # seconds, within one town
LIMIT = 9  # what the search handler asks for: a page of 8 and one to know there is more


def like_ids(session: Session, query: str, town_id: int | None) -> list[int]:
    """The naive baseline: every word somewhere in the name, description or shop name."""
    words = terms(query)
    if not words:
        return []
    pg = session.connection().dialect.name == "postgresql"
    op = "ILIKE" if pg else "LIKE"
    false, true = ("false", "true") if pg else ("0", "1")
    where = [f"item.hidden = {false}", f"item.deleted = {false}", f"shop.active = {true}"]
    params: dict[str, object] = {"limit": LIMIT}
    rank = []
    for n, word in enumerate(words):
        params[f"w{n}"] = f"%{word}%"
        where.append(
            f"(item.name {op} :w{n} OR item.description {op} :w{n} OR shop.name {op} :w{n})"
        )
        rank.append(f"(CASE WHEN item.name {op} :w{n} THEN 1 ELSE 0 END)")
    if town_id is not None:
        where.append("shop.town_id = :town")
        params["town"] = town_id
    sql = (
        "SELECT item.id FROM item JOIN shop ON shop.id = item.shop_id WHERE "
        + " AND ".join(where)
        + f" ORDER BY {' + '.join(rank)} DESC, item.id LIMIT :limit"
    )
    return [row[0] for row in session.execute(text(sql), params)]


def fts_ids(session: Session, query: str, town_id: int | None) -> list[int]:
    hits = search_items(session=session, query=query, town_id=town_id, limit=LIMIT)
    return [item.id for item, _ in hits]  # type: ignore[misc]


def timed(
    db: Database,
    find: Callable[[Session, str, int | None], list[int]],
    cases: list[tuple[str, int | None]],
) -> tuple[list[float], int]:
    """Seconds per query and how many queries found something."""
    times, found = [], 0
    with Session(db.engine) as session:
        for query, town in cases[:5]:  # warm the caches as a running server's would be
            find(session, query, town)
        for query, town in cases:
            started = time.perf_counter()
            ids = find(session, query, town)
            times.append(time.perf_counter() - started)
            found += bool(ids)
    return times, found


def town_weights(db: Database) -> tuple[list[int], list[int]]:
    """Town ids and shop counts: people search where the shops (and so the people) are."""
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT town_id, count(*) FROM shop GROUP BY town_id")).all()
    return [r[0] for r in rows], [r[1] for r in rows]


def measure(db: Database, backend: str, queries: int, like_everywhere: int) -> list[Figure]:
    towns, weights = town_weights(db)
    rng = random.Random(5)
    words = sample_queries(queries)
    in_town = [(q, rng.choices(towns, weights)[0]) for q in words]
    everywhere: list[tuple[str, int | None]] = [(q, None) for q in words]
    out = []
    for scope, cases in (("in one town", in_town), ("across all towns", everywhere)):
        fts, found = timed(db, fts_ids, cases)
        # A LIKE scan of a million rows takes about a second: a sample is enough for its p95.
        baseline = cases if scope == "in one town" else cases[:like_everywhere]
        like, like_found = timed(db, like_ids, baseline)
        p95, like_p95 = percentile(fts, 95), percentile(like, 95)
        goal = scope == "in one town"
        out += [
            figure("search", f"{backend} search {scope} p50", ms(percentile(fts, 50))),
            figure(
                "search",
                f"{backend} search {scope} p95",
                ms(p95),
                "<= 20 ms" if goal else "",
                (p95 <= GOAL_P95) if goal else None,
            ),
            figure("search", f"{backend} LIKE baseline {scope} p50", ms(percentile(like, 50))),
            figure("search", f"{backend} LIKE baseline {scope} p95", ms(like_p95)),
            figure(
                "search",
                f"{backend} {scope}: LIKE p95 / search p95",
                f"{like_p95 / p95:.1f}x" if p95 else "-",
            ),
        ]
        say(
            f"    ({len(cases)} queries, {len(baseline)} for LIKE; search found something for "
            f"{found}, LIKE for {like_found}: LIKE misses accents and plurals)"
        )
    return out


def build(url: str, size: Size) -> Database:
    db = Database(url)
    migrate.upgrade(db.engine)
    timings = populate(db, size)
    say(
        f"  {db.dialect}: {size.towns:,} towns, {size.shops:,} shops, {size.items:,} items "
        f"written in {timings['insert']:.1f} s, indexed in {timings['index']:.1f} s"
    )
    return db


def main(full: bool, workdir: Path, pg: str | None) -> tuple[list[Figure], Path]:
    """Both backends; returns the figures and the SQLite database (reused by `bench.memory`)."""
    size = FULL if full else SMALL
    queries, like_everywhere = (400, 40) if full else (200, 200)
    say(f"\n== Search at scale ({'full' if full else 'small'}) ==")
    path = workdir / f"search-{'full' if full else 'small'}.db"
    for leftover in workdir.glob(path.name + "*"):
        leftover.unlink()
    db = build(f"sqlite:///{path}", size)
    figures = measure(db, "SQLite", queries, like_everywhere)
    db.dispose()
    if pg:
        with private_pg(pg, "search") as url:
            db = build(url, size)
            figures += measure(db, "PostgreSQL", queries, like_everywhere)
            db.dispose()
    else:
        say("  PostgreSQL: skipped (no --pg URL and no VITRINE_TEST_PG_URL)")
    return figures, path
