"""Which media files anyone may fetch: the photos of the public catalogue, nothing else.

QR codes (pickup, invites), photos a merchant has not published and photos customers send
are only served through a signed, expiring URL (see `bot.web.signed_media_url`).
"""

from sqlalchemy import text
from sqlmodel import Session, select

from store.models import Shop

# `item_photo` is kept by triggers (store/media_index.py): one indexed lookup per request.
_ITEM_PHOTO = text(
    "SELECT 1 FROM item_photo JOIN item ON item.id = item_photo.item_id "
    "WHERE item_photo.key = :key AND NOT item.deleted AND NOT item.hidden LIMIT 1"
)


def is_public_photo(*, session: Session, key: str) -> bool:
    """True if `key` is the photo of an active shop or of a published item."""
    shop = select(Shop.id).where(Shop.photo == key, Shop.active)
    if session.exec(shop).first() is not None:
        return True
    return session.connection().execute(_ITEM_PHOTO, {"key": key}).first() is not None
