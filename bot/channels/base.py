"""What every channel shares: the shape the runner starts, and text as the platforms count it.

Telegram and Twilio both measure a message in UTF-16 code units (an emoji outside the
Basic Multilingual Plane counts two) and refuse one over their limit, so both cut long
texts with the same `split`.
"""

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # the types only: the console imports this without a web server
    from starlette.routing import Route

    from notifications.base import Recipient


class Channel(Protocol):
    """A platform the bot talks on: its webhook routes, its start and stop, and the
    notifications `Sender` (`channel` names it, `deliver` sends an outbox row)."""

    channel: str

    def routes(self) -> "list[Route]": ...

    async def start(self, receive: bool = True) -> None:
        """Connect; with `receive` off (a worker process) send only: no webhook, no polling."""
        ...

    async def stop(self) -> None: ...

    async def deliver(self, recipient: "Recipient", kind: str, payload: dict[str, Any]) -> None: ...


def units(text: str) -> int:
    """Length as Telegram and Twilio count it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def _fit(text: str, limit: int) -> int:
    """How many characters of `text` fit in `limit` UTF-16 units."""
    total = 0
    for index, char in enumerate(text):
        total += 2 if ord(char) > 0xFFFF else 1
        if total > limit:
            return index
    return len(text)


def split(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` units, cut at a paragraph, a line or a space when possible."""
    pieces: list[str] = []
    rest = text
    while units(rest) > limit:
        cut = _fit(rest, limit)
        head = rest[:cut]
        for sep in ("\n\n", "\n", " "):
            at = head.rfind(sep)
            if at > cut // 2:
                cut = at
                break
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest or not pieces:
        pieces.append(rest)
    return pieces
