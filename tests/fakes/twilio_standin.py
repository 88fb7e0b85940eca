"""A local stand-in of Twilio's REST API (Messages, Content) and media host, on a loopback port.

It takes `POST /2010-04-01/Accounts/{sid}/Messages.json` as Twilio does (Basic auth, form
fields), refuses what Twilio refuses (shared/spec/twilio-messages.json: `To` required,
`Body` up to 1,600 characters, some content to send, well-formed ContentSid), answers 201
with a Message resource, and records what it accepted. Tests can make it answer 429 or 500
for a while, make a number unreachable, and host the media files people send. ContentSid
sends are checked against the Content API resources it holds (tests/fakes/twilio_content.py), inside
or outside each person's 24-hour window, and status callbacks are posted back signed.
"""

import base64
import json
import re
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import formatdate
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
from twilio.request_validator import RequestValidator

from tests.fakes.loopback import LoopbackServer, QuietHandler, spec
from tests.fakes.twilio_content import ContentError, ContentStore

SPEC = spec("twilio-messages.json")
FIELDS = set(SPEC["create_message"]["request_schema"]["properties"])
REQUIRED = SPEC["create_message"]["request_schema"]["required"]
MAX_BODY = 1600
CONTENT_SID = re.compile(
    SPEC["create_message"]["request_schema"]["properties"]["ContentSid"]["pattern"]
)
MESSAGES = re.compile(r"^/2010-04-01/Accounts/(AC[0-9a-f]{32})/Messages\.json$")
MEDIA = re.compile(r"^/2010-04-01/Accounts/(AC[0-9a-f]{32})/Messages/(MM\w+)/Media/(ME\w+)$")
CONTENT = re.compile(r"^/v1/Content(?:/(HX[0-9a-f]{32}))?(/ApprovalRequests(?:/whatsapp)?)?$")
WINDOW = timedelta(hours=24)


@dataclass
class Sent:
    """A message Twilio accepted: its form fields (lists, as repeated keys come)."""

    sid: str
    fields: dict[str, list[str]]

    @property
    def to(self) -> str:
        return self.fields["To"][0]

    @property
    def body(self) -> str:
        return self.fields.get("Body", [""])[0]

    @property
    def media_urls(self) -> list[str]:
        return self.fields.get("MediaUrl", [])

    def get(self, name: str) -> str | None:
        return self.fields.get(name, [None])[0]


