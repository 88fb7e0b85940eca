"""Search at scale: `store.search.search_items` against the exact-words search it grew from
and a naive LIKE scan, same data, same run.

`VITRINE_BENCH_REUSE=1` keeps the generated databases (var/bench/search-*.db and a PostgreSQL
database named vitrine_bench_search_keep_*) and reuses them next time, rebuilding only the
search index; the figures then say "reused".
"""

import os
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import inspect, text
from sqlmodel import Session, SQLModel, select

from bench import Figure, figure, ms, percentile, private_pg, say
from bench.gen import (
    FULL,
    SMALL,
    Size,
    populate,
    sample_queries,
)
from bench.gen_words import CLOTHES, FOODS, HOME, JEWELLERY, TOYS
from store import migrate, search
from store.db import Database, normalise_url
from store.models import Item, Shop
from store.search import _ids, search_items, terms
from store.search_words import Term, forms

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


def exact_ids(session: Session, query: str, town_id: int | None) -> list[int]:
    """The search as it was before it forgave: every word's plural forms, nothing more.

    It runs the query `store.search` ran before (on today's index) and reads the items found.
    """
    words = terms(query)
    if not words:
        return []
    wanted = []
    for n, word in enumerate(words):
        term = Term(word)
        for form in forms(word):
            term.add([form])
        if n == len(words) - 1:
            term.alts = [((word,), True)]
        wanted.append(term)
    ids = _ids(session.connection(), [wanted], town_id, LIMIT, 0)
    if ids:  # the items and shops read as search_items reads them
        session.exec(select(Item, Shop).join(Shop).where(Item.id.in_(ids))).all()  # type: ignore[union-attr]
    return ids


