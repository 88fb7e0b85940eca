"""Private visits: a customer proposes a time; the shop accepts with a link, counters, declines.

Statuses of a `PrivateVisitRequest`: requested -> accepted | countered | declined;
countered -> agreed (the customer takes the shop's time) | declined; agreed -> accepted.
"""

from datetime import datetime, timedelta

from sqlmodel import select

from handlers import i18n, visit_times
from handlers.core import Option, Reply, Stale
from handlers.turn import Turn
from handlers.visits import int_arg, is_staff, link_refusal
from store.models import Shop, ShopStaff, User
from store.parsing.links import BadLink, find_link, parse_link
from store.visits import PrivateVisitRequest

REMINDER_LEAD = timedelta(minutes=10)


def _when(turn: Turn, moment: datetime, lang: str | None = None) -> str:
    lang = lang or turn.lang
    tz = turn.ctx.timezone
    return f"{i18n.day(moment, lang, tz)} {i18n.t(lang, 'visit_at')} {i18n.clock(moment, lang, tz)}"


def _tell(
    turn: Turn,
    user_id: int,
    key: str,
    options: list[tuple[str, str]],
    at: datetime,
    **values: str,
) -> None:
    """A private_visit message to one person, in their language (the time written for them)."""

    def build(lang: str) -> list[Reply]:
        opts = tuple(Option(i18n.t(lang, label), action) for label, action in options)
        return [Reply(i18n.t(lang, key, when=_when(turn, at, lang), **values), options=opts)]

    turn.notify(user_id, "private_visit", build, variables=values)


def _tell_staff(
    turn: Turn, request: PrivateVisitRequest, key: str, options: list[tuple[str, str]]
) -> None:
    shop = turn.session.get(Shop, request.shop_id)
    customer = turn.session.get(User, request.customer_id)
    assert shop is not None and customer is not None
    name = customer.name or i18n.t(turn.lang, "private_visit_someone")
    staff = turn.session.exec(select(ShopStaff.user_id).where(ShopStaff.shop_id == shop.id))
    for user_id in staff:
        _tell(turn, user_id, key, options, request.proposed_at, shop=shop.name, name=name)


def _tell_customer(
    turn: Turn, request: PrivateVisitRequest, key: str, options: list[tuple[str, str]]
) -> None:
    shop = turn.session.get(Shop, request.shop_id)
    assert shop is not None
    _tell(turn, request.customer_id, key, options, request.proposed_at, shop=shop.name)


def ask(turn: Turn) -> list[Reply]:
    """`vprivate:<shop>`: ask when the customer would like their visit."""
    shop = turn.session.get(Shop, int_arg(turn))
    if shop is None or not shop.active:
        raise Stale(turn.args)
    if is_staff(turn, shop.id):  # type: ignore[arg-type]
        return [turn.reply("private_visit_own_shop", turn.nav())]
    turn.forget(*visit_times.KEYS)
    turn.expect("vprivate", pshop=shop.id)
    return [turn.reply("private_visit_when", turn.nav(), shop=shop.name)]


def _typed_time(turn: Turn) -> datetime | list[Reply]:
    """The time typed, once sure; else the replies that show it back or ask again."""
    typed = visit_times.understood(turn)
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
        shop_id=shop.id,
        customer_id=turn.user.id,
        proposed_at=at,
        created_at=turn.now(),  # type: ignore[arg-type]
    )
    turn.session.add(request)
    turn.session.flush()
    turn.expect(None)
    turn.forget("pshop")
    r = request.id
    _tell_staff(turn, request, "private_visit_to_shop", [
        ("private_visit_accept", f"vpacc:{r}"),
        ("private_visit_other_time", f"vpalt:{r}"),
        ("private_visit_decline", f"vpdec:{r}"),
    ])  # fmt: skip
    return [turn.reply("private_visit_sent", turn.nav(), shop=shop.name, when=_when(turn, at))]


def _request(turn: Turn, *, staff: bool, statuses: tuple[str, ...]) -> PrivateVisitRequest | None:
    """The request named by the action, if it is this person's to answer; None once answered."""
    request = turn.session.get(PrivateVisitRequest, int_arg(turn))
    if request is None:
        raise Stale(turn.args)
    mine = is_staff(turn, request.shop_id) if staff else request.customer_id == turn.user.id
    if not mine:
        raise Stale(turn.args)
    return request if request.status in statuses else None


