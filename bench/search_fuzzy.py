"""How to forgive a typo, measured: `python -m bench.search_fuzzy [--pg URL] [SQLITE_DB]`.

Three ways weighed for correcting a mistyped word, on the benchmark's national catalogue
(`VITRINE_BENCH_REUSE=1 python -m bench --full --only search` leaves it in var/bench/):

- the town's vocabulary (`search_word`) corrected in Python with rapidfuzz (what search does);
- PostgreSQL pg_trgm: a trigram index on `search_word`, or on the items' names directly;
- SQLite FTS5's trigram tokenizer on the items' names.

Each prints what it costs per query and how many of the typed typos it turns into the word
meant (typos made from the catalogue's own words, one edit each, in the biggest town).
"""

import argparse
import os
import random
import time
from pathlib import Path

from sqlalchemy import text

from bench import ms, percentile, say
from bench.gen_words import CLOTHES, FOODS, HOME, JEWELLERY, TOYS
from bench.search import kept_pg
from store.db import Database
from store.search import town_vocabulary
from store.search_words import base, fold, typos_allowed


def typos(count: int, seed: int = 3) -> list[tuple[str, str]]:
    """(typed, meant): one letter dropped, doubled, swapped or replaced."""
    rng = random.Random(seed)
    words = [fold(w) for w, _, _ in CLOTHES + HOME + JEWELLERY + TOYS if w.isalpha()]
    words = [w for w in words + [fold(f.split()[0]) for f in FOODS] if len(w) >= 5]
    out = []
    for _ in range(count):
        word = rng.choice(words)
        n = rng.randrange(1, len(word) - 1)
        kind = rng.randrange(4)
        if kind == 0:
            typed = word[:n] + word[n + 1 :]
        elif kind == 1:
            typed = word[:n] + word[n] + word[n:]
        elif kind == 2:
            typed = word[: n - 1] + word[n] + word[n - 1] + word[n + 1 :]
        else:
            typed = word[:n] + rng.choice("aeiourstnl") + word[n + 1 :]
        if typed != word:
            out.append((typed, word))
    return out


def biggest_town(db: Database) -> int:
    with db.engine.connect() as conn:
        sql = "SELECT town_id FROM shop GROUP BY town_id ORDER BY count(*) DESC LIMIT 1"
        return int(conn.execute(text(sql)).scalar_one())


def report(label: str, seconds: list[float], right: int, total: int) -> None:
    say(
        f"  {label:<58} p50 {ms(percentile(seconds, 50)):>9}  p95 {ms(percentile(seconds, 95)):>9}"
        f"  right {right}/{total}"
    )


def vocabulary_way(db: Database, town: int, cases: list[tuple[str, str]]) -> None:
    with db.engine.connect() as conn:
        started = time.perf_counter()
        vocabulary = town_vocabulary(conn, town)
        vocabulary.bases  # noqa: B018 (built on first use)
        say(f"  vocabulary of the town: {len(vocabulary.words)} words, read in "
            f"{ms(time.perf_counter() - started)}")
        seconds, right = [], 0
        for typed, meant in cases:
            started = time.perf_counter()
            town_vocabulary(conn, town)  # the freshness check each search pays
            found = vocabulary.correct(base(typed), typos_allowed(typed))
            seconds.append(time.perf_counter() - started)
            right += base(meant) in found
    report(f"{db.dialect}: vocabulary + rapidfuzz (OSA, 1 typo >= 5 letters)", seconds, right,
           len(cases))


_FOLD = (
    "CREATE OR REPLACE FUNCTION bench_fold(text) RETURNS text LANGUAGE sql IMMUTABLE "
    "AS $$ SELECT lower(unaccent('unaccent', $1)) $$"
)


def trigram_vocabulary_way(db: Database, town: int, cases: list[tuple[str, str]]) -> None:
    with db.engine.begin() as conn:
        conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        conn.exec_driver_sql(_FOLD)
        conn.exec_driver_sql(
            "CREATE INDEX IF NOT EXISTS ix_search_word_trgm ON search_word "
            "USING gin (bench_fold(word) gin_trgm_ops)"
        )
    sql = text(
        "SELECT bench_fold(word) FROM search_word WHERE town_id = :t "
        "AND bench_fold(word) % :w "
        "ORDER BY similarity(bench_fold(word), :w) DESC LIMIT 3"
    )
    seconds, right = [], 0
    with db.engine.connect() as conn:
        for typed, meant in cases:
            started = time.perf_counter()
            found = [row[0] for row in conn.execute(sql, {"t": town, "w": typed})]
            seconds.append(time.perf_counter() - started)
            right += any(base(f) == base(meant) for f in found[:1])
    report("PostgreSQL: pg_trgm on search_word (similarity, best)", seconds, right, len(cases))


