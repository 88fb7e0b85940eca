"""Odd button payloads get the out-of-date answer, never "Oups" nor a traceback.

Telegram lets anyone send any callback data up to 64 bytes; a channel's console or a forged
webhook can send more. Every action of the routing table is tried with each of these.
"""

import logging

import pytest

from bot.channels.console import ConsoleChannel
from handlers import routes
from handlers.core import Incoming
from tests.people import join_as_owner

HOSTILE = [
    "²",  # a digit to str.isdigit(), not to int()
    "١",  # an Arabic-Indic one
    "１",  # a full-width one
    "99999999999999999999",  # beyond PostgreSQL's integer
    "-1",
    "",
    " 1",
    "1e3",
    "0x1F",
    "1.5",
    "NaN",
    "None",
    "💥",
    "\x00",
    "a\nb",
    "{0}%s",
    "x" * 70,
    "1:2:3:4:5:6",
    "1::",
    "../../etc/passwd",
]
STALE = "Ce menu n'est plus à jour"
# `prefs:<anything but on|off>` shows the switch itself, by design.
TOLERANT = {"prefs": "Vos messages"}


@pytest.fixture
def owner(chat, engine, db) -> ConsoleChannel:
    """A shop owner (merchant payloads get past the staff check and into the handlers)."""
    return join_as_owner(chat, engine, db, "lea", "Bougies de Léa").channel


def test_every_action_answers_hostile_arguments_as_out_of_date(owner, engine, caplog):
    caplog.set_level(logging.WARNING)
    answers = {}
    for name in routes.ACTIONS:
        for hostile in HOSTILE:
            action = f"{name}:{hostile}"
            replies = engine.handle(Incoming("console", owner.user, action=action))
            first = replies[0].text
            ok = STALE in first or TOLERANT.get(name, STALE) in first
            answers[action] = ok and bool(replies[-1].options)
    wrong = [action for action, ok in answers.items() if not ok]
    assert wrong == []
    assert len(answers) == len(routes.ACTIONS) * len(HOSTILE)
    failures = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert failures == []