@dataclass
class TwilioStandIn:
    account_sid: str
    auth_token: str
    sent: list[Sent] = field(default_factory=list)
    refused: list[tuple[int, dict[str, list[str]]]] = field(default_factory=list)
    failures: list[int] = field(default_factory=list)  # statuses to answer next, in order
    unreachable: set[str] = field(default_factory=set)  # "whatsapp:+33..." addresses
    files: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    attempts: int = 0
    # Where media URLs redirect to ("" for this server), and each GET as (path, Authorization).
    redirect_base: str = ""
    fetches: list[tuple[str, str | None]] = field(default_factory=list)
    lock: threading.Condition = field(default_factory=threading.Condition)
    content: ContentStore = field(init=False)
    # Each person's last message to us (what opens the 24-hour window); a person it never
    # heard from is taken as inside it (tests that write the database directly).
    last_inbound: dict[str, datetime] = field(default_factory=dict)
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    # The public URL prefix our server is reached at, and where it really listens: status
    # callbacks are signed for the first and posted to the second, as through a proxy.
    callback_rewrite: tuple[str, str] = ("", "")

    def __post_init__(self) -> None:
        self.content = ContentStore(self.account_sid)

    def start(self) -> "TwilioStandIn":
        self.server = LoopbackServer(_handler(self))
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.close()

    @property
    def url(self) -> str:
        return self.server.url

    def fail_next(self, status: int, times: int = 1) -> None:
        with self.lock:
            self.failures.extend([status] * times)

    def add_media(self, data: bytes, content_type: str) -> str:
        """Host a file as a WhatsApp message's media; returns its Twilio-style MediaUrl."""
        message, media = f"MM{secrets.token_hex(16)}", f"ME{secrets.token_hex(16)}"
        self.files[media] = (data, content_type)
        return f"{self.url}/2010-04-01/Accounts/{self.account_sid}/Messages/{message}/Media/{media}"

    def heard_from(self, address: str) -> None:
        """A person wrote to us: their 24-hour window opens."""
        with self.lock:
            self.last_inbound[address] = self.clock()

    def in_session(self, address: str) -> bool:
        last = self.last_inbound.get(address)
        return last is None or self.clock() - last < WINDOW

    def post_status(
        self, sent: Sent, status: str, error_code: int | None = None, signature: str | None = None
    ) -> httpx.Response:
        """Post the status callback Twilio would for `sent` (signed unless told otherwise)."""
        url = sent.get("StatusCallback")
        assert url, "the message was sent without a StatusCallback"
        params = {
            "AccountSid": self.account_sid,
            "ApiVersion": "2010-04-01",
            "ChannelPrefix": "whatsapp",
            "ChannelToAddress": sent.to.removeprefix("whatsapp:"),
            "From": sent.fields["From"][0],
            "MessageSid": sent.sid,
            "MessageStatus": status,
            "SmsSid": sent.sid,
            "SmsStatus": status,
            "To": sent.to,
        }
        if error_code is not None:
            params["ErrorCode"] = str(error_code)
        if signature is None:
            signature = RequestValidator(self.auth_token).compute_signature(url, params)
        public, local = self.callback_rewrite
        target = url.replace(public, local, 1) if public else url
        return httpx.post(target, data=params, headers={"X-Twilio-Signature": signature})

    def to(self, address: str) -> list[Sent]:
        with self.lock:
            return [m for m in self.sent if m.to == address]

    # What Twilio would do with a create-message request.
    def create(
        self, account: str, auth: str | None, fields: dict[str, list[str]]
    ) -> tuple[int, dict[str, Any]]:
        with self.lock:
            self.attempts += 1
            if self.failures:
                status = self.failures.pop(0)
                code = 20429 if status == 429 else 20500
                return status, _error(
                    status, code, "Too Many Requests" if status == 429 else "Internal error"
                )
        expected = (
            "Basic " + base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        )
        if auth != expected or account != self.account_sid:
            return 401, _error(401, 20003, "Authenticate")
        error = self.check(fields)
        if error:
            with self.lock:
                self.refused.append((error[1]["code"], fields))
            return error
        sid = f"SM{secrets.token_hex(16)}"
        with self.lock:
            self.sent.append(Sent(sid, fields))
            self.lock.notify_all()
        return 201, self.resource(sid, fields)

    def check(self, fields: dict[str, list[str]]) -> tuple[int, dict[str, Any]] | None:
        unknown = set(fields) - FIELDS - {"_kind"}
        if unknown:
            return 400, _error(400, 21000, f"Unknown parameters {sorted(unknown)}")
        for name in REQUIRED:
            if not fields.get(name, [""])[0]:
                return 400, _error(400, 21604, f"A '{name}' phone number is required.")
        if not fields.get("From", [""])[0]:
            return 400, _error(400, 21603, "A 'From' phone number is required.")
        body = fields.get("Body", [""])[0]
        if len(body.encode("utf-16-le")) // 2 > MAX_BODY:
            return 400, _error(
                400, 21617, "The concatenated message body exceeds the 1600 character limit."
            )
        content = fields.get("ContentSid", [""])[0]
        if not (body or fields.get("MediaUrl") or content):
            return 400, _error(400, 21619, "A text message body or media url must be specified.")
        if content and not CONTENT_SID.match(content):
            return 400, _error(400, 21655, "The ContentSid is Invalid.")
        if "ContentVariables" in fields:
            try:
                json.loads(fields["ContentVariables"][0])
            except ValueError:
                return 400, _error(400, 21656, "The ContentVariables Parameter is invalid.")
        if len(fields.get("MediaUrl", [])) > 10:
            return 400, _error(400, 21623, "Too many media urls.")
        to = fields["To"][0]
        if content:
            try:
                kind = self.content.check_send(
                    content, fields.get("ContentVariables", [None])[0], self.in_session(to)
                )
            except ContentError as refused:
                return refused.status, _error(refused.status, refused.code, refused.message)
            fields["_kind"] = [kind]
        elif not self.in_session(to):
            return 400, _error(
                400,
                63016,
                "Failed to send freeform message because you are outside the "
                "allowed window. If you are using WhatsApp, please use a Message Template.",
            )
        if fields["To"][0] in self.unreachable:
            return 400, _error(
                400, 21211, f"The 'To' number {fields['To'][0]} is not a valid phone number."
            )
        return None

    def resource(self, sid: str, fields: dict[str, list[str]]) -> dict[str, Any]:
        now = formatdate(usegmt=True)
        uri = f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json"
        return {
            "account_sid": self.account_sid,
            "api_version": "2010-04-01",
            "body": fields.get("Body", [""])[0],
            "date_created": now,
            "date_sent": None,
            "date_updated": now,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": fields["From"][0],
            "messaging_service_sid": None,
            "num_media": str(len(fields.get("MediaUrl", []))),
            "num_segments": "1",
            "price": None,
            "price_unit": "EUR",
            "sid": sid,
            "status": "queued",
            "subresource_uris": {"media": uri.replace(".json", "/Media.json")},
            "to": fields["To"][0],
            "uri": uri,
        }


