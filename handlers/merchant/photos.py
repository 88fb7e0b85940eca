"""Where a staff member's photo goes when no question awaits one: a new item.

The first claimer of the PHOTO chain in `handlers/routes.py`; photos a question awaits
(the shop's photo, an item's new photos) are routed by that question's `Awaited` row.
"""

from handlers.common.rights import runs_a_shop
from handlers.core import Reply
from handlers.merchant import items
from handlers.turn import Turn


def for_staff(turn: Turn) -> list[Reply] | None:
    """Shop staff: a new item from the photo (and its caption); anyone else: not mine."""
    if not runs_a_shop(turn):
        return None
    return items.photo(turn)
