"""Configuration: TOML (`--config`, else $VITRINE_CONFIG, else config.toml, else defaults)."""

import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any


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


@dataclass
class WhatsAppConfig:
    account_sid: str = ""
    auth_token: str = ""
    from_number: str = ""
    api_base_url: str = "https://api.twilio.com"
    # Approved templates (ContentSid) for messages outside the 24-hour window, by kind.
    templates: dict[str, str] = field(default_factory=dict)


@dataclass
class WebConfig:
    host: str = "127.0.0.1"
    port: int = 8080
    public_url: str = "http://localhost:8080"


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
class VisitsConfig:
    """Live visits (issue 7)."""

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
    visits: VisitsConfig = field(default_factory=VisitsConfig)
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
        default = known[key].default
        if default is not None and not callable(default) and type(default) is not type(value):
            if not (isinstance(default, int) and isinstance(value, int)):
                raise ConfigError(f"[{name}] {key} must be a {type(default).__name__}")
    return cls(**values)


def parse(data: dict[str, Any], path: str | None = None) -> Config:
    """A Config from TOML data; unknown sections or keys are errors that name them."""
    sections = {f.name: f for f in fields(Config) if f.name != "path"}
    kwargs: dict[str, Any] = {}
    for name, values in data.items():
        if name not in sections or not isinstance(values, dict):
            raise ConfigError(f"unknown section [{name}]; known: {', '.join(sections)}")
        kwargs[name] = _section(sections[name].default_factory, name, values)  # type: ignore[misc]
    config = Config(**kwargs, path=path)
    if config.telegram.mode not in ("polling", "webhook"):
        raise ConfigError("[telegram] mode must be 'polling' or 'webhook'")
    if (
        config.telegram.mode == "webhook"
        and config.telegram.token
        and not config.telegram.webhook_secret
    ):
        raise ConfigError("[telegram] webhook_secret is required in webhook mode")
    return config


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
