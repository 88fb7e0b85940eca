"""The Telegram channel: updates in (polling or webhook), replies out, on python-telegram-bot 22.

One PTB `Application` runs in the same asyncio loop as the web server. Its handler machinery
only hands us each update: the conversation itself is the channel-neutral core, run in a
worker thread so the loop never waits on the database. Updates of one chat are handled one
at a time, in arrival order (a per-chat asyncio.Lock, FIFO); different chats run concurrently.
"""

import asyncio
import hmac
import json
import logging
import weakref
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import BotCommand, Message, Update
from telegram.error import BadRequest, Forbidden, InvalidToken, RetryAfter, TelegramError
from telegram.ext import Application, ContextTypes, TypeHandler

from bot.app import App
from bot.channels import telegram_files, telegram_pay
from bot.channels.telegram_dedupe import ClaimedUpdates
from bot.channels.telegram_files import NOT_KEPT, image_file_id
from bot.channels.telegram_limiter import limiter_for, prepaid
from bot.channels.telegram_render import Pressed, Renderer
from bot.config import ConfigError
from handlers import i18n
from handlers.core import Incoming, Reply
from notifications.base import DeliveryError, Recipient
from store import inbound, users
from store.media import NotAnImage

log = logging.getLogger(__name__)

CHANNEL = "telegram"
WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member", "pre_checkout_query"]
ALBUM_QUIET = 0.8  # seconds after an album's last part before it is handled as one message

# The menu next to the text field: (French command, English command, description text).
COMMANDS = [
    ("start", "start", "tg_cmd_start"),
    ("recherche", "search", "tg_cmd_search"),
    ("panier", "cart", "tg_cmd_cart"),
    ("commandes", "orders", "tg_cmd_orders"),
    ("aide", "help", "tg_cmd_help"),
    ("langue", "language", "tg_cmd_language"),
]


@dataclass
class _Album:
    """The parts of one album seen so far (Telegram sends each photo as its own message)."""

    messages: list[Message] = field(default_factory=list)
    last_part: float = 0.0


