"""Vitrine on Telegram for the benchmarks, through a minimal adapter of its own.

The same wiring as `vitrine run` (`bot.app.build` + `prepare`, the real engine and database)
behind a plain python-telegram-bot polling adapter: text and button presses become `Incoming`,
the engine runs off the event loop, replies go back as messages with inline keyboards
(a menu that replaces the previous one edits the pressed message). Like the real channel it
handles chats concurrently and goes through PTB's AIORateLimiter.
"""

import argparse
import asyncio

from telegram import Chat, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import (
    AIORateLimiter,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import app as wiring
from bot.config import Config
from handlers.core import Incoming, Option, Reply
from handlers.engine import Engine


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.options:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(o.label[:64], callback_data=o.action)]
            if o.action
            else [InlineKeyboardButton(o.label[:64], url=o.url)]
            for o in reply.options
        ]
    )


class Replier:
    """Sends replies; a photo is uploaded once, then sent again by Telegram's file_id."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.file_ids: dict[str, str] = {}

    async def photo(self, chat: Chat, reply: Reply) -> None:
        key = reply.photo or ""
        photo = self.file_ids.get(key) or self.engine.ctx.media.path(key).read_bytes()
        sent = await chat.send_photo(photo, caption=reply.text[:1024], reply_markup=keyboard(reply))
        if sent.photo:
            self.file_ids[key] = sent.photo[-1].file_id

    async def answer(self, chat: Chat, replies: list[Reply], pressed: Message | None) -> None:
        for reply in replies:
            if reply.photo:
                await self.photo(chat, reply)
            elif reply.replace and pressed is not None and pressed.text is not None:
                await pressed.edit_text(reply.text, reply_markup=keyboard(reply))
                pressed = None  # one edit; the rest are new messages
            else:
                await chat.send_message(reply.text[:4096], reply_markup=keyboard(reply))


def handler(engine: Engine):  # noqa: ANN201 - a PTB callback factory
    replier = Replier(engine)

    async def on_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        assert user is not None
        query = update.callback_query
        if query is not None:
            await query.answer()
        message = update.message
        incoming = Incoming(
            "telegram",
            str(user.id),
            text=message.text if message else None,
            action=query.data if query else None,
            language=user.language_code,
            name=user.first_name,
        )
        replies = await asyncio.to_thread(engine.handle, incoming)
        pressed = query.message if query and isinstance(query.message, Message) else None
        assert update.effective_chat is not None
        await replier.answer(update.effective_chat, replies, pressed)

    return on_update


class StubEngine:
    """No database, no handlers: one fixed menu, to weigh the adapter without the core."""

    def __init__(self, engine: Engine) -> None:
        self.ctx = engine.ctx
        options = tuple(Option(f"Article {n} · 24,50 €", f"item:{n}") for n in range(1, 7))
        self.menu = [Reply("Voici les articles de la boutique :", options=options)]

    def handle(self, incoming: Incoming) -> list[Reply]:
        return self.menu


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--base-url", required=True, help="the Bot API stand-in, ending in /bot")
    p.add_argument("--database", required=True, help="database URL")
    p.add_argument("--town", default="Nogent-le-Rotrou")
    p.add_argument("--token", default="123:bench")
    p.add_argument(
        "--stub-engine",
        action="store_true",
        help="answer every update with one fixed menu (the adapter's own cost)",
    )
    p.add_argument(
        "--max-rate",
        type=float,
        default=30,
        help="requests a second for the whole bot (Telegram's 30; 0: no limit)",
    )
    args = p.parse_args()
    config = Config()
    config.database.url = args.database
    config.town.name = args.town
    app = wiring.build(config)
    wiring.prepare(app)
    on_update = handler(StubEngine(app.engine) if args.stub_engine else app.engine)  # type: ignore[arg-type]
    # As bot/channels/telegram.py will: chats handled concurrently, the global rate limiter.
    bot = (
        ApplicationBuilder()
        .token(args.token)
        .base_url(args.base_url)
        .concurrent_updates(True)
        .rate_limiter(AIORateLimiter(overall_max_rate=args.max_rate))
        .build()
    )
    bot.add_handler(MessageHandler(filters.TEXT, on_update))
    bot.add_handler(CallbackQueryHandler(on_update))
    bot.run_polling(poll_interval=0.0, timeout=10)


if __name__ == "__main__":
    main()
