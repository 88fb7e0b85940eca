"""The project's Telegram stand-in (tests/fakes/telegram_standin.py) behind bench.standin's crowd.

The Bot API is then served by the stand-in the channel tests use (it refuses what Telegram
refuses, from the published spec); bench.standin keeps the scripted crowd and the timing:
an update is available once it is in the stand-in's getUpdates queue, and answered at the
bot's first message (sent or edited) to that chat.
"""

import time
from typing import Any

from bench.standin import World

REPLIES = ("send", "edit", "copy")


def timed_standin(token: str) -> Any:
    """The project's stand-in, telling the current `TestsWorld` about polls and replies."""
    from tests.fakes.telegram_standin import TelegramStandIn  # only there once the channel landed

    class TimedStandIn(TelegramStandIn):
        world: "TestsWorld"

        def api(self, method: str, params: dict[str, str], files: dict[str, bytes]) -> Any:
            name = method.lower()
            self.world.methods[method] += 1
            if name == "getupdates":
                self.world.polls += 1
            result = super().api(method, params, files)
            if name.startswith(REPLIES) and "chat_id" in params:
                self.world.replied(int(params["chat_id"]))
            return result

    return TimedStandIn(token=token).start()


class TestsWorld(World):
    """Updates go into the project's stand-in; options are read from what it recorded."""

    def __init__(self, standin: Any) -> None:
        super().__init__(standin.base_url)
        self.standin = standin
        standin.world = self

    def push(self, chat: int, body: dict[str, Any]) -> None:
        standin = self.standin
        standin.known_chats.add(chat)
        query = body.get("callback_query")
        if query is not None:
            standin.queries[query["id"]] = False  # the stand-in answers only queries it knows
        with standin.cond:
            body["update_id"] = next(standin._ids)
            standin.updates.append(body)
            if chat in self.waiting:
                self.overruns += 1
            self.waiting[chat] = time.perf_counter()
            standin.cond.notify_all()

    def actions(self, chat: int) -> list[str]:
        buttons = self.standin.last_buttons(chat)
        return [b["callback_data"] for b in buttons if "callback_data" in b]

    def menu(self, chat: int, action: str) -> dict[str, Any]:
        standin = self.standin
        for logged in reversed(standin.chat_log(chat)):
            message = standin.messages[logged["message_id"]]
            rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
            if any(b.get("callback_data") == action for row in rows for b in row):
                return message
        return {
            "message_id": 0,
            "date": int(time.time()),
            "chat": {"id": chat, "type": "private"},
            "text": "…",
        }

    def next_message_id(self) -> int:
        return next(self.standin._ids)

    def summary(self) -> dict[str, Any]:
        refused = [c for c in self.standin.calls if c.status != 200]
        return {"methods": self.methods, "refused": len(refused)}


_standin: Any = None


def tests_world(token: str) -> World:
    """A fresh count of updates and replies on the one stand-in of this process."""
    global _standin
    if _standin is None:
        _standin = timed_standin(token)
    return TestsWorld(_standin)
