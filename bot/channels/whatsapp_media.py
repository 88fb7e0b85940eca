"""Photos people send on WhatsApp: fetched from Twilio into the media store.

Twilio's MediaUrl is on its REST API's host and answers with a redirect to its media CDN;
it wants the account's Basic auth. The fetcher talks to those hosts only: the first URL must
be our account's media on `[whatsapp] api_base_url`'s host, redirects are followed by hand
and only to the API host or `[whatsapp] media_hosts`, and the credentials go to the API host
alone, never along a redirect. Only images are kept (JPEG, PNG, WebP...), within a size
limit; anything else gets a kind answer and the rest of the message (its text) still counts.
"""

import asyncio
import logging
from urllib.parse import urljoin, urlsplit

import httpx

from store.media import MAX_IMAGE_BYTES, MediaStore, NotAnImage

log = logging.getLogger(__name__)

MAX_MEDIA = 10  # Twilio sends at most ten media with one message
MAX_BYTES = MAX_IMAGE_BYTES  # the media store's limit (WhatsApp's own is far below)
MAX_REDIRECTS = 3
REDIRECTS = frozenset({301, 302, 303, 307, 308})


class MediaRefused(Exception):
    """A file we do not take: "big" or "other" (for the core's `mfile:`), or "failed"."""


class ForeignHost(ValueError):
    """A media URL (or a redirect) to a host that is not Twilio's."""


class Downloader:
    """Fetches a message's media from Twilio's hosts, the account's credentials to its API."""

    def __init__(
        self,
        store: MediaStore,
        auth: tuple[str, str],
        *,
        api_base_url: str = "https://api.twilio.com",
        media_hosts: tuple[str, ...] | list[str] = (),
        timeout: float = 30.0,
    ) -> None:
        self.store = store
        self.auth = auth
        api = urlsplit(api_base_url)
        self.api = (api.scheme, api.netloc.lower())
        self.media_path = f"/2010-04-01/Accounts/{auth[0]}/Messages/"
        self.media_hosts = frozenset(host.lower() for host in media_hosts)
        self.client = httpx.AsyncClient(follow_redirects=False, timeout=timeout)

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

    def _on_api(self, url: str) -> bool:
        parts = urlsplit(url)
        return (parts.scheme, parts.netloc.lower()) == self.api

    def _check(self, url: str, first: bool) -> None:
        """ForeignHost unless `url` is one Twilio would have us fetch."""
        parts = urlsplit(url)
        if self._on_api(url):
            if first and not parts.path.startswith(self.media_path):
                raise ForeignHost(f"not our account's media: {parts.path[:80]!r}")
            return
        # https, or plain http when the API itself is (a local stand-in).
        secure = parts.scheme in ("https", self.api[0])
        if first or not secure or (parts.hostname or "") not in self.media_hosts:
            raise ForeignHost(f"media host refused: {parts.scheme}://{parts.netloc}")

    async def _download(self, url: str) -> bytes:
        """The file's bytes, refusing more than MAX_BYTES without reading it all."""
        for hop in range(MAX_REDIRECTS + 1):
            self._check(url, first=hop == 0)
            auth = self.auth if self._on_api(url) else None  # never along a redirect elsewhere
            async with self.client.stream("GET", url, auth=auth) as answer:
                if answer.status_code in REDIRECTS and "location" in answer.headers:
                    url = urljoin(url, answer.headers["location"])
                    continue
                answer.raise_for_status()
                if int(answer.headers.get("Content-Length") or 0) > MAX_BYTES:
                    raise MediaRefused("big")
                data = bytearray()
                async for chunk in answer.aiter_bytes():
                    data += chunk
                    if len(data) > MAX_BYTES:
                        raise MediaRefused("big")
                return bytes(data)
        raise ValueError(f"more than {MAX_REDIRECTS} redirects for a media file")

    async def close(self) -> None:
        await self.client.aclose()
