"""The vocabulary between channels and the core: `Incoming` in, `Reply` out."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from store.parsing.text import clean

MAX_PAYLOAD_BYTES = 64  # Telegram's limit for a button's callback data


@dataclass(frozen=True)
class Incoming:
    """One message from a person, normalised at the channel's edge.

    `action` is set for a button press (or a typed menu number the engine resolved);
    `text` for typed words; `photos` are media-store keys; `location` is (lat, lon).
    """

    channel: str
    user_ref: str
    text: str | None = None
    action: str | None = None
    photos: tuple[str, ...] = ()
    location: tuple[float, float] | None = None
    language: str | None = None  # the app's language on first contact ("en", "fr-FR", ...)
    name: str | None = None
    phone: str | None = None

    def __post_init__(self) -> None:
        # The one place every channel's text passes: what reaches the store is clean text
        # (PostgreSQL refuses NUL; stray control characters and lone surrogates break it too).
        for name in ("text", "action", "name", "phone"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, clean(value))


@dataclass(frozen=True)
class Option:
    """A choice under a reply: an action for the core, or a link to open."""

    label: str
    action: str | None = None
    url: str | None = None

    def __post_init__(self) -> None:
        if (self.action is None) == (self.url is None):
            raise ValueError(f"option {self.label!r} needs exactly one of action or url")
        if self.action is not None:
            check_payload(self.action)


def check_payload(action: str) -> str:
    """`action` itself, when it fits in a button; a longer one is a programming error."""
    if len(action.encode()) > MAX_PAYLOAD_BYTES:
        raise ValueError(f"action {action!r} is over Telegram's {MAX_PAYLOAD_BYTES} bytes")
    return action


@dataclass(frozen=True)
class Reply:
    """One message back: text, an optional photo (media key), options in rows."""

    text: str
    photo: str | None = None
    options: tuple[Option, ...] = ()
    # A menu that replaces the previous one where the channel can edit (Telegram).
    replace: bool = False
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """A plain form to keep in the outbox."""
        return {
            "text": self.text,
            "photo": self.photo,
            "options": [[o.label, o.action, o.url] for o in self.options],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Reply":
        options = tuple(Option(label, action, url) for label, action, url in data["options"])
        return cls(text=data["text"], photo=data.get("photo"), options=options)


class Stale(Exception):
    """An option payload that is out of date, unknown, or not this user's to use."""


def menu_index(replies: Sequence[Reply]) -> int | None:
    """Which reply's options a typed number picks from: the last one that has options."""
    for index in range(len(replies) - 1, -1, -1):
        if replies[index].options:
            return index
    return None


def menu_of(replies: Sequence[Reply]) -> list[list[str]] | None:
    """What a typed number or label picks from after `replies`: the actions of the reply at
    `menu_index` ([] when its options are only links); None when no reply has any, so the
    menu shown before stays. The engine, the outbox and every channel go by this."""
    index = menu_index(replies)
    if index is None:
        return None
    return [[o.label, o.action] for o in replies[index].options if o.action]
