"""Benchmark: the cost of reading a closure notice, today's parser against an older one.

Every phrase of tests/corpora/closures_*.toml is read by `parse_closures`, best of 5 passes,
once by today's code and once by the code of `BASE` (the parser before this wave's closure
work, extracted from git history into a temporary directory and run in a subprocess), in the
same run, on the same phrases.

`python -m bench.closures [BASE]`
"""

import subprocess
import sys
import tempfile
import time
import tomllib
from datetime import date
from pathlib import Path

from bench import checkout

ROOT = Path(__file__).resolve().parents[1]
BASE = "c7cc2ff"  # main before the blind closure batches
CORPORA = ROOT / "tests" / "corpora"


def phrases() -> list[tuple[str, date]]:
    cases = [
        case
        for path in sorted(CORPORA.glob("closures_*.toml"))
        for case in tomllib.loads(path.read_text("utf-8"))["cases"]
    ]
    return [(c["text"], date.fromisoformat(c.get("today", "2026-12-08"))) for c in cases]


def per_phrase() -> float:
    """Seconds a phrase for the `store` package first on sys.path."""
    from store.parsing.closures import parse_closures

    found = phrases()
    passes = []
    for _ in range(5):
        started = time.perf_counter()
        for text, today in found:
            parse_closures(text, today)
        passes.append(time.perf_counter() - started)
    return min(passes) / len(found)


def main(base: str = BASE) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        why_not = checkout(base, Path(tmp), "store")
        if why_not:
            print(f"{base} not measured: {why_not}")
            return 1
        code = f"import sys; sys.path[:0] = [{tmp!r}, {str(ROOT)!r}]; "
        code += f"import store; assert store.__file__.startswith({tmp!r}); "
        code += "from bench.closures import per_phrase; print(per_phrase())"
        old = float(subprocess.run([sys.executable, "-c", code], capture_output=True,
                                   text=True, check=True, cwd=tmp).stdout)  # fmt: skip
    new = per_phrase()
    count = len(phrases())
    print(f"parse_closures over {count} corpus phrases, best of 5, same run")
    print(f"  {base}: {old * 1e6:.0f} µs a phrase   today: {new * 1e6:.0f} µs   {new / old:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
