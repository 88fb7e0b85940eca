"""The Telegram channel through the Bot API stand-in, as a person on Telegram would use it."""

import io

import pytest
from PIL import Image

from tests.fakes.telegram import sqlite_only

ALICE = 1001


@pytest.mark.parametrize("mode", ["polling", "webhook"])
def test_newcomer_gets_the_welcome_with_buttons(start_bot, tg, mode):
    start_bot(mode)
    answer = tg.send_text(ALICE, "/start")
    assert "Bienvenue dans les boutiques de Nogent-le-Rotrou" in answer[-1]["text"]
    labels = [b["text"] for b in tg.last_buttons(ALICE)]
    assert "🏪 Boutiques par catégorie" in labels


def test_button_press_is_answered_and_home_edits_the_pressed_menu(start_bot, tg):
    start_bot()
    tg.send_text(ALICE, "/start")
    language_menu = tg.tap(ALICE, "Langue")
    assert language_menu[-1]["text"] == "Dans quelle langue voulez-vous que je vous parle ?"
    menu_id = language_menu[-1]["message_id"]
    home = tg.tap(ALICE, "Accueil")
    # Going home rewrites the menu in place instead of adding a message to the chat.
    assert [m["message_id"] for m in home] == [menu_id]
    assert home[0]["text"] == "Que souhaitez-vous faire ?"
    assert "edit_date" in home[0]
    assert all(tg.queries.values()) and len(tg.queries) == 2


@sqlite_only
def test_english_app_gets_english_and_the_language_button_switches(start_bot, tg):
    start_bot()
    answer = tg.send_text(ALICE, "/start", language="en")
    assert "Welcome to the shops of Nogent-le-Rotrou" in answer[-1]["text"]
    tg.tap(ALICE, "Langue / Language", language="en")
    switched = tg.tap(ALICE, "Français", language="en")
    assert "Que souhaitez-vous faire ?" in switched[-1]["text"]


@sqlite_only
def test_commands_are_registered_in_french_and_english(start_bot, tg):
    start_bot()
    french = {c["command"]: c["description"] for c in tg.commands[""]}
    english = {c["command"]: c["description"] for c in tg.commands["en"]}
    assert {"start", "aide", "langue", "recherche"} <= set(french)
    assert {"start", "help", "language", "search"} <= set(english)
    assert english["help"] == "How it works"


def test_messages_of_one_person_are_answered_in_order(start_bot, tg, monkeypatch):
    from handlers import routes
    from handlers.core import Reply

    monkeypatch.setattr(routes, "TEXT", lambda turn: [Reply(f"echo {turn.text}")])

    def slower_for_earlier_words(method, params):
        # Answered concurrently, the later words' replies would be recorded first.
        text = params.get("text", "")
        return 0.06 - int(text.removeprefix("echo mot")) * 0.008 if "mot" in text else 0

    tg.delay = slower_for_earlier_words
    start_bot()
    bob = 2002
    tg.known_chats.update({ALICE, bob})
    words = [f"mot{n}" for n in range(8)]
    updates = [
        {"message": tg._message(chat, "fr", "X", text=w)} for w in words for chat in (ALICE, bob)
    ]
    tg.push(ALICE, updates)
    for chat in (ALICE, bob):
        assert [m["text"] for m in tg.chat_log(chat)] == [f"echo {w}" for w in words]


@sqlite_only
def test_a_slow_chat_does_not_hold_up_another_person(start_bot, tg, monkeypatch):
    from handlers import routes
    from handlers.core import Reply

    monkeypatch.setattr(routes, "TEXT", lambda turn: [Reply(f"echo {turn.text}")])
    start_bot()
    bob = 2002
    tg.known_chats.update({ALICE, bob})

    def alice_waits_for_bob(method: str, params: dict[str, str]) -> float:
        # Telegram holds Alice's chat until Bob has his answer (10 s at most): were Bob's
        # reply queued behind Alice's, it would come after, and the order below would show it.
        if params.get("chat_id") == str(ALICE):
            with tg.cond:
                tg.cond.wait_for(lambda: any(chat == bob for chat, _ in tg.log), timeout=10)
        return 0

    tg.delay = alice_waits_for_bob
    first = {"message": tg._message(ALICE, "fr", "A", text="lent")}
    second = {"message": tg._message(bob, "fr", "B", text="vite")}
    tg.push(ALICE, [first, second])
    assert [(chat, m["text"]) for chat, m in tg.log] == [(bob, "echo vite"), (ALICE, "echo lent")]


