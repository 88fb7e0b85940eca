"""The search corpus (tests/corpora/search_queries*.tsv): load it and score `search_items`.

`python -m tests.search_corpus [--pg URL]` prints the share of queries with an expected item
in the first five results, on SQLite and (with --pg or $VITRINE_TEST_PG_URL) PostgreSQL.
"""

import argparse
import os
import sys
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlmodel import Session, select

from store import migrate
from store.db import Database, normalise_url
from store.demo import load_demo
from store.media import MediaStore
from store.models import Item, Shop, Town
from store.search import search_items
from tests.corpora import HERE as CORPORA
from tests.corpora import rows

TUNED = CORPORA / "search_queries.tsv"
HELD_OUT = CORPORA / "search_queries_heldout.tsv"
TOP = 5


@dataclass(frozen=True)
class Case:
    query: str
    expected: tuple[str, ...]  # item names, or "@shop-slug" for any item of that shop


def load(path: Path) -> list[Case]:
    cases = []
    for row in rows(path.name):
        assert len(row) == 2, f"{path.name}: a query and its expected items: {row!r}"
        cases.append(Case(row[0], tuple(e.strip() for e in row[1].split("|"))))
    return cases


def misses(session: Session, cases: list[Case]) -> list[tuple[Case, list[str]]]:
    """The cases whose first five results hold none of the expected items, with what came."""
    town = session.exec(select(Town)).one()
    slugs = {shop.id: shop.slug for shop in session.exec(select(Shop)).all()}
    failed = []
    for case in cases:
        hits = search_items(session=session, query=case.query, town_id=town.id, limit=TOP)
        got = [item.name for item, _ in hits]
        shops = {"@" + slugs[item.shop_id] for item, _ in hits}
        if not (set(case.expected) & (set(got) | shops)):
            failed.append((case, got))
    return failed


def unknown_names(session: Session, cases: list[Case]) -> set[str]:
    """Expected items or shops the demo town does not have (a slip in the corpus)."""
    names = {item.name for item in session.exec(select(Item)).all()}
    names |= {"@" + shop.slug for shop in session.exec(select(Shop)).all()}
    return {e for case in cases for e in case.expected} - names


def report(label: str, session: Session, path: Path) -> float:
    cases = load(path)
    assert not unknown_names(session, cases), unknown_names(session, cases)
    failed = misses(session, cases)
    share = 1 - len(failed) / len(cases)
    found = len(cases) - len(failed)
    print(f"  {label} {path.name}: {found}/{len(cases)} = {share:.1%} in the top {TOP}")
    for case, got in failed:
        print(f"    miss {case.query!r}: want {' | '.join(case.expected)}; got {got}")
    return share


def demo_database(url: str, media_dir: Path) -> Database:
    db = Database(url)
    migrate.upgrade(db.engine)
    with db.session() as session:
        load_demo(session=session, media=MediaStore(media_dir))
    return db


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m tests.search_corpus", description=__doc__)
    p.add_argument("--pg", default=os.environ.get("VITRINE_TEST_PG_URL"))
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = demo_database(f"sqlite:///{tmp}/corpus.db", Path(tmp) / "media")
        with db.session() as session:
            for path in (TUNED, HELD_OUT):
                report("SQLite", session, path)
        db.dispose()
        if not args.pg:
            print("  PostgreSQL: skipped (no --pg URL and no VITRINE_TEST_PG_URL)")
            return
        admin_url = normalise_url(args.pg)
        name = f"vitrine_corpus_{uuid.uuid4().hex[:8]}"
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            db = demo_database(f"{admin_url.rpartition('/')[0]}/{name}", Path(tmp) / "media")
            with db.session() as session:
                for path in (TUNED, HELD_OUT):
                    report("PostgreSQL", session, path)
            db.dispose()
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    sys.exit(main())
