"""Prometheus metrics: updates handled, replies, latency, the outbox, deliveries, 429s.

`GET /metrics` (web and all roles). With several processes on one host, set
`PROMETHEUS_MULTIPROC_DIR` to an empty folder shared by them (the systemd units in
docs/deploy.md do): each process writes its counters there and every web process serves
the sum of all of them, workers' deliveries included (prometheus_client's multiprocess
mode). Without it, each process counts for itself. The outbox's depth and age are read
from the database at each scrape, so any web process gives the same answer.
"""

import os
import time
from collections.abc import Iterator
from datetime import datetime

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import REGISTRY, Collector
from sqlmodel import Session, col, func, select

from handlers.core import Incoming, Reply
from handlers.engine import Engine
from store.db import Database
from store.models import Outbox
from store.types import utcnow

UPDATES = Counter("vitrine_updates_total", "Messages and presses handled", ["channel"])
REPLIES = Counter("vitrine_replies_total", "Replies sent back to the person", ["channel"])
LATENCY = Histogram(
    "vitrine_update_seconds",
    "Time to handle one message (database transaction included, sending excluded)",
    ["channel"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)


class MeteredEngine(Engine):
    """The engine, counted."""

    def handle(self, incoming: Incoming) -> list[Reply]:
        started = time.perf_counter()
        replies = super().handle(incoming)
        LATENCY.labels(incoming.channel).observe(time.perf_counter() - started)
        UPDATES.labels(incoming.channel).inc()
        REPLIES.labels(incoming.channel).inc(len(replies))
        return replies


class OutboxCollector(Collector):
    """Messages due and not sent yet, and how long the oldest has waited (at each scrape)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def collect(self) -> Iterator[GaugeMetricFamily]:
        now = utcnow()

        def work(session: Session) -> tuple[int, datetime | None]:
            due = col(Outbox.status).in_(("pending", "sending")) & (col(Outbox.due_at) <= now)
            query = select(func.count(), func.min(Outbox.due_at)).where(due)
            count, oldest = session.exec(query).one()
            return int(count), oldest

        count, oldest = self.db.run(work)
        depth = GaugeMetricFamily("vitrine_outbox_depth", "Outbox messages due, not yet sent")
        depth.add_metric([], count)
        age = GaugeMetricFamily(
            "vitrine_outbox_age_seconds", "How long the oldest due outbox message has waited"
        )
        age.add_metric([], (now - oldest).total_seconds() if oldest else 0.0)
        yield depth
        yield age


def registry(db: Database) -> CollectorRegistry:
    """What `/metrics` serves: every process's counters (multiprocess) or this one's."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        chosen = CollectorRegistry()
        multiprocess.MultiProcessCollector(chosen)  # type: ignore[no-untyped-call]
    else:
        chosen = CollectorRegistry()
        chosen.register(_Everything())
    chosen.register(OutboxCollector(db))
    return chosen


class _Everything(Collector):
    """This process's default registry, inside a registry of our own (plus the outbox)."""

    def collect(self) -> Iterator[object]:  # type: ignore[override]
        yield from REGISTRY.collect()


def render(chosen: CollectorRegistry) -> tuple[bytes, str]:
    return generate_latest(chosen), CONTENT_TYPE_LATEST
