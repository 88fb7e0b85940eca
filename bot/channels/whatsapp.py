"""WhatsApp through Twilio: signed webhooks in, numbered menus out, templates after 24 hours.

Twilio POSTs each message to `/whatsapp/webhook`; we check its signature, record its
MessageSid (Twilio retries, we answer once), answer an empty TwiML at once and handle the
message in the background, one message of a person at a time and in order. Replies go
out through Twilio's REST API (the `twilio` client on `[whatsapp] api_base_url`).
"""

import asyncio
import json
import logging
import re
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import httpx
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from twilio.base import values
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import (
    SIGNATURE_HEADER,
    SIGNATURE_SETTINGS_HEADER,
    RequestValidator,
    get_signature_algorithm,
)
from twilio.rest import Client

from bot.app import App
from bot.channels import twilio_params, whatsapp_media
from bot.channels.twilio_http import RETRY_AFTER, TwilioHttp
from bot.channels.whatsapp_render import Outgoing, render, render_each
from bot.web import signed_media_url
from handlers import i18n
from handlers.core import Incoming, Reply, menu_of
from notifications.base import DeliveryError, Recipient
from store import inbound, logctx, outbox, users

log = logging.getLogger(__name__)

CHANNEL = "whatsapp"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
REPLY_KIND = "reply"  # outbox kind of a conversation reply Twilio could not take in time
WINDOW = timedelta(hours=24)  # WhatsApp's customer-service window: free text only inside it
# Twilio error codes for a number that cannot get our messages (invalid, opted out, not on
# WhatsApp): the user is marked unreachable until they write again.
UNREACHABLE_CODES = frozenset({21211, 21610, 21614, 63003, 63024})
# The words a wa.me deep link prefills ("shop lingerie-christelle"), read as /start payloads.
DEEP_LINK = re.compile(r"^\s*(shop|pickup|join)\s+(\S+)\s*$", re.IGNORECASE)
# WhatsApp tells us no language: English for English-speaking country codes, else French.
ENGLISH_PREFIXES = ("+1", "+44", "+353", "+61", "+64", "+27")
# WhatsApp posts each photo of an album as its own message: photos each arriving within this
# many seconds of the previous one are one message for the core (an item with several photos).
ALBUM_WAIT = 1.5


class Unreachable(Exception):
    """Twilio says this number cannot receive our messages."""


def guess_language(number: str) -> str:
    """ "en" for +44 and +1 numbers (and other English-speaking countries), else "fr"."""
    return "en" if number.startswith(ENGLISH_PREFIXES) else i18n.DEFAULT


def to_incoming(params: dict[str, str], photos: Sequence[str]) -> Incoming | None:
    """A Twilio webhook's fields as the core's `Incoming`; None when there is nothing to say."""
    number = params.get("From", "").removeprefix("whatsapp:")
    text = (params.get("Body") or params.get("ButtonText") or "").strip()
    link = None if photos else DEEP_LINK.match(text)  # a photo's caption is never a link
    if link:
        text = f"/start {link[1].lower()}-{link[2]}"
    location = None
    try:
        if params.get("Latitude") and params.get("Longitude"):
            location = (float(params["Latitude"]), float(params["Longitude"]))
            text = ""  # WhatsApp puts the place's name in Body; the position is what counts
    except ValueError:
        location = None
    if not (text or photos or location):
        return None
    return Incoming(
        CHANNEL,
        number,
        text=text or None,
        photos=tuple(photos),
        location=location,
        language=guess_language(number),
        name=params.get("ProfileName") or None,
        phone=number,
    )


