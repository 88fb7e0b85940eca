"""Fixtures: a migrated database on SQLite and, when VITRINE_TEST_PG_URL is set, PostgreSQL.

Each PostgreSQL run gets its own throw-away database, so parallel runs never meet.
"""

import os
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import SQLModel

from bot.channels.console import ConsoleChannel
from bot.config import Config
from handlers.context import Context
from handlers.engine import Engine
from store import migrate
from store.db import Database, normalise_url
from store.demo import load_demo
from store.media import MediaStore

# The channels' fixtures: Telegram's (`tg`, `start_bot`, `run_vitrine`), Twilio's (`standin`);
# the browser's (`web_server`, `browser_page`, `screenshot`: tests/fakes/browser.py).
pytest_plugins = ["tests.fakes.telegram", "tests.fakes.twilio", "tests.fakes.browser"]

PG_URL = os.environ.get("VITRINE_TEST_PG_URL")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if PG_URL:
        return
    skip = pytest.mark.skip(reason="VITRINE_TEST_PG_URL is not set")
    for item in items:
        if "postgresql" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """A fresh database on the PostgreSQL server, dropped at the end of the run."""
    assert PG_URL
    admin_url = normalise_url(PG_URL)
    name = f"vitrine_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    base, _, _ = admin_url.rpartition("/")
    yield f"{base}/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _migrated(url: str) -> Database:
    db = Database(url)
    migrate.upgrade(db.engine)
    return db


@pytest.fixture(scope="session")
def _sqlite_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    db = _migrated(f"sqlite:///{tmp_path_factory.mktemp('db') / 'vitrine.db'}")
    yield db
    db.dispose()


@pytest.fixture(scope="session")
def _pg_db(pg_server_url: str) -> Iterator[Database]:
    db = _migrated(pg_server_url)
    yield db
    db.dispose()


def _empty(db: Database) -> None:
    tables = [t.name for t in reversed(SQLModel.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if db.dialect == "postgresql":  # TRUNCATE fires no row trigger: the index tables too
            quoted = ", ".join(f'"{t}"' for t in [*tables, "item_photo"])
            conn.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f'DELETE FROM "{table}"'))


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest) -> Database:
    """An empty, migrated database: SQLite, then PostgreSQL."""
    database = request.getfixturevalue(f"_{'pg' if request.param == 'postgresql' else 'sqlite'}_db")
    _empty(database)
    return database


class Clock:
    """A clock the test moves by hand; starts on a Tuesday at 10:00 in Paris."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 12, 8, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def media(tmp_path: Path) -> MediaStore:
    return MediaStore(tmp_path / "media")


@pytest.fixture
def ctx(media: MediaStore, clock: Clock) -> Context:
    return Context.from_config(Config(), media=media, clock=clock)


@pytest.fixture
def engine(db: Database, ctx: Context) -> Engine:
    """The conversation engine on a database holding the demo town."""
    db.run(lambda session: load_demo(session=session, media=ctx.media))
    return Engine(db, ctx)


@pytest.fixture
def chat(engine: Engine) -> Callable[..., ConsoleChannel]:
    """`chat("alice")` is a person typing in the console; `.say(line)` returns the screen."""

    def make(user: str = "alice", language: str = "fr") -> ConsoleChannel:
        return ConsoleChannel(engine, user=user, language=language)

    return make
