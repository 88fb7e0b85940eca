"""Driving the WhatsApp channel as Twilio does: signed form posts to a real uvicorn server.

`WhatsAppServer` serves our Starlette app (webhook + media) on a free loopback port, its
REST client pointed at the Twilio stand-in; `Phone` is a person typing on WhatsApp.
Public URL is a proxy's address (`PUBLIC_URL`): signatures are made for it, as Twilio would.
"""

import asyncio
import secrets
import socket
import threading
from collections.abc import Coroutine, Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from twilio.request_validator import RequestValidator

from bot.app import App
from bot.channels.twilio_http import TwilioHttp
from bot.channels.whatsapp import WhatsAppChannel
from bot.config import Config, WebConfig, WhatsAppConfig
from bot.web import build_web
from handlers.context import Context
from handlers.engine import Engine
from store.db import Database
from tests.fakes.twilio_standin import Sent, TwilioStandIn

PUBLIC_URL = "https://vitrine.example"
ACCOUNT_SID = "AC" + "5" * 32
AUTH_TOKEN = "standin-auth-token-0123456789abcdef"
BOT_NUMBER = "+33700000000"


def whatsapp_app(
    db: Database,
    ctx: Context,
    engine: Engine,
    api_base_url: str,
    templates: dict[str, str],
    media_hosts: list[str] | None = None,
) -> App:
    """The App as `vitrine run` builds it, on the test's database, clock and stand-in."""
    config = Config(
        whatsapp=WhatsAppConfig(
            account_sid=ACCOUNT_SID,
            auth_token=AUTH_TOKEN,
            from_number=f"whatsapp:{BOT_NUMBER}",
            api_base_url=api_base_url,
            content_base_url=api_base_url,
            templates=templates,
            media_hosts=media_hosts or [],
        ),
        web=WebConfig(public_url=PUBLIC_URL),
    )
    ctx.public_url = PUBLIC_URL
    ctx.whatsapp_number = BOT_NUMBER
    return App(config=config, db=db, media=ctx.media, ctx=ctx, engine=engine)


@pytest.fixture
def standin() -> Iterator[TwilioStandIn]:
    """Twilio's REST API and media host, on a loopback port."""
    server = TwilioStandIn(ACCOUNT_SID, AUTH_TOKEN).start()
    yield server
    server.stop()


class WhatsAppServer:
    """Our web app on a loopback port, its event loop in a thread."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.channel = WhatsAppChannel(
            app, http=TwilioHttp(backoff=0.01, attempts=5), album_wait=0.6
        )
        web = build_web(app, self.channel.routes())
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.base = f"http://127.0.0.1:{sock.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(web, log_level="warning", lifespan="off"))
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(
            target=self.loop.run_until_complete, args=(self.server.serve(sockets=[sock]),)
        )
        self.thread.start()
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            threading.Event().wait(0.01)
        self.http = httpx.Client(base_url=self.base, timeout=30)

    def run(self, coroutine: Coroutine[Any, Any, Any]) -> Any:
        """Run a coroutine on the server's loop (the channel's Sender, for instance)."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=60)

    def idle(self) -> None:
        """Wait until every message posted so far has been answered."""
        self.run(self.channel.idle())

    def post(self, params: dict[str, str], signature: str | None = None) -> httpx.Response:
        """POST a webhook as Twilio does, signed for the public URL unless told otherwise."""
        if signature is None:
            signature = RequestValidator(AUTH_TOKEN).compute_signature(
                f"{PUBLIC_URL}/whatsapp/webhook", params
            )
        headers = {"X-Twilio-Signature": signature} if signature else {}
        return self.http.post("/whatsapp/webhook", data=params, headers=headers)

    def local(self, url: str) -> str:
        """A public URL as reached through the proxy (here: straight to the server)."""
        return url.replace(PUBLIC_URL, self.base)

    def close(self) -> None:
        self.run(self.channel.stop())
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.loop.close()
        self.http.close()


