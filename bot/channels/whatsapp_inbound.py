"""What a Twilio WhatsApp webhook says, as the core's `Incoming`: text, a tap, a place, photos.

A tapped quick-reply button arrives with `ButtonPayload` (the button's id) and `ButtonText`
(its title); a list-picker row with `ListId` and `ListTitle` (Twilio's inbound message
parameters). The id is the option's action, so it goes to the core as a Telegram button's
callback data would; with no id, the visible title is read as if typed (labels pick too).
"""

import re
from collections.abc import Sequence

from bot.channels import whatsapp_media
from bot.channels.whatsapp_shapes import MAX_ID
from handlers import i18n
from handlers.core import Incoming

CHANNEL = "whatsapp"
# The words a wa.me deep link prefills ("shop lingerie-christelle"), read as /start payloads.
DEEP_LINK = re.compile(r"^\s*(shop|pickup|join)\s+(\S+)\s*$", re.IGNORECASE)
# WhatsApp tells us no language: English for English-speaking country codes, else French.
ENGLISH_PREFIXES = ("+1", "+44", "+353", "+61", "+64", "+27")


def guess_language(number: str) -> str:
    """ "en" for +44 and +1 numbers (and other English-speaking countries), else "fr"."""
    return "en" if number.startswith(ENGLISH_PREFIXES) else i18n.DEFAULT


def tapped(params: dict[str, str]) -> str | None:
    """The id of the button (`ButtonPayload`) or list row (`ListId`) tapped, if any."""
    for name in ("ButtonPayload", "ListId"):
        value = (params.get(name) or "").strip()
        if value:
            return value[:MAX_ID]
    return None


def to_incoming(params: dict[str, str], photos: Sequence[str]) -> Incoming | None:
    """A Twilio webhook's fields as the core's `Incoming`; None when there is nothing to say."""
    number = params.get("From", "").removeprefix("whatsapp:")
    action = None if photos else tapped(params)
    if action is not None:  # a tap: its id is the action, as a Telegram button's data
        return Incoming(
            CHANNEL,
            number,
            action=action,
            language=guess_language(number),
            name=params.get("ProfileName") or None,
            phone=number,
        )
    # No id: the visible title (ButtonText, ListTitle) is read as if typed: labels pick too.
    text = (params.get("Body") or params.get("ButtonText") or params.get("ListTitle") or "").strip()
    link = None if photos else DEEP_LINK.match(text)  # a photo's caption is never a link
    if link:
        text = f"/start {link[1].lower()}-{link[2]}"
    location = None
    try:
        if params.get("Latitude") and params.get("Longitude"):
            location = (float(params["Latitude"]), float(params["Longitude"]))
            text = ""  # WhatsApp puts the place's name in Body; the position is what counts
    except ValueError:
        location = None
    if not (text or photos or location):
        return None
    return Incoming(
        CHANNEL,
        number,
        text=text or None,
        photos=tuple(photos),
        location=location,
        language=guess_language(number),
        name=params.get("ProfileName") or None,
        phone=number,
    )


def has_image(params: dict[str, str]) -> bool:
    """Whether a webhook's media include a picture (by the type Twilio gives)."""
    types = (params.get(f"MediaContentType{i}") or "" for i in range(whatsapp_media.MAX_MEDIA))
    return any(kind.lower().startswith("image/") for kind in types)
