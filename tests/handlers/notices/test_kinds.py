"""Every kind of message the bot writes for later is listed, with its template variables."""

import ast

from bot.channels.whatsapp import REPLY_KIND
from handlers.notices import ALL_KINDS
from tests.test_layering import modules

WRITERS = {"notify", "notify_staff", "enqueue", "fan_out", "_send", "tell_customer"}


def _kinds_written() -> dict[str, str]:
    """kind -> where, for each string literal passed as the kind of an outbox write."""
    found = {}
    for name, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called not in WRITERS:
                continue
            for arg in [*node.args, *(k.value for k in node.keywords if k.arg == "kind")]:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found[arg.value] = f"{name}:{node.lineno}"
    return found


def test_every_outbox_kind_is_in_the_registry():
    written = _kinds_written()
    assert len(written) >= 15
    unlisted = {kind: where for kind, where in written.items() if kind not in ALL_KINDS}
    assert unlisted == {}


def test_the_registry_lists_only_kinds_the_bot_writes():
    written = set(_kinds_written())
    assert set(ALL_KINDS) <= written
    assert REPLY_KIND == "reply" and REPLY_KIND not in ALL_KINDS  # never a template
