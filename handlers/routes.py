"""The routing table: every action, command, typed input and keyword, in one place.

An action is `name:arg:arg` (what a button carries, at most 64 bytes); `handlers.engine`
resolves a typed menu number or label to the same action before looking here.
"""

from collections.abc import Callable

from handlers import browse, cart, checkout, orders, search, start
from handlers.core import Reply
from handlers.turn import Turn

Handler = Callable[[Turn], list[Reply]]

# Button payloads: name -> handler (arguments in turn.args).
ACTIONS: dict[str, Handler] = {
    "home": start.home,
    "help": start.help_,
    "langs": start.languages,
    "lang": start.set_language,  # lang:<fr|en>
    "cancel": start.cancel,
    "search": search.ask,
    "found": search.results,  # found:<page> (the last query, next page)
    # Browsing the town (handlers/browse.py).
    "cats": browse.categories,  # cats[:<page>]
    "cat": browse.category,  # cat:<category>:<page>
    "shop": browse.shop,  # shop:<shop_id>
    "items": browse.catalogue,  # items:<shop_id>:<page>
    "item": browse.item,  # item:<item_id>
    # Cart, checkout and my orders (handlers/cart.py, checkout.py, confirm.py, orders.py).
    "add": cart.add,  # add:<item_id>
    "cart": cart.show,
    "cq": cart.change,  # cq:<item_id>[:<quantity>]
    "rm": cart.remove,  # rm:<item_id>
    "checkout": cart.checkout,
    "co": checkout.step,  # co:<shop_id>[:mode|p|d|day:<YYYYMMDD>|slot:<HHMM>|tel|note|skip|ok]
    "orders": orders.listing,
    "order": orders.detail,  # order:<order_id>
    "ocancel": orders.cancel,  # ocancel:<order_id>[:yes]
}

# Slash commands (Telegram's menu; typed anywhere).
COMMANDS: dict[str, Handler] = {
    "start": start.start,  # /start [shop-<slug> | pickup-<token> | join-<code>]
    "menu": start.home,
    "aide": start.help_,
    "help": start.help_,
    "langue": start.languages,
    "language": start.languages,
    "recherche": search.ask,
    "search": search.ask,
    # Browsing the town.
    "boutiques": browse.categories,
    "shops": browse.categories,
    # Cart and orders.
    "panier": cart.show,
    "cart": cart.show,
    "commander": cart.checkout,
    "checkout": cart.checkout,
    "commandes": orders.listing,
    "orders": orders.listing,
}

# Deep-link payloads of /start: kind -> handler (the value in turn.args[0]).
DEEP_LINKS: dict[str, Handler] = {
    "shop": browse.shop_link,  # shop-<slug>
}

# What typed text means while the conversation awaits it (ConversationState.expect).
INPUTS: dict[str, Handler] = {
    "search": search.results,
    # Cart and checkout.
    cart.QUANTITY: cart.typed_quantity,
    checkout.ADDRESS: checkout.typed_address,  # also a shared location
    checkout.PHONE: checkout.typed_phone,
    checkout.NOTE: checkout.typed_note,
}
# Awaited inputs that are numbers, so a typed "2" is not read as the 2nd menu option.
NUMERIC_INPUTS: set[str] = {cart.QUANTITY, checkout.PHONE}

# Typed words (accents and case folded) that work everywhere.
KEYWORDS: dict[str, str] = {
    "menu": "home",
    "accueil": "home",
    "home": "home",
    "bonjour": "home",
    "hello": "home",
    "aide": "help",
    "help": "help",
    "annuler": "cancel",
    "cancel": "cancel",
    "recherche": "search",
    "search": "search",
    "langue": "langs",
    "language": "langs",
    # Browsing the town.
    "boutiques": "cats",
    "boutique": "cats",
    "commerces": "cats",
    "magasins": "cats",
    "categories": "cats",
    "shops": "cats",
    "stores": "cats",
    # Cart and orders.
    "panier": "cart",
    "cart": "cart",
    "basket": "cart",
    "commander": "checkout",
    "checkout": "checkout",
    "commandes": "orders",
    "mes commandes": "orders",
    "orders": "orders",
    "my orders": "orders",
}

PHOTO: Handler = start.unexpected_photo  # a photo (with or without caption)
LOCATION: Handler = start.unexpected_location  # a location nobody asked for
TEXT: Handler = search.results  # any other typed words
