"""The conversation engine, driven through the console channel as a person would."""

from store.models import ConversationState


def test_newcomer_is_welcomed_with_the_town_and_its_shop_count(chat):
    screen = chat().say("/start")
    assert "Nogent-le-Rotrou" in screen
    assert "13 commerces" in screen
    assert "1. 🏪 Boutiques par catégorie" in screen


def test_english_app_gets_english(chat):
    screen = chat("bob", language="en-GB").say("/start")
    assert "Welcome to the shops of Nogent-le-Rotrou" in screen


def test_typed_number_and_typed_label_pick_the_same_option(chat):
    alice = chat()
    alice.say("/start")
    by_number = alice.say("5")
    alice.say("menu")
    by_label = alice.say("aide")
    assert by_number == by_label
    assert "Choisissez une option" in by_number


def test_number_outside_the_menu_gets_the_range(chat):
    alice = chat()
    alice.say("/start")
    screen = alice.say("9")
    assert "de 1 à 7" in screen


def test_forged_payload_gets_out_of_date_and_the_current_menu(engine):
    from handlers.core import Incoming

    replies = engine.handle(Incoming("console", "mallory", action="order:1:cancel"))
    assert "n'est plus à jour" in replies[0].text
    assert replies[-1].options


def test_unknown_command_and_huge_message_get_kind_answers(chat):
    alice = chat()
    assert "Je ne connais pas cette commande" in alice.say("/frobnicate")
    screen = alice.say("é" * 5000)
    assert "Rien trouvé" in screen


def test_state_lives_in_the_database_not_in_the_process(chat, engine, db):
    chat().say("/recherche")
    with db.session() as session:
        state = session.get(ConversationState, 1)
        assert state.expect == "search"
    # A second engine (another worker) continues the same conversation.
    from bot.channels.console import ConsoleChannel
    from handlers.engine import Engine

    other = ConsoleChannel(Engine(db, engine.ctx), user="alice")
    assert "Crème de marrons" in other.say("creme")


def test_language_switch(chat):
    alice = chat()
    alice.say("/langue")
    assert "I'll speak English" in alice.say("English")
    assert "What would you like to do?" in alice.say("menu")
