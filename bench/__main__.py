"""`python -m bench [--full] [--pg URL] [--only NAME ...]`: run the benchmarks, then a summary."""

import argparse
import importlib.util
import logging
import os
import platform
import sys
import time
from pathlib import Path

from bench import Figure, admin_pg_url, say

NAMES = (
    "search", "core", "e2e", "memory", "notifications", "pages", "dashboard", "workers", "towns",
)  # fmt: skip


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument(
        "--full",
        action="store_true",
        help="national scale: 800 towns, 40,000 shops, 1,000,000 items",
    )
    p.add_argument(
        "--pg",
        metavar="URL",
        help="PostgreSQL server (default $VITRINE_TEST_PG_URL); a private database "
        "is created on it and dropped afterwards",
    )
    p.add_argument("--no-pg", action="store_true", help="SQLite only")
    p.add_argument(
        "--only",
        nargs="+",
        choices=NAMES,
        metavar="NAME",
        help=f"run only these: {', '.join(NAMES)}",
    )
    p.add_argument(
        "--project-standin",
        action="store_true",
        help="end to end on tests/fakes/telegram_standin.py instead of bench/standin.py",
    )
    p.add_argument("--workdir", default="var/bench", help="where the generated databases go")
    return p


def machine() -> str:
    """nproc, CPU model and RAM, as the README's table records them."""
    model = "?"
    memory = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.0f} GB"
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs ({model}), {memory} RAM, Python {platform.python_version()}"


def summary(figures: list[Figure]) -> None:
    """The table of every figure that has a goal."""
    say("\n== Summary ==")
    say(f"  {'figure':<52} {'value':>16}  {'goal':<14} met?")
    for f in figures:
        if f.goal:
            verdict = "yes" if f.met else "NO"
            say(f"  {f.bench + ': ' + f.name:<52} {f.value:>16}  {f.goal:<14} {verdict}")


def notifications(full: bool) -> list[Figure]:
    """bench/notifications.py (the notifications issue's own benchmark), when it is there."""
    say("\n== Notifications ==")
    if importlib.util.find_spec("bench.notifications") is None:
        say("  skipped: bench/notifications.py is not in main yet")
        return []
    from bench import notifications as bench_notifications  # type: ignore[attr-defined]

    run = getattr(bench_notifications, "run", None)
    if run is None:  # only its main: its exit status is its verdict
        met = bench_notifications.main(full) == 0
        return [
            Figure(
                "notifications", "rate, duplicates, lost, 429s", "see above", "its own goals", met
            )
        ]
    found = run(full)
    out = []
    for channel in ("telegram", "whatsapp"):
        if isinstance(found.get(channel), dict):
            ratio = found[channel]["ratio"]
            out.append(
                Figure(
                    "notifications",
                    f"{channel} achieved rate / limit",
                    f"{ratio:.3f}",
                    ">= 0.95",
                    ratio >= 0.95,
                )
            )
    for key in ("duplicates", "lost", "429s"):
        if key in found:
            out.append(Figure("notifications", key, str(found[key]), "0", found[key] == 0))
    return out


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    only = set(args.only or NAMES)
    pg = None if args.no_pg else admin_pg_url(args.pg)
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    say(f"Vitrine benchmarks ({'full' if args.full else 'small'}) on {machine()}")
    say(
        f"load average {os.getloadavg()[0]:.1f}: absolute times are noisy on a shared machine; "
        "the ratios are measured in the same run"
    )
    started = time.perf_counter()
    figures: list[Figure] = []
    search_db: Path | None = None
    if "search" in only:
        from bench import search

        found, search_db = search.main(args.full, workdir, pg)
        figures += found
    if "core" in only:
        from bench import core

        figures += core.main(args.full, workdir, pg)
    if "e2e" in only:
        from bench import e2e

        figures += e2e.main(args.full, workdir, args.project_standin)
    if "memory" in only:
        from bench import memory

        figures += memory.main(args.full, workdir, search_db)
    if "notifications" in only:
        figures += notifications(args.full)
    if "pages" in only:
        from bench import pages

        figures += pages.main(args.full, workdir)
    if "dashboard" in only:
        from bench import dashboard

        figures += dashboard.main(args.full, workdir)
    if "workers" in only:
        from bench import workers

        figures += workers.main(args.full, pg)
    if "towns" in only:
        from bench import towns

        figures += towns.main(args.full, workdir, pg)
    summary(figures)
    say(f"\ntotal {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
