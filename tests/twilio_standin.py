"""A local stand-in of Twilio's REST API (Messages) and media host, on a loopback port.

It takes `POST /2010-04-01/Accounts/{sid}/Messages.json` as Twilio does (Basic auth, form
fields), refuses what Twilio refuses (shared/spec/twilio-messages.json: `To` required,
`Body` up to 1,600 characters, some content to send, well-formed ContentSid), answers 201
with a Message resource, and records what it accepted. Tests can make it answer 429 or 500
for a while, make a number unreachable, and host the media files people send.
"""

import base64
import json
import re
import secrets
import threading
from dataclasses import dataclass, field
from email.utils import formatdate
from typing import Any
from urllib.parse import parse_qs, urlparse

from tests.loopback import LoopbackServer, QuietHandler, spec

SPEC = spec("twilio-messages.json")
FIELDS = set(SPEC["create_message"]["request_schema"]["properties"])
REQUIRED = SPEC["create_message"]["request_schema"]["required"]
MAX_BODY = 1600
CONTENT_SID = re.compile(
    SPEC["create_message"]["request_schema"]["properties"]["ContentSid"]["pattern"]
)
MESSAGES = re.compile(r"^/2010-04-01/Accounts/(AC[0-9a-f]{32})/Messages\.json$")
MEDIA = re.compile(r"^/2010-04-01/Accounts/(AC[0-9a-f]{32})/Messages/(MM\w+)/Media/(ME\w+)$")


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
        unknown = set(fields) - FIELDS
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
            form = parse_qs(self.rfile.read(length).decode(), keep_blank_values=True)
            match = MESSAGES.match(urlparse(self.path).path)
            if not match:
                return self._json(404, _error(404, 20404, "The requested resource was not found"))
            status, data = standin.create(match[1], self.headers.get("Authorization"), form)
            self._json(status, data)

        def do_GET(self) -> None:
            path = urlparse(self.path).path
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
