"""Which media files anyone may fetch: the photos of the public catalogue, nothing else.

QR codes (pickup, invites), photos a merchant has not published and photos customers send
are only served through a signed, expiring URL (see `bot.web.signed_media_url`).
"""

from sqlalchemy import String, cast
from sqlmodel import Session, select

from store.models import Item, Shop


def is_public_photo(*, session: Session, key: str) -> bool:
    """True if `key` is the photo of an active shop or of a published item."""
    shop = select(Shop.id).where(Shop.photo == key, Shop.active)
    if session.exec(shop).first() is not None:
        return True
    # Item.photos is a JSON list; its text holds the key in quotes on both databases.
    item = select(Item.id).where(
        cast(Item.photos, String).contains(f'"{key}"'),
        Item.deleted == False,  # noqa: E712
        Item.hidden == False,  # noqa: E712
    )
    return session.exec(item).first() is not None
