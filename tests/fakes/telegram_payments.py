"""Telegram Payments in the Bot API stand-in: invoices, pre-checkout queries, payments.

Refuses what Telegram refuses (Bot API 10.1 `sendInvoice`): a title of 1-32 characters, a
description of 1-255, a payload of 1-128 bytes, prices as labelled integer amounts, a
provider token with a real currency (empty only for Stars, "XTR"), and an answer to a
pre-checkout query after 10 seconds or twice. `pay_invoice` plays the person paying.
"""

import itertools
import json
import time
from typing import Any

ANSWER_WITHIN = 10.0
_ids = itertools.count(1)


class Payments:
    """Mixed into `TelegramStandIn` (which has `_store`, `_chat`, `push`, `_message`)."""

    invoices: dict[str, dict[str, Any]]
    pre_checkouts: dict[str, dict[str, Any]]

    def _m_sendinvoice(self, params: dict, files: dict) -> dict:
        from tests.fakes.telegram_standin import ApiError

        title, description = params.get("title", ""), params.get("description", "")
        payload, currency = params.get("payload", ""), params.get("currency", "")
        token = params.get("provider_token", "")
        if not 1 <= len(title) <= 32:
            raise ApiError(400, "Bad Request: TITLE_INVALID")
        if not 1 <= len(description) <= 255:
            raise ApiError(400, "Bad Request: DESCRIPTION_INVALID")
        if not 1 <= len(payload.encode()) <= 128:
            raise ApiError(400, "Bad Request: INVOICE_PAYLOAD_INVALID")
        if (currency == "XTR") == bool(token) or len(currency) != 3:
            raise ApiError(400, "Bad Request: CURRENCY_INVALID")  # Stars: no provider token
        prices = json.loads(params.get("prices") or "[]")
        if not prices or not all(
            isinstance(p.get("amount"), int) and p["amount"] > 0 and p.get("label") for p in prices
        ):
            raise ApiError(400, "Bad Request: PRICES_INVALID")
        invoice = {
            "title": title, "description": description, "currency": currency,
            "total_amount": sum(p["amount"] for p in prices), "start_parameter": "",
        }  # fmt: skip
        if not hasattr(self, "invoices"):
            self.invoices, self.pre_checkouts = {}, {}
        self.invoices[payload] = {**invoice, "payload": payload, "provider_token": token}
        return self._store(self._chat(params), invoice=invoice)  # type: ignore[attr-defined]

    def _m_answerprecheckoutquery(self, params: dict, files: dict) -> bool:
        from tests.fakes.telegram_standin import ApiError

        query = self.pre_checkouts.get(params.get("pre_checkout_query_id", ""))
        if query is None or "ok" in query or time.monotonic() - query["at"] > ANSWER_WITHIN:
            raise ApiError(400, "Bad Request: QUERY_ID_INVALID")
        ok = params.get("ok") in ("true", "True", True)
        if not ok and not params.get("error_message"):
            raise ApiError(400, "Bad Request: error_message is required")
        query.update(ok=ok, error=params.get("error_message", ""))
        return True

    def pay_invoice(self, chat_id: int, invoice_message: dict) -> tuple[dict, list[dict]]:
        """The person presses Pay: the pre-checkout query, then (if the bot said yes) the
        successful payment. Returns the bot's answer and the messages it sent meanwhile."""
        invoice = invoice_message["invoice"]
        payload = next(p for p, i in self.invoices.items() if i["title"] == invoice["title"])
        query_id = f"pcq{next(_ids)}"
        self.pre_checkouts[query_id] = {"at": time.monotonic()}
        user = self._user(chat_id, "fr", "Alice")  # type: ignore[attr-defined]
        update = {"pre_checkout_query": {
            "id": query_id, "from": user, "currency": invoice["currency"],
            "total_amount": invoice["total_amount"], "invoice_payload": payload,
        }}  # fmt: skip
        self.push(chat_id, [update])  # type: ignore[attr-defined]
        answer = self.pre_checkouts[query_id]
        if not answer.get("ok"):
            return answer, []
        paid = {
            "currency": invoice["currency"], "total_amount": invoice["total_amount"],
            "invoice_payload": payload,
            "telegram_payment_charge_id": f"tg_charge_{query_id}",
            "provider_payment_charge_id": f"ch_provider_{query_id}",
        }  # fmt: skip
        message = self._message(chat_id, "fr", "Alice", successful_payment=paid)  # type: ignore[attr-defined]
        return answer, self.push(chat_id, [{"message": message}])  # type: ignore[attr-defined]
