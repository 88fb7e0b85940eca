"""Regenerate the initial migration from the models: `make migration`.

Nothing has shipped yet, so the schema is one revision (0001) followed by the hand-written
search index (0002). Once a release is out, add revisions instead of regenerating.
"""

import tempfile
from pathlib import Path

from store import migrate
from store.db import make_engine

INITIAL = migrate.HERE / "versions" / "0001_initial_schema.py"


def main() -> None:
    INITIAL.unlink(missing_ok=True)
    later = sorted(INITIAL.parent.glob("0*.py"))
    # Alembic writes a revision only on top of an up-to-date database: hide the later,
    # hand-written revisions while 0001 is generated against an empty one.
    for path in later:
        path.rename(path.with_suffix(".hidden"))
    try:
        with tempfile.TemporaryDirectory() as tmp:
            engine = make_engine(f"sqlite:///{Path(tmp) / 'empty.db'}")
            migrate.autogenerate(engine, "initial schema", "0001")
            engine.dispose()
    finally:
        for path in later:
            path.with_suffix(".hidden").rename(path)
    print(f"wrote {INITIAL}")


if __name__ == "__main__":
    main()
