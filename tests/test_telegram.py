"""The Telegram channel through the Bot API stand-in, as a person on Telegram would use it."""

import pytest

from tests.telegram_harness import start_bot, tg  # noqa: F401

ALICE = 1001


@pytest.mark.parametrize("mode", ["polling", "webhook"])
def test_newcomer_gets_the_welcome_with_buttons(start_bot, tg, mode):  # noqa: F811
    start_bot(mode)
    answer = tg.send_text(ALICE, "/start")
    assert "Bienvenue dans les boutiques de Nogent-le-Rotrou" in answer[-1]["text"]
    labels = [b["text"] for b in tg.last_buttons(ALICE)]
    assert "🏪 Boutiques par catégorie" in labels
