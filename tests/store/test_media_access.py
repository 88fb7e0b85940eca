"""Which photos anyone may fetch without a signature: `item_photo` follows every change."""

from sqlmodel import select

from store.media_access import is_public_photo
from store.models import Item, Shop


def public(db, key: str) -> bool:
    return db.run(lambda session: is_public_photo(session=session, key=key))


def test_an_items_photos_are_public_while_it_shows_and_only_its_own(engine, db):
    def add(session) -> int:
        shop = session.exec(select(Shop).where(Shop.slug == "chocolaterie-du-perche")).one()
        item = Item(shop_id=shop.id, name="Bûche", price_cents=2900, photos=["a1.jpg", "b2.jpg"])
        session.add(item)
        session.flush()
        return item.id

    item_id = db.run(add)
    assert public(db, "a1.jpg") and public(db, "b2.jpg")
    assert not public(db, "a1") and not public(db, "%") and not public(db, '"a1.jpg"')

    def change(**values):
        def work(session) -> None:
            item = session.get(Item, item_id)
            for name, value in values.items():
                setattr(item, name, value)

        db.run(work)

    change(photos=["c3.jpg"])  # the merchant replaced the photos: the old ones are private
    assert public(db, "c3.jpg") and not public(db, "a1.jpg") and not public(db, "b2.jpg")
    change(hidden=True)
    assert not public(db, "c3.jpg")
    change(hidden=False, deleted=True)
    assert not public(db, "c3.jpg")
    change(deleted=False)
    assert public(db, "c3.jpg")
    db.run(lambda session: session.delete(session.get(Item, item_id)))
    assert not public(db, "c3.jpg")


def test_the_demo_towns_photos_are_indexed_when_loaded(engine, db):
    with db.session() as session:
        item = session.exec(select(Item).where(Item.name == "Crème de marrons")).one()
        shop = session.get(Shop, item.shop_id)
    assert item.photos and public(db, item.photos[0])
    assert shop is not None and shop.photo and public(db, shop.photo)
