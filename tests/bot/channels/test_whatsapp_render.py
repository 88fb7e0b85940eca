"""WhatsApp rendering and reading, without a network: menus, links, limits, deep-link words."""

from bot.channels.base import units as size
from bot.channels.whatsapp import to_incoming
from bot.channels.whatsapp_render import MAX_BODY, render
from handlers.core import Option, Reply
from tests.fakes.twilio import inbound

ALICE = "+33612345678"


def test_prefilled_deep_link_words_become_start_payloads():
    params = inbound(ALICE, "shop chocolaterie-du-perche")
    assert to_incoming(params, []).text == "/start shop-chocolaterie-du-perche"
    token = "Ab-c_9XyZ"
    assert to_incoming(inbound(ALICE, f"pickup {token}"), []).text == f"/start pickup-{token}"
    assert to_incoming(inbound(ALICE, "join K7P2QX"), []).text == "/start join-K7P2QX"
    located = to_incoming(inbound(ALICE, "", Latitude="48.3216", Longitude="0.8217"), [])
    assert located.location == (48.3216, 0.8217)
    first = to_incoming(inbound(ALICE, "salut"), [])
    assert (first.user_ref, first.phone, first.name, first.language) == (
        ALICE,
        ALICE,
        "Alice",
        "fr",
    )


def test_long_text_is_split_under_twilio_limit():
    text = "\n".join(f"Ligne {n} " + "é" * 90 for n in range(60))
    reply = Reply(text, options=(Option("Un", "home"), Option("Deux", "help")))
    messages = render([reply], "fr", lambda key: key)
    assert len(messages) > 1
    assert all(size(m.body) <= MAX_BODY for m in messages)
    assert "Ligne 59" in messages[-1].body and "Répondez 1 ou 2" in messages[-1].body
    joined = "\n".join(m.body for m in messages)
    assert all(f"Ligne {n} " in joined for n in range(60))


def test_links_are_spelled_out_and_only_actions_are_numbered():
    reply = Reply(
        "La visite commence !",
        options=(
            Option("Rejoindre la visite", url="https://meet.example/abc"),
            Option("Menu", "home"),
        ),
    )
    [message] = render([reply], "fr", lambda key: key)
    assert "🔗 Rejoindre la visite : https://meet.example/abc" in message.body
    assert "1. Menu" in message.body and "Répondez 1" in message.body
    assert "2." not in message.body


def test_a_long_caption_under_a_photo_is_cut_under_whatsapp_limit():
    reply = Reply("Un très beau pull. " * 120, photo="ab" * 16 + ".jpg")
    [first, *rest] = render([reply], "fr", lambda key: f"https://x.example/{key}")
    assert first.media_urls and size(first.body) <= 1024
    assert rest and all(not m.media_urls for m in rest)


def test_numbered_text_folds_a_note_into_the_menu_under_it_when_both_fit():
    from bot.channels.whatsapp_render import render_each

    note = Reply("Commande acceptée : le client est prévenu.")
    order = Reply("Commande AB12C (acceptée)", options=(Option("📦 Marquer prête", "mrdy:1"),))
    folded = render_each([note, order], "fr", lambda key: key, fold=True)
    assert folded[0] == []  # one message, paid once
    [message] = folded[1]
    assert message.body.startswith("Commande acceptée : le client est prévenu.\n\nCommande AB12C")
    assert "1. 📦 Marquer prête" in message.body
    # As the shapes' fallback (fold off), or when the two would not fit, each keeps its own.
    assert [len(m) for m in render_each([note, order], "fr", lambda key: key)] == [1, 1]
    long = Reply("x" * (MAX_BODY - 20))
    assert [len(m) for m in render_each([long, order], "fr", lambda k: k, fold=True)] == [1, 1]
    # A photo under the note is its own message: a caption is shorter, and the photo leads.
    card = Reply("Coffret", photo="p.jpg", options=(Option("Commander", "co:1"),))
    assert [len(m) for m in render_each([note, card], "fr", lambda k: k, fold=True)] == [1, 1]
