"""The demo town: Nogent-le-Rotrou (28400) and its shops, loaded into an empty database."""

from typing import Any

from sqlmodel import Session, select

from store.demo_data import SHOPS, TOWN
from store.demo_images import picture
from store.media import MediaStore
from store.models import Item, Shop, Town
from store.types import persisted

# Picture -> the JPEG `put_image` made of it, so the next load (every test loads the demo)
# stores those same bytes again, under the same key, without encoding them again.
_STORED: dict[bytes, tuple[bytes, str]] = {}


def _store(media: MediaStore, picture: bytes) -> str:
    stored = _STORED.get(picture)
    if stored is None:
        key = media.put_image(picture)
        _STORED[picture] = (media.get(key), key.rsplit(".", 1)[1])
        return key
    return media.put(*stored)


def load_demo(*, session: Session, media: MediaStore) -> bool:
    """Load the demo town when the database has no town; True when it did."""
    if session.exec(select(Town.id)).first() is not None:
        return False
    town = Town(
        slug=TOWN["slug"],
        name=TOWN["name"],
        postcode=TOWN["postcode"],
        postcodes=[TOWN["postcode"]],
        lat=48.3217,
        lon=0.8217,
    )
    session.add(town)
    session.flush()
    for spec in SHOPS:
        shop = _shop(spec, town_id=persisted(town.id), media=media)
        session.add(shop)
        session.flush()
        session.add_all(
            Item(
                shop_id=persisted(shop.id),
                name=name,
                description=description,
                price_cents=price,
                stock=stock,
                photos=[_store(media, picture(shop.category, name, shop.name))],
            )
            for name, description, price, stock in spec["items"]
        )
    session.flush()
    return True


def _shop(spec: dict[str, Any], *, town_id: int, media: MediaStore) -> Shop:
    delivery = spec.get("delivery")
    return Shop(
        town_id=town_id,
        slug=spec["slug"],
        name=spec["name"],
        category=spec["category"],
        description=spec["description"],
        address=spec["address"],
        photo=_store(media, picture(spec["category"], spec["name"], "Nogent-le-Rotrou")),
        hours=spec["hours"],
        closures=spec.get("closures", []),
        prep_minutes=spec.get("prep_minutes", 60),
        slot_minutes=spec.get("slot_minutes", 30),
        hold_days=spec.get("hold_days", 3),
        delivery_enabled=delivery is not None,
        delivery_fee_cents=delivery["fee"] if delivery else 0,
        free_delivery_cents=delivery["free"] if delivery else None,
        delivery_postcodes=delivery["postcodes"] if delivery else [],
    )
