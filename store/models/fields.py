"""Column helpers: aware UTC times, a creation time, JSON."""

from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field

from store.types import UTCDateTime, utcnow


def _utc(nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


def _created() -> Any:
    return Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


def _json(default: Any) -> Any:
    return Field(default_factory=default, sa_column=Column(JSON, nullable=False))