class TelegramChannel:
    """Feeds Telegram updates to the core and renders its replies; also a notifications Sender."""

    channel = CHANNEL

    def __init__(
        self,
        app: App,
        *,
        backoff: float = 0.5,
        album_quiet: float = ALBUM_QUIET,
        flood_retries: int = 3,
    ) -> None:
        self.app = app
        self.config = app.config.telegram
        self.album_quiet = album_quiet
        # Webhook and poller both put updates here; it lets each update_id in once.
        bot_id = self.config.token.partition(":")[0]
        self.updates = ClaimedUpdates(app.db, bot_id, app.ctx.now)
        builder = (
            Application.builder()
            .token(self.config.token)
            .base_url(self.config.api_base_url)
            .base_file_url(self.config.api_file_url)
            .rate_limiter(limiter_for(app, backoff=backoff, flood_retries=flood_retries))
            .concurrent_updates(True)
            .job_queue(None)  # reminders are outbox rows, not PTB jobs
            .update_queue(self.updates)
        )
        if self.webhook:
            builder = builder.updater(None)
        self.application = builder.build()
        self.application.add_handler(TypeHandler(Update, self._on_update))
        self.application.add_error_handler(self._on_error)
        self.renderer = Renderer(self.application.bot, app.db, app.media)
        self.renderer.provider_token = self.config.payment_provider_token
        self._locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()
        self._albums: dict[tuple[int, str], _Album] = {}

    @property
    def webhook(self) -> bool:
        return self.config.mode == "webhook"

    # Life cycle.
    async def start(self, receive: bool = True) -> None:
        """Connect (getMe); to `receive`, register commands, then poll or set the webhook."""
        # httpx logs every request URL at INFO, and Telegram's URLs hold the bot's token.
        logging.getLogger("httpx").setLevel(max(logging.WARNING, logging.root.level))
        try:
            await self.application.initialize()
        except InvalidToken as exc:
            raise ConfigError(f"[telegram] token refused by Telegram: {exc.message}") from exc
        username = self.application.bot.username
        if username:
            self.app.ctx.telegram_username = username  # deep links name the real bot
        if not receive:
            return
        await self._set_commands()
        await self.application.start()
        if self.webhook:
            url = self.app.config.web.public_url.rstrip("/") + WEBHOOK_PATH
            if not url.startswith("https://"):
                log.warning("Telegram only calls HTTPS webhooks; [web] public_url is %s", url)
            await self.application.bot.set_webhook(
                url, secret_token=self.config.webhook_secret, allowed_updates=ALLOWED_UPDATES
            )
            log.info("telegram webhook registered at %s", url)
        else:
            assert self.application.updater is not None
            await self.application.updater.start_polling(allowed_updates=ALLOWED_UPDATES)
            log.info("telegram polling as @%s", username)

    async def stop(self) -> None:
        """Stop polling, finish the updates in hand, close the connections."""
        if self.application.updater and self.application.updater.running:
            await self.application.updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    async def settled(self) -> None:
        """Wait until every update received so far has been answered (tests, shutdown)."""
        await self.application.update_queue.join()

    async def _set_commands(self) -> None:
        """The command menu in French (everyone) and in English (English apps)."""
        known = self.app.engine.commands()
        for lang, code in (("fr", None), ("en", "en")):
            commands = [
                BotCommand(fr if lang == "fr" else en, i18n.t(lang, key))
                for fr, en, key in COMMANDS
                if (fr if lang == "fr" else en) in known
            ]
            await self.application.bot.set_my_commands(commands, language_code=code)

    # Webhook.
    def routes(self) -> list[Route]:
        """The webhook route for the web app (none in polling mode)."""
        return [Route(WEBHOOK_PATH, self.receive, methods=["POST"])] if self.webhook else []

    async def receive(self, request: Request) -> Response:
        """POST /telegram/webhook: check the secret Telegram echoes, queue the update."""
        given = request.headers.get(SECRET_HEADER, "").encode()
        expected = self.config.webhook_secret.encode()
        if not expected or not hmac.compare_digest(given, expected):
            return Response(status_code=403)
        try:
            data = json.loads(await request.body())
            update = Update.de_json(data, self.application.bot)
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
            # RecursionError: JSON nested thousands deep, which json and PTB read recursively.
            log.warning("unreadable telegram update: %s", type(exc).__name__)
            return Response(status_code=400)
        await self.application.update_queue.put(update)
        return Response(status_code=200)

    # Updates in.
    def _lock(self, chat_id: int) -> asyncio.Lock:
        return self._locks.setdefault(chat_id, asyncio.Lock())

    async def _on_update(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.updates.in_order(update, self._route)

    async def _route(self, update: Update) -> None:
        if update.my_chat_member:
            await self._membership(update)
        elif update.callback_query:
            await self._on_press(update)
        elif update.pre_checkout_query:  # answered within 10 s, or Telegram fails the payment
            await telegram_pay.answer_pre_checkout(self.app, update.pre_checkout_query)
        elif update.message and update.effective_chat and update.effective_chat.type == "private":
            message = update.message
            if message.media_group_id:  # a part of an album (photos, maybe videos)
                await self._on_album_part(message)
                return
            async with self._lock(message.chat_id):
                await self._on_message(message)

    async def _on_message(self, message: Message) -> None:
        chat_id = message.chat_id
        if message.successful_payment:  # the order is confirmed on this message only
            await telegram_pay.paid(self.app, message.successful_payment)
            return
        text = message.text or message.caption
        refused = telegram_files.refused_file(message)
        if refused:  # a PDF, say: a kind answer, and its caption is not a search
            await self._answer(chat_id, self._incoming(message, action=refused, text=text))
            return
        photos: tuple[str, ...] = ()
        if image_file_id(message):
            if not await self._takes_photos(chat_id):  # answered without fetching it
                return await self._answer(chat_id, self._incoming(message, action=NOT_KEPT))
            try:
                photos = await self._download([message])
            except (NotAnImage, TelegramError) as exc:
                log.warning("photo from %s not received: %s", chat_id, exc)
                await self._send(chat_id, [self._photo_failed(message)])
                return
        phone = None
        contact = message.contact
        if contact and message.from_user and contact.user_id == message.from_user.id:
            phone = contact.phone_number
            text = contact.phone_number  # what an awaited phone number reads
        location = None
        if message.location:
            location = (message.location.latitude, message.location.longitude)
        incoming = self._incoming(message, text=text, photos=photos, location=location, phone=phone)
        note = self._unsupported(message) if not (text or photos or location) else None
        await self._answer(chat_id, incoming, before=note)

    async def _on_press(self, update: Update) -> None:
        query = update.callback_query
        assert query is not None
        message = query.message
        chat_id = message.chat.id if message else query.from_user.id
        async with self._lock(chat_id):
            # Answered at once so the button stops spinning, while the core works.
            answered = asyncio.create_task(self._answer_query(query.id))
            pressed = None
            if isinstance(message, Message):
                editable = message.text is not None and not message.photo
                pressed = Pressed(chat_id, message.message_id, editable)
            user = query.from_user
            incoming = Incoming(
                CHANNEL,
                str(chat_id),
                action=query.data or "home",
                language=user.language_code,
                name=user.full_name,
            )
            await self._answer(chat_id, incoming, pressed)
            await answered

    async def _answer_query(self, query_id: str) -> None:
        try:
            await self.application.bot.answer_callback_query(query_id)
        except TelegramError as exc:  # too old to answer: the press is still handled
            log.info("callback query %s not answered: %s", query_id, exc)

    async def _on_album_part(self, message: Message) -> None:
        """Gather an album's photos; the first part waits for the rest, then sends one message."""
        loop = asyncio.get_running_loop()
        key = (message.chat_id, message.media_group_id or "")
        album = self._albums.get(key)
        if album is not None:
            album.messages.append(message)
            album.last_part = loop.time()
            return
        album = self._albums[key] = _Album([message], loop.time())
        async with self._lock(message.chat_id):
            while (wait := album.last_part + self.album_quiet - loop.time()) > 0:
                await asyncio.sleep(wait)
            del self._albums[key]
            parts = sorted(album.messages, key=lambda m: m.message_id)
            if not await self._takes_photos(message.chat_id):
                return await self._answer(
                    message.chat_id, self._incoming(parts[0], action=NOT_KEPT)
                )
            try:
                photos = await self._download(parts)
            except (NotAnImage, TelegramError) as exc:
                log.warning("album from %s not received: %s", message.chat_id, exc)
                await self._send(message.chat_id, [self._photo_failed(message)])
                return
            caption = next((m.caption for m in parts if m.caption), None)
            await self._answer(
                message.chat_id, self._incoming(parts[0], text=caption, photos=photos)
            )

    async def _download(self, messages: list[Message]) -> tuple[str, ...]:
        """Each message's picture, fetched through getFile into the media store."""
        keys = []
        for message in messages:
            file_id = image_file_id(message)
            if file_id is None:
                continue  # a video in an album: only photos are kept
            file = await self.application.bot.get_file(file_id)
            data = await file.download_as_bytearray()
            keys.append(await asyncio.to_thread(self.app.media.put_image, bytes(data)))
        return tuple(keys)

    async def _takes_photos(self, chat_id: int) -> bool:
        """Shop staff's photos are kept; nobody else's are even downloaded."""
        ref = str(chat_id)
        work = partial(inbound.takes_photos, channel=CHANNEL, channel_ref=ref)
        return bool(await asyncio.to_thread(self.app.db.run, lambda s: work(session=s)))

    @staticmethod
    def _unsupported(message: Message) -> Reply | None:
        """A kind word for what the bot cannot read (voice, video, sticker, other files)."""
        kinds: tuple[object, ...] = (message.voice, message.audio, message.video)
        kinds += (message.video_note,)
        kinds += (message.sticker, message.animation, message.document)
        if not any(kinds):
            return None
        lang = i18n.language_of(message.from_user.language_code if message.from_user else None)
        return Reply(i18n.t(lang, "tg_unsupported"))

    def _photo_failed(self, message: Message) -> Reply:
        lang = i18n.language_of(message.from_user.language_code if message.from_user else None)
        return Reply(i18n.t(lang, "tg_photo_failed"))

    @staticmethod
    def _incoming(message: Message, **fields: Any) -> Incoming:
        user = message.from_user
        return Incoming(
            CHANNEL,
            str(message.chat_id),
            language=user.language_code if user else None,
            name=user.full_name if user else None,
            **fields,
        )

    async def _membership(self, update: Update) -> None:
        """A person who blocks the bot is marked unreachable (their next message clears it)."""
        member = update.my_chat_member
        if member and member.new_chat_member.status == "kicked":
            await self._unreachable(member.chat.id)

    async def _answer(
        self,
        chat_id: int,
        incoming: Incoming,
        pressed: Pressed | None = None,
        before: Reply | None = None,
    ) -> None:
        """The core's replies (worked out in a thread: the loop never waits on the database)."""
        replies = await asyncio.to_thread(self.app.engine.handle, incoming)
        if await self._send(chat_id, [before, *replies] if before else replies, pressed):
            await asyncio.to_thread(self.app.engine.delivered, replies)  # no safety copy needed

    async def _send(
        self, chat_id: int, replies: list[Reply], pressed: Pressed | None = None
    ) -> bool:
        """Render replies to a person who just wrote; False when they could not be sent."""
        try:
            await self.renderer.send(chat_id, replies, pressed)
        except Forbidden:
            log.info("telegram chat %s blocked the bot", chat_id)
            await self._unreachable(chat_id)
        except TelegramError as exc:
            log.error("reply to telegram chat %s lost: %s", chat_id, exc)
            return False
        return True

    async def _unreachable(self, chat_id: int) -> None:
        await asyncio.to_thread(
            self.app.db.run,
            lambda s: users.mark_unreachable(session=s, channel=CHANNEL, channel_ref=str(chat_id)),
        )

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("telegram update %r failed", update, exc_info=context.error)

    # Notifications.
    async def deliver(self, recipient: Recipient, kind: str, payload: dict[str, Any]) -> None:
        """Send an outbox row's replies; DeliveryError tells the dispatcher what to do next."""
        replies = [Reply.from_dict(r) for r in payload.get("replies", [])]
        chat_id = int(recipient.channel_ref)
        prepaid(1)  # the dispatcher waited for the row's first message; the others wait here
        try:
            await self.renderer.send(chat_id, replies)
        except Forbidden as exc:
            await self._unreachable(chat_id)
            raise DeliveryError(f"blocked: {exc.message}", permanent=True) from exc
        except RetryAfter as exc:
            raise DeliveryError("flood limit", retry_after=_seconds(exc.retry_after)) from exc
        except BadRequest as exc:
            raise DeliveryError(f"refused: {exc.message}", permanent=True) from exc
        except TelegramError as exc:
            raise DeliveryError(f"{kind} not sent: {exc.message}") from exc


def _seconds(value: object) -> float:
    total = getattr(value, "total_seconds", None)
    return float(total() if total else value)  # type: ignore[arg-type]
