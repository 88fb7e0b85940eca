"""The Content API part of the Twilio stand-in: resources, approvals, sends checked against them.

What it refuses is what Twilio documents (twilio.com/docs/content): a quick-reply holds 1 to
10 buttons but only 3 may be sent in session without approval, a button title is at most 20
characters (WhatsApp's limit), a list-picker holds 1 to 10 items (item <= 24, id <= 200,
description <= 72, body <= 1,024) and can never be approved nor open a conversation, and
outside the 24-hour window only an approved template goes (63016). A ContentSid it does not
hold is 21655; a variable the resource uses but the send lacks, or values that are not a
JSON object of strings, are 21656; a field too long once filled in is 63021.
"""

import json
import re
import secrets
import threading
from dataclasses import dataclass, field
from typing import Any

VARIABLE = re.compile(r"\{\{([A-Za-z0-9_]{1,16})\}\}")
NAME = re.compile(r"^[a-z0-9_]{1,512}$")  # WhatsApp template names
LIMITS = {"body": 1024, "title": 20, "item": 24, "id": 200, "description": 72, "button": 20}
TEXT_BODY = 1600
SESSION_BUTTONS = 3
RICH = ("twilio/quick-reply", "twilio/list-picker", "twilio/card", "twilio/call-to-action")


class ContentError(Exception):
    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass
class Approval:
    name: str
    category: str
    status: str = "received"
    rejection_reason: str = ""


@dataclass
class ContentStore:
    account_sid: str
    resources: dict[str, dict[str, Any]] = field(default_factory=dict)
    approvals: dict[str, Approval] = field(default_factory=dict)
    # What a submitted template becomes when next looked at: "approved", "rejected", or
    # "pending" (still being reviewed). Per friendly name, else `outcome`.
    outcome: str = "approved"
    outcomes: dict[str, str] = field(default_factory=dict)
    refuse_create: bool = False  # the Content API is down: creation answers 500
    cards_need_approval: bool = False  # refuse unapproved cards even in session
    created: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    # The Content API.
    def create(self, data: Any) -> dict[str, Any]:
        if self.refuse_create:
            raise ContentError(500, 20500, "Internal Server Error")
        if not isinstance(data, dict) or not isinstance(data.get("types"), dict):
            raise ContentError(400, 20001, "Missing required parameter types")
        if not data.get("friendly_name") or not data.get("language"):
            raise ContentError(400, 20001, "friendly_name and language are required")
        types = data["types"]
        for kind, spec in types.items():
            _check_definition(kind, spec)
        sid = f"HX{secrets.token_hex(16)}"
        resource = {
            "sid": sid,
            "account_sid": self.account_sid,
            "friendly_name": data["friendly_name"],
            "language": data["language"],
            "variables": data.get("variables") or {},
            "types": types,
            "url": f"https://content.twilio.com/v1/Content/{sid}",
        }
        with self.lock:
            self.resources[sid] = resource
            self.created += 1
        return resource

    def add_approved(self, sid: str, body: str, name: str = "made_in_the_console") -> None:
        """A template made and approved elsewhere (Twilio's console), under a known sid."""
        with self.lock:
            self.resources[sid] = {
                "sid": sid,
                "friendly_name": name,
                "language": "fr",
                "variables": {},
                "types": {"twilio/text": {"body": body}},
            }
            self.approvals[sid] = Approval(name, "UTILITY", status="approved")

    def fetch(self, sid: str) -> dict[str, Any]:
        resource = self.resources.get(sid)
        if resource is None:
            raise ContentError(404, 20404, "The requested resource was not found")
        return resource

    def delete(self, sid: str) -> None:
        with self.lock:
            self.resources.pop(sid, None)
            self.approvals.pop(sid, None)

    def request_approval(self, sid: str, data: Any) -> dict[str, Any]:
        resource = self.fetch(sid)
        if "twilio/list-picker" in resource["types"]:
            raise ContentError(400, 20001, "List-picker content cannot be submitted for approval")
        if not isinstance(data, dict) or not NAME.match(str(data.get("name", ""))):
            raise ContentError(400, 20001, "name must be lowercase letters, digits, underscores")
        category = str(data.get("category", "")).upper()
        if category not in ("UTILITY", "MARKETING", "AUTHENTICATION"):
            raise ContentError(400, 20001, "category must be UTILITY, MARKETING or AUTHENTICATION")
        for spec in resource["types"].values():
            body = str(spec.get("body", ""))
            if VARIABLE.match(body) or re.search(r"\{\{\w+\}\}\s*$", body):
                raise ContentError(400, 20001, "The body may not start or end with a variable")
        approval = Approval(str(data["name"]), category)
        with self.lock:
            self.approvals[sid] = approval
        return {"name": approval.name, "category": category, "status": approval.status}

    def approval_of(self, sid: str) -> dict[str, Any]:
        resource = self.fetch(sid)
        approval = self.approvals.get(sid)
        if approval is None:
            return {"sid": sid, "whatsapp": {}}
        if approval.status == "received":  # reviewed by the time anyone looks
            approval.status = self.outcomes.get(resource["friendly_name"], self.outcome)
            if approval.status == "rejected":
                approval.rejection_reason = "INVALID_FORMAT"
        return {
            "sid": sid,
            "whatsapp": {
                "name": approval.name,
                "category": approval.category,
                "status": approval.status,
                "rejection_reason": approval.rejection_reason,
            },
        }

    def approved(self, sid: str) -> bool:
        approval = self.approvals.get(sid)
        return approval is not None and approval.status == "approved"

    # A Messages send that names a ContentSid.
    def check_send(self, sid: str, raw_variables: str | None, in_session: bool) -> str:
        """The kind of content sent; ContentError for what Twilio refuses."""
        resource = self.resources.get(sid)
        if resource is None:
            raise ContentError(400, 21655, "The ContentSid is Invalid.")
        try:
            values = json.loads(raw_variables) if raw_variables else {}
        except ValueError:
            raise ContentError(400, 21656, "The ContentVariables Parameter is invalid.") from None
        if not isinstance(values, dict) or not all(isinstance(v, str) for v in values.values()):
            raise ContentError(400, 21656, "The ContentVariables Parameter is invalid.")
        merged = values  # samples are for reviewers: every send gives its own
        kind = next((k for k in resource["types"] if k in RICH), "twilio/text")
        spec = resource["types"].get(kind) or next(iter(resource["types"].values()))
        approved = self.approved(sid)
        if not in_session and not approved:
            raise ContentError(
                400,
                63016,
                "Failed to send freeform message because you are outside the "
                "allowed window. If you are using WhatsApp, please use a Message Template.",
            )
        if kind == "twilio/card" and self.cards_need_approval and not approved:
            raise ContentError(400, 63005, "Channel did not accept given content.")
        if kind == "twilio/list-picker" and not in_session:
            raise ContentError(400, 63016, "A list-picker cannot open a conversation.")
        filled = _fill(spec, merged)
        if (
            kind in ("twilio/quick-reply", "twilio/card")
            and len(filled.get("actions", [])) > SESSION_BUTTONS
        ):
            if not approved:
                raise ContentError(400, 63021, "At most 3 quick-reply buttons without approval.")
        _check_lengths(kind, filled)
        return kind

    def shown(self, sid: str, raw_variables: str | None) -> tuple[str, str, list[tuple[str, str]]]:
        """What the person sees of a content send: its kind, text and (title, id) choices."""
        resource = self.resources[sid]
        kind = next((k for k in resource["types"] if k in RICH), "twilio/text")
        filled = _fill(resource["types"][kind], json.loads(raw_variables or "{}"))
        text = str(filled.get("body") or filled.get("title") or "")
        if kind == "twilio/list-picker":
            choices = [(str(i["item"]), str(i["id"])) for i in filled["items"]]
        else:
            choices = [(str(a["title"]), str(a.get("id", ""))) for a in filled.get("actions", [])]
        return kind, text, choices


