"""What handlers know of the world besides the database: settings, clock, media, links.

The settings come from the config (`Context.from_config`); `bot/config.py` holds their only
defaults, so tests build their context from `Config()` like the running program does.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Protocol
from urllib.parse import quote

from store.media import MediaStore
from store.parsing.text import slugify

if TYPE_CHECKING:  # the type only: handlers never import bot at run time
    from bot.config import Config


def system_clock() -> datetime:
    return datetime.now(UTC)


def _no_wake() -> None:
    """Until the notifications start, nobody needs waking."""


@dataclass(frozen=True)
class Checkout:
    """A payment page opened at the provider: its id and the link the customer opens."""

    session_id: str
    url: str


class PaymentLinks(Protocol):
    """The payment provider behind "Payer en ligne" (bot/payments.py: Stripe Checkout)."""

    def checkout(
        self, *, reference: str, title: str, amount_cents: int, currency: str,
        expires_at: datetime, account: str, lang: str, back_url: str,
    ) -> Checkout:  # fmt: skip
        """Open a payment page for `amount_cents`, paid to the shop's `account`; once paid,
        the page sends the customer back to `back_url` (the chat)."""
        ...

    def expire(self, session_id: str) -> None:
        """Close a page nobody paid (the hold ran out)."""
        ...

    def refund(self, *, payment_intent: str, amount_cents: int, key: str) -> str:
        """Give the money back (once per `key`); the refund's id."""
        ...

    def connect(self, *, account: str, reference: str) -> tuple[str, str]:
        """The shop's own account (made when `account` is empty) and its onboarding link."""
        ...


@dataclass(frozen=True)
class ReminderSettings:
    """When reminders go out (the config's [notifications] section)."""

    minutes_before: tuple[int, ...]
    next_morning: bool
    quiet_hours: str
    speedup: int  # demo: reminders this many times sooner


@dataclass
class Context:
    """Handed to every handler; built once by `bot` from the config."""

    media: MediaStore
    town_slug: str
    timezone: str
    currency: str
    telegram_username: str
    whatsapp_number: str
    public_url: str
    # Live visits: how long a reserved item stays held, and when a forgotten visit ends.
    visit_hold_minutes: int
    visit_max_minutes: int
    reminders: ReminderSettings
    clock: Callable[[], datetime] = field(default=system_clock)
    # Called after a transaction that wrote outbox rows due now (wakes the dispatcher).
    on_outbox: Callable[[], None] = field(default=_no_wake)
    # How long a reply's safety copy waits for the channel to say it was sent.
    reply_grace: timedelta = timedelta(seconds=30)
    # Online payment, when the deployment has a provider ([stripe] api_key).
    payments: PaymentLinks | None = None
    # Telegram's native invoices, when [telegram] payment_provider_token is set.
    telegram_invoices: bool = False

    @classmethod
    def from_config(
        cls,
        config: "Config",
        *,
        media: MediaStore,
        clock: Callable[[], datetime] = system_clock,
    ) -> "Context":
        """The context of a program (or a test) running with `config`."""
        notifications = config.notifications
        return cls(
            media=media,
            town_slug=slugify(config.town.name),
            timezone=config.town.timezone,
            currency=config.town.currency,
            telegram_username=config.telegram.bot_username,
            whatsapp_number=config.whatsapp.from_number,
            public_url=config.web.public_url.rstrip("/"),
            visit_hold_minutes=config.visits.hold_minutes,
            visit_max_minutes=config.visits.max_live_minutes,
            reminders=ReminderSettings(
                minutes_before=tuple(notifications.reminder_minutes_before),
                next_morning=notifications.reminder_next_morning,
                quiet_hours=notifications.quiet_hours,
                speedup=notifications.demo_speedup,
            ),
            reply_grace=timedelta(seconds=notifications.reply_grace_seconds),
            telegram_invoices=bool(config.telegram.payment_provider_token),
            clock=clock,
        )

    def now(self) -> datetime:
        return self.clock()

    def deep_link(self, channel: str, payload: str) -> str:
        """The link that opens the bot on `payload` (`shop-<slug>`, `pickup-<token>`, ...)."""
        if channel == "whatsapp" and self.whatsapp_number:
            number = self.whatsapp_number.removeprefix("whatsapp:").lstrip("+")
            return f"https://wa.me/{number}?text={quote(payload.replace('-', ' ', 1))}"
        return f"https://t.me/{self.telegram_username}?start={payload}"
