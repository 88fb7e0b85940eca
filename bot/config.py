"""Configuration: TOML (`--config`, else $VITRINE_CONFIG, else config.toml, else defaults).

The dataclasses below hold the only defaults of every setting: the handlers' `Context` and
the dispatcher's `Settings` are built from a `Config` (`from_config`), never default alone.
"""

import os
import re
import tomllib
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Any, cast


class ConfigError(ValueError):
    """A config key that is missing, unknown or wrong; the message names it."""


@dataclass
class DatabaseConfig:
    url: str = "sqlite:///var/vitrine.db"


@dataclass
class TelegramConfig:
    token: str = ""
    mode: str = "polling"  # polling | webhook
    webhook_secret: str = ""
    api_base_url: str = "https://api.telegram.org/bot"
    api_file_url: str = "https://api.telegram.org/file/bot"
    bot_username: str = "VitrineNogentBot"
    # One payment provider token per deployment (from @BotFather > Payments): Telegram links a
    # provider to the bot, not to a shop. Empty: Telegram customers get the Stripe link.
    payment_provider_token: str = ""


@dataclass
class WhatsAppConfig:
    account_sid: str = ""
    auth_token: str = ""
    from_number: str = ""
    api_base_url: str = "https://api.twilio.com"
    # Where Twilio's media URLs redirect to (its media CDN; the S3 host for media stored
    # before "Enforce HTTP Auth on Media URLs"). Fetched without credentials.
    media_hosts: list[str] = field(
        default_factory=lambda: ["mms.twiliocdn.com", "s3-external-1.amazonaws.com"]
    )
    # Approved templates (ContentSid) for messages outside the 24-hour window, by kind:
    # they override the ones `vitrine whatsapp setup` creates.
    templates: dict[str, str] = field(default_factory=dict)
    # Twilio's Content API (buttons, lists, templates); a local stand-in in tests.
    content_base_url: str = "https://content.twilio.com"
    # Real buttons and lists once `vitrine whatsapp setup` made them; false: numbered text.
    rich_replies: bool = True
    # Estimated cost per message, in hundredths of a cent (248 = 2.48 c), by category.
    pricing: dict[str, int] = field(
        default_factory=lambda: {"service": 248, "utility": 248, "marketing": 1186, "twilio": 46}
    )


@dataclass
class StripeConfig:
    """Stripe Checkout links for "Payer en ligne"; the money goes to each shop's account."""

    api_key: str = ""  # the platform's secret key (sk_...); empty: online payment is off
    webhook_secret: str = ""  # whsec_... of the /stripe/webhook endpoint
    api_base_url: str = "https://api.stripe.com"


@dataclass
class WebConfig:
    host: str = "127.0.0.1"
    port: int = 8080
    public_url: str = "http://localhost:8080"
    # Signs the dashboard's session cookies; "" keeps a random one in var/.session-secret.
    session_secret: str = ""


@dataclass
class TownConfig:
    name: str = "Nogent-le-Rotrou"
    timezone: str = "Europe/Paris"
    locale: str = "fr_FR"
    currency: str = "EUR"


@dataclass
class MediaConfig:
    root: str = "var/media"


@dataclass
class NotificationsConfig:
    # Sending rates (token buckets, per `vitrine run` process).
    telegram_per_second: float = 30.0
    telegram_per_chat_per_second: float = 1.0
    whatsapp_per_second: float = 80.0
    # Shared by every process: auto (Redis when redis_url is set, else PostgreSQL's when
    # the database is, else in-process) | redis | postgresql | none (in-process only).
    shared_limits: str = "auto"
    redis_url: str = ""  # e.g. redis://127.0.0.1:6379/0
    # Reminders and digests wait for the end of these hours (town's zone); "" for none.
    quiet_hours: str = "21:00-08:00"
    # Pickup reminders: minutes before the slot starts, and the next morning if not collected.
    reminder_minutes_before: list[int] = field(default_factory=lambda: [60])
    reminder_next_morning: bool = True
    # Transient failures: retried with doubling delays from retry_seconds, up to max_attempts.
    max_attempts: int = 10
    retry_seconds: float = 5.0
    # How long a dispatcher may hold claimed rows before another one takes them over.
    lease_seconds: int = 120
    # Rows handed to each channel at once (the most a crash can ever send twice).
    max_in_flight: int = 32
    # The scheduler's safety poll; due rows are normally sent as soon as they are written.
    poll_seconds: float = 15.0
    # An order's confirmation is also kept in the outbox, sent after this many seconds unless
    # the reply itself went out: a crash between the order and the reply loses nothing.
    reply_grace_seconds: float = 30.0
    # Demo: reminders come this many times sooner (60: an hour's wait takes a minute).
    demo_speedup: int = 1


@dataclass
class VisitsConfig:
    """Live visits: reservations made while watching, visits nobody ended."""

    hold_minutes: int = 30  # how long an item reserved during a visit stays set aside
    max_live_minutes: int = 120  # a visit nobody ended ends itself after this long


