"""Benchmark: search within one town of a 200-town database vs a database of that town alone.

A département's deployment (bench/gen.py REGION: 200 towns of 10 shops and 500 items each,
2,000 shops and 100,000 items in all) against a database holding only its first town, the
very same shops and items (`populate(..., only_towns=1)`). The same queries (what people
type, and what the forgiving search is for) run through `store.search.search_items` within
that town in both, on SQLite and on PostgreSQL: each query its best of ROUNDS runs, the
databases taking turns query by query (the machine is shared: a moment another process
takes the CPU would otherwise be the p95). Prints each p50 and p95 and the ratio, whose
goal is "unchanged": at most 1.5x. Also the p95 over queries spread across all 200 towns
of the big one, for scale.

`python -m bench --only towns [--pg URL | --no-pg]`.
"""

import random
import time
from pathlib import Path

from sqlmodel import Session

from bench import Figure, figure, ms, percentile, private_pg, say
from bench.gen import REGION, Size, populate, sample_queries
from bench.search import forgiving_queries, fts_ids
from store import migrate
from store.db import Database

ROUNDS = 3
QUERIES = 200
GOAL_RATIO = 1.5  # "unchanged", allowing for a shared machine's noise on sub-ms queries
TOWN = 1  # the town both databases have


def build(url: str, size: Size, only_towns: int | None) -> Database:
    db = Database(url)
    migrate.upgrade(db.engine)
    timings = populate(db, size, only_towns=only_towns)
    with db.engine.connect() as conn:
        towns, shops, items = (
            conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one()
            for table in ("town", "shop", "item")
        )
    say(
        f"  {db.dialect}: {towns:,} towns, {shops:,} shops, {items:,} items "
        f"(written {timings['insert']:.1f} s, indexed {timings['index']:.1f} s)"
    )
    return db


def queries(count: int) -> list[str]:
    words = sample_queries(count) + forgiving_queries(count // 4)
    random.Random(5).shuffle(words)
    return words


def answers(db: Database, query: str) -> list[int]:
    with Session(db.engine) as session:
        return fts_ids(session, query, TOWN)


def best_times(
    bases: dict[str, tuple[Database, list[tuple[str, int | None]]]],
) -> dict[str, list[float]]:
    """Each query's best of ROUNDS runs in each database, the databases taking turns query by
    query (a busy moment of the shared machine hits all alike and rarely all ROUNDS runs)."""
    sessions = {name: Session(db.engine) for name, (db, _) in bases.items()}
    best: dict[str, list[float]] = {name: [] for name in bases}
    try:
        for name, (_, cases) in bases.items():  # warm the caches as a running server's are
            for query, town in cases[:5]:
                fts_ids(sessions[name], query, town)
            sessions[name].rollback()
        count = len(next(iter(bases.values()))[1])
        for n in range(count):
            runs: dict[str, list[float]] = {name: [] for name in bases}
            for _ in range(ROUNDS):
                for name, (_, cases) in bases.items():
                    query, town = cases[n]
                    started = time.perf_counter()
                    fts_ids(sessions[name], query, town)
                    runs[name].append(time.perf_counter() - started)
                    sessions[name].rollback()  # each search its own transaction, as a turn's
            for name in bases:
                best[name].append(min(runs[name]))
    finally:
        for session in sessions.values():
            session.close()
    return best


def measure(backend: str, region: Database, alone: Database, count: int) -> list[Figure]:
    words = queries(count)
    in_town: list[tuple[str, int | None]] = [(q, TOWN) for q in words]
    rng = random.Random(7)
    spread: list[tuple[str, int | None]] = [(q, rng.randint(1, REGION.towns)) for q in words]
    best = best_times({"region": (region, in_town), "alone": (alone, in_town),
                          "spread": (region, spread)})  # fmt: skip
    p95 = {name: percentile(times, 95) for name, times in best.items()}
    p50 = {name: percentile(times, 50) for name, times in best.items()}
    found = {name: sum(bool(answers(db, q)) for q in words) for name, db in
             (("region", region), ("alone", alone))}  # fmt: skip
    same = sum(answers(region, q) == answers(alone, q) for q in words)
    ratio = p95["region"] / p95["alone"] if p95["alone"] else 0.0
    others = "" if same == len(words) else (
        "; the others rank the town's items by the whole database's word counts")  # fmt: skip
    say(
        f"    ({len(words)} queries, each its best of {ROUNDS} runs; found something for "
        f"{found['region']} in the region, {found['alone']} alone; the same answers for "
        f"{same} of {len(words)}, in the same order{others})"
    )
    return [
        figure("towns", f"{backend} 1 town alone: search p50", ms(p50["alone"])),
        figure("towns", f"{backend} same town among 200: p50", ms(p50["region"])),
        figure("towns", f"{backend} 1 town alone: search p95", ms(p95["alone"])),
        figure("towns", f"{backend} same town among 200: p95", ms(p95["region"])),
        figure(
            "towns",
            f"{backend} 200 towns / 1 town p95",
            f"{ratio:.2f}x",
            f"<= {GOAL_RATIO}x",
            ratio <= GOAL_RATIO,
        ),
        figure("towns", f"{backend} any of the 200 towns: p95", ms(p95["spread"])),
    ]


def main(full: bool, workdir: Path, pg: str | None) -> list[Figure]:
    count = QUERIES * 2 if full else QUERIES
    say(
        f"\n== Many towns: {REGION.towns} towns, {REGION.shops:,} shops, {REGION.items:,} "
        f"items vs town {TOWN} alone =="
    )
    figures: list[Figure] = []
    paths = [workdir / "towns-region.db", workdir / "towns-alone.db"]
    for path in paths:
        for leftover in workdir.glob(path.name + "*"):
            leftover.unlink()
    region = build(f"sqlite:///{paths[0]}", REGION, None)
    alone = build(f"sqlite:///{paths[1]}", REGION, TOWN)
    try:
        figures += measure("SQLite", region, alone, count)
    finally:
        region.dispose()
        alone.dispose()
    if not pg:
        say("  PostgreSQL: skipped (no --pg URL and no VITRINE_TEST_PG_URL)")
        return figures
    with private_pg(pg, "towns") as region_url, private_pg(pg, "town") as alone_url:
        region = build(region_url, REGION, None)
        alone = build(alone_url, REGION, TOWN)
        try:
            figures += measure("PostgreSQL", region, alone, count)
        finally:
            region.dispose()
            alone.dispose()
    return figures
