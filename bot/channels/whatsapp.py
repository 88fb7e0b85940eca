"""WhatsApp through Twilio: signed webhooks in, buttons and lists out, templates after 24 hours.

Twilio POSTs each message to `/whatsapp/webhook`; we check its signature, record its
MessageSid (Twilio retries, we answer once), answer an empty TwiML at once and handle the
message in the background, one message of a person at a time and in order. Replies go
out through Twilio's REST API (the `twilio` client on `[whatsapp] api_base_url`): real
buttons and list-pickers (Content API shapes, `whatsapp_rich`) where they fit, else the
numbered text; a tapped button or row carries its option's action, like a Telegram callback.
"""

import asyncio
import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import httpx
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import (
    SIGNATURE_HEADER,
    SIGNATURE_SETTINGS_HEADER,
    RequestValidator,
    get_signature_algorithm,
)
from twilio.rest import Client

from bot.app import App
from bot.channels import twilio_params, whatsapp_media, whatsapp_status
from bot.channels.twilio_http import RETRY_AFTER, TwilioHttp
from bot.channels.whatsapp_content import ContentApi
from bot.channels.whatsapp_inbound import guess_language, has_image, to_incoming
from bot.channels.whatsapp_out import Outbound, ShapeRefused, Unreachable
from bot.channels.whatsapp_render import Outgoing, render_each
from bot.channels.whatsapp_rich import render_rich
from bot.channels.whatsapp_shapes import MORE
from bot.web import signed_media_url
from handlers import i18n
from handlers.core import Incoming, Option, Reply, menu_of
from notifications.base import OUTBOX_ROW, DeliveryError, Recipient
from store import inbound, logctx, outbox, users

log = logging.getLogger(__name__)

