"""Alembic environment: the models' metadata, on the connection `store.migrate` hands over."""

from alembic import context
from sqlmodel import SQLModel

import store.models  # noqa: F401  (registers the tables)
from store.migrate import include_object

config = context.config
connection = config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    include_object=include_object,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
