"""Private visits: a customer proposes a time; the shop accepts with a link, counters, declines.

Statuses of a `PrivateVisitRequest` (`store.statuses.RequestStatus`): requested -> accepted |
countered | declined; countered -> agreed (the customer takes the shop's time) | declined;
agreed -> accepted.
"""

from datetime import datetime

from handlers.common import actions as a
from handlers.common.args import refuse
from handlers.common.formats import day_at
from handlers.common.rights import is_staff_of
from handlers.core import Reply, Stale
from handlers.notices.visits import (
    tell_private_customer,
    tell_private_link,
    tell_private_staff,
)
from handlers.turn import Turn
from handlers.visits import times
from handlers.visits.live import link_refusal
from store.models import PrivateVisitRequest, Shop
from store.parsing.links import BadLink, find_link, parse_link
from store.statuses import RequestStatus
from store.types import persisted

# Awaited: the time a customer proposes; the time the shop proposes instead; the link.
PROPOSING, COUNTERING, LINKING = "vprivate", "vpalt", "vplink"
R = RequestStatus


def _when(turn: Turn, moment: datetime) -> str:
    return day_at(turn.lang, moment, turn.tz)


def ask(turn: Turn) -> list[Reply]:
    """`vprivate:<shop>`: ask when the customer would like their visit."""
    shop_id = a.P_ASK.args(turn).shop
    shop = turn.session.get(Shop, shop_id)
    if shop is None or not shop.active:
        raise Stale(turn.args)
    if is_staff_of(turn, shop_id):
        return [turn.reply("private_visit_own_shop", turn.nav())]
    turn.forget(*times.KEYS)
    turn.expect(PROPOSING, pshop=shop_id)
    return [turn.reply("private_visit_when", turn.nav(), shop=shop.name)]


def _typed_time(turn: Turn) -> datetime | list[Reply]:
    """The time typed, once sure; else the replies that show it back or ask again."""
    typed = times.understood(turn)
    return typed if isinstance(typed, list) else typed.moment


def propose(turn: Turn) -> list[Reply]:
    """Typed time from the customer: the request goes to the shop's staff."""
    shop = turn.session.get(Shop, turn.data.get("pshop") or 0)
    if shop is None:
        turn.expect(None)
        raise Stale("vprivate")
    at = _typed_time(turn)
    if isinstance(at, list):
        return at
    request = PrivateVisitRequest(
        shop_id=persisted(shop.id), customer_id=turn.user_id, proposed_at=at, created_at=turn.now()
    )
    turn.session.add(request)
    turn.session.flush()
    turn.expect(None)
    turn.forget("pshop")
    r = persisted(request.id)
    tell_private_staff(turn, request, "private_visit_to_shop", [
        ("private_visit_accept", a.P_ACCEPT.pack(r)),
        ("private_visit_other_time", a.P_OTHER_TIME.pack(r)),
        ("private_visit_decline", a.P_SHOP_DECLINES.pack(r)),
    ])  # fmt: skip
    return [turn.reply("private_visit_sent", turn.nav(), shop=shop.name, when=_when(turn, at))]


def _request(
    turn: Turn, request_id: int, *, staff: bool, statuses: tuple[R, ...]
) -> PrivateVisitRequest | None:
    """The request, if it is this person's to answer (else refused); None once answered."""
    request = turn.session.get(PrivateVisitRequest, request_id)
    if request is None:
        raise Stale(request_id)
    mine = is_staff_of(turn, request.shop_id) if staff else request.customer_id == turn.user_id
    if not mine:
        raise refuse(turn, f"not the shop's or customer of request {request_id}", area="visit")
    return request if request.status in statuses else None


def _awaited_request(turn: Turn) -> int:
    request_id = turn.data.get("preq")
    if not isinstance(request_id, int):
        turn.expect(None)
        raise Stale("no private visit request")
    return request_id


def accept(turn: Turn) -> list[Reply]:
    """`vpacc:<request>`: the shop accepts; ask for the video link."""
    statuses = (R.REQUESTED, R.AGREED)
    request = _request(turn, a.P_ACCEPT.args(turn).request, staff=True, statuses=statuses)
    if request is None:
        return [turn.reply("private_visit_answered", turn.nav())]
    turn.expect(LINKING, preq=request.id)
    return [turn.reply("private_visit_send_link", turn.nav())]


