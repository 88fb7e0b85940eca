"""A local stand-in of the Stripe API for the real `stripe` client, on loopback.

Serves what Vitrine uses: Checkout Sessions (create, retrieve, expire), refunds, Connect
accounts and onboarding links; and refuses what Stripe refuses: a missing or wrong key,
unknown parameters' shapes (mode, currency, amounts), an expiry outside 30 minutes-24 hours,
a destination account that does not exist, expiring a session that is not open, refunding
more than was paid, an idempotency key reused with other parameters. `pay` plays the
customer on the payment page; `signed_event` builds the webhook Stripe would send.
"""

import hashlib
import hmac
import itertools
import json
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl

from tests.fakes.loopback import LoopbackServer, QuietHandler

KEY = "sk_test_vitrine"
WEBHOOK_SECRET = "whsec_test_vitrine"
MIN_EXPIRY, MAX_EXPIRY = 30 * 60, 24 * 3600


class Refused(Exception):
    def __init__(self, message: str, status: int = 400, param: str = "") -> None:
        super().__init__(message)
        self.status, self.param = status, param


def nested(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Stripe's form encoding (`a[b][0][c]=1`) back into dicts and lists."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        parts = key.replace("]", "").split("[")
        node: Any = root
        for part, following in zip(parts, [*parts[1:], None], strict=True):
            if following is None:
                node[part] = value
            else:
                node = node.setdefault(part, {})
    return _lists(root)


def _lists(node: Any) -> Any:
    if isinstance(node, dict):
        if node and all(k.isdigit() for k in node):
            return [_lists(node[k]) for k in sorted(node, key=int)]
        return {k: _lists(v) for k, v in node.items()}
    return node


class StripeStandIn:
    def __init__(self, clock: Callable[[], datetime]) -> None:
        self.clock = clock
        self.sessions: dict[str, dict[str, Any]] = {}
        self.intents: dict[str, dict[str, Any]] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        self.accounts: dict[str, dict[str, Any]] = {}
        self.idempotent: dict[str, tuple[str, dict[str, Any], tuple[int, Any]]] = {}
        self.calls: list[tuple[str, str, int]] = []
        self.lock = threading.Lock()
        self.ids = itertools.count(1)
        standin = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                standin._serve(self, "GET")

            def do_POST(self) -> None:
                standin._serve(self, "POST")

        self.http = LoopbackServer(Handler)

    @property
    def url(self) -> str:
        return self.http.url

    def start(self) -> None:
        self.http.start()

    def close(self) -> None:
        self.http.close()

    def _id(self, prefix: str) -> str:
        return f"{prefix}_test_{next(self.ids):06d}"

    def _serve(self, request: QuietHandler, method: str) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length).decode() if length else ""
        params = nested(parse_qsl(body, keep_blank_values=True))
        path = request.path.split("?")[0]
        try:
            if request.headers.get("Authorization") != f"Bearer {KEY}":
                raise Refused("Invalid API Key provided", status=401)
            key = request.headers.get("Idempotency-Key")
            with self.lock:
                status, data = self._idempotent(key, method + path, params)
        except Refused as exc:
            error = {"type": "invalid_request_error", "message": str(exc), "param": exc.param}
            status, data = exc.status, {"error": error}
        self.calls.append((method, path, status))
        request._json(status, data)

    def _idempotent(self, key: str | None, route: str, params: dict[str, Any]) -> tuple[int, Any]:
        if key is not None and key in self.idempotent:
            seen_route, seen_params, answer = self.idempotent[key]
            if (seen_route, seen_params) != (route, params):
                raise Refused("Keys for idempotent requests can only be used with the same "
                              "parameters they were first used with.")  # fmt: skip
            return answer
        answer = (200, self._route(route, params))
        if key is not None:
            self.idempotent[key] = (route, params, answer)
        return answer

    def _route(self, route: str, params: dict[str, Any]) -> Any:
        method, _, path = route.partition("/")
        parts = path.split("/")  # v1, resource, ...
        if route == "POST/v1/checkout/sessions":
            return self._create_session(params)
        if method == "GET" and parts[1:3] == ["checkout", "sessions"] and len(parts) == 4:
            return self._session(parts[3])
        if method == "POST" and parts[1:3] == ["checkout", "sessions"] and parts[4:] == ["expire"]:
            session = self._session(parts[3])
            if session["status"] != "open":
                raise Refused(f"Only Checkout Sessions with a status in [\"open\"] can be "
                              f"expired. This Checkout Session has a status of "
                              f"\"{session['status']}\".")  # fmt: skip
            session["status"] = "expired"
            return session
        if route == "POST/v1/refunds":
            return self._refund(params)
        if route == "POST/v1/accounts":
            account = {"id": self._id("acct"), "object": "account", "type": params.get("type")}
            self.accounts[account["id"]] = account
            return account
        if route == "POST/v1/account_links":
            if params.get("account") not in self.accounts:
                raise Refused("No such account", param="account")
            return {
                "object": "account_link",
                "url": f"https://connect.stripe.test/setup/{params['account']}",
            }
        raise Refused(f"Unrecognized request URL ({route})", status=404)

    def _session(self, session_id: str) -> dict[str, Any]:
        if session_id not in self.sessions:
            raise Refused(f"No such checkout.session: '{session_id}'", status=404, param="id")
        return self.sessions[session_id]

    def _create_session(self, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("mode") != "payment":
            raise Refused("Invalid mode", param="mode")
        if not str(params.get("success_url", "")).startswith(("https://", "http://")):
            raise Refused("Not a valid URL", param="success_url")
        items = params.get("line_items")
        if not isinstance(items, list) or not items:
            raise Refused("line_items is required in payment mode", param="line_items")
        total, currency = 0, None
        for item in items:
            price = item.get("price_data") or {}
            amount, quantity = price.get("unit_amount", ""), item.get("quantity", "")
            if not (amount.isdigit() and quantity.isdigit()) or int(quantity) < 1:
                raise Refused("Invalid integer", param="line_items[0][price_data][unit_amount]")
            if price.get("currency") not in ("eur",) or not (price.get("product_data") or {}).get(
                "name"
            ):
                raise Refused("Invalid currency or missing product name", param="line_items")
            currency = price["currency"]
            total += int(amount) * int(quantity)
        if total < 50:
            raise Refused("The Checkout Session's total amount due must add up to at least €0.50")
        now = int(self.clock().timestamp())
        expires = int(params.get("expires_at") or now + MAX_EXPIRY)
        if not MIN_EXPIRY <= expires - now <= MAX_EXPIRY:
            raise Refused("The `expires_at` timestamp must be between 30 minutes and 24 hours "
                          "from Checkout Session creation.", param="expires_at")  # fmt: skip
        destination = ((params.get("payment_intent_data") or {}).get("transfer_data") or {}).get(
            "destination"
        )
        if destination is not None and destination not in self.accounts:
            raise Refused(f"No such destination: '{destination}'", param="destination")
        session_id = self._id("cs")
        session = {
            "id": session_id, "object": "checkout.session", "mode": "payment",
            "url": f"https://checkout.stripe.test/c/pay/{session_id}",
            "status": "open", "payment_status": "unpaid", "amount_total": total,
            "currency": currency, "expires_at": expires, "payment_intent": None,
            "client_reference_id": params.get("client_reference_id"),
            "metadata": params.get("metadata") or {}, "destination": destination,
        }  # fmt: skip
        self.sessions[session_id] = session
        return session

    def _refund(self, params: dict[str, Any]) -> dict[str, Any]:
        intent = self.intents.get(params.get("payment_intent", ""))
        if intent is None:
            raise Refused("No such payment_intent", param="payment_intent")
        amount = int(params.get("amount") or intent["amount"] - intent["refunded"])
        if amount <= 0 or amount > intent["amount"] - intent["refunded"]:
            raise Refused(f"Refund amount (€{amount / 100:.2f}) is greater than unrefunded "
                          "amount on charge", param="amount")  # fmt: skip
        intent["refunded"] += amount
        refund = {"id": self._id("re"), "object": "refund", "amount": amount,
                  "payment_intent": intent["id"], "status": "succeeded"}  # fmt: skip
        self.refunds[refund["id"]] = refund
        return refund

    # The customer, and Stripe's webhook.
    def pay(self, session_id: str) -> dict[str, Any]:
        """The customer pays on the Checkout page; the `checkout.session.completed` event."""
        with self.lock:
            session = self._session(session_id)
            if session["status"] != "open" or session["expires_at"] < self.clock().timestamp():
                raise Refused("This Checkout Session is no longer active.")
            intent = {"id": self._id("pi"), "amount": session["amount_total"], "refunded": 0}
            self.intents[intent["id"]] = intent
            session.update(status="complete", payment_status="paid", payment_intent=intent["id"])
            return self.event("checkout.session.completed", dict(session))

    def event(self, kind: str, obj: dict[str, Any]) -> dict[str, Any]:
        return {"id": self._id("evt"), "object": "event", "type": kind,
                "api_version": "2025-01-27", "created": int(time.time()),
                "data": {"object": obj}}  # fmt: skip

    @staticmethod
    def signed(event: dict[str, Any], secret: str = WEBHOOK_SECRET) -> tuple[bytes, str]:
        """The body and `Stripe-Signature` header Stripe sends (v1: HMAC-SHA256 of t.body)."""
        body = json.dumps(event).encode()
        stamp = int(time.time())
        digest = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256)
        return body, f"t={stamp},v1={digest.hexdigest()}"