class WhatsAppChannel:
    """The webhook, the replies, and the `Sender` the notifications dispatcher uses."""

    channel = CHANNEL

    def __init__(
        self, app: App, *, http: TwilioHttp | None = None, album_wait: float = ALBUM_WAIT
    ) -> None:
        config = app.config.whatsapp
        self.app = app
        self.config = config
        self.sender_address = "whatsapp:" + config.from_number.removeprefix("whatsapp:")
        self.validator = RequestValidator(config.auth_token)
        self.http = http or TwilioHttp()
        self.client = Client(config.account_sid, config.auth_token, http_client=self.http)
        self.client.api.base_url = config.api_base_url.rstrip("/")
        self.media = whatsapp_media.Downloader(
            app.media,
            (config.account_sid, config.auth_token),
            api_base_url=config.api_base_url,
            media_hosts=config.media_hosts,
        )
        self.album_wait = album_wait
        self._albums: dict[str, list[dict[str, str]]] = {}
        self._album_timers: dict[str, asyncio.Task[None]] = {}
        self._tails: dict[str, asyncio.Task[None]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def routes(self) -> list[Route]:
        return [Route("/whatsapp/webhook", self.webhook, methods=["POST"])]

    async def start(self, receive: bool = True) -> None:
        """Forget MessageSids older than any retry (`receive`: the same for a worker)."""
        before = self.app.ctx.now() - inbound.SEEN_KEPT
        await self._db(lambda s: inbound.forget_seen(session=s, before=before))

    async def stop(self) -> None:
        """Finish the messages in hand, then close the connections."""
        await self.idle()
        await self.http.close()
        await self.media.close()

    async def idle(self) -> None:
        """Wait until every message received so far has been handled and answered."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _db(self, work: Any) -> Any:
        return await asyncio.to_thread(self.app.db.run, work)

    # Inbound.
    async def webhook(self, request: Request) -> Response:
        """Twilio's POST: 403 unless signed with our auth token; else handled once, later."""
        form = await request.form()
        items = [(key, value) for key, value in form.multi_items() if isinstance(value, str)]
        params = dict(items)
        url = self.app.ctx.public_url + request.url.path
        if request.url.query:
            url += "?" + request.url.query
        algorithm = get_signature_algorithm(request.headers.get(SIGNATURE_SETTINGS_HEADER))
        signature = request.headers.get(SIGNATURE_HEADER, "")
        if not signature or not self.validator.validate(url, params, signature, algorithm):
            log.warning("WhatsApp webhook with a missing or wrong signature, refused")
            return Response("invalid signature", status_code=403)
        # Delivery status callbacks (MessageStatus) may share the URL: they are not messages.
        if "MessageStatus" in params:
            return Response(EMPTY_TWIML, media_type="application/xml")
        refused = twilio_params.refusal(items, self.config.account_sid)
        if refused or len(items) != len(form.multi_items()):
            log.warning("WhatsApp webhook refused: %s", refused or "a file in the form")
            return Response("not a Twilio message", status_code=400)
        sid = params["MessageSid"]
        logctx.bind(message_sid=sid)  # on this message's log lines, its handling's too
        sender = params["From"]
        if sender.startswith("whatsapp:"):
            now = self.app.ctx.now()
            first = await self._db(
                lambda s: inbound.first_time(session=s, channel=CHANNEL, sid=sid, now=now)
            )
            if first:
                self._receive(sender.removeprefix("whatsapp:"), params)
        return Response(EMPTY_TWIML, media_type="application/xml")

    def _receive(self, number: str, params: dict[str, str]) -> None:
        """Queue a message; photos wait a moment for the rest of their album."""
        if params.get("NumMedia", "0") in ("", "0"):
            self._flush(number)
            self._schedule(number, [params])
            return
        self._albums.setdefault(number, []).append(params)
        # The album is complete once no photo came for `album_wait` after the last one.
        pending = self._album_timers.pop(number, None)
        if pending is not None:
            pending.cancel()
        timer = asyncio.create_task(self._flush_later(number))
        self._album_timers[number] = timer
        self._track(timer)

    async def _flush_later(self, number: str) -> None:
        await asyncio.sleep(self.album_wait)
        self._album_timers.pop(number, None)
        self._flush(number)

    def _flush(self, number: str) -> None:
        album = self._albums.pop(number, None)
        if album:
            self._schedule(number, album)

    def _track(self, task: asyncio.Task[None]) -> None:
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _schedule(self, number: str, messages: list[dict[str, str]]) -> None:
        """Handle in the background, after this person's previous message."""
        previous = self._tails.get(number)
        task = asyncio.create_task(self._handle_after(previous, number, messages))
        self._tails[number] = task
        self._track(task)

        def done(finished: asyncio.Task[None]) -> None:
            if self._tails.get(number) is finished:
                del self._tails[number]

        task.add_done_callback(done)

    async def _handle_after(
        self, previous: asyncio.Task[None] | None, number: str, messages: list[dict[str, str]]
    ) -> None:
        if previous is not None:
            await asyncio.wait([previous])
        try:
            await self.handle(number, messages)
        except Exception:
            log.exception("WhatsApp message %s not handled", messages[0].get("MessageSid"))

    async def handle(self, number: str, messages: list[dict[str, str]]) -> None:
        """Turn one message (or one album of photos) into replies and send them, in order."""
        photos: list[str] = []
        refusal: str | None = None
        language = guess_language(number)
        captions = [m["Body"].strip() for m in messages if (m.get("Body") or "").strip()]
        staff = any(m.get("NumMedia", "0") not in ("", "0") for m in messages) and await self._db(
            lambda s: inbound.takes_photos(session=s, channel=CHANNEL, channel_ref=number)
        )
        if not staff and any(_has_image(m) for m in messages):
            # A customer's photo is answered without being fetched: nobody would keep it.
            messages = [{**m, "NumMedia": "0"} for m in messages]
            unexpected = Incoming(CHANNEL, number, action="photo_unexpected", language=language)
            await self._answer(number, unexpected)
        for params in messages:
            keys, refused = await self.media.fetch_all(params)
            photos += keys
            refusal = refusal or refused
        if refusal == "failed":  # our download failed: ask again
            lang = await self._language(number)
            await self.send_replies(number, [Reply(i18n.t(lang, "wa_media_failed"))], lang)
        elif refusal and staff and not photos:  # a merchant's PDF: its caption waits for a photo
            text = "\n".join(captions) or None
            file = Incoming(
                CHANNEL, number, action=f"mfile:{refusal}", text=text, language=language
            )
            await self._answer(number, file)
            return
        elif refusal:  # not a usable photo: the core answers (a merchant's draft is kept)
            file = Incoming(CHANNEL, number, action=f"mfile:{refusal}", language=language)
            await self._answer(number, file)
        incoming = to_incoming({**messages[0], "Body": "\n".join(captions)}, photos)
        if incoming is not None:
            await self._answer(number, incoming)

    async def _answer(self, number: str, incoming: Incoming) -> None:
        replies = await asyncio.to_thread(self.app.engine.handle, incoming)
        await self.send_replies(number, replies, await self._language(number))
        # Sent, or handed to the outbox by send_replies: the safety copy is not needed.
        await asyncio.to_thread(self.app.engine.delivered, replies)

    async def _language(self, number: str) -> str:
        known = await self._db(
            lambda s: inbound.user_language(session=s, channel=CHANNEL, channel_ref=number)
        )
        return known or guess_language(number)

    # Outbound.
    def media_url(self, key: str) -> str:
        return signed_media_url(self.app, key)

    async def send_replies(self, number: str, replies: Sequence[Reply], lang: str) -> None:
        """Send replies in order; while Twilio stays down, the rest waits in the outbox."""
        for index, messages in enumerate(render_each(replies, lang, self.media_url)):
            try:
                for message in messages:
                    await self.send(number, message)
            except Unreachable:
                return
            except TwilioRestException as exc:
                log.error("WhatsApp reply to ...%s not sent: %s", number[-4:], _reason(exc))
                if exc.status == 429 or exc.status >= 500:
                    await self._later(number, replies[index:])
                return
            except httpx.HTTPError as exc:
                log.error("WhatsApp reply to ...%s not sent: %s", number[-4:], _reason(exc))
                await self._later(number, replies[index:])
                return

    async def _later(self, number: str, replies: Sequence[Reply]) -> None:
        """Hand unsent replies to the notifications dispatcher, which retries for longer."""

        def work(session: Session) -> None:
            user_id = inbound.user_id(session=session, channel=CHANNEL, channel_ref=number)
            if user_id is not None:
                outbox.enqueue(
                    session=session,
                    user_id=user_id,
                    kind=REPLY_KIND,
                    replies=list(replies),
                    menu=menu_of(replies),
                    due_at=self.app.ctx.now(),
                )

        await self._db(work)
        self.app.ctx.on_outbox()

    async def send(self, number: str, message: Outgoing) -> str:
        """Create one message through Twilio; returns its sid."""
        try:
            created = await self.client.messages.create_async(
                to=f"whatsapp:{number}",
                from_=self.sender_address,
                body=message.body or values.unset,
                media_url=list(message.media_urls) or values.unset,
                content_sid=message.content_sid or values.unset,
                content_variables=message.content_variables or values.unset,
            )
        except TwilioRestException as exc:
            if exc.code in UNREACHABLE_CODES:
                log.warning("WhatsApp number ...%s unreachable (%s)", number[-4:], exc.code)
                await self._db(
                    lambda s: users.mark_unreachable(session=s, channel=CHANNEL, channel_ref=number)
                )
                raise Unreachable(str(exc.code)) from exc
            raise
        return created.sid or ""

    # The notifications Sender.
    async def deliver(self, recipient: Recipient, kind: str, payload: dict[str, Any]) -> None:
        """Free text inside the 24-hour window, the kind's approved template outside it."""
        messages = self.notification(recipient, kind, payload)
        try:
            for message in messages:
                await self.send(recipient.channel_ref, message)
        except Unreachable as exc:
            raise DeliveryError(f"WhatsApp number unreachable ({exc})", permanent=True) from exc
        except TwilioRestException as exc:
            retry = exc.status in (401, 403, 429) or exc.status >= 500
            after = RETRY_AFTER.get() if retry else None
            raise DeliveryError(_reason(exc), permanent=not retry, retry_after=after) from exc
        except httpx.HTTPError as exc:
            raise DeliveryError(f"Twilio unreachable: {exc}") from exc
        menu = payload.get("menu")  # handlers.core.menu_of, kept with the row
        if messages and messages[0].content_sid is None and menu is not None:
            await self._db(
                lambda s: users.show_menu(session=s, user_id=recipient.user_id, menu=menu)
            )

    def notification(
        self, recipient: Recipient, kind: str, payload: dict[str, Any]
    ) -> list[Outgoing]:
        """The messages for one outbox row, or DeliveryError when none may be sent."""
        last = recipient.last_inbound_at
        if last is not None and self.app.ctx.now() - last < WINDOW:
            replies = [Reply.from_dict(r) for r in payload.get("replies", [])]
            return render(replies, recipient.language, self.media_url)
        template = self.config.templates.get(kind)
        if not template:
            raise DeliveryError(
                f"no WhatsApp template for {kind!r} ([whatsapp.templates] {kind}): the customer "
                "last wrote over 24 hours ago, so free text is not allowed",
                permanent=True,
            )
        variables = json.dumps(payload.get("variables") or {}, ensure_ascii=False)
        return [Outgoing(content_sid=template, content_variables=variables)]


def _has_image(params: dict[str, str]) -> bool:
    """Whether a webhook's media include a picture (by the type Twilio gives)."""
    types = (params.get(f"MediaContentType{i}") or "" for i in range(whatsapp_media.MAX_MEDIA))
    return any(kind.lower().startswith("image/") for kind in types)


def _reason(exc: Exception) -> str:
    if isinstance(exc, TwilioRestException):
        return f"Twilio {exc.status} (code {exc.code}): {exc.msg}"
    return f"{type(exc).__name__}: {exc}"
