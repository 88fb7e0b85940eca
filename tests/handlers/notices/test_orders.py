"""Orders placed in the chat: the pickup reminder, a customer out of reach, the hold days."""

from datetime import UTC, datetime

from sqlmodel import select

from handlers import jobs
from handlers.notices import orders as order_notices
from store.models import Order
from tests.fakes.sender import Recorder, dispatcher, drain
from tests.people import (
    Person,
    add,
    item,
    join_as_owner,
    outbox_for,
    outbox_replies,
    person,
    pickup_to_summary,
    place_order,
    press,
    shopper,
)


def test_an_order_placed_in_the_chat_is_reminded_an_hour_before_its_slot(chat, db, clock):
    alice = shopper(chat)
    add(alice, "coffret", "Coffret chocolats")
    alice.say("panier")
    alice.say("1")  # order from Chocolaterie du Perche
    alice.say("1")  # pickup in the shop
    alice.say("2")  # today (1: as soon as possible)
    slots = alice.say("1")  # the morning
    assert "2. 11:30" in slots
    alice.say("2")  # the second slot of the day
    alice.say("06 12 34 56 78")  # then the summary
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


def test_a_ready_order_nobody_collects_goes_back_on_the_shelf_and_the_shop_hears_of_it(
    chat, engine, db, clock
):
    paul = join_as_owner(chat, engine, db, "paul", "Chocolaterie du Perche")
    alice = shopper(chat)
    add(alice, "coffret", "Coffret chocolats")
    pickup_to_summary(alice)
    alice.say("1")  # confirmed
    assert item(db, "Coffret chocolats assortis").stock == 9
    with db.session() as session:
        order = session.exec(select(Order)).one()
    press(paul.channel, f"macc:{order.id}")
    ready = press(paul.channel, f"mrdy:{order.id}")
    assert "vendredi 11 décembre" in ready  # what the customer is told, and what happens

    # Alice blocked the bot: her order messages fail for good, and the shop is told.
    sender = Recorder(blocked={"alice"})

    def tell_the_shop(session, row_id):
        order_notices.tell_undelivered(session=session, ctx=engine.ctx, outbox_id=row_id)

    d = dispatcher(db, sender, clock, on_failed=tell_the_shop)
    drain(d)
    assert sender.texts("alice") == []
    (warning,) = [t for t in sender.texts("paul") if "pas pu joindre" in t]  # once an order
    assert order.number in warning and "06 12 34 56 78" in warning

    # Friday's closing time passes: the order is cancelled and its box back in stock.
    clock.now = datetime(2026, 12, 11, 18, 0, tzinfo=UTC)
    db.run(lambda s: jobs.tick(session=s, ctx=engine.ctx))
    drain(d)
    assert item(db, "Coffret chocolats assortis").stock == 10
    with db.session() as session:
        assert session.get(Order, order.id).status == "cancelled"
    assert any("remis en stock" in t for t in sender.texts("paul"))


def test_a_pickup_on_the_shelf_is_ready_from_the_alert_in_one_tap_and_one_notice(chat, engine, db):
    paul = join_as_owner(chat, engine, db, "paul", "Chocolaterie du Perche")
    alice = shopper(chat)
    add(alice, "coffret", "Coffret chocolats")
    pickup_to_summary(alice)
    alice.say("1")  # confirmed
    with db.session() as session:
        order = session.exec(select(Order)).one()
    [alert] = outbox_replies(db, "paul", "order_new")
    labels = [label for label, _, _ in alert["options"]]
    assert labels == ["✅ Accepter", "📦 Déjà prête", "❌ Refuser"]  # three: WhatsApp's limit
    ready = {label: action for label, action, _ in alert["options"]}["📦 Déjà prête"]
    screen = press(paul.channel, ready)
    assert "gardée jusqu'à" in screen
    with db.session() as session:
        assert session.get(Order, order.id).status == "ready"
    assert outbox_for(db, "alice", "order_accepted") == []  # one notice, not two
    [notice] = outbox_for(db, "alice", "order_ready")
    assert "est prête chez Chocolaterie du Perche" in notice
    # Tapped again (a second staff member, or twice): it is already done, nothing new is sent.
    assert "déjà" in press(paul.channel, ready)
    assert len(outbox_for(db, "alice", "order_ready")) == 1


def test_a_delivery_alert_can_leave_at_once(chat, engine, db, clock):
    join_as_owner(chat, engine, db, "paul", "Chocolaterie du Perche")
    person(db, "bob")
    place_order(db, "bob", "Coffret chocolats assortis", clock.now, fulfilment="delivery")
    with db.session() as session:
        order = session.exec(select(Order)).one()
    labels = [o.label for o in order_notices.alert_options("fr", order)]
    assert labels == ["✅ Accepter", "🚚 Je pars livrer", "❌ Refuser"]
    paul = Person(chat("paul"))
    assert "en route" in press(paul.channel, f"mout:{order.id}")
    with db.session() as session:
        assert session.get(Order, order.id).status == "out_for_delivery"
    assert outbox_for(db, "bob", "order_accepted") == []
    [notice] = outbox_for(db, "bob", "order_out")
    assert "est en route" in notice
