"""Schema migrations (Alembic), run by `vitrine db upgrade` and by `vitrine run`."""

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine

HERE = Path(__file__).parent / "migrations"
# Tables made by hand-written SQL (search and photo indexes), not by the models.
UNMODELLED = ("item_fts", "item_search", "item_photo")


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Leave the search index's own tables and columns out of the comparison with the models."""
    if type_ == "table" and name and name.startswith(UNMODELLED):
        return False
    return name not in ("search_vector", "ix_item_search_vector", "ix_shop_photo")


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database's schema up to `revision`."""
    cfg = alembic_config(engine)
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


def autogenerate(engine: Engine, message: str, rev_id: str) -> None:
    """Write a new revision from the difference between `engine`'s schema and the models."""
    cfg = alembic_config(engine)
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.revision(cfg, message=message, autogenerate=True, rev_id=rev_id)


def is_current(engine: Engine) -> bool:
    """Is the database's schema at the newest revision (nothing left to upgrade)?"""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    heads = set(ScriptDirectory.from_config(alembic_config(engine)).get_heads())
    with engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    return current == heads
