"""What a log line is about: the update, message or order being handled (every layer sets it).

`bind(update_id=...)` in a channel, `bind(order=...)` in a handler: the fields ride on a
context variable, so each update's task (and the threads it hands work to) has its own, and
`Fields` adds them to every record logged meanwhile (the JSON logs print them).
"""

import logging
from contextvars import ContextVar

_FIELDS: ContextVar[dict[str, object] | None] = ContextVar("vitrine_log_fields", default=None)


def bind(**fields: object) -> None:
    """From now on in this task (or thread), log records carry `fields`."""
    _FIELDS.set({**(_FIELDS.get() or {}), **fields})


def current() -> dict[str, object]:
    return dict(_FIELDS.get() or {})


class Fields(logging.Filter):
    """Puts the bound fields on each record (as `record.context`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.context = current()
        return True
