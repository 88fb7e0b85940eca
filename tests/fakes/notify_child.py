"""A dispatcher in a process of its own, for the test that kills it with SIGKILL.

`python -m tests.fakes.notify_child URL LOG`: delivers due rows one at a time (max_in_flight 1),
each "delivery" a line appended to LOG and flushed to disk, a platform that keeps what it
received whatever happens to the sender.
"""

import asyncio
import os
import sys
from typing import Any

from notifications.base import Recipient
from notifications.dispatcher import Dispatcher
from store.db import Database
from tests.fakes.sender import dispatch_settings


class FileSender:
    channel = "console"

    def __init__(self, path: str) -> None:
        self.path = path

    async def deliver(self, recipient: Recipient, kind: str, payload: dict[str, Any]) -> None:
        with open(self.path, "a") as fh:
            fh.write(payload["replies"][0]["text"] + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        # The platform's answer takes a moment: 60 rows take 6 s, so the test's kill after
        # the tenth lands mid-batch even when a loaded machine is slow to schedule it.
        await asyncio.sleep(0.1)


def main(url: str, log: str) -> None:
    db = Database(url)
    settings = dispatch_settings(max_in_flight=1, lease_seconds=60)
    asyncio.run(Dispatcher(db, [FileSender(log)], settings=settings).drain())


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
