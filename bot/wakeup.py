"""Between processes: a web process tells the workers "messages are due now".

On PostgreSQL a `NOTIFY vitrine_outbox` after the turn's transaction; each worker LISTENs on
its own connection and wakes its dispatcher. A lost announcement costs nothing but time:
workers also poll every `[notifications] poll_seconds`. SQLite runs one process (no roles).
"""

import logging
import threading
from collections.abc import Callable

import psycopg
from sqlalchemy import text
from sqlalchemy.engine import make_url

from store.db import Database

log = logging.getLogger(__name__)

CHANNEL = "vitrine_outbox"


class Announcer:
    """`announce()` after a transaction that wrote outbox rows due now."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def announce(self) -> None:
        if self.db.dialect != "postgresql":
            return
        try:
            with self.db.engine.connect() as conn:
                conn.execute(text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})
                conn.commit()
        except Exception as exc:  # the workers' poll still finds the rows
            log.warning("could not wake the workers: %s", exc)


def _libpq_url(db: Database) -> str:
    return make_url(db.url).set(drivername="postgresql").render_as_string(hide_password=False)


class Listener:
    """A thread that calls `wake` on each announcement (and on reconnecting)."""

    def __init__(self, db: Database, wake: Callable[[], None], *, timeout: float = 1.0) -> None:
        self.db = db
        self.wake = wake
        self.timeout = timeout
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._main, name="outbox-listener", daemon=True)
        self.ready = threading.Event()  # listening

    def start(self) -> "Listener":
        if self.db.dialect == "postgresql":
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(self.timeout + 5)

    def _main(self) -> None:
        while not self._stop.is_set():
            try:
                with psycopg.connect(_libpq_url(self.db), autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.ready.set()
                    self.wake()  # whatever was announced while we were not listening
                    while not self._stop.is_set():
                        for _ in conn.notifies(timeout=self.timeout):
                            self.wake()
            except psycopg.Error as exc:
                log.warning("outbox listener: %s; again in a moment", exc)
                self._stop.wait(self.timeout)
