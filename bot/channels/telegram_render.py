"""Channel-neutral replies drawn the Telegram way: inline keyboards, photos by file_id, edits.

Telegram counts message lengths in UTF-16 code units (an emoji is often two), so the limits
below are checked that way.
"""

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LabeledPrice, Message
from telegram.error import BadRequest

from bot.channels.base import split, units
from handlers.core import Option, Reply
from store import delivery
from store.db import Database
from store.media import MediaStore

log = logging.getLogger(__name__)

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
SHORT_LABEL = 20  # two buttons this short share a row; longer ones get a row each


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Pieces of a message's text Telegram accepts (`bot.channels.base.split`)."""
    return split(text, limit)


def button_url_ok(url: str) -> bool:
    """Whether Telegram takes `url` on a button (it refuses the whole message otherwise)."""
    parts = urlsplit(url)
    if parts.scheme == "tg":
        return True
    host = (parts.hostname or "").lower()
    return (
        parts.scheme in ("http", "https")
        and "." in host
        and not host.startswith("127.")
        and host not in ("localhost", "0.0.0.0")
    )


def with_links(text: str, options: Sequence[Option]) -> str:
    """The text, plus the links that cannot be buttons, spelled out so none is lost."""
    lines = [f"🔗 {o.label} : {o.url}" for o in options if o.url and not button_url_ok(o.url)]
    return "\n\n".join([text, "\n".join(lines)]) if lines else text


def keyboard(options: Sequence[Option]) -> InlineKeyboardMarkup | None:
    """Options as inline buttons: short labels two a row, long ones alone, links as URL buttons."""
    rows: list[list[InlineKeyboardButton]] = []
    waiting: InlineKeyboardButton | None = None
    for option in options:
        if option.url:
            if not button_url_ok(option.url):
                continue  # spelled out in the text instead (with_links)
            button = InlineKeyboardButton(option.label, url=option.url)
        else:
            button = InlineKeyboardButton(option.label, callback_data=option.action)
        if len(option.label) > SHORT_LABEL:
            if waiting:
                rows.append([waiting])
                waiting = None
            rows.append([button])
        elif waiting:
            rows.append([waiting, button])
            waiting = None
        else:
            waiting = button
    if waiting:
        rows.append([waiting])
    return InlineKeyboardMarkup(rows) if rows else None


@dataclass
class Pressed:
    """The menu message a button press came from, which a `replace` reply may edit."""

    chat_id: int
    message_id: int
    editable: bool  # a text message (a photo's caption is not edited into a menu)


class Renderer:
    """Sends replies to one chat; photos are uploaded once, then sent by their file_id."""

    def __init__(self, bot: Bot, db: Database, media: MediaStore) -> None:
        self.bot = bot
        self.db = db
        self.media = media
        self.provider_token = ""  # [telegram] payment_provider_token, for invoices

    async def send(
        self, chat_id: int, replies: Sequence[Reply], pressed: Pressed | None = None
    ) -> None:
        """Send `replies` in order; the first may edit the pressed menu instead (Reply.replace)."""
        for index, reply in enumerate(replies):
            shown = replace(reply, text=with_links(reply.text, reply.options))
            if index == 0 and pressed and await self._edit(pressed, shown):
                continue
            if shown.photo and self.media.exists(shown.photo):
                await self._photo(chat_id, shown)
            else:
                await self._text(chat_id, shown.text, keyboard(shown.options))
            bill = reply.extra.get("invoice")
            if bill and self.provider_token:
                await self._invoice(chat_id, bill)

    async def _invoice(self, chat_id: int, bill: dict[str, Any]) -> None:
        """A native invoice: a provider and EUR (physical goods are never paid in Stars)."""
        await self.bot.send_invoice(
            chat_id,
            title=bill["title"],
            description=bill["description"],
            payload=bill["payload"],
            provider_token=self.provider_token,
            currency=bill["currency"],
            prices=[LabeledPrice(bill["label"], bill["amount"])],
        )

    async def _edit(self, pressed: Pressed, reply: Reply) -> bool:
        """Edit the pressed menu in place when that is what the reply asks and Telegram allows."""
        if (
            not (reply.replace and pressed.editable)
            or reply.photo
            or units(reply.text) > TEXT_LIMIT
        ):
            return False
        try:
            await self.bot.edit_message_text(
                reply.text,
                chat_id=pressed.chat_id,
                message_id=pressed.message_id,
                reply_markup=keyboard(reply.options),
            )
        except BadRequest as exc:
            if "not modified" in exc.message.lower():
                return True  # the same menu pressed again: nothing to change
            log.info("menu not editable (%s); sending it anew", exc.message)
            return False
        return True

    async def _text(self, chat_id: int, text: str, markup: InlineKeyboardMarkup | None) -> None:
        pieces = split_text(text or "…")
        for number, piece in enumerate(pieces, 1):
            last = number == len(pieces)
            await self.bot.send_message(chat_id, piece, reply_markup=markup if last else None)

    async def _photo(self, chat_id: int, reply: Reply) -> None:
        """The photo with the text as its caption, or the photo then the text when too long."""
        markup = keyboard(reply.options)
        caption_fits = units(reply.text) <= CAPTION_LIMIT
        caption = reply.text if caption_fits else None
        await self._send_photo(
            chat_id, reply.photo or "", caption, markup if caption_fits else None
        )
        if not caption_fits:
            await self._text(chat_id, reply.text, markup)

    async def _send_photo(
        self, chat_id: int, key: str, caption: str | None, markup: InlineKeyboardMarkup | None
    ) -> None:
        file_id = await asyncio.to_thread(
            self.db.run, lambda s: delivery.telegram_file_id(session=s, media_key=key)
        )
        if file_id:
            try:
                await self.bot.send_photo(chat_id, file_id, caption=caption, reply_markup=markup)
                return
            except BadRequest as exc:
                # A file_id from another bot token or an expired one: upload the bytes again.
                log.warning("file_id of %s refused (%s); uploading again", key, exc.message)
                await asyncio.to_thread(
                    self.db.run, lambda s: delivery.forget_telegram_file(session=s, media_key=key)
                )
        data = await asyncio.to_thread(self.media.get, key)
        sent = await self.bot.send_photo(
            chat_id, data, caption=caption, reply_markup=markup, filename=key
        )
        await self._remember(key, sent)

    async def _remember(self, key: str, sent: Message) -> None:
        if not sent.photo:
            return
        file_id = sent.photo[-1].file_id  # the largest size
        await asyncio.to_thread(
            self.db.run,
            lambda s: delivery.remember_telegram_file(session=s, media_key=key, file_id=file_id),
        )
