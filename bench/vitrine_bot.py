"""Vitrine on Telegram for the benchmarks, while `bot/channels/telegram.py` is not in main.

The same wiring as `vitrine run` (`bot.app.build` + `prepare`, the real engine and database)
behind a plain python-telegram-bot polling adapter: text and button presses become `Incoming`,
the engine runs off the event loop, replies go back as messages with inline keyboards
(a menu that replaces the previous one edits the pressed message). Like the real channel it
handles chats concurrently and goes through PTB's AIORateLimiter.
"""

import argparse
import asyncio

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
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
from handlers.core import Incoming, Reply
from handlers.engine import Engine


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.options:
        return None
    return InlineKeyboardMarkup([
        [InlineKeyboardButton(o.label[:64], callback_data=o.action)] if o.action
        else [InlineKeyboardButton(o.label[:64], url=o.url)]
        for o in reply.options
    ])


async def answer(update: Update, replies: list[Reply], pressed: Message | None) -> None:
    chat = update.effective_chat
    assert chat is not None
    for reply in replies:
        if reply.replace and pressed is not None and not reply.photo:
            await pressed.edit_text(reply.text, reply_markup=keyboard(reply))
            pressed = None  # one edit; the rest are new messages
        else:
            await chat.send_message(reply.text[:4096], reply_markup=keyboard(reply))


def handler(engine: Engine):  # noqa: ANN201 - a PTB callback factory
    async def on_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        assert user is not None
        query = update.callback_query
        if query is not None:
            await query.answer()
        message = update.message
        incoming = Incoming(
            "telegram", str(user.id),
            text=message.text if message else None,
            action=query.data if query else None,
            language=user.language_code, name=user.first_name,
        )
        replies = await asyncio.to_thread(engine.handle, incoming)
        pressed = query.message if query and isinstance(query.message, Message) else None
        await answer(update, replies, pressed)

    return on_update


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--base-url", required=True, help="the Bot API stand-in, ending in /bot")
    p.add_argument("--database", required=True, help="database URL")
    p.add_argument("--town", default="Nogent-le-Rotrou")
    p.add_argument("--token", default="123:bench")
    p.add_argument("--max-rate", type=float, default=30,
                   help="requests a second for the whole bot (Telegram's 30; 0: no limit)")
    args = p.parse_args()
    config = Config()
    config.database.url = args.database
    config.town.name = args.town
    app = wiring.build(config)
    wiring.prepare(app)
    on_update = handler(app.engine)
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