def trigram_items_way(db: Database, town: int, cases: list[tuple[str, str]]) -> None:
    started = time.perf_counter()
    with db.engine.begin() as conn:
        conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        conn.exec_driver_sql(_FOLD)
        conn.exec_driver_sql(
            "CREATE INDEX IF NOT EXISTS ix_item_name_trgm ON item "
            "USING gin (bench_fold(name) gin_trgm_ops)"
        )
    say(f"  PostgreSQL: trigram index on item names built in {time.perf_counter() - started:.1f} s")
    sql = text(
        "SELECT item.name FROM item JOIN shop ON shop.id = item.shop_id "
        "WHERE shop.town_id = :t AND :w <% bench_fold(item.name) "
        "ORDER BY word_similarity(:w, bench_fold(item.name)) DESC LIMIT 9"
    )
    seconds, right = [], 0
    with db.engine.connect() as conn:
        for typed, meant in cases:
            started = time.perf_counter()
            names = [row[0] for row in conn.execute(sql, {"t": town, "w": typed})]
            seconds.append(time.perf_counter() - started)
            right += any(base(meant) in fold(n) for n in names[:5])
    report("PostgreSQL: pg_trgm on item names (word_similarity, top 5)", seconds, right,
           len(cases))


def fts5_trigram_way(db: Database, town: int, cases: list[tuple[str, str]]) -> None:
    started = time.perf_counter()
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS item_tri")
        conn.exec_driver_sql(
            "CREATE VIRTUAL TABLE item_tri USING fts5(name, tokenize = 'trigram')"
        )
        conn.exec_driver_sql("INSERT INTO item_tri(rowid, name) SELECT id, name FROM item")
    say(f"  SQLite: FTS5 trigram table on names built in {time.perf_counter() - started:.1f} s")
    sql = text(
        "SELECT item.name FROM item_tri JOIN item ON item.id = item_tri.rowid "
        "JOIN shop ON shop.id = item.shop_id WHERE item_tri MATCH :w AND shop.town_id = :t "
        "ORDER BY rank LIMIT 9"
    )
    seconds, right = [], 0
    with db.engine.connect() as conn:
        for typed, meant in cases:
            # A trigram table matches substrings: a typo breaks the word's trigrams, so any
            # three letters of it in a row are asked for (OR), ranked by how many match.
            grams = {typed[n : n + 3] for n in range(len(typed) - 2)}
            match = " OR ".join(f'"{g}"' for g in sorted(grams))
            started = time.perf_counter()
            names = [row[0] for row in conn.execute(sql, {"w": match, "t": town})]
            seconds.append(time.perf_counter() - started)
            right += any(base(meant) in fold(n) for n in names[:5])
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS item_tri")
    report("SQLite: FTS5 trigram on item names (any trigram, top 5)", seconds, right, len(cases))


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m bench.search_fuzzy", description=__doc__)
    p.add_argument("sqlite", nargs="?", default="var/bench/search-full.db")
    p.add_argument("--pg", default=os.environ.get("VITRINE_TEST_PG_URL"))
    p.add_argument("--no-sqlite", action="store_true")
    p.add_argument("--only-items", action="store_true", help="PostgreSQL: trigrams of names")
    p.add_argument("--no-items", action="store_true", help="not the (slow) trigrams of names")
    args = p.parse_args()
    cases = typos(200)
    say(f"\n== Correcting a typo: {len(cases)} typed typos, biggest town ==")
    if Path(args.sqlite).exists() and not args.no_sqlite:
        db = Database(f"sqlite:///{args.sqlite}")
        town = biggest_town(db)
        vocabulary_way(db, town, cases)
        fts5_trigram_way(db, town, cases)
        db.dispose()
    if args.pg:
        with kept_pg(args.pg, "full" if "full" in args.sqlite else "small") as url:
            db = Database(url)
            town = biggest_town(db)
            if not args.only_items:
                vocabulary_way(db, town, cases)
                trigram_vocabulary_way(db, town, cases)
            if not args.no_items:
                trigram_items_way(db, town, cases[:20])  # a second or more each: a sample
            db.dispose()


if __name__ == "__main__":
    main()
