"""The routing table: every action, command, deep link, awaited input, keyword and fallback.

One section per folder. An action is `name:arg:arg` (what a button carries, at most 64
bytes), declared with its typed arguments in `handlers/common/actions.py`; the engine
resolves a typed menu number, label or keyword to the same action before looking here.
Only `handlers/engine.py` imports this module (tests/test_layering.py checks it).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from handlers.common import actions as a
from handlers.core import Reply
from handlers.customer import browse, cart, checkout, orders, prefs, search, start, towns
from handlers.merchant import catalogue, handover, items, join, menu, photos, setup, setup_view
from handlers.merchant import orders as shop_orders
from handlers.merchant import payments as shop_payments
from handlers.turn import Turn
from handlers.visits import follow, live, private, times, viewer

Handler = Callable[[Turn], list[Reply]]
Claimer = Callable[[Turn], list[Reply] | None]  # None: not mine, ask the next one


@dataclass(frozen=True)
class Awaited:
    """What typed input means while the conversation awaits it (`ConversationState.expect`).

    `reads`: "text" (a typed 1, 2, ... still picks from the menu), "number" (digits are the
    answer), "phone" (a 1- or 2-digit number within the menu picks from it, anything longer
    is the answer), "photo" (photos go to `photos`; words to `handler`, which asks again).
    A shared location goes to `handler` too.
    """

    handler: Handler
    reads: Literal["text", "number", "phone", "photo"] = "text"
    photos: Handler | None = None


def first_of(*claimers: Claimer, last: Handler) -> Handler:
    """The first claimer that takes the message, else `last`."""

    def claim(turn: Turn) -> list[Reply]:
        for claimer in claimers:
            replies = claimer(turn)
            if replies is not None:
                return replies
        return last(turn)

    return claim


# Button payloads: name -> handler (read its arguments with `SPEC.args(turn)`).
ACTIONS: dict[str, Handler] = {
    # Start, help, language (customer/start.py); search (customer/search.py).
    a.HOME.name: start.home,
    a.HELP.name: start.help_,
    a.PHOTO_UNEXPECTED.name: start.unexpected_photo,  # sent by channels: a photo nobody keeps
    a.LANGUAGES.name: start.languages,
    a.LANGUAGE.name: start.set_language,
    a.CANCEL.name: start.cancel,
    a.SEARCH.name: search.ask,
    a.FOUND.name: search.results,
    a.TOWNS.name: towns.choose,
    a.TOWN.name: towns.pick,
    # Customers: browsing, cart, checkout step by step, orders, preferences (customer/).
    a.CATEGORIES.name: browse.categories,
    a.CATEGORY.name: browse.category,
    a.SHOP.name: browse.shop,
    a.CATALOGUE.name: browse.catalogue,
    a.ITEM.name: browse.item,
    a.ADD.name: cart.add,
    a.BUY.name: checkout.buy,
    a.CART.name: cart.show,
    a.QUANTITY.name: cart.change,
    a.REMOVE.name: cart.remove,
    a.CHECKOUT.name: checkout.from_cart,
    a.CO_START.name: checkout.start,
    a.CO_MODE.name: checkout.mode,
    a.CO_PICKUP.name: checkout.pickup,
    a.CO_DELIVERY.name: checkout.delivery,
    a.CO_DAY.name: checkout.day,
    a.CO_SLOT.name: checkout.slot,
    a.CO_SOON.name: checkout.soon,
    a.CO_ADDRESS_LAST.name: checkout.last_address,
    a.CO_PHONE.name: checkout.known_phone,
    a.CO_PHONE_ASK.name: checkout.other_phone,
    a.CO_NOTE.name: checkout.note,
    a.CO_SKIP.name: checkout.skip,
    a.CO_CONFIRM.name: checkout.place,
    a.CO_PAY.name: checkout.pay,
    a.ORDERS.name: orders.listing,
    a.ORDER.name: orders.detail,
    a.ORDER_CANCEL.name: orders.cancel,
    a.PREFS.name: prefs.switch,
    a.NEWS.name: prefs.news_switch,
    a.NEWS_STOP.name: prefs.news_stop,
    # Merchants run their shop (merchant/): every handler checks the user is its staff.
    a.M_MENU.name: menu.menu,
    a.M_SHOPS.name: menu.shops,
    a.M_SWITCH.name: menu.switch,
    a.M_INVITE.name: join.invite_staff,
    a.M_PAYMENTS.name: shop_payments.menu,
    a.M_PAY_MODE.name: shop_payments.set_mode,
    a.M_SETTINGS.name: setup_view.settings,
    a.M_SET.name: setup.edit,
    a.M_SKIP.name: setup.skip,
    a.M_CATEGORY.name: setup.category,
    a.M_PICKUP.name: setup.pickup,
    a.M_DELIVERY.name: setup.delivery,
    a.M_HOURS_OK.name: setup.hours_ok,
    a.M_COMPLETE.name: setup.complete,
    a.M_CLOSURES_OK.name: setup.closures_ok,
    a.M_PUBLISH.name: items.publish,
    a.M_DRAFT_PRICE.name: items.draft_price,
    a.M_DRAFT_STOCK.name: items.draft_stock,
    a.M_DRAFT_NAME.name: items.draft_name,
    a.M_DRAFT_DESC.name: items.draft_desc,
    a.M_DRAFT_SHOW.name: items.draft_show,
    a.M_DRAFT_DROP.name: items.cancel,
    a.M_DRAFT_PRICE_CHOSEN.name: items.draft_price_chosen,
    a.M_FILE.name: items.not_an_image,
    a.M_ITEMS.name: catalogue.items,
    a.M_ITEM.name: catalogue.item,
    a.M_ITEM_EDIT.name: catalogue.ask,
    a.M_HIDE.name: catalogue.hide,
    a.M_DELETE.name: catalogue.delete,
    a.M_DELETE_OK.name: catalogue.delete_confirmed,
    a.M_PENDING.name: shop_orders.pending,
    a.M_TODAY.name: shop_orders.today,
    a.M_ORDER.name: shop_orders.details,
    a.M_ACCEPT.name: shop_orders.accept,
    a.M_DECLINE.name: shop_orders.decline,
    a.M_DECLINE_REASON.name: shop_orders.decline_reason,
    a.M_READY.name: shop_orders.ready,
    a.M_OUT.name: shop_orders.out,
    a.M_DELIVERED.name: shop_orders.delivered,
    a.M_HANDOVER.name: handover.ask_code,
    a.M_HAND_OVER.name: handover.hand_over,
    a.M_NOT_READY.name: handover.not_ready,
    # Live visits (visits/): the merchant's side, the viewers', following, private visits.
    a.V_NOW.name: live.start_now,
    a.V_PLAN.name: live.ask_time,
    a.V_NOT.name: live.not_a_visit,
    a.V_MEANT.name: live.use_meant,
    a.V_WHEN.name: lambda turn: times.confirm(turn, INPUTS),
    a.V_GO.name: live.start_scheduled,
    a.V_PANEL.name: live.panel,
    a.V_END.name: live.end,
    a.V_CANCEL.name: live.cancel,
    a.V_LIVE.name: viewer.live,
    a.V_SEE.name: viewer.see,
    a.V_NOTIFY.name: viewer.notify_me,
    a.V_ITEMS.name: viewer.items,
    a.V_RESERVE.name: viewer.reserve,
    a.FOLLOW.name: follow.follow,
    a.UNFOLLOW.name: follow.unfollow,
    a.MY_SHOPS.name: follow.my_shops,
    a.P_ASK.name: private.ask,
    a.P_ACCEPT.name: private.accept,
    a.P_OTHER_TIME.name: private.other_time,
    a.P_SHOP_DECLINES.name: private.shop_declines,
    a.P_TAKE.name: private.take,
    a.P_CUSTOMER_DECLINES.name: private.customer_declines,
}

# Slash commands (Telegram's menu; typed anywhere).
COMMANDS: dict[str, Handler] = {
    "start": start.start,  # /start [shop-<slug> | town-<slug> | ...]: DEEP_LINKS
    "menu": start.home,
    "aide": start.help_,
    "help": start.help_,
    "langue": start.languages,
    "language": start.languages,
    "recherche": search.ask,
    "search": search.ask,
    # Customers.
    "ville": towns.choose,
    "town": towns.choose,
    "boutiques": browse.categories,
    "shops": browse.categories,
    "panier": cart.show,
    "cart": cart.show,
    "commander": checkout.from_cart,
    "checkout": checkout.from_cart,
    "commandes": orders.listing,
    "orders": orders.listing,
    "stop": prefs.stop,
    "reglages": prefs.menu,
    "settings": prefs.menu,
    "notifications": prefs.menu,
    # Live visits.
    "direct": viewer.live,
    "live": viewer.live,
    "mesboutiques": follow.my_shops,
    "myshops": follow.my_shops,
}

# Deep links `/start <kind>-<value>`: kind -> handler (the value in turn.args[0]). The engine
# opens them, after ON_START.
DEEP_LINKS: dict[str, Handler] = {
    "shop": browse.shop_link,  # shop-<slug> (in the shop's town)
    "item": browse.item_link,  # item-<id> (in its shop's town)
    "town": towns.link,  # town-<slug>
    "join": join.link,  # join-<invite code>
    "pickup": handover.link,  # pickup-<token> (the customer's QR, scanned by the shop)
}
ON_START: Handler = prefs.resume  # /start after /stop: messages welcome again

# Words typed anywhere that are not a menu's: the first claimer that takes them answers.
SEARCH_WORDS: Handler = first_of(
    join.join_words,  # "join <code>" (a WhatsApp deep link's words)
    handover.pickup_words,  # "retrait <token>" (the same, for a pickup QR)
    join.typed_code,  # an invite code on its own
    handover.counter_code,  # a customer's pickup code, typed by staff
    towns.typed,  # a postcode, or another town's name
    last=search.results,
)
TEXT: Handler = first_of(live.video_link, last=SEARCH_WORDS)  # staff's video link first
PHOTO: Handler = first_of(photos.for_staff, last=start.unexpected_photo)
LOCATION: Handler = towns.shared_location  # a location nobody asked for: the nearest town

# What typed text means while the conversation awaits it (ConversationState.expect).
INPUTS: dict[str, Awaited] = {
    search.SEARCHING: Awaited(SEARCH_WORDS),  # codes typed after a search still work
    cart.QUANTITY: Awaited(cart.typed_quantity, reads="number"),
    checkout.ADDRESS: Awaited(checkout.typed_address),  # also a shared location
    checkout.PHONE: Awaited(checkout.typed_phone, reads="phone"),
    checkout.NOTE: Awaited(checkout.typed_note),
    # Merchants: set-up answers, a draft item, item changes, decline reason, pickup code.
    setup.ANSWER: Awaited(setup.typed),
    setup.NUMBER: Awaited(setup.typed, reads="number"),
    setup.PHOTO: Awaited(setup.typed, reads="photo", photos=setup.photo),
    "md_name": Awaited(items.draft_typed),
    "md_price": Awaited(items.draft_typed, reads="number"),
    "md_stock": Awaited(items.draft_typed, reads="number"),
    "md_desc": Awaited(items.draft_typed),
    catalogue.TEXT: Awaited(catalogue.typed),
    catalogue.NUMBER: Awaited(catalogue.typed, reads="number"),
    catalogue.PHOTOS: Awaited(catalogue.typed, reads="photo", photos=catalogue.new_photos),
    shop_orders.DECLINING: Awaited(shop_orders.decline_typed),
    handover.CODE: Awaited(handover.typed_code, reads="number"),
    # Live visits: the day and time of a visit; a private visit's time, counter-time, link.
    live.SCHEDULING: Awaited(live.schedule),
    private.PROPOSING: Awaited(private.propose),
    private.COUNTERING: Awaited(private.counter),
    private.LINKING: Awaited(private.send_link),
}

# Typed words (accents and case folded) that work everywhere.
KEYWORDS: dict[str, str] = {
    "menu": a.HOME.pack(),
    "accueil": a.HOME.pack(),
    "home": a.HOME.pack(),
    "bonjour": a.HOME.pack(),
    "hello": a.HOME.pack(),
    "salut": a.HOME.pack(),
    "bonsoir": a.HOME.pack(),
    "coucou": a.HOME.pack(),
    "hi": a.HOME.pack(),
    "aide": a.HELP.pack(),
    # "retour" picks the menu's own Retour option when there is one (labels match first).
    "retour": a.HOME.pack(),
    "back": a.HOME.pack(),
    "help": a.HELP.pack(),
    "annuler": a.CANCEL.pack(),
    "cancel": a.CANCEL.pack(),
    "recherche": a.SEARCH.pack(),
    "search": a.SEARCH.pack(),
    "langue": a.LANGUAGES.pack(),
    "language": a.LANGUAGES.pack(),
    # Customers.
    "boutiques": a.CATEGORIES.pack(),
    "boutique": a.CATEGORIES.pack(),
    "commerces": a.CATEGORIES.pack(),
    "magasins": a.CATEGORIES.pack(),
    "categories": a.CATEGORIES.pack(),
    "shops": a.CATEGORIES.pack(),
    "stores": a.CATEGORIES.pack(),
    "panier": a.CART.pack(),
    "cart": a.CART.pack(),
    "basket": a.CART.pack(),
    "commander": a.CHECKOUT.pack(),
    "checkout": a.CHECKOUT.pack(),
    "commandes": a.ORDERS.pack(),
    "mes commandes": a.ORDERS.pack(),
    "orders": a.ORDERS.pack(),
    "my orders": a.ORDERS.pack(),
    "reglages": a.PREFS.pack(),
    "settings": a.PREFS.pack(),
    "notifications": a.PREFS.pack(),
    "stop": a.PREFS.pack("off"),
    # Merchants, from anywhere.
    "ma boutique": a.M_MENU.pack(),
    "my shop": a.M_MENU.pack(),
    # Live visits.
    "en direct": a.V_LIVE.pack(),
    "direct": a.V_LIVE.pack(),
    "live": a.V_LIVE.pack(),
    "mes boutiques": a.MY_SHOPS.pack(),
    "my shops": a.MY_SHOPS.pack(),
}