def accept(turn: Turn) -> list[Reply]:
    """`vpacc:<request>`: the shop accepts; ask for the video link."""
    request = _request(turn, staff=True, statuses=("requested", "agreed"))
    if request is None:
        return [turn.reply("private_visit_answered", turn.nav())]
    turn.expect("vplink", preq=request.id)
    return [turn.reply("private_visit_send_link", turn.nav())]


def send_link(turn: Turn) -> list[Reply]:
    """Typed link from the shop: the customer gets it now and 10 minutes before."""
    turn.args = [str(turn.data.get("preq", ""))]
    request = _request(turn, staff=True, statuses=("requested", "agreed"))
    if request is None:
        turn.expect(None)
        return [turn.reply("private_visit_answered", turn.nav())]
    raw = find_link(turn.text) or turn.text
    try:
        link = parse_link(raw)
    except BadLink as refused:
        return [link_refusal(turn, refused, turn.nav())]
    request.url, request.status = link.url, "accepted"
    turn.expect(None)
    turn.forget("preq")
    shop = turn.session.get(Shop, request.shop_id)
    assert shop is not None
    at = request.proposed_at
    for key, due in (
        ("private_visit_accepted", None),
        ("private_visit_reminder", at - REMINDER_LEAD),
    ):

        def build(lang: str, key: str = key) -> list[Reply]:
            text = i18n.t(lang, key, shop=shop.name, when=_when(turn, at, lang))
            return [Reply(text, options=(Option(i18n.t(lang, "visit_join"), url=link.url),))]

        if due is None or due > turn.now():
            kind = "private_visit" if due is None else "visit_reminder"
            turn.notify(
                request.customer_id, kind, build, due_at=due, dedupe_key=f"vpriv:{request.id}:{key}"
            )
    return [turn.reply("private_visit_confirmed", turn.nav(), when=_when(turn, at))]


def other_time(turn: Turn) -> list[Reply]:
    """`vpalt:<request>`: the shop proposes another time; ask which."""
    request = _request(turn, staff=True, statuses=("requested",))
    if request is None:
        return [turn.reply("private_visit_answered", turn.nav())]
    turn.forget(*visit_times.KEYS)
    turn.expect("vpalt", preq=request.id)
    return [turn.reply("private_visit_which_time", turn.nav())]


def counter(turn: Turn) -> list[Reply]:
    """Typed time from the shop: the customer may take it or leave it."""
    turn.args = [str(turn.data.get("preq", ""))]
    request = _request(turn, staff=True, statuses=("requested",))
    if request is None:
        turn.expect(None)
        return [turn.reply("private_visit_answered", turn.nav())]
    at = _typed_time(turn)
    if isinstance(at, list):
        return at
    request.proposed_at, request.status, request.proposed_by = at, "countered", "shop"
    turn.expect(None)
    turn.forget("preq")
    r = request.id
    _tell_customer(turn, request, "private_visit_countered", [
        ("private_visit_take", f"vpok:{r}"), ("private_visit_decline", f"vpno:{r}"),
    ])  # fmt: skip
    return [turn.reply("private_visit_counter_sent", turn.nav(), when=_when(turn, at))]


def take(turn: Turn) -> list[Reply]:
    """`vpok:<request>`: the customer takes the shop's time; the shop sends the link."""
    request = _request(turn, staff=False, statuses=("countered",))
    if request is None:
        return [turn.reply("private_visit_answered", turn.nav())]
    request.status = "agreed"
    _tell_staff(
        turn, request, "private_visit_agreed", [("private_visit_send", f"vpacc:{request.id}")]
    )
    return [turn.reply("private_visit_took", turn.nav(), when=_when(turn, request.proposed_at))]


def shop_declines(turn: Turn) -> list[Reply]:
    """`vpdec:<request>`: the shop cannot; the customer may propose another time."""
    request = _request(turn, staff=True, statuses=("requested", "agreed"))
    if request is None:
        return [turn.reply("private_visit_answered", turn.nav())]
    request.status = "declined"
    again = [("private_visit_other_time", f"vprivate:{request.shop_id}")]
    _tell_customer(turn, request, "private_visit_declined", again)
    return [turn.reply("private_visit_decline_ok", turn.nav())]


def customer_declines(turn: Turn) -> list[Reply]:
    """`vpno:<request>`: the shop's time does not suit the customer."""
    request = _request(turn, staff=False, statuses=("countered",))
    if request is None:
        return [turn.reply("private_visit_answered", turn.nav())]
    request.status = "declined"
    _tell_staff(turn, request, "private_visit_customer_declined", [])
    return [turn.reply("private_visit_decline_ok", turn.nav())]
