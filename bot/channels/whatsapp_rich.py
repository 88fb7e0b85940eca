"""Replies rendered with real buttons and lists (Content API shapes), fewer messages too.

Consecutive replies are folded into one message where WhatsApp allows it: a reply of text
alone rides at the top of the next one; a photo, its caption and up to 3 buttons go as one
card. A reply whose options fit no shape, or whose shape is missing or was refused, is
rendered as the numbered text (`whatsapp_render`), which typed numbers still answer.
"""

from collections.abc import Callable, Mapping, Sequence

from bot.channels import whatsapp_shapes as shapes
from bot.channels.base import split, units
from bot.channels.whatsapp_render import MAX_BODY, MAX_CAPTION, Outgoing, reply_text
from handlers.core import Option, Reply, menu_index

# Our media URLs all start with this under the public URL: a card's fixed part.
MEDIA_PATH = "/media/"


def _with_text(before: str, text: str, limit: int) -> str | None:
    """`text` with `before` on top, or None when together they would not fit."""
    joined = f"{before}\n\n{text}" if text else before
    return joined if units(joined) <= limit else None


def _shaped(filled: shapes.Filled, sids: Mapping[str, str]) -> Outgoing | None:
    sid = sids.get(filled.shape)
    if sid is None:
        return None
    return Outgoing(content_sid=sid, content_variables=filled.json(), shape=filled.shape)


def render_reply(
    reply: Reply,
    lang: str,
    media_url: Callable[[str], str],
    sids: Mapping[str, str],
    numbered: bool,
    before: str = "",
    live: bool = True,
) -> list[Outgoing] | None:
    """One reply's messages with shapes (`before`: text folded in); None: use numbered text."""
    actions: list[Option] = [o for o in reply.options if o.action]
    links_reply = Reply(reply.text, options=tuple(o for o in reply.options if o.url))
    text = reply_text(links_reply, lang, numbered=False)
    if before:
        joined = _with_text(before, text, shapes.MAX_BODY if actions else MAX_BODY)
        if joined is None:
            return None
        text = joined
    if not actions:
        return None  # plain text and photos: the numbered renderer does them already
    if reply.photo:
        url = media_url(reply.photo)
        base = url.split(MEDIA_PATH, 1)[0] + MEDIA_PATH
        # "Autres choix" opens the menu the engine remembers: only that reply's own.
        fits = live or shapes.fits_buttons(actions)
        card = shapes.fill_card(text, url.removeprefix(base), actions, lang) if fits else None
        sent = _shaped(card, sids) if card is not None and units(text) <= MAX_CAPTION else None
        if sent is not None:
            return [sent]
        photo = Outgoing(body="", media_urls=(url,), shape="media")
        filled = shapes.fill(text, actions, lang)
        shaped = _shaped(filled, sids) if filled is not None else None
        return [photo, shaped] if shaped is not None else None
    offset = reply.extra.get("wa_offset", 0)  # a later page of a long list ("Suite")
    filled = shapes.fill(text, actions, lang, offset if isinstance(offset, int) else 0)
    shaped = _shaped(filled, sids) if filled is not None else None
    return [shaped] if shaped is not None else None


def render_rich(
    replies: Sequence[Reply],
    lang: str,
    media_url: Callable[[str], str],
    sids: Mapping[str, str],
    fallback: Callable[[Sequence[Reply]], list[list[Outgoing]]],
) -> list[list[Outgoing]]:
    """The messages of each reply (a folded reply has none), shapes where they fit."""
    numbered = fallback(replies)
    rendered: list[list[Outgoing]] = []
    pending: int | None = None  # a text-only reply waiting to ride on the next one
    for index, reply in enumerate(replies):
        plain = not reply.options and not reply.photo
        before = reply_text(replies[pending], lang, False) if pending is not None else ""
        if plain and pending is None and index + 1 < len(replies):
            pending = index
            rendered.append([])
            continue
        live = index == menu_index(replies)
        shaped = render_reply(reply, lang, media_url, sids, False, before, live)
        if shaped is None and before:
            joined = _with_text(before, reply_text(reply, lang, False), MAX_BODY)
            if plain and joined is not None:  # two texts, one message
                shaped = [Outgoing(body=part) for part in split(joined, MAX_BODY)]
        if shaped is None:
            if pending is not None:
                rendered[pending] = numbered[pending]
            shaped = numbered[index]
        pending = None
        rendered.append(shaped)
    return rendered
