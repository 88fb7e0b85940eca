"""A live visit reaches followers on Telegram and on WhatsApp, through the real channels.

The merchant goes live from the console; the outbox dispatcher delivers the news through the
Telegram channel (Bot API stand-in) and the WhatsApp channel (Twilio stand-in), each sender
running on its own event loop as in `vitrine run`.
"""

import asyncio
from typing import Any

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from bot.web import build_web
from bot.web.visits import visit_routes
from notifications.base import Recipient
from notifications.dispatcher import Dispatcher
from store.models import Visit
from tests.fakes.sender import dispatch_settings
from tests.fakes.twilio import (
    PUBLIC_URL,
    Phone,
    WhatsAppServer,
    whatsapp_app,
)
from tests.people import make_staff, press, shop_id

ANNA, BRUNO = 2001, 2002  # on Telegram
CLARA = "+33611223344"  # on WhatsApp


class OnItsLoop:
    """A channel's Sender, called from the dispatcher's loop but run on the channel's own."""

    def __init__(self, sender: Any, loop: asyncio.AbstractEventLoop) -> None:
        self.sender = sender
        self.channel = sender.channel
        self.loop = loop

    async def deliver(self, recipient: Recipient, kind: str, payload: dict[str, Any]) -> None:
        work = self.sender.deliver(recipient, kind, payload)
        await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(work, self.loop))


def visit_id(db) -> int:
    return db.run(lambda s: s.exec(select(Visit.id)).one())


@pytest.fixture
def whatsapp(db, ctx, engine, standin):
    server = WhatsAppServer(whatsapp_app(db, ctx, engine, standin.url, templates={}))
    yield server
    server.close()


def test_followers_on_telegram_and_whatsapp_get_the_news_with_a_join_link(
    start_bot, tg, whatsapp, standin, chat, db, clock
):
    bot = start_bot()
    christelle = chat("christelle")
    make_staff(db, christelle)
    for chat_id, name in ((ANNA, "Anna"), (BRUNO, "Bruno")):
        tg.send_text(chat_id, "/start shop-lingerie-christelle", name=name)
        assert "Vous suivez Lingerie Christelle" in tg.tap(chat_id, "Suivre", name=name)[-1]["text"]
    clara = Phone(whatsapp, standin, CLARA)
    card = clara.say("/start shop-lingerie-christelle")
    assert "Suivre" in card
    number = next(line.split(".")[0] for line in card.splitlines() if "⭐ Suivre" in line)
    assert "Vous suivez Lingerie Christelle" in clara.say(number)

    christelle.say("Visite en direct ! https://meet.jit.si/LingerieChristelle?fbclid=xyz")
    assert "3 personne(s) prévenue(s)" in christelle.say("1")
    # A double press announces nothing more.
    assert "déjà en direct" in press(christelle, f"vnow:{shop_id(db)}")

    senders = [OnItsLoop(bot.channel, bot.loop.loop), OnItsLoop(whatsapp.channel, whatsapp.loop)]
    delivered = asyncio.run(
        Dispatcher(db, senders, clock=clock, settings=dispatch_settings()).drain()
    )
    assert delivered == 3

    joins = []
    for chat_id in (ANNA, BRUNO):
        news = tg.chat_log(chat_id)[-1]
        assert "🔴 Lingerie Christelle est en direct" in news["text"]
        buttons = [b for row in news["reply_markup"]["inline_keyboard"] for b in row]
        join = next(b for b in buttons if b["text"] == "▶️ Rejoindre")
        assert join["url"].startswith(f"{PUBLIC_URL}/v/")  # a URL button: one press
        assert any(b.get("callback_data", "").startswith("vitems:") for b in buttons)
        joins.append(join["url"])
    on_whatsapp = standin.to(clara.address)[-1].body
    assert "🔴 Lingerie Christelle est en direct" in on_whatsapp
    link = next(w for w in on_whatsapp.split() if w.startswith(f"{PUBLIC_URL}/v/"))
    joins.append(link)

    web = TestClient(build_web(whatsapp.app, visit_routes(whatsapp.app)))
    for url in joins:
        opened = web.get(url.removeprefix(PUBLIC_URL), follow_redirects=False)
        assert opened.status_code == 302
        assert opened.headers["location"] == "https://meet.jit.si/LingerieChristelle"
    assert "3 personne(s) ont rejoint sur 3" in press(christelle, f"vpanel:{visit_id(db)}")
    # On WhatsApp the typed number under the news opens the featured items.
    number = next(line.split(".")[0] for line in on_whatsapp.splitlines() if "articles" in line)
    items = clara.say(number)
    assert "pas encore présenté" in items
