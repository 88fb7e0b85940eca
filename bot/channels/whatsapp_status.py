"""`POST /whatsapp/status`: Twilio's status callbacks for the messages we sent.

Signed like the webhook (X-Twilio-Signature over our public URL and every parameter) and
taken only with the parameters Twilio sends in a status callback, each once. The status
(sent, delivered, read, failed, undelivered) is recorded on the message and its outbox row.
A failure that will not go away marks the person: 63016 (outside the 24-hour window: the
next message needs a template, so their window is closed) and the codes of a number that
cannot get WhatsApp messages (unreachable until they write again); for an order's message
the shop is told, as when the send itself fails.
"""

import asyncio
import logging
import re

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response
from twilio.request_validator import (
    SIGNATURE_HEADER,
    SIGNATURE_SETTINGS_HEADER,
    RequestValidator,
    get_signature_algorithm,
)

from bot.app import App
from bot.channels.whatsapp_out import OUTSIDE_WINDOW, UNREACHABLE_CODES
from handlers.notices.orders import tell_undelivered
from store import whatsapp as records
from store.models import User

log = logging.getLogger(__name__)

PATH = "/whatsapp/status"
# The parameters of a status callback (twilio.com/docs/messaging/guides/track-outbound-
# message-status: a subset of the message webhook's, plus MessageStatus and ErrorCode; the
# Channel* ones for WhatsApp; ChannelStatusMessage with a channel's error detail).
NAMES = frozenset(
    {
        "MessageSid", "SmsSid", "MessageStatus", "SmsStatus", "AccountSid", "From", "To",
        "ApiVersion", "ErrorCode", "ErrorMessage", "MessagingServiceSid", "ChannelInstallSid",
        "ChannelPrefix", "ChannelToAddress", "ChannelStatusMessage", "StructuredMessage",
        "RawDlrDoneDate", "Body", "NumMedia", "NumSegments",
    }
)  # fmt: skip
STATUSES = frozenset(
    {"queued", "sending", "sent", "delivered", "read", "failed", "undelivered", "accepted",
     "scheduled", "canceled"}
)  # fmt: skip
MESSAGE_SID = re.compile(r"^(SM|MM)[0-9a-f]{32}$")


def refusal(items: list[tuple[str, str]], account_sid: str) -> str | None:
    """Why a signed status callback is not one Twilio sent us; None when it is."""
    names = [name for name, _ in items]
    if len(names) != len(set(names)):
        return "a parameter given twice"
    unknown = sorted(set(names) - NAMES)
    if unknown:
        return f"parameters Twilio does not send: {unknown[:5]}"
    params = dict(items)
    if params.get("AccountSid") != account_sid:
        return "another account's message"
    if not MESSAGE_SID.match(params.get("MessageSid", "")):
        return "MessageSid not in Twilio's shape"
    if params.get("MessageStatus") not in STATUSES:
        return "unknown MessageStatus"
    code = params.get("ErrorCode", "")
    if code and not code.isdigit():
        return "ErrorCode not a number"
    return None


async def receive(app: App, validator: RequestValidator, request: Request) -> Response:
    form = await request.form()
    items = [(key, value) for key, value in form.multi_items() if isinstance(value, str)]
    params = dict(items)
    url = app.ctx.public_url + request.url.path
    if request.url.query:
        url += "?" + request.url.query
    algorithm = get_signature_algorithm(request.headers.get(SIGNATURE_SETTINGS_HEADER))
    signature = request.headers.get(SIGNATURE_HEADER, "")
    if not signature or not validator.validate(url, params, signature, algorithm):
        log.warning("WhatsApp status callback with a missing or wrong signature, refused")
        return Response("invalid signature", status_code=403)
    refused = refusal(items, app.config.whatsapp.account_sid)
    if refused or len(items) != len(form.multi_items()):
        log.warning("WhatsApp status callback refused: %s", refused or "a file in the form")
        return Response("not a Twilio status callback", status_code=400)
    code = int(params["ErrorCode"]) if params.get("ErrorCode") else None
    await asyncio.to_thread(
        app.db.run, lambda s: _record(app, s, params["MessageSid"], params["MessageStatus"], code)
    )
    return Response(status_code=204)


def _record(app: App, session: Session, sid: str, status: str, code: int | None) -> None:
    now = app.ctx.now()
    message = records.record_status(
        session=session, sid=sid, status=status, error_code=code, now=now
    )
    if message is None or status not in records.FAILURES or message.user_id is None:
        return
    user = session.get(User, message.user_id)
    if user is None:
        return
    if code == OUTSIDE_WINDOW:
        user.last_inbound_at = None  # the window is shut: templates from now on
    elif code in UNREACHABLE_CODES:
        user.unreachable = True
    else:
        return
    log.warning("WhatsApp message %s %s (%s): user %s marked", sid, status, code, user.id)
    if message.outbox_id is not None:
        tell_undelivered(session=session, ctx=app.ctx, outbox_id=message.outbox_id)
    app.ctx.on_outbox()