def forgiving_queries(count: int, seed: int = 11) -> list[str]:
    """What the forgiving search is for: a typo, a word that matches nothing, English."""
    rng = random.Random(seed)
    words = [w for w, _, _ in CLOTHES + HOME + JEWELLERY + TOYS if len(w) >= 5 and " " not in w]
    words += [f.split()[0] for f in FOODS if len(f.split()[0]) >= 5]

    def typo(word: str) -> str:
        n = rng.randrange(1, len(word) - 1)
        return word[:n] + word[n + 1 :] if rng.random() < 0.5 else word[:n] + word[n] + word[n:]

    makers = [
        lambda: typo(rng.choice(words)).lower(),
        lambda: f"{rng.choice(words).lower()} pour maman",
        lambda: f"je cherche un {typo(rng.choice(words)).lower()}",
        lambda: rng.choice(["candle", "scarf", "gift", "necklace", "honey", "cheese", "bread"]),
    ]
    return [rng.choice(makers)() for _ in range(count)]


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
    words = sample_queries(queries) + forgiving_queries(queries // 4)
    rng.shuffle(words)
    in_town = [(q, rng.choices(towns, weights)[0]) for q in words]
    everywhere: list[tuple[str, int | None]] = [(q, None) for q in words[:queries]]
    out = []
    for scope, cases in (("in one town", in_town), ("across all towns", everywhere)):
        fts, found = timed(db, fts_ids, cases)
        goal = scope == "in one town"
        p95 = percentile(fts, 95)
        if goal:  # the exact-words search this one grew from, on the same queries
            before, before_found = timed(db, exact_ids, cases)
            before_p95 = percentile(before, 95)
            out += [
                figure(
                    "search", f"{backend} exact words only {scope} p50", ms(percentile(before, 50))
                ),
                figure("search", f"{backend} exact words only {scope} p95", ms(before_p95)),
            ]
        # A LIKE scan of a million rows takes about a second: a sample is enough for its p95.
        baseline = cases if goal else cases[:like_everywhere]
        like, like_found = timed(db, like_ids, baseline)
        like_p95 = percentile(like, 95)
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
        if goal:
            out.append(
                figure(
                    "search",
                    f"{backend} {scope}: search p95 / exact-only p95",
                    f"{p95 / before_p95:.2f}x" if before_p95 else "-",
                )
            )
            say(f"    (exact words only found something for {before_found} of {len(cases)})")
        say(
            f"    ({len(cases)} queries, {len(baseline)} for LIKE; search found something for "
            f"{found}, LIKE for {like_found}: LIKE misses accents and plurals)"
        )
    return out


def current_schema(db: Database) -> bool:
    """Whether a kept database has every column the models have now (0001 is regenerated)."""
    inspector = inspect(db.engine)
    for table in SQLModel.metadata.sorted_tables:
        if not inspector.has_table(table.name):
            return False
        have = {column["name"] for column in inspector.get_columns(table.name)}
        if not {column.name for column in table.columns} <= have:
            return False
    return True


def build(url: str, size: Size, reuse: bool = False) -> Database:
    db = Database(url)
    if reuse and not current_schema(db):  # kept from an older schema: start again
        with db.engine.begin() as conn:
            if db.dialect == "postgresql":
                conn.exec_driver_sql("DROP SCHEMA public CASCADE")
                conn.exec_driver_sql("CREATE SCHEMA public")
        if db.dialect != "postgresql":
            db.dispose()
            Path(url.removeprefix("sqlite:///")).unlink()
            db = Database(url)
    migrate.upgrade(db.engine)
    with db.engine.connect() as conn:
        filled = conn.exec_driver_sql("SELECT count(*) FROM item").scalar_one() == size.items
    if reuse and filled:
        started = time.perf_counter()
        with db.engine.begin() as conn:  # the index as the code now builds it
            search.drop_index(conn)
            conn.exec_driver_sql("DELETE FROM search_word")
            search.create_index(conn)
        analyse(db)
        say(f"  {db.dialect}: reused, index rebuilt in {time.perf_counter() - started:.1f} s")
        return db
    timings = populate(db, size)
    say(
        f"  {db.dialect}: {size.towns:,} towns, {size.shops:,} shops, {size.items:,} items "
        f"written in {timings['insert']:.1f} s, indexed in {timings['index']:.1f} s"
    )
    return db


def analyse(db: Database) -> None:
    """Fresh statistics (and PostgreSQL's visibility map) after the index is rebuilt."""
    if db.dialect == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    else:
        with db.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")


@contextmanager
def kept_pg(admin_url: str, label: str) -> Iterator[str]:
    """A database on the server kept between runs (VITRINE_BENCH_REUSE=1)."""
    from sqlalchemy import create_engine

    admin_url = normalise_url(admin_url)
    name = f"vitrine_bench_search_keep_{label}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
        ).first()
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    yield f"{admin_url.rpartition('/')[0]}/{name}"


def main(full: bool, workdir: Path, pg: str | None) -> tuple[list[Figure], Path]:
    """Both backends; returns the figures and the SQLite database (reused by `bench.memory`)."""
    size = FULL if full else SMALL
    reuse = os.environ.get("VITRINE_BENCH_REUSE") == "1"
    queries, like_everywhere = (400, 40) if full else (200, 200)
    say(f"\n== Search at scale ({'full' if full else 'small'}) ==")
    path = workdir / f"search-{'full' if full else 'small'}.db"
    if not reuse:
        for leftover in workdir.glob(path.name + "*"):
            leftover.unlink()
    db = build(f"sqlite:///{path}", size, reuse)
    figures = measure(db, "SQLite", queries, like_everywhere)
    db.dispose()
    if pg:
        label = "full" if full else "small"
        with kept_pg(pg, label) if reuse else private_pg(pg, "search") as url:
            db = build(url, size, reuse)
            figures += measure(db, "PostgreSQL", queries, like_everywhere)
            db.dispose()
    else:
        say("  PostgreSQL: skipped (no --pg URL and no VITRINE_TEST_PG_URL)")
    return figures, path
