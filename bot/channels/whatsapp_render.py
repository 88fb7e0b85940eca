"""Replies rendered the WhatsApp way: numbered menus in the text, links spelled out, photos by URL.

WhatsApp (through Twilio) has no buttons for free-form messages, so the options of the menu
the engine remembers (the last reply with options) are numbered; a typed "2" then picks the
same action as the 2nd button on Telegram. Bodies are cut under Twilio's 1,600 characters.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.channels.base import split, units
from handlers import i18n
from handlers.core import Reply, menu_index

MAX_BODY = 1600  # Twilio's limit, counted in UTF-16 units to be safe with emoji
MAX_CAPTION = 1024  # WhatsApp's limit for the text under a photo
FEW_OPTIONS = 4  # up to this many: "Répondez 1, 2 ou 3"; more: "un numéro de 1 à 9"


@dataclass(frozen=True)
class Outgoing:
    """One message to create through Twilio's REST API."""

    body: str = ""
    media_urls: tuple[str, ...] = ()
    content_sid: str | None = None
    content_variables: str | None = None
    shape: str = "text"  # what it is, for the counts: text, media, qr2, list7, card1, a template
    template: bool = False  # an approved template (outside the 24-hour window)


def reply_hint(lang: str, count: int) -> str:
    """ "Répondez 1, 2 ou 3" in the person's language."""
    if count == 1:
        return i18n.t(lang, "wa_reply_one")
    if count <= FEW_OPTIONS:
        first = ", ".join(str(n) for n in range(1, count))
        return i18n.t(lang, "wa_reply_few", first=first, last=count)
    return i18n.t(lang, "wa_reply_many", count=count)


def reply_text(reply: Reply, lang: str, numbered: bool) -> str:
    """The text of one reply with its links and, for the live menu, its numbered options."""
    blocks = [reply.text.strip()]
    links = [
        f"🔗 {o.label} : {o.url}" if lang == "fr" else f"🔗 {o.label}: {o.url}"
        for o in reply.options
        if o.url
    ]
    if links:
        blocks.append("\n".join(links))
    actions = [o for o in reply.options if o.action]
    if numbered and actions:
        lines = [f"{n}. {o.label}" for n, o in enumerate(actions, 1)]
        blocks.append("\n".join(lines) + "\n\n" + reply_hint(lang, len(actions)))
    return "\n\n".join(b for b in blocks if b)


def render_each(
    replies: Sequence[Reply], lang: str, media_url: Callable[[str], str], fold: bool = False
) -> list[list[Outgoing]]:
    """The messages of each reply, in order; a photo rides on the first part of its text.

    With `fold` (numbered text on its own, not as the shapes' fallback), a text-only reply
    followed by one without a photo rides on it when both fit in one body ("Commande acceptée :
    le client est prévenu." over the order and its menu): every message is paid for. A folded
    reply's list is empty."""
    live = menu_index(replies)
    rendered: list[list[Outgoing]] = []
    carried = ""  # the texts of the replies folded into this one
    for index, reply in enumerate(replies):
        limit = MAX_CAPTION if reply.photo else MAX_BODY
        text = carried + reply_text(reply, lang, numbered=index == live)
        carried = ""
        following = replies[index + 1] if index + 1 < len(replies) else None
        if fold and following and not following.photo and not reply.options and not reply.photo:
            ahead = reply_text(following, lang, numbered=index + 1 == live)
            if units(f"{text}\n\n{ahead}") <= MAX_BODY:
                carried = f"{text}\n\n"
                rendered.append([])
                continue
        parts = split(text, limit) or [""]
        media = (media_url(reply.photo),) if reply.photo else ()
        messages = [Outgoing(body=parts[0], media_urls=media, shape="media" if media else "text")]
        messages.extend(Outgoing(body=part) for part in parts[1:])
        rendered.append([m for m in messages if m.body or m.media_urls])
    return rendered


def render(replies: Sequence[Reply], lang: str, media_url: Callable[[str], str]) -> list[Outgoing]:
    """All the messages for `replies`, in order."""
    return [message for messages in render_each(replies, lang, media_url) for message in messages]
