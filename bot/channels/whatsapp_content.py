"""Twilio's Content API: creating our shapes and templates, asking WhatsApp to approve templates.

`vitrine whatsapp setup` creates what is missing or changed (their HX sids kept in the
`whatsapp_content` table) and submits each template for approval; `vitrine whatsapp
status` asks how the approvals went. The API takes JSON (`POST /v1/Content`), so it is
called with httpx directly, on `[whatsapp] content_base_url` (a stand-in in tests).
"""

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

import httpx

from bot.app import App
from bot.channels.whatsapp_shapes import SHAPES
from bot.channels.whatsapp_templates import LANGUAGES, TEMPLATES
from store import whatsapp as records
from store.models import WhatsAppContent

log = logging.getLogger(__name__)

MEDIA_PATH = "/media/"


class ContentApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"Content API {status}: {message}")
        self.status = status


@dataclass(frozen=True)
class Wanted:
    """A resource we need: our name, its definition, and for a template its category."""

    name: str
    definition: dict[str, Any]
    digest: str
    category: str = ""  # "" for an in-session shape


def wanted(public_url: str) -> list[Wanted]:
    """Every shape and template, as they should be now."""
    media_base = public_url.rstrip("/") + MEDIA_PATH
    items = [
        Wanted(name, shape.definition(media_base), shape.digest(media_base))
        for name, shape in SHAPES.items()
    ]
    for template in TEMPLATES.values():
        for lang in LANGUAGES:
            items.append(
                Wanted(
                    template.name(lang),
                    template.definition(lang),
                    template.digest(lang),
                    template.category,
                )
            )
    return items


class ContentApi:
    def __init__(self, app: App, http: httpx.AsyncClient | None = None) -> None:
        config = app.config.whatsapp
        self.app = app
        self.http = http or httpx.AsyncClient(
            base_url=config.content_base_url.rstrip("/"),
            auth=(config.account_sid, config.auth_token),
            timeout=15.0,
        )

    async def close(self) -> None:
        await self.http.aclose()

    async def _call(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        answer = await self.http.request(method, path, json=body)
        if answer.status_code >= 300:
            try:
                message = str(answer.json().get("message", answer.text))
            except ValueError:
                message = answer.text
            raise ContentApiError(answer.status_code, message[:200])
        return answer.json() if answer.content else {}

    async def create(self, definition: dict[str, Any]) -> str:
        return str((await self._call("POST", "/v1/Content", definition))["sid"])

    async def exists(self, sid: str) -> bool:
        try:
            await self._call("GET", f"/v1/Content/{sid}")
        except ContentApiError as exc:
            if exc.status == 404:
                return False
            raise
        return True

    async def submit(self, sid: str, name: str, category: str) -> str:
        body = {"name": name, "category": category.upper()}
        answer = await self._call("POST", f"/v1/Content/{sid}/ApprovalRequests/whatsapp", body)
        return str(answer.get("status", "received")).lower()

    async def approval(self, sid: str) -> tuple[str, str]:
        answer = await self._call("GET", f"/v1/Content/{sid}/ApprovalRequests")
        whatsapp = answer.get("whatsapp") or {}
        status = str(whatsapp.get("status") or "unsubmitted").lower()
        return status, str(whatsapp.get("rejection_reason") or "")

    # What the commands and the channel do.
    async def ensure(self, item: Wanted, known: WhatsAppContent | None) -> WhatsAppContent:
        """The resource for `item`: the known one if unchanged and still there, else anew."""
        now = self.app.ctx.now()
        if known is not None and known.digest == item.digest and await self.exists(known.sid):
            return known
        sid = await self.create(item.definition)
        fields: dict[str, Any] = {"category": item.category, "reason": ""}
        fields["approval"] = "unsubmitted" if item.category else ""
        row: WhatsAppContent = await self.app_db(
            lambda s: records.save_content(
                session=s, name=item.name, sid=sid, digest=item.digest, now=now, **fields
            )
        )
        return row

    async def app_db(self, work: Any) -> Any:
        return await asyncio.to_thread(self.app.db.run, work)

    async def setup(self) -> list[str]:
        """Create what is missing, submit templates; one line of news per resource."""
        known = {row.name: row for row in await self.app_db(lambda s: records.contents(session=s))}
        lines = []
        for item in wanted(self.app.ctx.public_url):
            try:
                row = await self.ensure(item, known.get(item.name))
                news = "ok" if row is known.get(item.name) else f"created {row.sid}"
                if item.category and row.approval in ("", "unsubmitted"):
                    status = await self.submit(row.sid, item.name, item.category)
                    await self._set_approval(item.name, status, "")
                    news += f", submitted for approval ({item.category}): {status}"
            except (ContentApiError, httpx.HTTPError) as exc:
                news = f"FAILED: {exc} (the numbered text is used instead)"
            lines.append(f"{item.name}: {news}")
        return lines

    async def _set_approval(self, name: str, status: str, reason: str) -> None:
        def work(session: Any) -> None:
            row = session.get(WhatsAppContent, name)
            if row is not None:
                row.approval, row.reason = status, reason[:300]

        await self.app_db(work)

    async def status(self) -> list[str]:
        """Each template's approval as WhatsApp has it now (and each shape's sid)."""
        lines = []
        for row in await self.app_db(lambda s: records.contents(session=s)):
            if not row.category:
                lines.append(f"{row.name}: {row.sid} (in session, no approval needed)")
                continue
            try:
                status, reason = await self.approval(row.sid)
            except (ContentApiError, httpx.HTTPError) as exc:
                lines.append(f"{row.name}: {row.approval} (could not ask: {exc})")
                continue
            await self._set_approval(row.name, status, reason)
            because = f" ({reason})" if reason else ""
            lines.append(f"{row.name} [{row.category}]: {status}{because}")
        return lines

    async def recreate(self, name: str) -> str | None:
        """A shape Twilio no longer has, made again; None when that fails too."""
        items = {w.name: w for w in wanted(self.app.ctx.public_url)}
        if name not in items:
            return None
        try:
            row = await self.ensure(items[name], None)
        except (ContentApiError, httpx.HTTPError) as exc:
            log.error("WhatsApp shape %s could not be created again: %s", name, exc)
            return None
        return row.sid
