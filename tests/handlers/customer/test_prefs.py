"""Message preferences: /stop silences the shops' news, never order messages; /start undoes it."""

from handlers.core import Incoming
from tests.fakes.sender import Recorder, dispatcher, drain
from tests.people import person, queue, user


def test_stop_silences_news_but_order_messages_still_come(db, clock, chat):
    alice = chat("alice")
    alice.say("bonjour")
    screen = alice.say("/stop")
    assert "plus de nouvelles des boutiques" in screen
    assert "messages de vos commandes" in screen
    alice_id = person(db, "alice")
    assert user(db, alice_id).quiet
    queue(db, alice_id, "Visite en direct chez Paul", clock.now, kind="visit_live", essential=False)
    queue(db, alice_id, "Votre commande est prête", clock.now)
    sender = Recorder()
    d = dispatcher(db, sender, clock)
    drain(d)
    assert sender.texts("alice") == ["Votre commande est prête"]

    screen = alice.say("/start")
    assert "vous recevez de nouveau" in screen and "Bienvenue" in screen
    queue(db, alice_id, "Nouvelle visite chez Paul", clock.now, kind="visit_live", essential=False)
    drain(d)
    assert sender.texts("alice")[-1] == "Nouvelle visite chez Paul"


def test_settings_show_the_switch_and_say_order_messages_always_come(db, chat):
    bob = chat("bob", language="en")
    screen = bob.say("settings")
    assert "You receive news from the shops" in screen and "always come through" in screen
    assert "1. 🔕 Turn news off" in screen
    screen = bob.say("1")
    assert "no more news from the shops" in screen and "Receive news" in screen
    assert user(db, person(db, "bob")).quiet
    screen = bob.say("1")  # the same place in the menu now turns it back on
    assert "you receive news from the shops again" in screen
    assert not user(db, person(db, "bob")).quiet


def test_a_forged_switch_just_shows_the_settings(chat):
    alice = chat("alice")
    assert "🔔 Vos messages" in alice.say("réglages")
    (screen,) = alice.engine.handle(Incoming("console", "alice", action="prefs:maybe"))
    assert "🔔 Vos messages" in screen.text