@dataclass
class Config:
    database: DatabaseConfig = field(default_factory=DatabaseConfig)
    telegram: TelegramConfig = field(default_factory=TelegramConfig)
    whatsapp: WhatsAppConfig = field(default_factory=WhatsAppConfig)
    web: WebConfig = field(default_factory=WebConfig)
    town: TownConfig = field(default_factory=TownConfig)
    media: MediaConfig = field(default_factory=MediaConfig)
    notifications: NotificationsConfig = field(default_factory=NotificationsConfig)
    visits: VisitsConfig = field(default_factory=VisitsConfig)
    stripe: StripeConfig = field(default_factory=StripeConfig)
    path: str | None = None

    @property
    def telegram_enabled(self) -> bool:
        return bool(self.telegram.token)

    @property
    def whatsapp_enabled(self) -> bool:
        return bool(self.whatsapp.account_sid and self.whatsapp.auth_token)


def _section(cls: type, name: str, values: dict[str, Any]) -> Any:
    known = {f.name: f for f in fields(cls)}
    for key, value in values.items():
        if key not in known:
            raise ConfigError(f"unknown key [{name}] {key}; known: {', '.join(known)}")
        factory = known[key].default_factory
        default = factory() if factory is not MISSING else known[key].default
        if default is not None and type(default) is not type(value):
            if not (isinstance(default, int | float) and isinstance(value, int)):
                raise ConfigError(f"[{name}] {key} must be a {type(default).__name__}")
    return cls(**values)


def parse(data: dict[str, Any], path: str | None = None) -> Config:
    """A Config from TOML data; unknown sections or keys are errors that name them."""
    sections = {f.name: f for f in fields(Config) if f.name != "path"}
    kwargs: dict[str, Any] = {}
    for name, values in data.items():
        if name not in sections or not isinstance(values, dict):
            raise ConfigError(f"unknown section [{name}]; known: {', '.join(sections)}")
        kwargs[name] = _section(cast(type, sections[name].default_factory), name, values)
    config = Config(**kwargs, path=path)
    if config.telegram.mode not in ("polling", "webhook"):
        raise ConfigError("[telegram] mode must be 'polling' or 'webhook'")
    if (
        config.telegram.mode == "webhook"
        and config.telegram.token
        and not config.telegram.webhook_secret
    ):
        raise ConfigError("[telegram] webhook_secret is required in webhook mode")
    if not re.fullmatch(r"[A-Za-z0-9_-]{0,256}", config.telegram.webhook_secret):
        raise ConfigError("[telegram] webhook_secret may only hold A-Z a-z 0-9 _ - (256 at most)")
    secret = config.web.session_secret
    if secret and len(secret) < 32:
        raise ConfigError("[web] session_secret must be at least 32 characters (or empty)")
    _check_notifications(config.notifications)
    if config.stripe.api_key and not config.stripe.webhook_secret:
        raise ConfigError("[stripe] webhook_secret is required with an api_key")
    known = set(WhatsAppConfig().pricing)
    for key, value in config.whatsapp.pricing.items():
        if key not in known:
            raise ConfigError(f"unknown key [whatsapp.pricing] {key}; known: {', '.join(known)}")
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ConfigError(f"[whatsapp.pricing] {key} must be a whole number >= 0")
    config.whatsapp.pricing = {**WhatsAppConfig().pricing, **config.whatsapp.pricing}
    return config


def _check_notifications(notifications: NotificationsConfig) -> None:
    from store.quiet import parse as parse_quiet

    try:
        parse_quiet(notifications.quiet_hours)
    except ValueError as exc:
        raise ConfigError(f"[notifications] quiet_hours: {exc}") from exc
    minutes = notifications.reminder_minutes_before
    if not isinstance(minutes, list) or not all(isinstance(m, int) and m > 0 for m in minutes):
        raise ConfigError("[notifications] reminder_minutes_before must be a list of minutes > 0")
    if notifications.shared_limits not in ("auto", "redis", "postgresql", "none"):
        raise ConfigError("[notifications] shared_limits: auto, redis, postgresql or none")
    rates = ("telegram_per_second", "telegram_per_chat_per_second", "whatsapp_per_second")
    for name in (*rates, "max_attempts", "lease_seconds", "max_in_flight", "demo_speedup"):
        if getattr(notifications, name) <= 0:
            raise ConfigError(f"[notifications] {name} must be more than 0")


def load(path: str | None = None) -> Config:
    """The config from `path`, $VITRINE_CONFIG or ./config.toml; defaults when none exists."""
    chosen = path or os.environ.get("VITRINE_CONFIG")
    if chosen is None and Path("config.toml").exists():
        chosen = "config.toml"
    if chosen is None:
        return Config()
    try:
        with open(chosen, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ConfigError(f"config file {chosen} does not exist") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {chosen} is not valid TOML: {exc}") from exc
    return parse(data, chosen)
