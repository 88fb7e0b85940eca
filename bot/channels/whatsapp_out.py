"""Creating WhatsApp messages through Twilio: shapes, templates, status callbacks, the counts.

Every message names our `/whatsapp/status` URL as its StatusCallback and is recorded with
its category (service inside the window, else its template's utility or marketing), its
outbox row and order, so status callbacks land on it and `vitrine stats` can count it.
A shape Twilio no longer knows (21655) is created again once; a shape Twilio refuses
raises `ShapeRefused`, and the caller sends the numbered text instead.
"""

import asyncio
import json
import logging
from typing import Any

from twilio.base import values
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from bot.app import App
from bot.channels.whatsapp_content import ContentApi
from bot.channels.whatsapp_render import Outgoing
from bot.channels.whatsapp_shapes import SHAPES
from bot.channels.whatsapp_templates import TEMPLATES, VARIABLE_NAMES
from store import users
from store import whatsapp as records
from store.models import WhatsAppContent

log = logging.getLogger(__name__)

STATUS_PATH = "/whatsapp/status"
CONTENT_NOT_FOUND = 21655
# Twilio error codes for a number that cannot get our messages (invalid, opted out, not on
# WhatsApp, unknown to the channel, not a valid recipient): the user is marked unreachable
# until they write again (twilio.com/docs/api/errors).
UNREACHABLE_CODES = frozenset({21211, 21610, 21614, 63003, 63024})
OUTSIDE_WINDOW = 63016
# A shape refused for what we put in it this time (too long, a missing value): the numbered
# text goes instead, and the shape stays in use for the next message.
CONTENT_CODES = frozenset({21656, 63021})


class Unreachable(Exception):
    """Twilio says this number cannot receive our messages."""


class ShapeRefused(Exception):
    """Twilio would not send this shape: send the numbered text instead."""


class Outbound:
    def __init__(self, app: App, client: Client, content: ContentApi) -> None:
        self.app = app
        self.client = client
        self.content = content
        self.sender_address = "whatsapp:" + app.config.whatsapp.from_number.removeprefix(
            "whatsapp:"
        )
        self._rows: dict[str, WhatsAppContent] | None = None

    async def _db(self, work: Any) -> Any:
        return await asyncio.to_thread(self.app.db.run, work)

    async def rows(self) -> dict[str, WhatsAppContent]:
        if self._rows is None:
            found = await self._db(lambda s: records.contents(session=s))
            self._rows = {row.name: row for row in found}
        return self._rows

    def forget(self) -> None:
        """Read the resources again (after `vitrine whatsapp setup` or a change)."""
        self._rows = None

    async def shape_sids(self) -> dict[str, str]:
        """Our shapes Twilio takes, by name; empty: numbered text for everything."""
        if not self.app.config.whatsapp.rich_replies:
            return {}
        rows = await self.rows()
        return {n: r.sid for n, r in rows.items() if n in SHAPES and not r.refused}

    async def template(self, kind: str, lang: str, variables: dict[str, Any]) -> Outgoing | str:
        """The approved template message for `kind`, or why there is none."""
        override = self.app.config.whatsapp.templates.get(kind)
        if override:  # [whatsapp.templates]: an explicit ContentSid, variables as given
            given = json.dumps(variables or {}, ensure_ascii=False)
            return Outgoing(
                content_sid=override, content_variables=given, shape=kind, template=True
            )
        template = TEMPLATES.get(kind)
        if template is None:
            return f"no WhatsApp template for {kind!r} ([whatsapp.templates] {kind})"
        rows = await self.rows()
        row = rows.get(template.name(lang)) or rows.get(template.name("fr"))
        if row is None:
            return f"the {kind!r} template is not set up (vitrine whatsapp setup)"
        if row.approval != "approved":
            because = f": {row.reason}" if row.reason else ""
            return (
                f"the {kind!r} template is not approved ({row.approval or 'unsubmitted'}{because})"
            )
        needed = VARIABLE_NAMES[kind]
        missing = [name for name in needed if not str(variables.get(name) or "").strip()]
        if missing:
            return f"the {kind!r} template needs {missing}, which the message lacks"
        filled = {name: str(variables[name]) for name in needed}
        return Outgoing(
            content_sid=row.sid,
            content_variables=json.dumps(filled, ensure_ascii=False),
            shape=row.name,
            template=True,
        )

    def category_of(self, message: Outgoing, kind: str) -> str:
        """What Meta bills it as: a template's category, else a service message."""
        if not message.template:
            return "service"
        template = TEMPLATES.get(kind)
        return template.category if template is not None else "utility"

    async def create(
        self,
        number: str,
        message: Outgoing,
        *,
        user_id: int | None,
        kind: str = "reply",
        outbox_id: int | None = None,
    ) -> str:
        """Create one message through Twilio and record it; returns its sid."""
        try:
            sid = await self._create(number, message)
        except TwilioRestException as exc:
            if exc.code == CONTENT_NOT_FOUND and message.shape in SHAPES:
                sid = await self._again(number, message, exc)
            elif exc.code in UNREACHABLE_CODES:
                log.warning("WhatsApp number ...%s unreachable (%s)", number[-4:], exc.code)
                await self._db(
                    lambda s: users.mark_unreachable(
                        session=s, channel="whatsapp", channel_ref=number
                    )
                )
                raise Unreachable(str(exc.code)) from exc
            elif message.shape in SHAPES and exc.status < 500 and exc.status != 429:
                await self._refused(message, exc)
                raise ShapeRefused(str(exc.code)) from exc
            else:
                raise
        category = self.category_of(message, kind)
        now = self.app.ctx.now()
        await self._db(
            lambda s: records.record_sent(
                session=s,
                sid=sid,
                user_id=user_id,
                kind=kind,
                category=category,
                shape=message.shape,
                outbox_id=outbox_id,
                now=now,
            )
        )
        return sid

    async def _create(self, number: str, message: Outgoing) -> str:
        created = await self.client.messages.create_async(
            to=f"whatsapp:{number}",
            from_=self.sender_address,
            body=message.body or values.unset,
            media_url=list(message.media_urls) or values.unset,
            content_sid=message.content_sid or values.unset,
            content_variables=message.content_variables or values.unset,
            status_callback=self.app.ctx.public_url + STATUS_PATH,
        )
        return created.sid or ""

    async def _again(self, number: str, message: Outgoing, exc: TwilioRestException) -> str:
        """Twilio lost our shape: make it again, once, and resend; else the numbered text."""
        log.warning(
            "WhatsApp shape %s unknown to Twilio (%s): creating it again", message.shape, exc.code
        )
        sid = await self.content.recreate(message.shape)
        self.forget()
        if sid is None:
            raise ShapeRefused("content not found and not created again") from exc
        again = Outgoing(
            content_sid=sid, content_variables=message.content_variables, shape=message.shape
        )
        try:
            return await self._create(number, again)
        except TwilioRestException as second:
            if second.status >= 500 or second.status == 429:
                raise
            raise ShapeRefused(str(second.code)) from second

    async def _refused(self, message: Outgoing, exc: TwilioRestException) -> None:
        log.error("WhatsApp refused shape %s: %s %s", message.shape, exc.code, exc.msg)
        if exc.code in CONTENT_CODES or message.content_sid is None:
            return
        sid, reason = message.content_sid, f"{exc.code}: {exc.msg}"
        await self._db(lambda s: records.refuse_content(session=s, sid=sid, reason=reason))
        self.forget()
