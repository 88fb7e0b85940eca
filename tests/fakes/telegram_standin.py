"""A local stand-in of the Telegram Bot API, on loopback, for the real python-telegram-bot.

It serves `/bot<token>/<method>` and `/file/bot<token>/<path>` like api.telegram.org and
refuses what Telegram refuses, read from `shared/spec/telegram-bot-api.json` (unknown
methods, missing required fields) plus the documented limits (text 4,096, caption 1,024,
callback data 64 bytes). It records every call, answers 429 or 500 on demand, plays the
people (`send_text`, `press`, `send_photos`, `send_location`), sends updates by getUpdates
or, once a webhook is set, as POSTs to it with the secret header."""

import itertools
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from tests.fakes.loopback import LoopbackServer, QuietHandler, spec
from tests.fakes.telegram_payments import Payments
from tests.fakes.telegram_people import People

BOT = {"id": 7000001, "is_bot": True, "first_name": "Vitrine", "username": "VitrineTestBot"}


class ApiError(Exception):
    def __init__(self, code: int, description: str, parameters: dict | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters


@dataclass
class Call:
    """One request the bot made, as the stand-in saw it."""

    method: str
    params: dict[str, str]
    files: dict[str, bytes]
    status: int = 200
    at: float = field(default_factory=time.monotonic)

    def json(self, name: str) -> Any:
        return json.loads(self.params[name]) if name in self.params else None


def units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _spec_methods() -> dict[str, list[str]]:
    """Method name (lower case) -> its required fields, from the published spec."""
    methods = spec("telegram-bot-api.json")["methods"]
    return {
        name.lower(): [f["name"] for f in m.get("fields", []) if f.get("required")]
        for name, m in methods.items()
    }


class TelegramStandIn(Payments, People):
    """The Bot API on 127.0.0.1:<port>, and the people using the bot."""

    def __init__(self, token: str = "123456:TEST-token") -> None:
        self.token = token
        self.required = _spec_methods()
        self.cond = threading.Condition()
        self.calls: list[Call] = []
        self.updates: list[dict] = []  # not yet confirmed by the bot
        self.confirmed = 0  # every update_id below this is confirmed (getUpdates offset)
        self.messages: dict[int, dict] = {}  # message_id -> the bot's message as it is now
        self.log: list[tuple[int, dict]] = []  # (chat_id, message snapshot) sends and edits
        self.files: dict[str, tuple[str, bytes]] = {}  # file_id -> (file_path, bytes)
        self.queries: dict[str, bool] = {}  # callback query id -> answered
        self.faults: list[dict] = []
        self.blocked: set[int] = set()
        self.delay: Callable[[str, dict[str, str]], float] = lambda m, p: 0.0  # call -> seconds
        self.known_chats: set[int] = set()
        self.webhook: dict[str, Any] | None = None
        self.webhook_answers: list[int] = []
        self.commands: dict[str, list[dict]] = {}
        self.settle: Callable[[], None] = lambda: None  # set by the test harness
        self._ids = itertools.count(1)
        self._closing = False
        self.server = LoopbackServer(_handler(self))

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def base_url(self) -> str:
        return f"{self.url}/bot"

    @property
    def file_url(self) -> str:
        return f"{self.url}/file/bot"

    def start(self) -> "TelegramStandIn":
        self.server.start()
        return self

    def close(self) -> None:
        with self.cond:
            self._closing = True
            self.cond.notify_all()
        self.server.close()

    # Faults.
    def fail(self, method: str, status: int, *, times: int = 1, retry_after: int = 1) -> None:
        """The next `times` calls of `method` get HTTP `status` (429 carries retry_after)."""
        with self.cond:
            self.faults.append(
                {
                    "method": method.lower(),
                    "status": status,
                    "times": times,
                    "retry_after": retry_after,
                }
            )

    def block(self, chat_id: int) -> None:
        """The person blocks the bot: sending to them gets 403."""
        self.blocked.add(chat_id)

    # What the bot did.
    def called(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method.lower() == method.lower()]

    # The API.
    def api(self, method: str, params: dict[str, str], files: dict[str, bytes]) -> Any:
        """Answer one Bot API call, or raise ApiError as Telegram would."""
        name = method.lower()
        with self.cond:
            for fault in self.faults:
                if fault["method"] == name and fault["times"] > 0:
                    fault["times"] -= 1
                    if fault["status"] == 429:
                        seconds = fault["retry_after"]
                        raise ApiError(
                            429,
                            f"Too Many Requests: retry after {seconds}",
                            {"retry_after": seconds},
                        )
                    raise ApiError(fault["status"], "Internal Server Error")
        if name not in self.required:
            raise ApiError(404, "Not Found")
        time.sleep(self.delay(name, params))
        for required in self.required[name]:
            if not params.get(required) and required not in files:
                raise ApiError(400, f"Bad Request: parameter {required} is required")
        handler = getattr(self, f"_m_{name}", None)
        if handler is None:
            return True  # a method the stand-in accepts without modelling it
        return handler(params, files)

    def _m_getme(self, params: dict, files: dict) -> dict:
        return {
            **BOT,
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def _m_getupdates(self, params: dict, files: dict) -> list[dict]:
        if self.webhook:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active;"
                " use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        with self.cond:
            if offset:
                self.confirmed = max(self.confirmed, offset)
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
                self.cond.notify_all()
            self.cond.wait_for(lambda: self.updates or self._closing, timeout)
            return list(self.updates[: int(params.get("limit") or 100)])

    def _m_setwebhook(self, params: dict, files: dict) -> bool:
        secret = params.get("secret_token", "")
        if not re.fullmatch(r"[A-Za-z0-9_-]{0,256}", secret):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        allowed = json.loads(params["allowed_updates"]) if "allowed_updates" in params else None
        self.webhook = {
            "url": params["url"],
            "secret_token": params.get("secret_token"),
            "allowed_updates": allowed,
        }
        return True

    def _m_deletewebhook(self, params: dict, files: dict) -> bool:
        self.webhook = None
        return True

    def _m_setmycommands(self, params: dict, files: dict) -> bool:
        commands = json.loads(params["commands"])
        for command in commands:
            if not (1 <= len(command["command"]) <= 32 and command["command"].islower()):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(command["description"]) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[params.get("language_code", "")] = commands
        return True

    def _chat(self, params: dict) -> int:
        chat_id = int(params["chat_id"])
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if chat_id not in self.known_chats:
            raise ApiError(400, "Bad Request: chat not found")
        return chat_id

    def _markup(self, params: dict) -> dict | None:
        markup = json.loads(params["reply_markup"]) if "reply_markup" in params else None
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                if not button.get("text"):
                    raise ApiError(400, "Bad Request: button text is empty")
                data = button.get("callback_data")
                if ("url" in button) == (data is not None):
                    raise ApiError(400, "Bad Request: can't parse inline keyboard button")
                if data is not None and not 1 <= len(data.encode()) <= 64:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
                url = urlsplit(button.get("url", "https://t.me"))
                host = url.hostname or ""
                if url.scheme not in ("http", "https", "tg") or (
                    url.scheme != "tg" and (host in ("localhost", "") or host.startswith("127."))
                ):
                    raise ApiError(400, "Bad Request: BUTTON_URL_INVALID")
        return markup

    def _store(self, chat_id: int, **content: Any) -> dict:
        message = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "from": BOT,
            "chat": {"id": chat_id, "type": "private", "first_name": "Alice"},
            **{k: v for k, v in content.items() if v is not None},
        }
        with self.cond:
            self.messages[message["message_id"]] = message
            self.log.append((chat_id, dict(message)))
            self.cond.notify_all()  # for a test waiting on what the bot sent
        return message

    def _m_sendmessage(self, params: dict, files: dict) -> dict:
        text = params["text"]
        if units(text) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        markup = self._markup(params)
        return self._store(self._chat(params), text=text, reply_markup=markup)

    def _m_sendphoto(self, params: dict, files: dict) -> dict:
        caption = params.get("caption")
        if caption and units(caption) > 1024:
            raise ApiError(400, "Bad Request: message caption is too long")
        markup = self._markup(params)
        chat_id = self._chat(params)
        photo = params.get("photo", "")
        if photo.startswith("attach://"):
            photo = photo.removeprefix("attach://")
        if "photo" in files or photo in files:
            data = files.get("photo") or files[photo]
            try:
                sizes = self._photo_sizes(data)
            except OSError as exc:
                raise ApiError(400, "Bad Request: IMAGE_PROCESS_FAILED") from exc
        elif photo in self.files:
            sizes = [{"file_id": photo, "file_unique_id": "u" + photo, "width": 1, "height": 1}]
        else:
            raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        return self._store(chat_id, photo=sizes, caption=caption, reply_markup=markup)

    def _m_editmessagetext(self, params: dict, files: dict) -> dict:
        chat_id = self._chat(params)
        message = self.messages.get(int(params.get("message_id") or 0))
        if message is None or message["chat"]["id"] != chat_id:
            raise ApiError(400, "Bad Request: message to edit not found")
        if "text" not in message:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        text = params["text"]
        if units(text) > 4096:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        markup = self._markup(params)
        if text == message["text"] and markup == message.get("reply_markup"):
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message "
                "content and reply markup are exactly the same as a current content "
                "and reply markup of the message",
            )
        with self.cond:
            message["text"] = text
            message.pop("reply_markup", None)
            if markup:
                message["reply_markup"] = markup
            message["edit_date"] = int(time.time())
            self.log.append((chat_id, dict(message)))
            self.cond.notify_all()  # for a test waiting on what the bot sent
        return message

    def _m_answercallbackquery(self, params: dict, files: dict) -> bool:
        query_id = params["callback_query_id"]
        if self.queries.get(query_id) is not False:
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        self.queries[query_id] = True
        return True

    def _m_getfile(self, params: dict, files: dict) -> dict:
        file_id = params["file_id"]
        if file_id not in self.files:
            raise ApiError(400, "Bad Request: invalid file_id")
        path, data = self.files[file_id]
        return {
            "file_id": file_id,
            "file_unique_id": "u" + file_id,
            "file_size": len(data),
            "file_path": path,
        }

    def download(self, path: str) -> bytes | None:
        for file_path, data in self.files.values():
            if file_path == path:
                return data
        return None


