"""Vitrine's benchmarks: `python -m bench` (small sizes) or `python -m bench --full`.

Each benchmark prints its figures with the goal beside it, and returns `Figure`s for the
final summary table. Absolute timings depend on the machine and on what else runs on it;
ratios measured in the same run (search vs a naive LIKE scan, Vitrine vs a bare echo bot)
are the figures to compare between machines.
"""

import os
import subprocess
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text


@dataclass
class Figure:
    """One measured figure, its goal and whether it meets it (None: no goal)."""

    bench: str
    name: str
    value: str
    goal: str = ""
    met: bool | None = None


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (nearest rank) of `values`; 0 when there are none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def say(line: str = "") -> None:
    print(line, flush=True)


def figure(bench: str, name: str, value: str, goal: str = "", met: bool | None = None) -> Figure:
    """Print one figure (with its goal and verdict) and return it for the summary."""
    verdict = "" if met is None else ("  ✓ met" if met else "  ✗ missed")
    goal_text = f"   (goal {goal})" if goal else ""
    say(f"  {name:<44} {value:>16}{goal_text}{verdict}")
    return Figure(bench, name, value, goal, met)


def admin_pg_url(explicit: str | None) -> str | None:
    """The PostgreSQL server to benchmark on: `--pg URL`, else $VITRINE_TEST_PG_URL."""
    return explicit or os.environ.get("VITRINE_TEST_PG_URL") or None


@contextmanager
def private_pg(admin_url: str, label: str) -> Iterator[str]:
    """A fresh database on the server behind `admin_url`, dropped afterwards."""
    from store.db import normalise_url

    admin_url = normalise_url(admin_url)
    name = f"vitrine_bench_{label}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    base, _, _ = admin_url.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def checkout(commit: str, into: Path, *paths: str) -> str | None:
    """The files of `commit` (only `paths`, if given) extracted from this repository's git
    history into `into`, for a benchmark that runs older code beside today's; why not, or None."""
    root = Path(__file__).resolve().parents[1]
    archive = subprocess.run(
        ["git", "-C", str(root), "archive", commit, *paths], capture_output=True, check=False
    )
    if archive.returncode != 0:
        return archive.stderr.decode().strip()[:200] or f"git archive {commit} failed"
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return None
