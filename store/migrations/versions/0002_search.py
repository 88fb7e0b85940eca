"""search index: FTS5 on SQLite, tsvector with unaccent on PostgreSQL

Revision ID: 0002
Revises: 0001
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    from store.search import create_index

    create_index(op.get_bind())


def downgrade() -> None:
    from store.search import drop_index

    drop_index(op.get_bind())
