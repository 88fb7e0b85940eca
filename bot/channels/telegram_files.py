"""Pictures and files people send on Telegram: which to fetch, and at what size.

Telegram lists a photo in several sizes with their dimensions, so the largest size within
the media store's pixel limit is fetched, never a bigger one. A picture sent "as a file" is a
photo when it is a JPEG or PNG; any other file gets a kind answer (`mfile:`), its caption kept.
"""

from telegram import Message, PhotoSize

from store.media import MAX_IMAGE_BYTES, MAX_PIXELS

PHOTO_DOCUMENTS = ("image/jpeg", "image/png")
NOT_KEPT = "photo_unexpected"  # the core's answer to a photo from someone who posts none


def best_size(sizes: tuple[PhotoSize, ...]) -> PhotoSize:
    """The largest size of a photo within MAX_PIXELS (Telegram lists smallest first)."""
    fitting = [s for s in sizes if s.width * s.height <= MAX_PIXELS]
    return fitting[-1] if fitting else sizes[0]


def image_file_id(message: Message) -> str | None:
    """A photo's best size, or a JPEG or PNG sent as a file, if the message holds one."""
    if message.photo:
        return best_size(message.photo).file_id
    document = message.document
    if document and (document.mime_type or "").lower() in PHOTO_DOCUMENTS:
        return document.file_id
    return None


def refused_file(message: Message) -> str | None:
    """`mfile:<big|other>` for a file that is not a photo we take; None otherwise."""
    document = message.document
    if document is None:
        return None
    if (document.file_size or 0) > MAX_IMAGE_BYTES:
        return "mfile:big"
    if (document.mime_type or "").lower() not in PHOTO_DOCUMENTS:
        return "mfile:other"
    return None
