"""The console channel's Sender: notifications printed in the terminal of `vitrine chat`."""

import sys
import threading
from typing import Any, TextIO

from bot.channels.console import render
from handlers import i18n
from handlers.core import Reply
from notifications.base import Recipient
from store.media import MediaStore


class ConsoleSender:
    """Prints each message for a console user, headed with whom it is for."""

    channel = "console"

    def __init__(self, stream: TextIO | None = None, media: MediaStore | None = None) -> None:
        self.stream = stream
        self.media = media
        self._lock = threading.Lock()  # the chat prints from another thread

    async def deliver(self, recipient: Recipient, kind: str, payload: dict[str, Any]) -> None:
        """Print the payload's replies as the console chat shows them."""
        replies = [Reply.from_dict(r) for r in payload.get("replies", [])]
        header = i18n.t(recipient.language, "console_notification", name=recipient.channel_ref)
        stream = self.stream or sys.stdout
        with self._lock:
            stream.write(f"\n{header}\n{render(replies, self.media)}\n\n")
            stream.flush()
