"""Checkout, one shop at a time: pickup time or delivery address, phone, summary, confirm.

Every answer is kept in `turn.data["co"]`, so a mistake or a detour loses nothing. Each step
is its own action (`co.pickup:<shop>`, `co.day:<shop>:<YYYYMMDD>`, ...), a row of the table.
A known phone number (the last order's) and the last delivery address cost one tap, and the
note is offered on the summary rather than asked as a step.
"""

import re
from collections.abc import Callable
from typing import Any

from handlers.common import actions as a
from handlers.common.formats import show_phone
from handlers.core import Reply, Stale
from handlers.customer import confirm
from handlers.customer import pickup as pickup_time
from handlers.customer.cart import add as add_to_cart
from handlers.customer.cart import show as show_cart
from handlers.customer.co_state import answers, save, shop_of, with_notice
from handlers.customer.co_state import lines as co_lines
from handlers.turn import Turn
from store import cart
from store import orders as store_orders
from store.models import Item, Order, Shop
from store.parsing.phone import normalise_phone
from store.types import persisted

ADDRESS, PHONE, NOTE = "co_address", "co_phone", "co_note"  # awaited typed answers
MAX_NOTE = 500
POSTCODE = re.compile(r"(?<!\d)(\d{5})(?!\d)")
_shop, _co, _save, _lines, _with_notice = shop_of, answers, save, co_lines, with_notice


def _step(turn: Turn, shop_id: int, then: Callable[[Shop], list[Reply]]) -> list[Reply]:
    """One step of this shop's checkout; an emptied cart goes back to the cart."""
    # The lines first: they bring the shop along, so looking it up costs no query.
    found = cart.lines(session=turn.session, user_id=turn.user_id, shop_id=shop_id)
    shop = _shop(turn, shop_id)
    if not found:
        return [turn.reply("co_empty"), *show_cart(turn)]
    return then(shop)


# The rows of the routing table.
def start(turn: Turn) -> list[Reply]:
    """`co:<shop>`: begin (or resume) this shop's order."""
    return begin(turn, a.CO_START.args(turn).shop)


def from_cart(turn: Turn) -> list[Reply]:
    """ "commander" typed anywhere: the one shop's checkout, or the cart to pick a shop."""
    shops = {ln.shop.id for ln in cart.lines(session=turn.session, user_id=turn.user_id)}
    if len(shops) == 1:
        return begin(turn, persisted(shops.pop()))
    return show_cart(turn)


def buy(turn: Turn) -> list[Reply]:
    """`buy:<item>` ("Commander" on its card): one in the cart unless it is there, then checkout."""
    item = turn.session.get(Item, a.BUY.args(turn).item)
    shop = turn.session.get(Shop, item.shop_id) if item else None
    if item is None or shop is None or shop.town_id != turn.town.id:
        raise Stale("buy")
    item_id = persisted(item.id)
    if not cart.quantity_of(session=turn.session, user_id=turn.user_id, item_id=item_id):
        if not cart.orderable(item, shop) or item.stock == 0:
            return add_to_cart(turn)  # says why not, as "Ajouter" would
        cart.set_quantity(session=turn.session, user_id=turn.user_id, item_id=item_id, quantity=1)
    return begin(turn, persisted(shop.id))


def mode(turn: Turn) -> list[Reply]:
    """`co.mode:<shop>`: pickup or delivery again."""
    return _step(turn, a.CO_MODE.args(turn).shop, lambda shop: choose_mode(turn, shop))


def pickup(turn: Turn) -> list[Reply]:
    """`co.pickup:<shop>`: the soonest slot, then the days to collect it."""
    return _step(turn, a.CO_PICKUP.args(turn).shop, lambda shop: pickup_days(turn, shop))


def pickup_days(turn: Turn, shop: Shop) -> list[Reply]:
    return pickup_time.days(turn, shop)


def pickup_slots(turn: Turn, shop: Shop, raw: str, notice: str = "", part: str = "") -> list[Reply]:
    return pickup_time.day_slots(turn, shop, raw, notice=notice, part=part)


def delivery(turn: Turn) -> list[Reply]:
    """`co.delivery:<shop>`: the address."""
    return _step(turn, a.CO_DELIVERY.args(turn).shop, lambda shop: ask_address(turn, shop))


