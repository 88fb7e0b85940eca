"""Photos people send on WhatsApp: fetched from Twilio into the media store.

Twilio's MediaUrl answers with a redirect to the file; it wants the account's Basic auth.
Only images are kept (JPEG, PNG, WebP...), within a size limit; anything else gets a kind
answer and the rest of the message (its text) is still handled.
"""

import asyncio
import logging

import httpx

from store.media import MAX_IMAGE_BYTES, MediaStore, NotAnImage

log = logging.getLogger(__name__)

MAX_MEDIA = 10  # Twilio sends at most ten media with one message
MAX_BYTES = MAX_IMAGE_BYTES  # the media store's limit (WhatsApp's own is far below)


class MediaRefused(Exception):
    """A file we do not take: "big" or "other" (for the core's `mfile:`), or "failed"."""


class Downloader:
    """Fetches a message's media with the account's credentials."""

    def __init__(self, store: MediaStore, auth: tuple[str, str], timeout: float = 30.0) -> None:
        self.store = store
        self.client = httpx.AsyncClient(auth=auth, follow_redirects=True, timeout=timeout)

    async def fetch_all(self, params: dict[str, str]) -> tuple[list[str], str | None]:
        """The media-store keys of a message's photos, and why a file was refused if one was."""
        try:
            count = min(int(params.get("NumMedia") or 0), MAX_MEDIA)
        except ValueError:
            count = 0
        keys: list[str] = []
        refusal: str | None = None
        for index in range(count):
            url = params.get(f"MediaUrl{index}", "")
            kind = params.get(f"MediaContentType{index}", "")
            try:
                keys.append(await self.fetch(url, kind))
            except MediaRefused as exc:
                refusal = refusal or str(exc)
        return keys, refusal

    async def fetch(self, url: str, content_type: str) -> str:
        """One photo into the media store; MediaRefused for other files or failures."""
        if not content_type.lower().startswith("image/"):
            raise MediaRefused("other")
        try:
            data = await self._download(url)
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("WhatsApp media not fetched: %s", exc)
            raise MediaRefused("failed") from exc
        try:
            return await asyncio.to_thread(self.store.put_image, data)
        except NotAnImage as exc:
            raise MediaRefused("other") from exc

    async def _download(self, url: str) -> bytes:
        """The file's bytes, refusing more than MAX_BYTES without reading it all."""
        if not url.startswith(("https://", "http://")):
            raise ValueError(f"not a media URL: {url!r}")
        async with self.client.stream("GET", url) as answer:
            answer.raise_for_status()
            if int(answer.headers.get("Content-Length") or 0) > MAX_BYTES:
                raise MediaRefused("big")
            data = bytearray()
            async for chunk in answer.aiter_bytes():
                data += chunk
                if len(data) > MAX_BYTES:
                    raise MediaRefused("big")
        return bytes(data)

    async def close(self) -> None:
        await self.client.aclose()
