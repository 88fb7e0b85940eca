"""Where a photo goes: a customer's is answered kindly; a merchant's is an item or a setting."""

from handlers import merchant_items, merchant_manage, merchant_setup, start
from handlers.core import Reply
from handlers.merchant_rights import is_staff
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
