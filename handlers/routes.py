"""The routing table: every action, command, typed input and keyword, in one place.

An action is `name:arg:arg` (what a button carries, at most 64 bytes); `handlers.engine`
resolves a typed menu number or label to the same action before looking here.
"""

from collections.abc import Callable

from handlers import (
    browse,
    cart,
    checkout,
    follow,
    merchant_items,
    merchant_join,
    merchant_manage,
    merchant_menu,
    merchant_orders,
    merchant_photo,
    merchant_setup,
    orders,
    pickup,
    prefs,
    private_visits,
    search,
    start,
    visit_times,
    visit_view,
    visits,
)
from handlers.core import Reply
from handlers.turn import Turn

Handler = Callable[[Turn], list[Reply]]

# Button payloads: name -> handler (arguments in turn.args).
ACTIONS: dict[str, Handler] = {
    "home": start.home,
    "help": start.help_,
    "photo_unexpected": start.unexpected_photo,  # sent by channels: a photo nobody keeps
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
    # Notifications: message preferences.
    "prefs": prefs.switch,  # prefs | prefs:<on|off>
}

# Merchants run their shop (every handler checks the user is staff of that shop).
ACTIONS |= {
    "mshop": merchant_menu.menu,
    "mshops": merchant_menu.shops,
    "mswitch": merchant_menu.switch,  # mswitch:<shop_id>
    "minvite": merchant_join.invite_staff,
    "msettings": merchant_setup.settings,
    "mset": merchant_setup.edit,  # mset:<field>
    "mskip": merchant_setup.skip,  # mskip:<field>
    "mcat": merchant_setup.category,  # mcat:<category>
    "mpickup": merchant_setup.pickup,  # mpickup:<0|1>
    "mdelivery": merchant_setup.delivery,  # mdelivery:<0|1>
    "mhoursok": merchant_setup.hours_ok,
    "mdpub": merchant_items.publish,  # the draft item (in the conversation state)
    "mdp": merchant_items.draft_price,
    "mds": merchant_items.draft_stock,
    "mdn": merchant_items.draft_name,
    "mdd": merchant_items.draft_desc,
    "mdshow": merchant_items.draft_show,
    "mdx": merchant_items.cancel,
    "mfile": merchant_items.not_an_image,  # mfile:<big|other> (sent by channels)
    "mitems": merchant_manage.items,  # mitems:<page>
    "mitem": merchant_manage.item,  # mitem:<item_id>
    "mie": merchant_manage.ask,  # mie:<item_id>:<price|stock|name|desc|photos>
    "mhide": merchant_manage.hide,  # mhide:<item_id>
    "mdel": merchant_manage.delete,  # mdel:<item_id>
    "mdelok": merchant_manage.delete_confirmed,  # mdelok:<item_id>
    "mpending": merchant_orders.pending,
    "mtoday": merchant_orders.today,
    "mord": merchant_orders.details,  # mord:<order_id>
    "macc": merchant_orders.accept,  # macc:<order_id>
    "mdec": merchant_orders.decline,  # mdec:<order_id>
    "mdecr": merchant_orders.decline_reason,  # mdecr:<order_id>:<reason>
    "mrdy": merchant_orders.ready,  # mrdy:<order_id>
    "mout": merchant_orders.out,  # mout:<order_id>
    "mdlv": merchant_orders.delivered,  # mdlv:<order_id>
    "mremise": pickup.ask_code,
    "mhand": pickup.hand_over,  # mhand:<order_id>
    "mnrdy": pickup.not_ready,  # mnrdy:<order_id>
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
    # Notifications: message preferences.
    "stop": prefs.stop,
    "reglages": prefs.menu,
    "settings": prefs.menu,
    "notifications": prefs.menu,
}

# Deep-link payloads of /start: kind -> handler (the value in turn.args[0]).
DEEP_LINKS: dict[str, Handler] = {
    "shop": browse.shop_link,  # shop-<slug>
    "join": merchant_join.link,  # join-<invite code>
    "pickup": pickup.link,  # pickup-<token> (the customer's QR, scanned by the shop)
}