def day(turn: Turn) -> list[Reply]:
    """`co.day:<shop>:<YYYYMMDD>[:<HHMM-HHMM>]`: that day's slots (or one part of the day)."""
    shop_id, raw, part = a.CO_DAY.args(turn)
    return _step(turn, shop_id, lambda shop: pickup_slots(turn, shop, raw, part=part))


def slot(turn: Turn) -> list[Reply]:
    """`co.slot:<shop>:<HHMM>`: that slot of the chosen day."""
    shop_id, raw = a.CO_SLOT.args(turn)
    return _step(
        turn, shop_id, lambda shop: pickup_time.choose(turn, shop, raw, then=_contact(turn))
    )


def soon(turn: Turn) -> list[Reply]:
    """`co.soon:<shop>:<YYYYMMDD>:<HHMM>`: the soonest slot, one tap."""
    shop_id, day, raw = a.CO_SOON.args(turn)
    return _step(
        turn,
        shop_id,
        lambda shop: pickup_time.choose(turn, shop, raw, then=_contact(turn), day=day),
    )


def last_address(turn: Turn) -> list[Reply]:
    """`co.addr:<shop>`: deliver to the address of the last delivery order."""
    return _step(turn, a.CO_ADDRESS_LAST.args(turn).shop, lambda shop: _last_address(turn, shop))


def other_phone(turn: Turn) -> list[Reply]:
    """`co.tel2:<shop>`: type another phone number (from the summary)."""
    return _step(turn, a.CO_PHONE_ASK.args(turn).shop, lambda shop: ask_phone(turn, shop))


def known_phone(turn: Turn) -> list[Reply]:
    """`co.tel:<shop>`: use the phone number we already know."""
    return _step(turn, a.CO_PHONE.args(turn).shop, lambda shop: saved_phone(turn, shop))


def note(turn: Turn) -> list[Reply]:
    """`co.note:<shop>`: write (or rewrite) the note for the shop."""
    return _step(turn, a.CO_NOTE.args(turn).shop, lambda shop: ask_note(turn, shop))


def skip(turn: Turn) -> list[Reply]:
    """`co.skip:<shop>`: no note."""
    return _step(turn, a.CO_SKIP.args(turn).shop, lambda shop: skip_note(turn, shop))


def place(turn: Turn) -> list[Reply]:
    """`co.ok:<shop>`: place the order; a full slot or a sold-out line says so."""
    return _step(turn, a.CO_CONFIRM.args(turn).shop, lambda shop: _place(turn, shop))


def pay(turn: Turn) -> list[Reply]:
    """`co.pay:<shop>`: place the order, held until it is paid online; the payment link."""
    return _step(turn, a.CO_PAY.args(turn).shop, lambda shop: _place(turn, shop, online=True))


# The steps.
def begin(turn: Turn, shop_id: int) -> list[Reply]:
    """This shop's order: how to get it, or the summary when every answer is there."""
    found = cart.lines(session=turn.session, user_id=turn.user_id, shop_id=shop_id)
    shop = _shop(turn, shop_id)  # (the lines brought it along)
    turn.expect(None)
    if not found:
        return [turn.reply("co_empty"), *show_cart(turn)]
    co = turn.data.get("co") or {}
    if co.get("shop") != shop.id:
        co = {"shop": shop.id}
        _save(turn, co)
    if confirm.complete(co):  # back after a detour: every answer is still there
        return _summary(turn, shop, co)
    return choose_mode(turn, shop)


def choose_mode(turn: Turn, shop: Shop) -> list[Reply]:
    """Pickup or delivery, where the shop offers both."""
    _co(turn, shop)
    turn.expect(None)
    if shop.pickup_enabled and shop.delivery_enabled:
        shop_id = persisted(shop.id)
        options = [
            turn.option("co_mode_pickup", a.CO_PICKUP.pack(shop_id)),
            turn.option("co_mode_delivery", a.CO_DELIVERY.pack(shop_id)),
            *turn.nav(a.CART.pack()),
        ]
        return [turn.reply("co_mode_ask", options, shop=shop.name)]
    if shop.delivery_enabled:
        return ask_address(turn, shop)
    return pickup_days(turn, shop)


