"""The platforms the bot talks on: each enabled by its config section, started by the runner.

`REGISTRY` lists them; a new channel is one module here (see `base.Channel` for its shape)
and one entry below. The console channel is the in-process one (`vitrine chat`).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.channels.base import Channel

if TYPE_CHECKING:  # the types only: importing a channel module stays light
    from bot.app import App
    from bot.config import Config


def _telegram(app: "App") -> Channel:
    from bot.channels.telegram import TelegramChannel  # python-telegram-bot loads only if used

    return TelegramChannel(app)


def _whatsapp(app: "App") -> Channel:
    from bot.channels.whatsapp import WhatsAppChannel  # twilio loads only if used

    return WhatsAppChannel(app)


@dataclass(frozen=True)
class Registered:
    """A channel: its name, whether the config turns it on, how to build it."""

    name: str
    enabled: "Callable[[Config], bool]"
    build: "Callable[[App], Channel]"


REGISTRY: tuple[Registered, ...] = (
    Registered("telegram", lambda config: config.telegram_enabled, _telegram),
    Registered("whatsapp", lambda config: config.whatsapp_enabled, _whatsapp),
)


def enabled_channels(app: "App") -> list[Channel]:
    """The channels the config turns on, built, in the registry's order."""
    return [entry.build(app) for entry in REGISTRY if entry.enabled(app.config)]
