"""Stripe Checkout behind "Payer en ligne" (the `PaymentLinks` of handlers/context.py).

The `stripe` library's `StripeClient` talks to `[stripe] api_base_url` (a local stand-in in
tests). Money goes to the shop: a destination charge to its connected account
(`payment_intent_data.transfer_data.destination`), so the platform never holds it. Every
call carries an idempotency key, so a retried call opens, closes or refunds nothing twice.
"""

from datetime import datetime
from typing import Any, cast

import stripe

from bot.config import StripeConfig
from handlers.context import Checkout


class StripeLinks:
    """Checkout sessions, their expiry and refunds, through the official client."""

    def __init__(self, config: StripeConfig, public_url: str) -> None:
        self.client = stripe.StripeClient(
            config.api_key,
            base_addresses={"api": config.api_base_url.rstrip("/")},
            max_network_retries=2,
        )
        self.public_url = public_url.rstrip("/")

    def checkout(
        self, *, reference: str, title: str, amount_cents: int, currency: str,
        expires_at: datetime, account: str, lang: str, back_url: str,
    ) -> Checkout:  # fmt: skip
        """A Checkout Session for one line of `amount_cents`, paid to the shop's `account`."""
        params: dict[str, Any] = {
            "mode": "payment",
            "client_reference_id": reference,
            "line_items": [{"quantity": 1, "price_data": {
                "currency": currency.lower(), "unit_amount": amount_cents,
                "product_data": {"name": title},
            }}],
            "expires_at": int(expires_at.timestamp()),
            "locale": "fr" if lang == "fr" else "en",
            "success_url": back_url or self.public_url,
            "metadata": {"reference": reference},
        }  # fmt: skip
        if account:
            params["payment_intent_data"] = {"transfer_data": {"destination": account}}
        session = self.client.v1.checkout.sessions.create(
            params=cast(Any, params), options={"idempotency_key": f"vitrine-{reference}"}
        )
        return Checkout(session_id=session.id, url=session.url or "")

    def expire(self, session_id: str) -> None:
        self.client.v1.checkout.sessions.expire(
            session_id, options={"idempotency_key": f"vitrine-expire-{session_id}"}
        )

    def refund(self, *, payment_intent: str, amount_cents: int, key: str) -> str:
        refund = self.client.v1.refunds.create(
            params={"payment_intent": payment_intent, "amount": amount_cents},
            options={"idempotency_key": key},
        )
        return refund.id

    def connect(self, *, account: str, reference: str) -> tuple[str, str]:
        """An Express account for the shop (once per shop) and Stripe's onboarding link."""
        if not account:
            made = self.client.v1.accounts.create(
                params={"type": "express", "metadata": {"reference": reference}},
                options={"idempotency_key": f"vitrine-account-{reference}"},
            )
            account = made.id
        link = self.client.v1.account_links.create(
            params={
                "account": account,
                "type": "account_onboarding",
                "refresh_url": f"{self.public_url}/healthz?stripe=refresh",
                "return_url": f"{self.public_url}/healthz?stripe=done",
            }
        )
        return account, link.url

    def event(self, payload: bytes, signature: str, secret: str) -> stripe.Event:
        """The webhook's event, its `Stripe-Signature` checked (raises when forged or stale)."""
        return self.client.construct_event(payload, signature, secret)
