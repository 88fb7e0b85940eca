"""`POST /stripe/webhook`: Stripe's signed events; `checkout.session.completed` confirms.

The signature is checked before anything is read (`construct_event`); each event id is
handled once, and a payment moves only forward, so a replayed or out-of-order event
changes nothing. Answers 2xx for events that need nothing, so Stripe stops retrying.
"""

import asyncio
import logging

import stripe
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.app import App
from bot.payments import StripeLinks
from handlers.notices import payments as pay_notices
from store import payments as store_payments

log = logging.getLogger(__name__)


def handle_event(session: Session, app: App, event: stripe.Event) -> str:
    """What one verified event did (for the log and the tests)."""
    if not store_payments.first_time(
        session=session, event_id=event.id, kind=event.type, now=app.ctx.now()
    ):
        return "replay"
    if event.type != "checkout.session.completed":
        return "ignored"
    data = event.data.object.to_dict()
    if data.get("payment_status") != "paid":
        return "unpaid"
    payment = store_payments.by_session(session=session, session_id=str(data.get("id")))
    if payment is None:
        return "unknown"
    return pay_notices.paid(
        session=session,
        ctx=app.ctx,
        payment=payment,
        amount_cents=int(data.get("amount_total") or 0),
        payment_intent=str(data.get("payment_intent") or ""),
    )


def stripe_routes(app: App, links: StripeLinks) -> list[Route]:
    secret = app.config.stripe.webhook_secret

    async def webhook(request: Request) -> Response:
        payload = await request.body()
        try:
            event = links.event(payload, request.headers.get("stripe-signature", ""), secret)
        except (ValueError, stripe.SignatureVerificationError):
            log.warning("refused a Stripe webhook with a bad signature")
            return Response("bad signature", status_code=400)
        outcome = await asyncio.to_thread(
            app.db.run, lambda session: handle_event(session, app, event)
        )
        app.ctx.on_outbox()
        log.info("stripe event %s %s: %s", event.id, event.type, outcome)
        return Response(outcome, status_code=200)

    return [Route("/stripe/webhook", webhook, methods=["POST"])]
