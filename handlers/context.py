"""What handlers know of the world besides the database: settings, clock, media, links."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from store.media import MediaStore


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class ReminderSettings:
    """When reminders go out (the config's [notifications] section)."""

    minutes_before: tuple[int, ...] = (60,)
    next_morning: bool = True
    quiet_hours: str = "21:00-08:00"
    speedup: int = 1  # demo: reminders this many times sooner


@dataclass
class Context:
    """Handed to every handler; built once by `bot` from the config."""

    media: MediaStore
    town_slug: str = "nogent-le-rotrou"
    timezone: str = "Europe/Paris"
    currency: str = "EUR"
    telegram_username: str = "VitrineNogentBot"
    whatsapp_number: str = ""
    public_url: str = "http://localhost:8080"
    # Live visits: how long a reserved item stays held, and when a forgotten visit ends.
    visit_hold_minutes: int = 30
    visit_max_minutes: int = 120
    clock: Callable[[], datetime] = field(default=system_clock)
    # Called after a transaction that wrote outbox rows due now (wakes the dispatcher).
    on_outbox: Callable[[], None] = field(default=lambda: None)
    reminders: ReminderSettings = field(default_factory=ReminderSettings)
    # How long a reply's safety copy waits for the channel to say it was sent.
    reply_grace: timedelta = timedelta(seconds=30)

    def now(self) -> datetime:
        return self.clock()

    def deep_link(self, channel: str, payload: str) -> str:
        """The link that opens the bot on `payload` (`shop-<slug>`, `pickup-<token>`, ...)."""
        if channel == "whatsapp" and self.whatsapp_number:
            number = self.whatsapp_number.removeprefix("whatsapp:").lstrip("+")
            return f"https://wa.me/{number}?text={quote(payload.replace('-', ' ', 1))}"
        return f"https://t.me/{self.telegram_username}?start={payload}"
