"""Button payloads, `name:arg:arg`: each action declared once with typed arguments.

`Action("mrdy", OrderArg)` packs `mrdy:42` (refusing anything over Telegram's 64 bytes) and
reads it back as `OrderArg(order=42)`. Reading is strict and happens in one place: a
missing, extra, malformed or oversized argument is refused, logged, and answered like any
stale button ("Ce menu n'est plus à jour"). The engine reads every payload before its
handler runs; handlers read their typed arguments with `SPEC.args(turn)`.
"""

import logging
import types
from collections.abc import Callable, Sequence
from typing import Any, Generic, Literal, NamedTuple, TypeVar, Union, cast, get_args, get_origin

from handlers.core import Stale, check_payload
from handlers.turn import Turn

log = logging.getLogger(__name__)

MAX_DIGITS = 9  # a forged huge id must not overflow PostgreSQL's integer columns
MAX_WORD = 40  # a word argument (a category, a field name, a day) is short

A = TypeVar("A", bound=tuple[Any, ...])
Reader = Callable[[str], object]


class NoArgs(NamedTuple):
    """An action that takes no argument."""


class Malformed(ValueError):
    """A payload argument that is not of its declared type."""


def read_int(text: str) -> int:
    """Plain ASCII digits, at most nine: no sign, no spaces, no "²", no "١"."""
    if not (text.isascii() and text.isdigit() and len(text) <= MAX_DIGITS):
        raise Malformed(f"not a number: {text[:20]!r}")
    return int(text)


def read_word(text: str) -> str:
    """A short printable ASCII word (what our own buttons put there)."""
    if not (text and text.isascii() and text.isprintable() and len(text) <= MAX_WORD):
        raise Malformed(f"not a word: {text[:20]!r}")
    return text


def _reader(hint: Any) -> Reader:
    """The reader for an argument's annotation: int, str, a Literal, or `X | None`."""
    if get_origin(hint) in (Union, types.UnionType):
        (inner,) = [arg for arg in get_args(hint) if arg is not type(None)]
        return _reader(inner)
    if get_origin(hint) is Literal:
        choices = get_args(hint)

        def choice(text: str) -> object:
            for value in choices:
                if str(value) == text:
                    return value
            raise Malformed(f"not one of {choices}: {text[:20]!r}")

        return choice
    if hint is int:
        return read_int
    if hint is str:
        return read_word
    raise TypeError(f"no reader for payload arguments of type {hint!r}")


SPECS: dict[str, "Action[Any]"] = {}


class Action(Generic[A]):
    """One button payload: its name, the `NamedTuple` of its arguments, who uses it."""

    def __init__(self, name: str, shape: type[A], *, area: str) -> None:
        if name in SPECS:
            raise ValueError(f"action {name!r} is declared twice")
        if ":" in name:
            raise ValueError(f"action name {name!r} may not hold ':'")
        self.name, self.shape, self.area = name, shape, area
        hints = shape.__annotations__
        fields: tuple[str, ...] = getattr(shape, "_fields", ())
        defaults: dict[str, object] = getattr(shape, "_field_defaults", {})
        self._readers = [_reader(hints[f]) for f in fields]
        self._required = len(fields) - len(defaults)
        SPECS[name] = self

    def pack(self, *values: object) -> str:
        """`name:value:value`, checked to fit in a button."""
        if not self._required <= len(values) <= len(self._readers):
            raise TypeError(f"{self.name} takes {len(self._readers)} arguments, not {values!r}")
        return check_payload(":".join([self.name, *(str(v) for v in values)]))

    def read(self, raw: Sequence[str]) -> A:
        """The typed arguments of a payload's parts after the name; `Malformed` otherwise."""
        if not self._required <= len(raw) <= len(self._readers):
            raise Malformed(f"{len(raw)} arguments")
        build = cast(Callable[..., A], self.shape)
        return build(*(read(text) for read, text in zip(self._readers, raw, strict=False)))

    def args(self, turn: Turn) -> A:
        """This turn's arguments; a malformed payload is refused (logged, then stale)."""
        try:
            return self.read(turn.args)
        except Malformed as exc:
            raise refuse(turn, f"{self.name}: {exc}", area=self.area) from exc


def refuse(turn: Turn, what: str, *, area: str = "merchant") -> Stale:
    """Log a forged, foreign or malformed payload and return the `Stale` to raise."""
    log.warning(
        "refused %s action %r of user %s (%s:%s): %s",
        area,
        (turn.incoming.action or turn.text)[:80],
        turn.user.id,
        turn.user.channel,
        turn.user.channel_ref,
        what,
    )
    return Stale(what)


def check(turn: Turn, name: str, args: Sequence[str]) -> None:
    """The engine's strict read of a payload before its handler runs (when it is declared)."""
    spec = SPECS.get(name)
    if spec is not None:
        try:
            spec.read(args)
        except Malformed as exc:
            raise refuse(turn, f"{name}: {exc}", area=spec.area) from exc
