"""An item reserved during a live visit, then ordered through the real checkout."""

from sqlmodel import select

from store.models import Item, Order, Shop, Visit, VisitHold
from tests.people import (
    add,
    join_as_owner,
    make_staff,
    plain,
    post_by_photo,
    post_item,
    press,
    release_expired_holds,
    stock,
    update,
)


def _live_with_body(chat, db, clock, units: int) -> tuple[object, int]:
    christelle = chat("christelle")
    make_staff(db, christelle)
    christelle.say("https://meet.jit.si/LingerieChristelle")
    christelle.say("1")  # Commencer maintenant
    clock.advance(minutes=2)
    body = post_item(db, clock, "Body en dentelle", 3900, units, "lingerie-christelle")
    alice = chat("alice")
    alice.say("/start")
    visit_id = db.run(lambda s: s.exec(select(Visit.id)).one())
    assert "réservé pour vous" in press(alice, f"vres:{visit_id}:{body}")
    return alice, body


def _checkout(alice) -> str:
    alice.say("commander")  # Lingerie offers pickup only: straight to the day
    alice.say("1")  # as soon as possible
    alice.say("0612345678")  # then the summary
    return plain(alice.say("1"))  # Confirmer


def _holds(db) -> list[str]:
    return db.run(lambda s: [h.status for h in s.exec(select(VisitHold))])


def test_the_reserved_last_unit_is_ordered_once_and_never_released(chat, db, clock):
    alice, body = _live_with_body(chat, db, clock, units=1)
    assert stock(db, body) == 0  # held for Alice: nobody else can buy it
    assert "confirmée" in _checkout(alice)
    assert stock(db, body) == 0  # taken by the order, not twice
    assert _holds(db) == ["ordered"]
    clock.advance(minutes=40)
    release_expired_holds(db, clock())
    assert stock(db, body) == 0
    assert len(db.run(lambda s: s.exec(select(Order)).all())) == 1


def test_a_failed_order_leaves_the_hold_standing(chat, db, clock):
    alice, body = _live_with_body(chat, db, clock, units=1)
    nuisette = db.run(lambda s: s.exec(select(Item).where(Item.name == "Nuisette en soie")).one())
    for _ in range(3):
        add(alice, "nuisette", "Nuisette en soie")
    update(db, Item, nuisette.id, stock=2)  # sold in the shop meanwhile
    assert "plus assez de stock pour : Nuisette en soie" in _checkout(alice)
    assert stock(db, body) == 0 and _holds(db) == ["held"]
    clock.advance(minutes=31)
    assert release_expired_holds(db, clock()) == 1
    assert stock(db, body) == 1


def test_an_item_posted_by_photo_during_the_visit_is_featured(chat, engine, db, clock, tmp_path):
    lea = join_as_owner(chat, engine, db, "lea", "Bougies de Léa")
    follower = chat("alice")
    follower.say("/start")
    shop = db.run(lambda s: s.exec(select(Shop).where(Shop.name == "Bougies de Léa")).one())
    press(follower, f"follow:{shop.id}")
    assert "Jitsi Meet" in lea.say("https://meet.jit.si/BougiesDeLea")
    assert "1 personne(s) prévenue(s)" in lea.say("1")
    clock.advance(minutes=3)
    candle = post_by_photo(lea, tmp_path, "Bougie figue - 14,50 € - stock 2")
    visit_id = db.run(lambda s: s.exec(select(Visit.id)).one())
    shown = plain(press(follower, f"vitems:{visit_id}"))
    assert "Bougie figue · 14,50 €" in shown
    assert "réservé pour vous" in follower.say("1")
    assert stock(db, candle) == 1
    lea.say("ma boutique")
    assert "Bougie figue × 1" in lea.say("Visite en direct : suivi")