# What typed text means while the conversation awaits it (ConversationState.expect).
INPUTS: dict[str, Handler] = {
    "search": merchant_join.typed,  # codes typed after a search still work; else search
    # Cart and checkout.
    cart.QUANTITY: cart.typed_quantity,
    checkout.ADDRESS: checkout.typed_address,  # also a shared location
    checkout.PHONE: checkout.typed_phone,
    checkout.NOTE: checkout.typed_note,
}
# Merchants: set-up answers, a draft item's details, item changes, decline reason, pickup code.
INPUTS |= {
    "mset": merchant_setup.typed,
    "mset_num": merchant_setup.typed,
    "mset_photo": merchant_setup.typed,  # words instead of the photo: re-asked
    "md_name": merchant_items.draft_typed,
    "md_price": merchant_items.draft_typed,
    "md_stock": merchant_items.draft_typed,
    "md_desc": merchant_items.draft_typed,
    "mi_text": merchant_manage.typed,
    "mi_num": merchant_manage.typed,
    "mi_photos": merchant_manage.typed,
    "m_decline": merchant_orders.decline_typed,
    "m_code": pickup.typed_code,
}
# Awaited inputs that are numbers, so a typed "2" is not read as the 2nd menu option.
NUMERIC_INPUTS: set[str] = {cart.QUANTITY, checkout.PHONE}
NUMERIC_INPUTS |= {"mset_num", "md_price", "md_stock", "mi_num", "m_code"}  # merchants

# Typed words (accents and case folded) that work everywhere.
KEYWORDS: dict[str, str] = {
    "menu": "home",
    "accueil": "home",
    "home": "home",
    "bonjour": "home",
    "hello": "home",
    "salut": "home",
    "bonsoir": "home",
    "coucou": "home",
    "hi": "home",
    "aide": "help",
    # "retour" picks the menu's own Retour option when there is one (labels match first).
    "retour": "home",
    "back": "home",
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
    # Merchants, from anywhere.
    "ma boutique": "mshop",
    "my shop": "mshop",
    # Notifications: message preferences.
    "reglages": "prefs",
    "settings": "prefs",
    "notifications": "prefs",
    "stop": "prefs:off",
}

PHOTO: Handler = merchant_photo.photo  # staff: a new item; others: start.unexpected_photo
LOCATION: Handler = start.unexpected_location  # a location nobody asked for
TEXT: Handler = merchant_join.typed  # an invite code, else search.results


# Live visits (issue 7).
ACTIONS |= {
    # The merchant's side (handlers/visits.py).
    "vnow": visits.start_now,  # vnow:<shop> (go live with the link just sent)
    "vplan": visits.ask_time,  # vplan:<shop> (schedule it: ask the day and time)
    "vnot": visits.not_a_visit,
    "vmeant": visits.use_meant,  # "yes, that link" to a "did you mean …?"
    "vwhen": lambda turn: visit_times.confirm(turn, INPUTS),  # "yes" to a time shown back
    "vgo": visits.start_scheduled,  # vgo:<visit>
    "vpanel": visits.panel,  # vpanel:<visit> (joins, reservations)
    "vend": visits.end,  # vend:<visit>
    "vcancel": visits.cancel,  # vcancel:<visit> (a scheduled one)
    # The viewers' side (handlers/visit_view.py).
    "live": visit_view.live,
    "vsee": visit_view.see,  # vsee:<visit>
    "vnotify": visit_view.notify_me,  # vnotify:<visit> ("Me prévenir")
    "vitems": visit_view.items,  # vitems:<visit> (the featured items)
    "vres": visit_view.reserve,  # vres:<visit>:<item>
    # Following shops (handlers/follow.py).
    "follow": follow.follow,  # follow:<shop>
    "unfollow": follow.unfollow,  # unfollow:<shop>
    "myshops": follow.my_shops,
    # Private visits (handlers/private_visits.py).
    "vprivate": private_visits.ask,  # vprivate:<shop>
    "vpacc": private_visits.accept,  # vpacc:<request> (the shop: yes, here is the link)
    "vpalt": private_visits.other_time,  # vpalt:<request> (the shop: another time)
    "vpdec": private_visits.shop_declines,  # vpdec:<request>
    "vpok": private_visits.take,  # vpok:<request> (the customer takes the shop's time)
    "vpno": private_visits.customer_declines,  # vpno:<request>
}
COMMANDS |= {
    "direct": visit_view.live,
    "live": visit_view.live,
    "mesboutiques": follow.my_shops,
    "myshops": follow.my_shops,
}
INPUTS |= {
    "vplan": visits.schedule,  # the day and time of a visit
    "vprivate": private_visits.propose,  # the time a customer proposes
    "vpalt": private_visits.counter,  # the time the shop proposes instead
    "vplink": private_visits.send_link,  # the link of an accepted private visit
}
KEYWORDS |= {
    "en direct": "live",
    "direct": "live",
    "live": "live",
    "mes boutiques": "myshops",
    "my shops": "myshops",
}
# A staff member's video link offers a live visit; any other words go on as before.
TEXT = visits.with_video_links(TEXT)
