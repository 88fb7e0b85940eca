"""Every button payload the bot sends, with its typed arguments, by folder.

Buttons are built with `SPEC.pack(...)`, handlers read `SPEC.args(turn)`, and
`handlers/routes.py` maps each `SPEC.name` to its handler. The specs live here, below the
feature folders, because a message for someone else (`notices/`) or a shop's card
(`customer/`) carries buttons that another folder answers.
"""

from functools import partial
from typing import Literal, NamedTuple

from handlers.common.args import Action, NoArgs


class Page(NamedTuple):
    page: int = 0


class ShopArg(NamedTuple):
    shop: int


class ShopPage(NamedTuple):
    shop: int
    page: int = 0


class ItemArg(NamedTuple):
    item: int


class OrderArg(NamedTuple):
    order: int


class VisitArg(NamedTuple):
    visit: int


class RequestArg(NamedTuple):
    request: int


class TownArg(NamedTuple):
    town: int


class Word(NamedTuple):
    word: str


class Category(NamedTuple):
    category: str
    page: int = 0


class Language(NamedTuple):
    code: Literal["fr", "en"]


class Quantity(NamedTuple):
    item: int
    quantity: int | None = None


class Cancel(NamedTuple):
    order: int
    sure: Literal["yes"] | None = None


class Switch(NamedTuple):
    on: Literal["0", "1"]


class Choice(NamedTuple):
    choice: str | None = None


class FileRefused(NamedTuple):
    reason: Literal["big", "other"]


class ItemField(NamedTuple):
    item: int
    field: str


class OnOff(NamedTuple):
    choice: Literal["on", "off"]


class Cents(NamedTuple):
    cents: int


class Reason(NamedTuple):
    order: int
    reason: int


class PickupDay(NamedTuple):
    shop: int
    day: str  # YYYYMMDD, local
    part: str = ""  # HHMM-HHMM: a part of a long day


class PickupSlot(NamedTuple):
    shop: int
    time: str  # HHMM, local


class PickupSoon(NamedTuple):
    shop: int
    day: str  # YYYYMMDD, local
    time: str  # HHMM, local


class Reserve(NamedTuple):
    visit: int
    item: int


common = partial(Action, area="customer")
# Welcome, home, help, language (customer/start.py); search (customer/search.py).
HOME = common("home", NoArgs)
HELP = common("help", NoArgs)
PHOTO_UNEXPECTED = common("photo_unexpected", NoArgs)  # sent by channels: a photo nobody keeps
LANGUAGES = common("langs", NoArgs)
LANGUAGE = common("lang", Language)
CANCEL = common("cancel", NoArgs)
SEARCH = common("search", NoArgs)
FOUND = common("found", Page)  # the last query's results, another page
# Which town the customer shops in (customer/towns.py).
TOWNS = common("towns", Page)
TOWN = common("town", TownArg)
# Browsing the town (customer/browse.py).
CATEGORIES = common("cats", Page)
CATEGORY = common("cat", Category)
SHOP = common("shop", ShopArg)
CATALOGUE = common("items", ShopPage)
ITEM = common("item", ItemArg)
# Cart (customer/cart.py).
ADD = common("add", ItemArg)
BUY = common("buy", ItemArg)  # "Commander" on an item card: into the cart, then checkout
CART = common("cart", NoArgs)
QUANTITY = common("cq", Quantity)  # ask for a quantity, or set it
REMOVE = common("rm", ItemArg)
CHECKOUT = common("checkout", NoArgs)  # the one shop's checkout, else the cart
# Checkout, one row a step (customer/checkout.py, confirm.py).
CO_START = common("co", ShopArg)
CO_MODE = common("co.mode", ShopArg)
CO_PICKUP = common("co.pickup", ShopArg)
CO_DELIVERY = common("co.delivery", ShopArg)
CO_DAY = common("co.day", PickupDay)
CO_SLOT = common("co.slot", PickupSlot)
CO_SOON = common("co.soon", PickupSoon)  # "Dès que possible": the first free slot, one tap
CO_ADDRESS_LAST = common("co.addr", ShopArg)  # deliver to the last order's address
CO_PHONE = common("co.tel", ShopArg)  # use the phone number we know
CO_PHONE_ASK = common("co.tel2", ShopArg)  # another phone number (from the summary)
CO_NOTE = common("co.note", ShopArg)
CO_SKIP = common("co.skip", ShopArg)  # no note
CO_CONFIRM = common("co.ok", ShopArg)
CO_PAY = common("co.pay", ShopArg)  # place it and pay online
# My orders (customer/orders.py) and message preferences (customer/prefs.py).
ORDERS = common("orders", NoArgs)
ORDER = common("order", OrderArg)
ORDER_CANCEL = common("ocancel", Cancel)
PREFS = common("prefs", Choice)  # prefs | prefs:<on|off>; anything else shows the switch
NEWS = common("news", OnOff)  # news:<on|off>: the town's news, from the settings
NEWS_STOP = common("newsoff", NoArgs)  # the one-tap stop under a town campaign message