def _parse_body(content_type: str, body: bytes) -> tuple[dict[str, str], dict[str, bytes]]:
    """Form, multipart or JSON parameters, as PTB or anyone may send them."""
    params: dict[str, str] = {}
    files: dict[str, bytes] = {}
    if content_type.startswith("multipart/form-data"):
        head = f"Content-Type: {content_type}\r\n\r\n".encode()
        message = BytesParser(policy=HTTP).parsebytes(head + body)
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True) or b""
            if part.get_filename() is not None:
                files[name] = payload
            else:
                params[name] = payload.decode()
    elif content_type.startswith("application/json") and body:
        for key, value in json.loads(body).items():
            params[key] = value if isinstance(value, str) else json.dumps(value)
    elif body:
        params.update(parse_qsl(body.decode(), keep_blank_values=True))
    return params, files


def _handler(standin: TelegramStandIn) -> type[QuietHandler]:
    class Handler(QuietHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            prefix = f"/file/bot{standin.token}/"
            path = unquote(urlsplit(self.path).path)
            if path.startswith(prefix):
                data = standin.download(path.removeprefix(prefix))
                if data is not None:
                    return self._answer(200, data, "application/octet-stream")
            if path.startswith(f"/bot{standin.token}/"):
                return self.do_POST()
            self._json(404, {"ok": False, "error_code": 404, "description": "Not Found"})

        def do_POST(self) -> None:
            split = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            token, _, method = split.path.removeprefix("/bot").partition("/")
            if token != standin.token:
                return self._json(
                    401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
                )
            params, files = _parse_body(self.headers.get("Content-Type", ""), body)
            params = {**dict(parse_qsl(split.query)), **params}
            call = Call(method, params, files)
            with standin.cond:
                standin.calls.append(call)
            try:
                result = standin.api(method, params, files)
            except ApiError as exc:
                call.status = exc.code
                error: dict[str, Any] = {
                    "ok": False,
                    "error_code": exc.code,
                    "description": exc.description,
                }
                if exc.parameters:
                    error["parameters"] = exc.parameters
                return self._json(exc.code, error)
            self._json(200, {"ok": True, "result": result})

    return Handler
