"""A customer's order, placed in the chat, brings its pickup reminder an hour before the slot."""

from sqlmodel import select

from store.models import Order
from tests.notify_helpers import Recorder, dispatcher, drain
from tests.shopping import add, shopper


def test_an_order_placed_in_the_chat_is_reminded_an_hour_before_its_slot(chat, db, clock):
    alice = shopper(chat)
    add(alice, "coffret", "Coffret chocolats")
    alice.say("panier")
    alice.say("1")  # order from Chocolaterie du Perche
    alice.say("1")  # pickup in the shop
    slots = alice.say("1")  # today
    assert "2. 11:30" in slots
    alice.say("2")  # the second slot of the day
    alice.say("06 12 34 56 78")
    alice.say("passer")
    assert "n°" in alice.say("1")  # confirmed
    with db.session() as session:
        order = session.exec(select(Order)).one()
    sender = Recorder()
    d = dispatcher(db, sender, clock)
    clock.advance(minutes=29)
    drain(d)
    assert sender.texts("alice") == []
    clock.advance(minutes=1)  # 10:30 in Paris, an hour before 11:30
    drain(d)
    (reminder,) = sender.texts("alice")
    assert order.number in reminder and "11:30" in reminder and order.pickup_code in reminder
    clock.advance(hours=23)  # next morning: still not collected
    drain(d)
    assert "vous attend toujours" in sender.texts("alice")[-1]
