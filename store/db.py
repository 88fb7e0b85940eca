"""The database engine: SQLite by default (WAL mode), PostgreSQL (psycopg 3) when configured."""

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import Session, create_engine

log = logging.getLogger(__name__)
T = TypeVar("T")


def normalise_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever the URL's spelling."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str, **kw: Any) -> Engine:
    """An engine for `url`; creates the SQLite file's folder and turns on WAL."""
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kw)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (see below)
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            # BEGIN IMMEDIATE takes the write lock up front, so two writers never deadlock
            # on a read-to-write upgrade; that is what makes stock-taking atomic on SQLite.
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    kw.setdefault("pool_size", 10)
    kw.setdefault("max_overflow", 20)
    return create_engine(url, pool_pre_ping=True, **kw)


def is_transient(exc: BaseException) -> bool:
    """A database that is briefly down or busy: worth trying again."""
    if isinstance(exc, OperationalError):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


class Database:
    """One engine and the way to run a unit of work on it."""

    def __init__(self, url: str, **kw: Any) -> None:
        self.url = normalise_url(url)
        self.engine = make_engine(self.url, **kw)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose transaction commits when the block ends without error."""
        with Session(self.engine, expire_on_commit=False) as session:
            with session.begin():
                yield session

    def run(self, work: Callable[[Session], T], *, attempts: int = 5) -> T:
        """Run `work` in one transaction, again from the start if the database hiccups."""
        delay = 0.05
        for attempt in range(1, attempts + 1):
            try:
                with self.session() as session:
                    return work(session)
            except Exception as exc:
                if attempt == attempts or not is_transient(exc):
                    raise
                log.warning("database busy or down (%s), try %d of %d", exc, attempt, attempts)
                time.sleep(delay)
                delay = min(delay * 2, 2.0)
        raise AssertionError("unreachable")

    def dispose(self) -> None:
        self.engine.dispose()
