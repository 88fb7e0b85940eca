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


def test_help_names_back_orders_settings_and_my_shop_and_retour_never_searches(chat):
    alice = chat("alice")
    help_screen = alice.say("aide")
    assert "« retour » revient à l'écran précédent" in help_screen
    assert "« réglages »" in help_screen and "« stop »" in help_screen
    assert "« Ma boutique »" in help_screen
    # On a screen without a Retour button, "retour" goes home instead of searching for it.
    screen = alice.say("retour")
    assert "Rien trouvé" not in screen and "Que souhaitez-vous faire ?" in screen
    bob = chat("bob", language="en")
    assert '"settings"' in bob.say("help") and "What would you like to do?" in bob.say("back")


def test_the_console_chat_takes_the_phones_language(engine):
    import io

    from bot import cli
    from bot.channels.console import ConsoleChannel

    args = cli.parser().parse_args(["chat", "--user", "bob", "--lang", "en"])
    assert args.lang == "en"
    out = io.StringIO()
    ConsoleChannel(engine, user=args.user, language=args.lang).repl(io.StringIO("hello\n"), out)
    assert "Welcome to the shops of" in out.getvalue()


def test_the_town_halls_invite_says_what_to_do_and_its_qr_opens_the_link(tmp_path, capsys):
    import zxingcpp
    from PIL import Image

    from bot import cli

    config = tmp_path / "vitrine.toml"
    config.write_text(
        f'[database]\nurl = "sqlite:///{tmp_path}/v.db"\n[media]\nroot = "{tmp_path}/media"\n'
    )
    assert cli.main(["--config", str(config), "admin", "invite", "--shop", "Fleurs"]) == 0
    out = capsys.readouterr().out
    assert "À transmettre au commerçant : il scanne le QR code ou ouvre le lien" in out
    link = next(line for line in out.splitlines() if line.startswith("Telegram : "))[11:]
    png = next(line for line in out.splitlines() if line.startswith("QR code : "))[10:]
    [found] = zxingcpp.read_barcodes(Image.open(png))
    assert found.text == link and "start=join-" in link


def test_a_newcomers_first_hello_gets_the_welcome_then_the_plain_menu(chat):
    zoe = chat("zoe")
    first = zoe.say("Bonjour")  # on WhatsApp nobody types /start
    assert "Bienvenue dans les boutiques de" in first and "1. 🏪 Boutiques par catégorie" in first
    again = zoe.say("salut")
    assert "Bienvenue" not in again and "Rien trouvé" not in again
    assert "Que souhaitez-vous faire ?" in again


def test_a_mistyped_photo_path_is_named_and_the_waiting_question_keeps_waiting(chat, db):
    alice = chat()
    alice.say("/recherche")
    screen = alice.say("/photo nulle-part.jpg Bouquet de roses 25€")
    assert "Je ne trouve pas le fichier « nulle-part.jpg »" in screen
    with db.session() as session:
        from store.models import ConversationState

        assert session.get(ConversationState, 1).expect == "search"


def test_a_returning_persons_turn_reads_them_once_and_writes_their_state_once(chat, db):
    """However many queries a handler runs, the person's rows are read in one statement
    and their conversation state is written once, at the end of the turn."""
    from sqlalchemy import event

    alice = chat()
    alice.say("/start")
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        seen.append(" ".join(statement.split()).lower())

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        screen = alice.say("chocolat")  # a search: it remembers the words, then the menu
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert "Résultats pour « chocolat »" in screen
    of_user = ('from "user"', "from user ")  # PostgreSQL quotes the table's name
    reads = [s for s in seen if s.startswith("select") and any(f in s for f in of_user)]
    writes = [s for s in seen if s.startswith("update conversationstate")]
    assert len(reads) == 1 and "conversationstate" in reads[0]
    assert len(writes) == 1
