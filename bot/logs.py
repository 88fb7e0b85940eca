"""`vitrine --log-format json`: one JSON object a line, with what the line is about
(`update_id`, `message_sid`, `order`, `outbox`: store/logctx.py), for a log shipper."""

import json
import logging
from datetime import UTC, datetime

from store.logctx import Fields


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            **getattr(record, "context", {}),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def configure(level: int, fmt: str = "text") -> None:
    """The root logger: text (as before) or JSON lines, each with its context fields."""
    handler = logging.StreamHandler()
    handler.addFilter(Fields())
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler], force=True)
