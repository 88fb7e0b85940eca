"""The contract between the notifications dispatcher and the channels that deliver.

The channels live in `bot/`; they implement `Sender`. Nothing here imports a platform.
"""

from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True)
class Recipient:
    user_id: int
    channel: str
    channel_ref: str
    language: str
    last_inbound_at: datetime | None


# The outbox row being delivered (set by the dispatcher around `Sender.deliver`), so a
# channel can tie what it sends to the row: delivery receipts, counts per order.
OUTBOX_ROW: ContextVar[int | None] = ContextVar("outbox_row", default=None)


class DeliveryError(Exception):
    """A message that did not go out. `permanent`: never retry (blocked, unreachable)."""

    def __init__(
        self, reason: str, *, permanent: bool = False, retry_after: float | None = None
    ) -> None:
        super().__init__(reason)
        self.permanent = permanent
        self.retry_after = retry_after


class Sender(Protocol):
    """A channel able to deliver an outbox row's payload to one of its users."""

    channel: str

    async def deliver(self, recipient: Recipient, kind: str, payload: dict[str, Any]) -> None:
        """Send `payload` ({"replies": [...], "variables": {...}}); raise DeliveryError."""
        ...
