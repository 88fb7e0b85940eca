"""Welcome, home menu, help, language, and the answers for what nobody asked for."""

from sqlalchemy import bindparam
from sqlmodel import func, select

from handlers import i18n
from handlers.common import actions as a
from handlers.common.menus import home_options
from handlers.core import Option, Reply
from handlers.customer import prefs
from handlers.turn import Turn
from store.models import Shop


def start(turn: Turn) -> list[Reply]:
    """`/start`: the welcome (the engine opens deep links `/start <kind>-<value>` itself)."""
    turn.expect(None)
    resumed = prefs.resume(turn)  # /start after /stop: messages welcome again
    return [*resumed, *welcome(turn)]


# Built once (building a statement costs more than running it).
_SHOPS_ONLINE = (
    select(func.count()).select_from(Shop).where(Shop.town_id == bindparam("town"), Shop.active)
)


def welcome(turn: Turn) -> list[Reply]:
    """The town's name, how many shops are online, and the home menu."""
    town = turn.town
    count = turn.session.exec(_SHOPS_ONLINE, params={"town": town.id}).one()
    return [Reply(turn.t("welcome", town=town.name, count=count), options=home_options(turn))]


def home(turn: Turn) -> list[Reply]:
    """The home menu; a newcomer's first "bonjour" (WhatsApp has no /start) gets the welcome."""
    turn.expect(None)
    if not turn.state.menu and turn.incoming.text and not turn.incoming.action:
        return welcome(turn)
    return [Reply(turn.t("home"), options=home_options(turn), replace=True)]


def help_(turn: Turn) -> list[Reply]:
    """What the bot can do and how to talk to it."""
    turn.expect(None)
    return [turn.reply("help", home_options(turn), town=turn.town.name)]


def languages(turn: Turn) -> list[Reply]:
    """Choose French or English."""
    options = [
        Option(i18n.t(code, "language_name"), a.LANGUAGE.pack(code)) for code in i18n.LANGUAGES
    ]
    return [turn.reply("language_ask", [*options, *turn.nav()])]


def set_language(turn: Turn) -> list[Reply]:
    """`lang:<fr|en>`: switch the user's language."""
    turn.user.language = a.LANGUAGE.args(turn).code
    return [turn.reply("language_set"), *home(turn)]


def cancel(turn: Turn) -> list[Reply]:
    """Drop whatever typed answer was awaited and go home."""
    turn.expect(None)
    return [turn.reply("cancelled"), *home(turn)]


def unexpected_photo(turn: Turn) -> list[Reply]:
    """A photo from a customer: only shop staff post photos."""
    return [turn.reply("photo_not_expected", home_options(turn))]


def unexpected_location(turn: Turn) -> list[Reply]:
    """A location nobody asked for."""
    return [turn.reply("location_not_expected", home_options(turn))]
