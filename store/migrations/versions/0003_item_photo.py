"""item_photo: which media keys are an item's photo, for unsigned /media requests

Revision ID: 0003
Revises: 0002
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    from store.media_index import create_index

    create_index(op.get_bind())


def downgrade() -> None:
    from store.media_index import drop_index

    drop_index(op.get_bind())
