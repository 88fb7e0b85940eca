"""A visit time typed in a conversation: what was understood is shown back before it is used.

A guess ("ce soir" -> 20:00, "9h" said at 10h -> tomorrow) is asked about with a "yes" button;
a day without an hour asks for the hour (and the next words complete it); a time gone by is
kindly refused. The handler waiting for the time calls `understood` and gets either the moment
or the replies to send.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from handlers import i18n
from handlers.common import actions as a
from handlers.common.formats import day_at
from handlers.core import Reply, Stale
from handlers.turn import Turn
from store.parsing.when import When, read_when
from store.search import fold

Handler = Callable[[Turn], list[Reply]]
KEYS = ("wguess", "wtyped", "wok", "wday")  # kept in the conversation while a time is being settled
YES = frozenset((
    "oui", "ouais", "ok", "okay", "d accord", "daccord", "c est ca", "oui c est ca", "exact",
    "parfait", "oui merci", "ok merci", "yes", "yep", "yes please", "that s right", "correct",
))  # fmt: skip


@dataclass(frozen=True)
class Understood:
    moment: datetime  # aware UTC
    right_now: bool  # "maintenant", "tout de suite"


def spoken(turn: Turn, moment: datetime) -> str:
    """ "samedi 12 décembre à 15:00" in the person's language and the town's zone."""
    return day_at(turn.lang, moment, turn.tz)


def _read(turn: Turn) -> When:
    """The typed words, completed by the day typed just before when they name only an hour."""
    reading = read_when(turn.text, turn.now(), turn.tz)
    earlier = turn.data.get("wday")
    if earlier and reading.status in ("sure", "unsure", "past") and not reading.day_given:
        reading = read_when(f"{earlier} {turn.text}", turn.now(), turn.tz)
    return reading


def understood(turn: Turn) -> Understood | list[Reply]:
    """The moment typed (or just confirmed), or the replies that show back or ask again."""
    guess = turn.data.get("wguess")
    if guess and _is_yes(turn.text):  # "oui" typed rather than the button tapped
        turn.remember(wok=True)
    if turn.data.get("wok") and guess:
        moment, typed = datetime.fromisoformat(guess), turn.data.get("wtyped", "")
        turn.forget(*KEYS)
        if moment <= turn.now():  # confirmed too late
            when = spoken(turn, moment)
            return [turn.reply("visit_time_past", turn.nav(), typed=typed, when=when)]
        return Understood(moment, right_now=False)
    reading = _read(turn)
    typed = turn.text[:40]
    if reading.status == "day" and reading.day is not None:
        turn.remember(wday=turn.text[:60])
        day = i18n.day(reading.day, turn.lang)
        return [turn.reply("visit_time_which_hour", turn.nav(), day=day[:1].upper() + day[1:])]
    if reading.moment is None:
        return [turn.reply("visit_time_not_understood", turn.nav(), typed=typed)]
    if reading.status == "past":
        when = spoken(turn, reading.moment)
        return [turn.reply("visit_time_past", turn.nav(), typed=typed, when=when)]
    if reading.status == "unsure":
        turn.remember(wguess=reading.moment.isoformat(), wtyped=typed)
        options = [turn.option("visit_time_yes", a.V_WHEN.pack()), *turn.nav()]
        return [turn.reply("visit_time_check", options, when=spoken(turn, reading.moment))]
    turn.forget(*KEYS)
    return Understood(reading.moment, right_now=reading.status == "now")


def _is_yes(text: str) -> bool:
    words = " ".join(re.sub(r"[^a-z ]", " ", fold(text)).split())
    return words in YES or (not words and "👍" in text)


class Waiting(Protocol):
    """An awaited input (`routes.Awaited`): the handler the typed time goes to."""

    @property
    def handler(self) -> Handler: ...


def confirm(turn: Turn, inputs: Mapping[str, Waiting]) -> list[Reply]:
    """`vwhen`: "yes, that's it" to a time shown back; the waiting handler goes on with it."""
    waiting = inputs.get(turn.state.expect or "")
    if waiting is None or not turn.data.get("wguess"):
        raise Stale("vwhen")
    turn.remember(wok=True)
    return waiting.handler(turn)