def _check_definition(kind: str, spec: Any) -> None:
    if not isinstance(spec, dict):
        raise ContentError(400, 20001, f"{kind} must be an object")
    if kind == "twilio/quick-reply":
        actions = spec.get("actions")
        if not isinstance(actions, list) or not 1 <= len(actions) <= 10 or not spec.get("body"):
            raise ContentError(400, 20001, "twilio/quick-reply needs a body and 1 to 10 actions")
    elif kind == "twilio/list-picker":
        items = spec.get("items")
        if not isinstance(items, list) or not 1 <= len(items) <= 10:
            raise ContentError(400, 20001, "twilio/list-picker needs 1 to 10 items")
        if not spec.get("body") or not spec.get("button"):
            raise ContentError(400, 20001, "twilio/list-picker needs a body and a button")
    elif kind in ("twilio/text", "twilio/media"):
        if not spec.get("body") and not spec.get("media"):
            raise ContentError(400, 20001, f"{kind} needs a body")
    elif kind not in RICH:
        raise ContentError(400, 20001, f"Unknown content type {kind}")


def _fill(value: Any, variables: dict[str, str]) -> Any:
    """The definition with every {{name}} replaced; 21656 when one has no value."""
    if isinstance(value, str):

        def one(match: re.Match[str]) -> str:
            if match[1] not in variables:
                raise ContentError(400, 21656, f"Content variable {match[1]} is missing.")
            return variables[match[1]]

        return VARIABLE.sub(one, value)
    if isinstance(value, list):
        return [_fill(v, variables) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, variables) for k, v in value.items()}
    return value


def _too_long(name: str, text: str, limit: int) -> None:
    if not text.strip():
        raise ContentError(400, 63021, f"The {name} may not be empty.")
    if len(text.encode("utf-16-le")) // 2 > limit:
        raise ContentError(400, 63021, f"The {name} is longer than {limit} characters.")


def _check_lengths(kind: str, filled: dict[str, Any]) -> None:
    body = str(filled.get("title" if kind == "twilio/card" else "body", ""))
    _too_long("body", body, TEXT_BODY if kind == "twilio/text" else LIMITS["body"])
    if kind == "twilio/card":
        for url in filled.get("media", []):
            if not str(url).startswith("https://"):
                raise ContentError(400, 63021, "A card's media must be an https URL.")
    if kind in ("twilio/quick-reply", "twilio/card"):
        for action in filled["actions"]:
            _too_long("button title", str(action.get("title", "")), LIMITS["title"])
            _too_long("button id", str(action.get("id", "")), LIMITS["id"])
    if kind == "twilio/list-picker":
        _too_long("list button", str(filled.get("button", "")), LIMITS["button"])
        ids = [str(item.get("id", "")) for item in filled["items"]]
        if len(set(ids)) != len(ids):
            raise ContentError(400, 63021, "List item ids must be unique.")
        for item in filled["items"]:
            _too_long("list item", str(item.get("item", "")), LIMITS["item"])
            _too_long("list item id", str(item.get("id", "")), LIMITS["id"])
            _too_long("list item description", str(item.get("description", "")) or "-",
                      LIMITS["description"])  # fmt: skip
