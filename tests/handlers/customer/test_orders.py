"""My orders (list, detail, cancel) and stock taken atomically when many customers race."""

import threading

from sqlmodel import select

from handlers.core import Incoming
from store.models import Item, Order, Outbox, Shop, ShopStaff, User
from tests.people import add, item, pickup_to_summary, press, shop, shopper, update


def _order(db, number_in: str | None = None) -> Order:
    with db.session() as session:
        orders = session.exec(select(Order).order_by(Order.id)).all()
    return next(o for o in orders if number_in is None or o.number in number_in)


def _place(person, words: str = "coffret", name: str = "Coffret chocolats") -> str:
    add(person, words, name)
    pickup_to_summary(person)
    return person.say("1")


def test_my_orders_lists_recent_first_with_status_and_detail(chat, db, clock):
    alice = shopper(chat)
    first = _order(db, _place(alice))
    clock.advance(minutes=5)
    second = _order(db, _place(alice, "creme", "Crème de marrons"))
    screen = alice.say("mes commandes")
    assert screen.index(second.number) < screen.index(first.number)
    assert "en attente de la boutique" in screen
    detail = alice.say("2")
    assert f"Commande n° {first.number} — Chocolaterie du Perche" in detail
    assert "1 × Coffret chocolats assortis — 24,50 €" in detail
    assert "Retrait le mardi 8 décembre, entre 11:00 et 11:30" in detail
    assert f"Code de retrait : {first.pickup_code}" in detail
    assert "Annuler la commande" in detail
    update(db, Order, first.id, status="ready")
    assert "État : prête" in press(alice, f"order:{first.id}")
    update(db, Order, second.id, status="declined", decline_reason="Rupture de marrons")
    detail = press(alice, f"order:{second.id}")
    assert "refusée par la boutique" in detail and "Motif : Rupture de marrons" in detail
    assert "Annuler" not in detail


def test_cancel_restores_stock_and_tells_the_shop(chat, db):
    choco = shop(db, "chocolaterie-du-perche")
    with db.session() as session:
        marie = User(channel="console", channel_ref="marie", language="en")
        session.add(marie)
        session.flush()
        session.add(ShopStaff(shop_id=choco.id, user_id=marie.id))
        marie_id = marie.id
    alice = shopper(chat)
    order = _order(db, _place(alice))
    assert item(db, "Coffret chocolats assortis").stock == 9
    alice.say("mes commandes")
    assert f"Code de retrait : {order.pickup_code}" in alice.say("1")
    assert f"Annuler la commande n° {order.number} ?" in alice.say("annuler la commande")
    screen = alice.say("oui, annuler")
    assert "est annulée" in screen and "État : annulée" in screen
    assert "Annuler la commande" not in screen
    assert "Code de retrait" not in screen  # nothing to collect any more
    assert item(db, "Coffret chocolats assortis").stock == 10
    with db.session() as session:
        [alert] = session.exec(select(Outbox).where(Outbox.kind == "order_cancelled")).all()
    assert alert.user_id == marie_id
    assert f"cancelled order no. {order.number}" in alert.payload["replies"][0]["text"]
    # Pressing the old button again changes nothing.
    assert "ne peut plus être annulée" in press(alice, f"ocancel:{order.id}:yes")
    assert item(db, "Coffret chocolats assortis").stock == 10


def test_a_ready_order_can_no_longer_be_cancelled(chat, db):
    alice = shopper(chat)
    order = _order(db, _place(alice))
    update(db, Order, order.id, status="ready")
    assert "ne peut plus être annulée" in press(alice, f"ocancel:{order.id}:yes")
    assert _order(db).status == "ready"
    assert item(db, "Coffret chocolats assortis").stock == 9


def test_another_customers_order_is_refused_with_nothing_changed(chat, db):
    alice, mallory = shopper(chat), shopper(chat, "mallory")
    order = _order(db, _place(alice))
    for action in (f"order:{order.id}", f"ocancel:{order.id}", f"ocancel:{order.id}:yes"):
        screen = press(mallory, action)
        assert "n'est plus à jour" in screen, action
        assert order.number not in screen and order.pickup_code not in screen
    assert _order(db).status == "pending"
    assert item(db, "Coffret chocolats assortis").stock == 9
    with db.session() as session:  # only alice's own pickup reminders, planned at checkout
        rows = session.exec(select(Outbox).where(Outbox.status != "sent")).all()
        assert {row.kind for row in rows} <= {"pickup_reminder"}
    assert "pas encore de commande" in mallory.say("mes commandes")


def test_twenty_customers_race_for_the_last_five_units(engine, db):
    coffret = item(db, "Coffret chocolats assortis")
    choco = shop(db, "chocolaterie-du-perche")
    update(db, Item, coffret.id, stock=5)
    update(db, Shop, choco.id, slot_capacity=100)
    people = [f"customer{n}" for n in range(20)]

    def say(ref: str, **what: str) -> str:
        replies = engine.handle(Incoming("console", ref, **what))
        return "\n".join(r.text for r in replies)

    for n, ref in enumerate(people):
        say(ref, action=f"add:{coffret.id}")
        say(ref, action=f"co:{choco.id}")
        if n % 2:  # half collect, half get it delivered
            say(ref, action=f"co.delivery:{choco.id}")
            say(ref, text="3 place Saint-Pol 28400 Nogent")
        else:
            say(ref, action=f"co.pickup:{choco.id}")
            say(ref, action=f"co.day:{choco.id}:20261208")
            say(ref, action=f"co.slot:{choco.id}:1400")
        assert "Récapitulatif" in say(ref, text="0612345678")

    barrier = threading.Barrier(len(people))
    results: dict[str, str] = {}

    def confirm(ref: str) -> None:
        barrier.wait()
        results[ref] = say(ref, action=f"co.ok:{choco.id}")

    threads = [threading.Thread(target=confirm, args=(ref,)) for ref in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    confirmed = [ref for ref, text in results.items() if "confirmée" in text]
    refused = [ref for ref, text in results.items() if "plus assez de stock" in text]
    assert len(results) == 20
    assert len(confirmed) == 5 and len(refused) == 15
    assert item(db, "Coffret chocolats assortis").stock == 0
    with db.session() as session:
        assert len(session.exec(select(Order)).all()) == 5
