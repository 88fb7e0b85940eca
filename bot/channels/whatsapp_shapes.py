"""Reply shapes: a few Content API resources whose text, buttons and list rows are variables.

WhatsApp shows real quick-reply buttons (3 at most in session without approval) and
list-pickers (1 to 10 rows) only when the message names a Content API resource
(`ContentSid`); nothing in a plain `Body` is tappable. So we create, once, one resource per
button count and per row count, and fill in the body, the titles and the ids of each reply
through `ContentVariables`. The tapped button's or row's id is the option's action string,
so a tap resolves exactly like a Telegram callback.

`shape_for` picks the best shape for a reply: <= 3 options whose labels fit a button
(20 characters) as buttons, else a list-picker (row titles cut to 24 characters, the full
label in the row's description), more than 10 as pages of 9 rows and a "Suite" row.
"""

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from handlers import i18n
from handlers.core import Option

MAX_BUTTONS = 3  # quick-reply buttons WhatsApp sends in session without approval
MAX_ROWS = 10
PAGE_ROWS = MAX_ROWS - 1  # a page of a longer list: 9 options and "Suite"
BUTTON_TITLE = 20  # WhatsApp's limit for a reply button's title
ROW_TITLE = 24
ROW_DESCRIPTION = 72
MAX_ID = 200  # a row's id; Meta allows 256 for a button's, we keep to the smaller
MAX_BODY = 1024  # body of a quick-reply or list-picker
LIST_BUTTON = 20
MORE = "wamore"  # the id of a "Suite" row: wamore:<offset of the next page>


@dataclass(frozen=True)
class Shape:
    """One Content API resource: its name (ours), its definition, and what it holds."""

    name: str
    kind: str  # "buttons" | "list" | "card" (a photo, its caption and buttons)
    count: int

    def definition(self, media_base: str = "") -> dict[str, Any]:
        """The JSON body of `POST /v1/Content` (variables carry sample values).

        A card's media URL must start with a fixed host: `media_base` (our public URL's
        media path); the rest of the photo's URL is a variable.
        """
        variables: dict[str, str] = {"1": "Texte"}
        if self.kind == "card":
            variables["2"] = "demo.jpg"
            actions = []
            for n in range(self.count):
                title, ident = str(3 + 2 * n), str(4 + 2 * n)
                variables[title], variables[ident] = f"Choix {n + 1}", f"home:{n}"
                actions.append(
                    {"type": "QUICK_REPLY", "title": "{{" + title + "}}", "id": "{{" + ident + "}}"}
                )
            card = {"title": "{{1}}", "media": [media_base + "{{2}}"], "actions": actions}
            return {
                "friendly_name": f"vitrine_{self.name}",
                "language": "fr",
                "variables": variables,
                "types": {"twilio/card": card, "twilio/text": {"body": "{{1}}"}},
            }
        if self.kind == "buttons":
            actions = []
            for n in range(self.count):
                title, ident = str(2 + 2 * n), str(3 + 2 * n)
                variables[title], variables[ident] = f"Choix {n + 1}", f"home:{n}"
                actions.append({"title": "{{" + title + "}}", "id": "{{" + ident + "}}"})
            rich: dict[str, Any] = {"twilio/quick-reply": {"body": "{{1}}", "actions": actions}}
        else:
            variables["2"] = "Choisir"
            items = []
            for n in range(self.count):
                item, ident, desc = (str(3 + 3 * n + k) for k in range(3))
                variables[item], variables[ident] = f"Choix {n + 1}", f"home:{n}"
                variables[desc] = f"Choix numéro {n + 1}"
                items.append(
                    {
                        "item": "{{" + item + "}}",
                        "id": "{{" + ident + "}}",
                        "description": "{{" + desc + "}}",
                    }
                )
            rich = {"twilio/list-picker": {"body": "{{1}}", "button": "{{2}}", "items": items}}
        return {
            "friendly_name": f"vitrine_{self.name}",
            "language": "fr",
            "variables": variables,
            "types": {**rich, "twilio/text": {"body": "{{1}}"}},
        }

    def digest(self, media_base: str = "") -> str:
        return definition_digest(self.definition(media_base))