def send_link(turn: Turn) -> list[Reply]:
    """Typed link from the shop: the customer gets it now and 10 minutes before."""
    statuses = (R.REQUESTED, R.AGREED)
    request = _request(turn, _awaited_request(turn), staff=True, statuses=statuses)
    if request is None:
        turn.expect(None)
        return [turn.reply("private_visit_answered", turn.nav())]
    raw = find_link(turn.text) or turn.text
    try:
        link = parse_link(raw)
    except BadLink as refused:
        return [link_refusal(turn, refused, turn.nav())]
    request.url, request.status = link.url, R.ACCEPTED
    turn.expect(None)
    turn.forget("preq")
    tell_private_link(turn, request, link.url)
    return [
        turn.reply("private_visit_confirmed", turn.nav(), when=_when(turn, request.proposed_at))
    ]


def other_time(turn: Turn) -> list[Reply]:
    """`vpalt:<request>`: the shop proposes another time; ask which."""
    request_id = a.P_OTHER_TIME.args(turn).request
    request = _request(turn, request_id, staff=True, statuses=(R.REQUESTED,))
    if request is None:
        return [turn.reply("private_visit_answered", turn.nav())]
    turn.forget(*times.KEYS)
    turn.expect(COUNTERING, preq=request.id)
    return [turn.reply("private_visit_which_time", turn.nav())]


def counter(turn: Turn) -> list[Reply]:
    """Typed time from the shop: the customer may take it or leave it."""
    request = _request(turn, _awaited_request(turn), staff=True, statuses=(R.REQUESTED,))
    if request is None:
        turn.expect(None)
        return [turn.reply("private_visit_answered", turn.nav())]
    at = _typed_time(turn)
    if isinstance(at, list):
        return at
    request.proposed_at, request.status, request.proposed_by = at, R.COUNTERED, "shop"
    turn.expect(None)
    turn.forget("preq")
    r = persisted(request.id)
    tell_private_customer(turn, request, "private_visit_countered", [
        ("private_visit_take", a.P_TAKE.pack(r)),
        ("private_visit_decline", a.P_CUSTOMER_DECLINES.pack(r)),
    ])  # fmt: skip
    return [turn.reply("private_visit_counter_sent", turn.nav(), when=_when(turn, at))]


def take(turn: Turn) -> list[Reply]:
    """`vpok:<request>`: the customer takes the shop's time; the shop sends the link."""
    request = _request(turn, a.P_TAKE.args(turn).request, staff=False, statuses=(R.COUNTERED,))
    if request is None:
        return [turn.reply("private_visit_answered", turn.nav())]
    request.status = R.AGREED
    send = [("private_visit_send", a.P_ACCEPT.pack(persisted(request.id)))]
    tell_private_staff(turn, request, "private_visit_agreed", send)
    return [turn.reply("private_visit_took", turn.nav(), when=_when(turn, request.proposed_at))]


def shop_declines(turn: Turn) -> list[Reply]:
    """`vpdec:<request>`: the shop cannot; the customer may propose another time."""
    statuses = (R.REQUESTED, R.AGREED)
    request = _request(turn, a.P_SHOP_DECLINES.args(turn).request, staff=True, statuses=statuses)
    if request is None:
        return [turn.reply("private_visit_answered", turn.nav())]
    request.status = R.DECLINED
    again = [("private_visit_other_time", a.P_ASK.pack(request.shop_id))]
    tell_private_customer(turn, request, "private_visit_declined", again)
    return [turn.reply("private_visit_decline_ok", turn.nav())]


def customer_declines(turn: Turn) -> list[Reply]:
    """`vpno:<request>`: the shop's time does not suit the customer."""
    request_id = a.P_CUSTOMER_DECLINES.args(turn).request
    request = _request(turn, request_id, staff=False, statuses=(R.COUNTERED,))
    if request is None:
        return [turn.reply("private_visit_answered", turn.nav())]
    request.status = R.DECLINED
    tell_private_staff(turn, request, "private_visit_customer_declined", [])
    return [turn.reply("private_visit_decline_ok", turn.nav())]
