"""Where a photo goes: a customer's is answered kindly; a merchant's is an item or a setting."""

from handlers.common.rights import is_staff
from handlers.core import Reply
from handlers.customer import start
from handlers.merchant import catalogue as merchant_manage
from handlers.merchant import items as merchant_items
from handlers.merchant import setup as merchant_setup
from handlers.turn import Turn


def photo(turn: Turn) -> list[Reply]:
    """A photo, routed by who sent it and what the conversation was waiting for."""
    if not is_staff(turn):
        return start.unexpected_photo(turn)
    if turn.state.expect == "mset_photo":
        return merchant_setup.photo(turn)
    if turn.state.expect == "mi_photos":
        return merchant_manage.new_photos(turn)
    return merchant_items.photo(turn)