def inbound(number: str, body: str = "", name: str = "Alice", **fields: str) -> dict[str, str]:
    """The form fields of a WhatsApp message as Twilio posts them to the webhook."""
    return {
        "SmsMessageSid": (sid := f"SM{secrets.token_hex(16)}"),
        "MessageSid": sid,
        "SmsSid": sid,
        "AccountSid": ACCOUNT_SID,
        "MessagingServiceSid": "",
        "From": f"whatsapp:{number}",
        "To": f"whatsapp:{BOT_NUMBER}",
        "Body": body,
        "NumMedia": "0",
        "NumSegments": "1",
        "ProfileName": name,
        "WaId": number.lstrip("+"),
        "SmsStatus": "received",
        "MessageType": "text",
        "ApiVersion": "2010-04-01",
        **fields,
    }


class Phone:
    """A person on WhatsApp: what they type goes through the webhook, replies come back."""

    def __init__(self, server: WhatsAppServer, standin: TwilioStandIn, number: str) -> None:
        self.server = server
        self.standin = standin
        self.number = number
        self.address = f"whatsapp:{number}"
        standin.clock = server.app.ctx.now  # the same time on both sides of the window
        standin.callback_rewrite = (PUBLIC_URL, server.base)

    def send(self, body: str = "", **fields: str) -> list[Sent]:
        """Post one message and return the messages the bot sent back for it."""
        self.standin.heard_from(self.address)
        before = len(self.standin.to(self.address))
        answer = self.server.post(inbound(self.number, body, **fields))
        assert answer.status_code == 200, answer.text
        self.server.idle()
        return self.standin.to(self.address)[before:]

    def say(self, body: str) -> str:
        """The bot's answer to `body`, as the person reads it."""
        return self.say_with(body)

    def say_with(self, body: str, **fields: str) -> str:
        """The bot's answer to a message with more fields (media, location)."""
        return "\n\n".join(self.read(m) for m in self.send(body, **fields))

    def read(self, message: Sent) -> str:
        """What the person sees of one message: its text, then its buttons or rows as [title]."""
        sid = message.get("ContentSid")
        if not sid:
            return message.body
        _, text, choices = self.standin.content.shown(sid, message.get("ContentVariables"))
        return "\n".join([text, *(f"[{title}]" for title, _ in choices)])

    def choices(self) -> list[tuple[str, str, str]]:
        """The buttons and rows of the messages received, newest first: (kind, title, id)."""
        found = []
        for message in reversed(self.standin.to(self.address)):
            sid = message.get("ContentSid")
            if sid and sid in self.standin.content.resources:
                kind, _, shown = self.standin.content.shown(sid, message.get("ContentVariables"))
                found += [(kind, title, ident) for title, ident in shown]
        return found

    def press(self, action: str, title: str = "Voir") -> str:
        """A button with this id tapped (one shown earlier, in a message since scrolled by)."""
        fields = {"ButtonPayload": action, "ButtonText": title, "MessageType": "button"}
        return "\n\n".join(self.read(m) for m in self.send(title, **fields))

    def tap(self, label: str) -> str:
        """Tap the newest button or list row whose title holds `label`, as on a phone."""
        for kind, title, ident in self.choices():
            if label in title:
                if kind == "twilio/list-picker":
                    fields = {"ListId": ident, "ListTitle": title, "MessageType": "interactive"}
                else:
                    fields = {"ButtonPayload": ident, "ButtonText": title, "MessageType": "button"}
                return "\n\n".join(self.read(m) for m in self.send(title, **fields))
        raise AssertionError(
            f"no button or row {label!r} among {[t for _, t, _ in self.choices()]}"
        )


def set_up_shapes(server: WhatsAppServer) -> list[str]:
    """`vitrine whatsapp setup` against the stand-in: shapes and templates created."""
    lines: list[str] = server.run(server.channel.content.setup())
    server.channel.out.forget()
    return lines


@pytest.fixture
def whatsapp_server(
    db: Database, ctx: Context, engine: Engine, standin: TwilioStandIn
) -> Iterator[WhatsAppServer]:
    """Our web app with the WhatsApp channel, Twilio's stand-in behind it (no templates)."""
    server = WhatsAppServer(whatsapp_app(db, ctx, engine, standin.url, templates={}))
    yield server
    server.close()