def ask_address(turn: Turn, shop: Shop, notice: str = "") -> list[Reply]:
    """Delivery: ask for the address (typed, or a shared location then the street)."""
    co = _co(turn, shop)
    if not shop.delivery_enabled:
        raise Stale("delivery")
    co.update(mode="delivery")
    _save(turn, co)
    turn.expect(ADDRESS)
    text = turn.t("co_address_ask", zone=", ".join(shop.delivery_postcodes))
    shop_id = persisted(shop.id)
    last = _last_delivery(turn, shop)
    again = (
        [
            turn.option(
                "co_address_again", a.CO_ADDRESS_LAST.pack(shop_id), address=last.address[:60]
            )
        ]
        if last
        else []
    )
    back = turn.nav(a.CO_MODE.pack(shop_id))
    return [Reply(_with_notice(notice, text), options=(*again, *back))]


def _last_delivery(turn: Turn, shop: Shop) -> Order | None:
    """The customer's last delivery, if this shop delivers to its postcode."""
    last = store_orders.last_delivery(session=turn.session, customer_id=turn.user_id)
    return last if last is not None and last.postcode in shop.delivery_postcodes else None


def _last_address(turn: Turn, shop: Shop) -> list[Reply]:
    """Deliver where the last delivery went (one tap)."""
    co = _co(turn, shop)
    last = _last_delivery(turn, shop)
    if last is None or not shop.delivery_enabled:
        raise Stale("addr")
    co.update(mode="delivery", address=last.address, postcode=last.postcode)
    co.update(latitude=last.latitude, longitude=last.longitude)
    _save(turn, co)
    return _contact(turn)(shop)


def typed_address(turn: Turn) -> list[Reply]:
    """The delivery address (or a location): the postcode must be in the shop's zone."""
    shop = _shop_of_checkout(turn)
    co = _co(turn, shop)
    if turn.incoming.location:
        lat, lon = turn.incoming.location
        co.update(latitude=lat, longitude=lon)
        _save(turn, co)
        return ask_address(turn, shop, notice=turn.t("co_location_thanks"))
    text = " ".join(turn.text.split())[:300]
    match = POSTCODE.search(text)
    if not match:
        return ask_address(turn, shop, notice=turn.t("co_address_no_postcode"))
    postcode = match.group(1)
    if postcode not in shop.delivery_postcodes:
        co["address_refused"] = text
        _save(turn, co)
        notice = turn.t(
            "co_address_outside", postcode=postcode, zone=", ".join(shop.delivery_postcodes)
        )
        shop_id = persisted(shop.id)
        to_pickup = turn.option("co_mode_pickup", a.CO_PICKUP.pack(shop_id))
        options = [to_pickup] if shop.pickup_enabled else []
        turn.expect(ADDRESS)
        return [Reply(notice, options=(*options, *turn.nav(a.CO_MODE.pack(shop_id))))]
    co.update(address=text, postcode=postcode)
    _save(turn, co)
    return _contact(turn)(shop)


def _shop_of_checkout(turn: Turn) -> Shop:
    shop_id = (turn.data.get("co") or {}).get("shop")
    if not isinstance(shop_id, int):
        raise Stale("no checkout")
    return _shop(turn, shop_id)


def _known_phone(turn: Turn) -> str | None:
    """The number of the last order, else the one the channel gave us."""
    last = store_orders.last_phone(session=turn.session, customer_id=turn.user_id)
    return normalise_phone(last) or normalise_phone(turn.user.phone or "")


def _contact(turn: Turn) -> Callable[[Shop], list[Reply]]:
    """After the time or address: the summary when the phone is known, else the phone."""

    def then(shop: Shop) -> list[Reply]:
        co = _co(turn, shop)
        known = co.get("phone") or _known_phone(turn)
        if not known:
            return ask_phone(turn, shop)
        co.update(phone=known)
        co.setdefault("note", "")
        _save(turn, co)
        return _summary(turn, shop, co)

    return then