def _error(status: int, code: int, message: str) -> dict[str, Any]:
    return {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


def _handler(standin: TwilioStandIn) -> type[QuietHandler]:
    class Handler(QuietHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode()
            if urlparse(self.path).path.startswith("/v1/Content"):
                return self._content("POST", raw)
            form = parse_qs(raw, keep_blank_values=True)
            match = MESSAGES.match(urlparse(self.path).path)
            if not match:
                return self._json(404, _error(404, 20404, "The requested resource was not found"))
            status, data = standin.create(match[1], self.headers.get("Authorization"), form)
            self._json(status, data)

        def _content(self, method: str, raw: str = "") -> None:
            expected = (
                "Basic "
                + base64.b64encode(f"{standin.account_sid}:{standin.auth_token}".encode()).decode()
            )
            if self.headers.get("Authorization") != expected:
                return self._json(401, _error(401, 20003, "Authenticate"))
            match = CONTENT.match(urlparse(self.path).path)
            store = standin.content
            try:
                if not match:
                    raise ContentError(404, 20404, "The requested resource was not found")
                sid, approvals = match[1], match[2]
                if method == "POST" and sid is None:
                    if "application/json" not in (self.headers.get("Content-Type") or ""):
                        raise ContentError(400, 20001, "Content-Type must be application/json")
                    return self._json(201, store.create(json.loads(raw or "null")))
                if sid is None:
                    raise ContentError(405, 20004, "Method not allowed")
                if method == "POST" and approvals:
                    return self._json(201, store.request_approval(sid, json.loads(raw or "null")))
                if method == "GET" and approvals:
                    return self._json(200, store.approval_of(sid))
                if method == "GET":
                    return self._json(200, store.fetch(sid))
                if method == "DELETE":
                    store.delete(sid)
                    return self._answer(204, b"", "application/json")
                raise ContentError(405, 20004, "Method not allowed")
            except ValueError:
                return self._json(400, _error(400, 20001, "Invalid JSON"))
            except ContentError as refused:
                return self._json(
                    refused.status, _error(refused.status, refused.code, refused.message)
                )

        def do_DELETE(self) -> None:
            self._content("DELETE")

        def do_GET(self) -> None:
            path = urlparse(self.path).path
            if path.startswith("/v1/Content"):
                return self._content("GET")
            with standin.lock:
                standin.fetches.append((path, self.headers.get("Authorization")))
            match = MEDIA.match(path)
            if match:  # like Twilio: the media URL redirects to where the file is kept
                expected = (
                    "Basic "
                    + base64.b64encode(
                        f"{standin.account_sid}:{standin.auth_token}".encode()
                    ).decode()
                )
                if self.headers.get("Authorization") != expected:
                    return self._json(401, _error(401, 20003, "Authenticate"))
                self.send_response(307)
                self.send_header("Location", f"{standin.redirect_base}/files/{match[3]}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            if path.startswith("/files/") and path[7:] in standin.files:
                data, content_type = standin.files[path[7:]]
                return self._answer(200, data, content_type)
            return self._json(404, _error(404, 20404, "The requested resource was not found"))

    return Handler