merchant = partial(Action, area="merchant")
# The shop's menu (merchant/menu.py, join.py).
M_MENU = merchant("mshop", NoArgs)
M_SHOPS = merchant("mshops", NoArgs)
M_SWITCH = merchant("mswitch", ShopArg)
M_INVITE = merchant("minvite", NoArgs)
M_PAYMENTS = merchant("mpay", NoArgs)  # how customers pay (merchant/payments.py)
M_PAY_MODE = merchant("mpaymode", Word)
# Set-up and settings (merchant/setup.py).
M_SETTINGS = merchant("msettings", NoArgs)
M_SET = merchant("mset", Word)  # a setting to change
M_SKIP = merchant("mskip", Word)  # a set-up question left as it is
M_CATEGORY = merchant("mcat", Word)
M_PICKUP = merchant("mpickup", Switch)
M_DELIVERY = merchant("mdelivery", Switch)
M_HOURS_OK = merchant("mhoursok", NoArgs)
M_COMPLETE = merchant("mcomplete", NoArgs)  # the set-up questions left, one after the other
M_CLOSURES_OK = merchant("mclosok", NoArgs)  # closures read back with a doubt, confirmed
# A draft item, from a photo (merchant/items.py).
M_PUBLISH = merchant("mdpub", NoArgs)
M_DRAFT_PRICE = merchant("mdp", NoArgs)
M_DRAFT_STOCK = merchant("mds", NoArgs)
M_DRAFT_NAME = merchant("mdn", NoArgs)
M_DRAFT_DESC = merchant("mdd", NoArgs)
M_DRAFT_SHOW = merchant("mdshow", NoArgs)
M_DRAFT_DROP = merchant("mdx", NoArgs)
M_DRAFT_PRICE_CHOSEN = merchant("mdpc", Cents)  # one reading of an unsure price
M_FILE = merchant("mfile", FileRefused)  # sent by channels: a file that is not a photo
# Published items (merchant/catalogue.py).
M_ITEMS = merchant("mitems", Page)
M_ITEM = merchant("mitem", ItemArg)
M_ITEM_EDIT = merchant("mie", ItemField)
M_HIDE = merchant("mhide", ItemArg)
M_DELETE = merchant("mdel", ItemArg)
M_DELETE_OK = merchant("mdelok", ItemArg)
# Orders (merchant/orders.py) and the counter (merchant/handover.py).
M_PENDING = merchant("mpending", NoArgs)
M_TODAY = merchant("mtoday", NoArgs)
M_ORDER = merchant("mord", OrderArg)
M_ACCEPT = merchant("macc", OrderArg)
M_DECLINE = merchant("mdec", OrderArg)
M_DECLINE_REASON = merchant("mdecr", Reason)
M_READY = merchant("mrdy", OrderArg)
M_OUT = merchant("mout", OrderArg)
M_DELIVERED = merchant("mdlv", OrderArg)
M_HANDOVER = merchant("mremise", NoArgs)  # type the customer's code
M_HAND_OVER = merchant("mhand", OrderArg)
M_NOT_READY = merchant("mnrdy", OrderArg)

visit = partial(Action, area="visit")
# The merchant's side of live visits (visits/live.py).
V_NOW = visit("vnow", ShopArg)  # go live with the link just sent
V_PLAN = visit("vplan", ShopArg)  # schedule it: ask the day and time
V_NOT = visit("vnot", NoArgs)
V_MEANT = visit("vmeant", NoArgs)  # "yes, that link" to a "did you mean …?"
V_WHEN = visit("vwhen", NoArgs)  # "yes" to a time shown back
V_GO = visit("vgo", VisitArg)
V_PANEL = visit("vpanel", VisitArg)
V_END = visit("vend", VisitArg)
V_CANCEL = visit("vcancel", VisitArg)
# The viewers' side (visits/viewer.py) and following shops (visits/follow.py).
V_LIVE = visit("live", NoArgs)
V_SEE = visit("vsee", VisitArg)
V_NOTIFY = visit("vnotify", VisitArg)  # "Me prévenir"
V_ITEMS = visit("vitems", VisitArg)
V_RESERVE = visit("vres", Reserve)
FOLLOW = visit("follow", ShopArg)
UNFOLLOW = visit("unfollow", ShopArg)
MY_SHOPS = visit("myshops", NoArgs)
# Private visits (visits/private.py).
P_ASK = visit("vprivate", ShopArg)
P_ACCEPT = visit("vpacc", RequestArg)  # the shop: yes, here is the link
P_OTHER_TIME = visit("vpalt", RequestArg)  # the shop: another time
P_SHOP_DECLINES = visit("vpdec", RequestArg)
P_TAKE = visit("vpok", RequestArg)  # the customer takes the shop's time
P_CUSTOMER_DECLINES = visit("vpno", RequestArg)
