"""The people on the Telegram stand-in: they type, tap buttons, send photos and locations.

Each helper builds the update JSON Telegram would send, hands it to the bot (getUpdates or the
webhook), waits until the bot has answered, and returns what the bot sent that chat meanwhile.
"""

import io
import itertools
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

from PIL import Image


class People:
    """Mixed into the stand-in: the users' side of the chats."""

    cond: threading.Condition
    log: list[tuple[int, dict]]
    messages: dict[int, dict]
    files: dict[str, tuple[str, bytes]]
    queries: dict[str, bool]
    known_chats: set[int]
    updates: list[dict]
    confirmed: int
    webhook: dict[str, Any] | None
    webhook_answers: list[int]
    settle: Callable[[], None]
    _ids: itertools.count

    def chat_log(self, chat_id: int) -> list[dict]:
        return [m for chat, m in self.log if chat == chat_id]

    def last_buttons(self, chat_id: int) -> list[dict]:
        """The buttons of the bot's latest message with a keyboard, in reading order."""
        for message in reversed(self.chat_log(chat_id)):
            current = self.messages[message["message_id"]]
            rows = (current.get("reply_markup") or {}).get("inline_keyboard")
            if rows:
                return [button for row in rows for button in row]
        return []

    def data_for(self, chat_id: int, label: str) -> str:
        """The callback data of the last keyboard's button whose label contains `label`."""
        for button in self.last_buttons(chat_id):
            if label.lower() in button["text"].lower() and "callback_data" in button:
                return button["callback_data"]
        labels = [b["text"] for b in self.last_buttons(chat_id)]
        raise AssertionError(f"no button {label!r} in {labels}")

    def _user(self, chat_id: int, language: str, name: str) -> dict:
        return {"id": chat_id, "is_bot": False, "first_name": name, "language_code": language}

    def _message(self, chat_id: int, language: str, name: str, **content: Any) -> dict:
        return {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": name},
            "from": self._user(chat_id, language, name),
            **content,
        }

    def send_text(
        self, chat_id: int, text: str, *, language: str = "fr", name: str = "Alice"
    ) -> list[dict]:
        """The person types `text`; returns the bot's messages (sent or edited) in answer."""
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            content["entities"] = [
                {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
            ]
        return self.push(chat_id, [{"message": self._message(chat_id, language, name, **content)}])

    def press(
        self, chat_id: int, data: str, *, language: str = "fr", name: str = "Alice"
    ) -> list[dict]:
        """The person taps the button carrying `data` on the bot's latest menu holding it."""
        menu = next(
            m
            for m in reversed([self.messages[x["message_id"]] for x in self.chat_log(chat_id)])
            if any(
                b.get("callback_data") == data
                for row in (m.get("reply_markup") or {}).get("inline_keyboard", [])
                for b in row
            )
        )
        query_id = f"q{next(self._ids)}"
        self.queries[query_id] = False
        query = {
            "id": query_id,
            "from": self._user(chat_id, language, name),
            "message": menu,
            "chat_instance": f"ci{chat_id}",
            "data": data,
        }
        return self.push(chat_id, [{"callback_query": query}])

    def tap(self, chat_id: int, label: str, **who: Any) -> list[dict]:
        """Press the button whose label contains `label` on the latest keyboard."""
        return self.press(chat_id, self.data_for(chat_id, label), **who)

    def send_photos(
        self,
        chat_id: int,
        images: list[bytes],
        caption: str | None = None,
        *,
        language: str = "fr",
        name: str = "Alice",
    ) -> list[dict]:
        """One photo, or an album (one media_group_id) when several; caption on the first."""
        group = f"album{next(self._ids)}" if len(images) > 1 else None
        updates = []
        for index, data in enumerate(images):
            content: dict[str, Any] = {"photo": self._photo_sizes(data)}
            if group:
                content["media_group_id"] = group
            if index == 0 and caption:
                content["caption"] = caption
            updates.append({"message": self._message(chat_id, language, name, **content)})
        return self.push(chat_id, updates)

    def send_document(
        self, chat_id: int, data: bytes, mime_type: str, caption: str | None = None
    ) -> list[dict]:
        """A file sent as a document (a picture sent "without compression")."""
        number = next(self._ids)
        file_id = f"BQAC{number:08d}"
        self.files[file_id] = (f"documents/file_{number}", data)
        document = {
            "file_id": file_id,
            "file_unique_id": f"u{number}",
            "mime_type": mime_type,
            "file_name": "photo.png",
            "file_size": len(data),
        }
        content: dict[str, Any] = {"document": document}
        if caption:
            content["caption"] = caption
        return self.push(chat_id, [{"message": self._message(chat_id, "fr", "Alice", **content)}])

    def send_contact(self, chat_id: int, phone: str, *, own: bool = True) -> list[dict]:
        """The person shares a contact card: their own number, or someone else's."""
        contact = {"phone_number": phone, "first_name": "Alice"}
        if own:
            contact["user_id"] = chat_id
        message = self._message(chat_id, "fr", "Alice", contact=contact)
        return self.push(chat_id, [{"message": message}])

    def send_voice(self, chat_id: int, seconds: int = 3) -> list[dict]:
        """A voice message (the bot cannot listen to it)."""
        number = next(self._ids)
        voice = {
            "file_id": f"AwAC{number:08d}",
            "file_unique_id": f"u{number}",
            "duration": seconds,
        }
        return self.push(chat_id, [{"message": self._message(chat_id, "fr", "Alice", voice=voice)}])

    def send_location(self, chat_id: int, lat: float, lon: float, **who: Any) -> list[dict]:
        location = {"latitude": lat, "longitude": lon}
        return self.push(
            chat_id, [{"message": self._message(chat_id, "fr", "Alice", location=location)}]
        )

    def push(self, chat_id: int, updates: list[dict]) -> list[dict]:
        """Hand updates to the bot (webhook or getUpdates), wait for it to settle, and return
        what it sent that chat meanwhile."""
        self.known_chats.add(chat_id)
        before = len(self.log)
        with self.cond:
            for update in updates:
                update["update_id"] = next(self._ids)
            hook = self.webhook
            if hook is None:
                self.updates.extend(updates)
                self.cond.notify_all()
        if hook is not None:
            for update in updates:
                self.webhook_answers.append(self.post_webhook(update))
        else:
            self._wait_confirmed(updates[-1]["update_id"])
        self.settle()
        return [m for chat, m in self.log[before:] if chat == chat_id]

    def post_webhook(self, update: dict, secret: str | None = None) -> int:
        """POST one update to the registered webhook, as Telegram does; the HTTP status."""
        assert self.webhook, "no webhook set"
        headers = {"Content-Type": "application/json"}
        token = self.webhook.get("secret_token") if secret is None else secret
        if token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = token
        request = urllib.request.Request(self.webhook["url"], json.dumps(update).encode(), headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status
        except urllib.error.HTTPError as exc:
            return exc.code

    def _wait_confirmed(self, update_id: int, timeout: float = 15) -> None:
        with self.cond:
            if not self.cond.wait_for(lambda: self.confirmed > update_id, timeout):
                raise AssertionError(f"the bot never fetched update {update_id}")

    def _photo_sizes(self, data: bytes) -> list[dict]:
        """A thumbnail and the full photo, as Telegram lists sizes (smallest first)."""
        with Image.open(io.BytesIO(data)) as img:
            width, height = img.size
            thumb = img.convert("RGB").resize((max(1, width // 4), max(1, height // 4)))
            out = io.BytesIO()
            thumb.save(out, "JPEG")
        return [
            self._file(out.getvalue(), width // 4, height // 4),
            self._file(data, width, height),
        ]

    def _file(self, data: bytes, width: int, height: int) -> dict:
        number = next(self._ids)
        file_id = f"AgAC{number:08d}"
        self.files[file_id] = (f"photos/file_{number}.jpg", data)
        return {
            "file_id": file_id,
            "file_unique_id": f"u{number}",
            "width": width,
            "height": height,
            "file_size": len(data),
        }