def png(color: str, size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def photo_seen(monkeypatch, db, engine):
    """A test-only PHOTO route: it answers with what the core received. Alice works in a
    shop: only shop staff's photos are fetched at all."""
    from sqlmodel import select

    from handlers import routes
    from handlers.core import Reply
    from store.models import Shop, ShopStaff, User

    with db.session() as session:
        alice = User(channel="telegram", channel_ref=str(ALICE), name="Alice")
        session.add(alice)
        session.flush()
        shop = session.exec(select(Shop).order_by(Shop.id)).first()
        session.add(ShopStaff(shop_id=shop.id, user_id=alice.id, role="owner"))
    seen = []

    def photo(turn):
        seen.append(turn.incoming)
        return [Reply(f"{len(turn.incoming.photos)} photo(s): {turn.incoming.text}")]

    monkeypatch.setattr(routes, "PHOTO", photo)
    return seen


@pytest.mark.parametrize("mode", ["polling", "webhook"])
def test_album_of_three_photos_reaches_the_core_as_one_message(start_bot, tg, photo_seen, mode):
    bot = start_bot(mode, album_quiet=0.3)
    images = [png("red"), png("green"), png("blue")]
    answer = tg.send_photos(ALICE, images, caption="Pull rouge 35€")
    assert [m["text"] for m in answer] == ["3 photo(s): Pull rouge 35€"]
    (incoming,) = photo_seen
    media = bot.app.media
    # The largest size of each photo, fetched through getFile, in the album's order.
    assert [media.get(key) for key in incoming.photos] == images
    assert len(tg.called("getFile")) == 3


@sqlite_only
def test_text_after_an_album_is_answered_after_it(start_bot, tg, photo_seen, monkeypatch):
    from handlers import routes
    from handlers.core import Reply

    monkeypatch.setattr(routes, "TEXT", lambda turn: [Reply(f"texte {turn.text}")])
    start_bot(album_quiet=0.3)
    tg.known_chats.add(ALICE)
    parts = [
        {
            "message": tg._message(
                ALICE, "fr", "A", photo=tg._photo_sizes(png(c)), media_group_id="g1"
            )
        }
        for c in ("red", "blue")
    ]
    after = {"message": tg._message(ALICE, "fr", "A", text="et voilà")}
    answer = tg.push(ALICE, [*parts, after])
    assert [m["text"] for m in answer] == ["2 photo(s): None", "texte et voilà"]


@sqlite_only
def test_single_photo_with_caption(start_bot, tg, photo_seen):
    start_bot()
    answer = tg.send_photos(ALICE, [png("orange", (300, 200))], caption="Bougie 12,90 €")
    assert answer[-1]["text"] == "1 photo(s): Bougie 12,90 €"
    assert photo_seen[0].language == "fr" and photo_seen[0].user_ref == str(ALICE)


@sqlite_only
def test_shared_location_reaches_the_core(start_bot, tg, monkeypatch):
    from handlers import routes
    from handlers.core import Reply

    monkeypatch.setattr(
        routes, "LOCATION", lambda turn: [Reply("at {:.4f},{:.4f}".format(*turn.incoming.location))]
    )
    start_bot()
    answer = tg.send_location(ALICE, 48.3217, 0.8210)
    assert answer[-1]["text"] == "at 48.3217,0.8210"


@sqlite_only
def test_long_text_is_split_under_telegram_limit(start_bot, tg, monkeypatch):
    from handlers import routes
    from handlers.core import Option, Reply

    paragraphs = [f"🧁 Paragraphe {n} " + "é" * 300 for n in range(30)]
    long_text = "\n\n".join(paragraphs)
    monkeypatch.setattr(
        routes, "TEXT", lambda turn: [Reply(long_text, options=(Option("OK", "home"),))]
    )
    start_bot()
    answer = tg.send_text(ALICE, "catalogue")
    assert len(answer) == 3
    assert all(len(m["text"].encode("utf-16-le")) // 2 <= 4096 for m in answer)
    assert "\n\n".join(m["text"] for m in answer) == long_text
    assert "reply_markup" not in answer[0] and answer[-1]["reply_markup"]


@pytest.fixture
def photo_reply(monkeypatch, engine):
    """A test-only action `pic:<n>` answering with a photo and a caption `n` characters long."""
    from handlers import routes
    from handlers.core import Option, Reply

    key = engine.ctx.media.put_image(png("purple", (120, 90)))

    def pic(turn):
        return [Reply("x" * int(turn.args[0]), photo=key, options=(Option("Encore", "pic:5"),))]

    monkeypatch.setitem(routes.ACTIONS, "pic", pic)
    monkeypatch.setitem(routes.KEYWORDS, "photo", "pic:20")
    monkeypatch.setitem(routes.KEYWORDS, "longue", "pic:1500")
    return key


def test_photo_is_uploaded_once_then_sent_by_file_id(start_bot, tg, photo_reply):
    start_bot()
    first = tg.send_text(ALICE, "photo")
    assert first[-1]["caption"] == "x" * 20
    again = tg.tap(ALICE, "Encore")
    assert again[-1]["caption"] == "xxxxx" and again[-1]["photo"]
    upload, by_reference = tg.called("sendPhoto")
    assert "photo" in upload.files
    assert by_reference.files == {}
    assert by_reference.params["photo"] == first[-1]["photo"][-1]["file_id"]


@sqlite_only
def test_long_caption_sends_the_photo_then_the_text(start_bot, tg, photo_reply):
    start_bot()
    photo, text = tg.send_text(ALICE, "longue")
    assert "caption" not in photo and photo["photo"]
    assert text["text"] == "x" * 1500 and text["reply_markup"]


@sqlite_only
def test_picture_sent_as_a_file_counts_as_a_photo_and_garbage_gets_a_kind_answer(
    start_bot, tg, photo_seen
):
    bot = start_bot()
    image = png("yellow", (200, 100))
    answer = tg.send_document(ALICE, image, "image/png", caption="Bougie")
    assert answer[-1]["text"] == "1 photo(s): Bougie"
    assert bot.app.media.get(photo_seen[0].photos[0]) == image
    broken = tg.send_document(ALICE, b"not a picture", "image/jpeg", caption="Bougie")
    assert broken[-1]["text"].startswith("Je n'ai pas pu recevoir votre photo")
    assert len(photo_seen) == 1


@sqlite_only
def test_pressing_a_menu_that_shows_itself_again_sends_nothing(start_bot, tg, monkeypatch):
    from handlers import routes
    from handlers.core import Option, Reply

    same = [Reply("Le même menu", options=(Option("Encore", "same"),), replace=True)]
    monkeypatch.setitem(routes.ACTIONS, "same", lambda turn: same)
    monkeypatch.setitem(routes.KEYWORDS, "pareil", "same")
    start_bot()
    tg.send_text(ALICE, "pareil")
    again = tg.tap(ALICE, "Encore")
    assert again == []  # Telegram said "message is not modified": the menu is already there
    assert [c.status for c in tg.called("editMessageText")] == [400]
    assert len(tg.called("sendMessage")) == 1 and all(tg.queries.values())


@sqlite_only
def test_links_become_buttons_and_a_link_telegram_refuses_is_spelled_out(
    start_bot, tg, monkeypatch
):
    from handlers import routes
    from handlers.core import Option, Reply

    links = (
        Option("🎥 Rejoindre la visite", url="https://meet.example.org/visite-noel"),
        Option("Plan", url="http://localhost:8080/media/plan.png"),
        Option("🏠 Accueil", "home"),
    )
    monkeypatch.setitem(
        routes.ACTIONS, "visit", lambda turn: [Reply("La visite commence", options=links)]
    )
    monkeypatch.setitem(routes.KEYWORDS, "visite", "visit")
    start_bot()
    (message,) = tg.send_text(ALICE, "visite")
    assert message["text"] == "La visite commence\n\n🔗 Plan : http://localhost:8080/media/plan.png"
    assert tg.last_buttons(ALICE) == [
        {"text": "🎥 Rejoindre la visite", "url": "https://meet.example.org/visite-noel"},
        {"text": "🏠 Accueil", "callback_data": "home"},
    ]


@sqlite_only
def test_shared_contact_is_read_as_the_typed_number_only_when_it_is_her_own(
    start_bot, tg, monkeypatch
):
    from handlers import routes
    from handlers.core import Reply

    def echo(turn):
        return [Reply(f"texte={turn.text or '-'} tél={turn.incoming.phone or '-'}")]

    monkeypatch.setattr(routes, "TEXT", echo)
    monkeypatch.setitem(routes.ACTIONS, "home", echo)  # what an empty message leads to
    start_bot()
    assert (
        tg.send_contact(ALICE, "+33612345678")[-1]["text"] == "texte=+33612345678 tél=+33612345678"
    )
    assert tg.send_contact(ALICE, "+33700000000", own=False)[-1]["text"] == "texte=- tél=-"


@pytest.mark.parametrize(
    "text",
    ["🍫" * 5000, "x" * 9000, ("mot " * 3000).strip(), "ligne\n" * 1500, "court"],
)
def test_split_text_keeps_every_character_under_the_limit(text):
    from bot.channels.base import units
    from bot.channels.telegram_render import split_text

    pieces = split_text(text)
    assert all(0 < units(p) <= 4096 for p in pieces)
    assert "".join(pieces).replace("\n", "").replace(" ", "") == text.replace("\n", "").replace(
        " ", ""
    )
    assert len(pieces) == -(-units(text) // 4096) or len(pieces) == -(-units(text) // 4096) + 1


@sqlite_only
def test_voice_message_gets_a_kind_word_and_the_menu(start_bot, tg):
    start_bot()
    note, menu = tg.send_voice(ALICE)
    assert note["text"].startswith("Je ne sais lire que les messages écrits")
    assert menu["text"] == "Que souhaitez-vous faire ?" and menu["reply_markup"]