CHANNEL = "whatsapp"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
REPLY_KIND = "reply"  # outbox kind of a conversation reply Twilio could not take in time
WINDOW = timedelta(hours=24)  # WhatsApp's customer-service window: free text only inside it
# WhatsApp posts each photo of an album as its own message: photos each arriving within this
# many seconds of the previous one are one message for the core (an item with several photos).
ALBUM_WAIT = 1.5


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
        self.content = ContentApi(app)
        self.out = Outbound(app, self.client, self.content)
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
        return [
            Route("/whatsapp/webhook", self.webhook, methods=["POST"]),
            Route(whatsapp_status.PATH, self.status, methods=["POST"]),
        ]

    async def status(self, request: Request) -> Response:
        """Twilio's status callback for a message we sent (signed like the webhook)."""
        return await whatsapp_status.receive(self.app, self.validator, request)

    async def start(self, receive: bool = True) -> None:
        """Forget MessageSids older than any retry (`receive`: the same for a worker)."""
        before = self.app.ctx.now() - inbound.SEEN_KEPT
        await self._db(lambda s: inbound.forget_seen(session=s, before=before))

    async def stop(self) -> None:
        """Finish the messages in hand, then close the connections."""
        await self.idle()
        await self.http.close()
        await self.media.close()
        await self.content.close()

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
        if not staff and any(has_image(m) for m in messages):
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
        if incoming is not None and (incoming.action or "").startswith(f"{MORE}:"):
            await self._next_page(number, incoming.action or "")
        elif incoming is not None:
            await self._answer(number, incoming)

    async def _answer(self, number: str, incoming: Incoming) -> None:
        replies = await asyncio.to_thread(self.app.engine.handle, incoming)
        await self.send_replies(number, replies, await self._language(number))
        # Sent, or handed to the outbox by send_replies: the safety copy is not needed.
        await asyncio.to_thread(self.app.engine.delivered, replies)

    async def _next_page(self, number: str, action: str) -> None:
        """ "Suite" in a long list: the next rows of the menu the engine remembers."""
        offset = action.split(":", 1)[1]

        def work(session: Session) -> list[list[str]] | None:
            user_id = inbound.user_id(session=session, channel=CHANNEL, channel_ref=number)
            return users.load_menu(session=session, user_id=user_id) if user_id else None

        menu = await self._db(work)
        lang = await self._language(number)
        if not offset.isdigit() or not menu or int(offset) >= len(menu):
            stale = Incoming(CHANNEL, number, action="~stale", language=lang)
            await self._answer(number, stale)
            return
        options = tuple(Option(label, action) for label, action in menu)
        page = Reply(i18n.t(lang, "wa_choose"), options=options, extra={"wa_offset": int(offset)})
        await self.send_replies(number, [page], lang)

    async def _language(self, number: str) -> str:
        known = await self._db(
            lambda s: inbound.user_language(session=s, channel=CHANNEL, channel_ref=number)
        )
        return known or guess_language(number)

    # Outbound.
    def media_url(self, key: str) -> str:
        return signed_media_url(self.app, key)

    async def rendered(self, replies: Sequence[Reply], lang: str) -> list[list[Outgoing]]:
        """Each reply's messages: shapes where they fit and exist, else numbered text."""
        sids = await self.out.shape_sids()
        if not sids:
            return render_each(replies, lang, self.media_url, fold=True)
        return render_rich(
            replies, lang, self.media_url, sids, lambda r: render_each(r, lang, self.media_url)
        )

    async def send_replies(
        self, number: str, replies: Sequence[Reply], lang: str, user_id: int | None = None
    ) -> None:
        """Send replies in order; while Twilio stays down, the rest waits in the outbox."""
        if user_id is None:
            user_id = await self._db(
                lambda s: inbound.user_id(session=s, channel=CHANNEL, channel_ref=number)
            )
        groups = await self.rendered(replies, lang)
        for index in range(len(groups)):
            first = index  # the replies folded into this one were not sent either
            while first > 0 and not groups[first - 1]:
                first -= 1
            try:
                await self.send_group(number, replies, groups, index, lang, user_id=user_id)
            except Unreachable:
                return
            except TwilioRestException as exc:
                log.error("WhatsApp reply to ...%s not sent: %s", number[-4:], _reason(exc))
                if exc.status == 429 or exc.status >= 500:
                    await self._later(number, replies[first:])
                return
            except httpx.HTTPError as exc:
                log.error("WhatsApp reply to ...%s not sent: %s", number[-4:], _reason(exc))
                await self._later(number, replies[first:])
                return

    async def send_group(
        self,
        number: str,
        replies: Sequence[Reply],
        groups: list[list[Outgoing]],
        index: int,
        lang: str,
        **record: Any,
    ) -> None:
        """The messages of reply `index`; a shape refused: it, and what it carried, numbered."""
        try:
            for message in groups[index]:
                await self.out.create(number, message, **record)
        except ShapeRefused:
            first = index  # replies folded into this one had no message of their own
            while first > 0 and not groups[first - 1]:
                first -= 1
            numbered = render_each(replies, lang, self.media_url)
            for group in numbered[first : index + 1]:
                for message in group:
                    await self.out.create(number, message, **record)

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
        return await self.out.create(number, message, user_id=None)

    # The notifications Sender.
    async def deliver(self, recipient: Recipient, kind: str, payload: dict[str, Any]) -> None:
        """Inside the 24-hour window as replies are; the kind's approved template outside it."""
        groups = await self.notification(recipient, kind, payload)
        replies = [Reply.from_dict(r) for r in payload.get("replies", [])]
        record = {"user_id": recipient.user_id, "kind": kind, "outbox_id": OUTBOX_ROW.get()}
        try:
            for index in range(len(groups)):
                await self.send_group(
                    recipient.channel_ref, replies, groups, index, recipient.language, **record
                )
        except Unreachable as exc:
            raise DeliveryError(f"WhatsApp number unreachable ({exc})", permanent=True) from exc
        except TwilioRestException as exc:
            retry = exc.status in (401, 403, 429) or exc.status >= 500
            after = RETRY_AFTER.get() if retry else None
            raise DeliveryError(_reason(exc), permanent=not retry, retry_after=after) from exc
        except httpx.HTTPError as exc:
            raise DeliveryError(f"Twilio unreachable: {exc}") from exc
        menu = payload.get("menu")  # handlers.core.menu_of, kept with the row
        template = any(message.template for group in groups for message in group)
        if groups and not template and menu is not None:
            await self._db(
                lambda s: users.show_menu(session=s, user_id=recipient.user_id, menu=menu)
            )

    async def notification(
        self, recipient: Recipient, kind: str, payload: dict[str, Any]
    ) -> list[list[Outgoing]]:
        """The messages for one outbox row (by reply), or DeliveryError when none may go."""
        last = recipient.last_inbound_at
        if last is not None and self.app.ctx.now() - last < WINDOW:
            replies = [Reply.from_dict(r) for r in payload.get("replies", [])]
            return await self.rendered(replies, recipient.language)
        found = await self.out.template(kind, recipient.language, payload.get("variables") or {})
        if isinstance(found, str):
            raise DeliveryError(
                f"{found}: the person last wrote over 24 hours ago, so only an approved "
                "template may go",
                permanent=True,
            )
        return [[found]]


def _reason(exc: Exception) -> str:
    if isinstance(exc, TwilioRestException):
        return f"Twilio {exc.status} (code {exc.code}): {exc.msg}"
    return f"{type(exc).__name__}: {exc}"