def definition_digest(definition: dict[str, Any]) -> str:
    text = json.dumps(definition, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


SHAPES: dict[str, Shape] = {
    **{f"qr{n}": Shape(f"qr{n}", "buttons", n) for n in range(1, MAX_BUTTONS + 1)},
    **{f"list{n}": Shape(f"list{n}", "list", n) for n in range(1, MAX_ROWS + 1)},
    **{f"card{n}": Shape(f"card{n}", "card", n) for n in range(1, MAX_BUTTONS + 1)},
}


def size(text: str) -> int:
    """Length as Twilio counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def cut(text: str, limit: int) -> str:
    """`text` in at most `limit` units, ending with "…" when it had to be cut."""
    text = " ".join(text.split())
    if size(text) <= limit:
        return text
    while size(text) > limit - 1:
        text = text[:-1]
    return text.rstrip() + "…"


@dataclass(frozen=True)
class Filled:
    """A shape and its variables for one message."""

    shape: str
    variables: dict[str, str]

    def json(self) -> str:
        return json.dumps(self.variables, ensure_ascii=False)


def fits_buttons(options: Sequence[Option]) -> bool:
    return len(options) <= MAX_BUTTONS and all(size(o.label) <= BUTTON_TITLE for o in options)


def page(options: Sequence[Option], offset: int) -> tuple[list[Option], int | None]:
    """The options of the page starting at `offset` and where the next page starts."""
    rest = list(options[offset:])
    if len(rest) <= MAX_ROWS:
        return rest, None
    return rest[:PAGE_ROWS], offset + PAGE_ROWS


def fill(body: str, options: Sequence[Option], lang: str, offset: int = 0) -> Filled | None:
    """The shape and variables for `body` and its action `options`; None when none fits."""
    body = body.strip() or i18n.t(lang, "wa_choose")
    actions = [o.action or "" for o in options]
    if size(body) > MAX_BODY or any(len(a) > MAX_ID for a in actions):
        return None
    if len(set(actions)) != len(actions):  # ids must be unique within a message
        return None
    if offset == 0 and fits_buttons(options):
        values = {"1": body}
        for n, option in enumerate(options):
            values[str(2 + 2 * n)] = option.label.strip()
            values[str(3 + 2 * n)] = option.action or ""
        return Filled(f"qr{len(options)}", values)
    shown, following = page(options, offset)
    rows: list[tuple[str, str, str]] = []
    for n, option in enumerate(shown, offset + 1):
        label = " ".join(option.label.split())
        title = cut(label, ROW_TITLE)
        hint = i18n.t(lang, "wa_row_hint", number=n)
        description = cut(label, ROW_DESCRIPTION) if title != label else hint
        rows.append((title, option.action or "", description))
    if following is not None:
        more = i18n.t(lang, "wa_more")
        rows.append((more, f"{MORE}:{following}", i18n.t(lang, "wa_more_hint")))
    values = {"1": body, "2": i18n.t(lang, "wa_list_button")}
    for n, (title, ident, description) in enumerate(rows):
        values[str(3 + 3 * n)] = title
        values[str(4 + 3 * n)] = ident
        values[str(5 + 3 * n)] = description
    return Filled(f"list{len(rows)}", values)


def fill_card(caption: str, photo_path: str, options: Sequence[Option], lang: str) -> Filled | None:
    """A photo with its caption and up to 3 buttons in one message; None when it cannot.

    With more options than fit, the card holds the first two and "Autres choix", which
    opens the whole menu as a list (the engine remembers it, as for a typed number).
    """
    if not fits_buttons(options):
        more = Option(i18n.t(lang, "wa_more_choices"), f"{MORE}:0")
        options = [Option(cut(o.label, BUTTON_TITLE), o.action) for o in options[:2]] + [more]
    buttons = fill(caption, options, lang)
    if buttons is None or not buttons.shape.startswith("qr"):
        return None
    values = {"1": buttons.variables["1"], "2": photo_path}
    for n in range(len(options)):
        values[str(3 + 2 * n)] = buttons.variables[str(2 + 2 * n)]
        values[str(4 + 2 * n)] = buttons.variables[str(3 + 2 * n)]
    return Filled(f"card{len(options)}", values)