def ask_phone(turn: Turn, shop: Shop, notice: str = "") -> list[Reply]:
    """The number the shop can call about this order."""
    turn.expect(PHONE)
    shop_id = persisted(shop.id)
    known = _known_phone(turn)
    use = turn.option("co_phone_use", a.CO_PHONE.pack(shop_id), phone=show_phone(known or ""))
    options = [use] if known else []
    pickup = (turn.data.get("co") or {}).get("mode") == "pickup"
    back = (a.CO_PICKUP if pickup else a.CO_DELIVERY).pack(shop_id)
    text = _with_notice(notice, turn.t("co_phone_ask"))
    return [Reply(text, options=(*options, *turn.nav(back)))]


def typed_phone(turn: Turn) -> list[Reply]:
    """A typed phone number, checked (the engine reads a menu number as the menu's)."""
    shop = _shop_of_checkout(turn)
    co = _co(turn, shop)
    phone = normalise_phone(turn.text)
    if phone is None:
        return ask_phone(turn, shop, notice=turn.t("co_phone_invalid"))
    co["phone"] = phone
    _save(turn, co)
    if not turn.user.phone:
        turn.user.phone = phone
    return _to_summary(turn, shop, co)


def saved_phone(turn: Turn, shop: Shop) -> list[Reply]:
    """Use the phone number we already know."""
    co = _co(turn, shop)
    phone = _known_phone(turn)
    if phone is None:
        raise Stale("tel")
    co["phone"] = phone
    _save(turn, co)
    return _to_summary(turn, shop, co)


def _to_summary(turn: Turn, shop: Shop, co: dict[str, Any]) -> list[Reply]:
    """The summary, the note left empty unless one was written (it is offered there)."""
    co.setdefault("note", "")
    _save(turn, co)
    return _summary(turn, shop, co)


def ask_note(turn: Turn, shop: Shop) -> list[Reply]:
    """An optional word for the shop."""
    _co(turn, shop)
    turn.expect(NOTE)
    options = [turn.option("co_note_skip", a.CO_SKIP.pack(persisted(shop.id))), *turn.nav()]
    return [turn.reply("co_note_ask", options)]


def typed_note(turn: Turn) -> list[Reply]:
    """The note, cut to a length the shop will read; then the summary."""
    shop = _shop_of_checkout(turn)
    co = _co(turn, shop)
    note = turn.incoming.text or ""
    notice = turn.t("co_note_cut", count=MAX_NOTE) if len(note.strip()) > MAX_NOTE else ""
    co["note"] = note.strip()[:MAX_NOTE]
    _save(turn, co)
    return _summary(turn, shop, co, notice=notice)


def skip_note(turn: Turn, shop: Shop) -> list[Reply]:
    """No note."""
    co = _co(turn, shop)
    co.setdefault("note", "")  # "Passer" keeps a note written before
    _save(turn, co)
    return _summary(turn, shop, co)


def _summary(turn: Turn, shop: Shop, co: dict[str, Any], notice: str = "") -> list[Reply]:
    """Everything about the order before it is placed; a missing answer starts again."""
    turn.expect(None)
    lines, how = _lines(turn, shop), confirm.fulfilment(co)
    if not lines or how is None:
        turn.forget("co")
        return begin(turn, persisted(shop.id))
    return confirm.summary(turn, shop, co, lines, how, notice=notice)


def _place(turn: Turn, shop: Shop, online: bool = False) -> list[Reply]:
    """The order placed, or the question the outcome calls for."""
    co = _co(turn, shop)
    if online and not confirm.can_pay_online(turn, shop):
        raise Stale("pay")
    if not online and confirm.can_pay_online(turn, shop) and shop.payment_mode == "online":
        raise Stale("counter")  # this shop takes online payment only
    outcome = confirm.place(turn, shop, co, online=online)
    if isinstance(outcome, confirm.Placed):
        return outcome.replies
    if isinstance(outcome, confirm.SlotTaken):
        turn.remember(co={k: v for k, v in co.items() if k not in ("slot", "slot_end")})
        return pickup_slots(turn, shop, outcome.day, notice=turn.t("co_slot_full"))
    if isinstance(outcome, confirm.SoldOut):
        return [turn.reply("co_out_of_stock", names=", ".join(outcome.names)), *show_cart(turn)]
    return begin(turn, persisted(shop.id))
