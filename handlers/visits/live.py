"""Live visits, the merchant's side: a video link starts one now or schedules it; panel; end.

A staff member's message holding a video link is read here first (`video_link`, the first
claimer of typed text); anyone else's link is just words to search for. The link waits in
the conversation state while the merchant chooses, so a button payload never carries it.
"""

from datetime import timedelta

from sqlmodel import col, select

from handlers.common import actions as a
from handlers.common.args import refuse
from handlers.common.formats import day_at
from handlers.common.rights import is_staff_of
from handlers.core import Option, Reply, Stale
from handlers.notices.visits import (
    announce_live,
    announce_scheduled,
    drop_reminders,
    remind_staff,
    tell_called_off,
)
from handlers.turn import Turn
from handlers.visits import times
from handlers.visits.news import end_visit
from store.models import Shop, Visit, VisitInterest
from store.parsing.links import BadLink, find_link, parse_link
from store.shops import staff_shop_ids
from store.statuses import VisitStatus
from store.types import persisted
from store.visits import audience, joined_users, live_visit, reservations

EARLY_START = timedelta(hours=1)  # how early a scheduled visit may be started
SCHEDULING = "vplan"  # awaited: the day and time of the visit (the shop in data["vshop"])
V = VisitStatus


def staff_visit(turn: Turn, visit_id: int) -> Visit:
    """The visit, when this person works in its shop; else refused."""
    visit = turn.session.get(Visit, visit_id)
    if visit is None or not is_staff_of(turn, visit.shop_id):
        raise refuse(turn, f"not staff of visit {visit_id}", area="visit")
    return visit


def locked_staff_shop(turn: Turn, shop_id: int) -> Shop:
    """The shop row, locked, when this person works there: "one live visit per shop" holds
    when two staff tap at once. NO KEY UPDATE (key_share) so it never waits on orders that
    merely reference the shop."""
    if not is_staff_of(turn, shop_id):
        raise refuse(turn, f"not staff of shop {shop_id}", area="visit")
    query = select(Shop).where(Shop.id == shop_id).with_for_update(key_share=True)
    return turn.session.exec(query).one()


def video_link(turn: Turn) -> list[Reply] | None:
    """Typed words holding a video link, from shop staff: offer a visit; else not mine."""
    raw = find_link(turn.text)
    shops = staff_shop_ids(session=turn.session, user_id=turn.user_id) if raw else []
    if not raw or not shops:
        return None
    current = turn.data.get("mshop")  # the shop the merchant runs now (merchants' menu)
    return offer_visit(turn, raw, current if current in shops else shops[0])


def offer_visit(turn: Turn, raw: str, shop_id: int) -> list[Reply]:
    """The link checked, then: start now, schedule, or it is not a visit."""
    try:
        link = parse_link(raw)
    except BadLink as refused:
        options = turn.nav()
        if refused.suggestion:  # "did you mean …?": one tap takes the address meant
            turn.remember(vmeant=refused.suggestion, vmshop=shop_id)
            options = [turn.option("visit_link_use_meant", a.V_MEANT.pack()), *options]
        return [link_refusal(turn, refused, options)]
    shop = turn.session.get(Shop, shop_id)
    if shop is None:
        raise Stale(shop_id)
    live = live_visit(session=turn.session, shop_id=shop_id)
    if live is not None:
        return [turn.reply("visit_already_live", _live_options(turn, live), shop=shop.name)]
    turn.remember(vlink=link.url, vplatform=link.platform)
    platform = f"{link.icon} {link.name}" if link.name else f"{link.icon} {turn.t('visit_link')}"
    options = [
        turn.option("visit_start_now", a.V_NOW.pack(shop_id)),
        turn.option("visit_schedule", a.V_PLAN.pack(shop_id)),
        turn.option("visit_not_a_visit", a.V_NOT.pack()),
    ]
    return [turn.reply("visit_link_ask", options, platform=platform, shop=shop.name)]


def link_refusal(turn: Turn, refused: BadLink, options: list[Option]) -> Reply:
    """Why a link is not shared, with the address probably meant when there is one."""
    key = f"visit_link_bad_{refused.reason}"
    if refused.reason == "tld" and refused.suggestion:
        key += "_meant"
    return turn.reply(key, options, suggestion=refused.suggestion or "")


def use_meant(turn: Turn) -> list[Reply]:
    """`vmeant`: "yes, that link": the address suggested for a mistyped one is offered."""
    meant, shop_id = turn.data.get("vmeant"), turn.data.get("vmshop")
    if not meant or not isinstance(shop_id, int) or not is_staff_of(turn, shop_id):
        raise Stale("vmeant")
    turn.forget("vmeant", "vmshop")
    return offer_visit(turn, meant, shop_id)


def visit_options(turn: Turn, shop_id: int) -> list[Option]:
    """For the merchant's menu: the dashboard of the visit on now, or of the next planned."""
    query = select(Visit).where(
        Visit.shop_id == shop_id, col(Visit.status).in_((V.LIVE.value, V.SCHEDULED.value))
    )
    visit = turn.session.exec(query.order_by(col(Visit.status), col(Visit.starts_at))).first()
    if visit is None:
        return []
    key = "visit_menu_live" if visit.status == V.LIVE else "visit_menu_planned"
    return [turn.option(key, a.V_PANEL.pack(persisted(visit.id)))]


def _live_options(turn: Turn, visit: Visit) -> list[Option]:
    visit_id = persisted(visit.id)
    return [
        turn.option("visit_panel", a.V_PANEL.pack(visit_id)),
        turn.option("visit_end", a.V_END.pack(visit_id)),
        *turn.nav(),
    ]


def _pending_link(turn: Turn) -> tuple[str, str]:
    url = turn.data.get("vlink")
    if not url:
        raise Stale("no link waiting")
    return url, turn.data.get("vplatform", "other")


def start_now(turn: Turn) -> list[Reply]:
    """`vnow:<shop>`: go live with the link just sent, and tell the followers once."""
    return _go_live_now(turn, a.V_NOW.args(turn).shop)


def _go_live_now(turn: Turn, shop_id: int) -> list[Reply]:
    shop = locked_staff_shop(turn, shop_id)
    shop_id = persisted(shop.id)
    live = live_visit(session=turn.session, shop_id=shop_id)
    if live is not None:  # a second tap, or a colleague was quicker
        return [turn.reply("visit_already_live", _live_options(turn, live), shop=shop.name)]
    url, platform = _pending_link(turn)
    # The link sent near a scheduled visit's time starts that visit (its audience waits).
    soon = select(Visit).where(
        Visit.shop_id == shop_id,
        Visit.status == V.SCHEDULED.value,
        col(Visit.starts_at) <= turn.now() + EARLY_START,
    )
    visit = turn.session.exec(soon.order_by(col(Visit.starts_at))).first()
    if visit is None:
        visit = Visit(shop_id=shop_id, url=url, platform=platform, created_by=turn.user_id)
    visit.url, visit.platform = url, platform
    return go_live(turn, shop, visit)


def go_live(turn: Turn, shop: Shop, visit: Visit) -> list[Reply]:
    """The visit is live from now; followers and those who asked are told, once each."""
    visit.status = V.LIVE
    visit.started_at = turn.now()
    turn.session.add(visit)
    turn.session.flush()
    turn.forget("vlink", "vplatform")
    told = announce_live(turn.session, turn.now(), turn.ctx.public_url, visit)
    turn.outbox_now = True  # wake the dispatcher: the news is due now
    return [turn.reply("visit_now_live", _live_options(turn, visit), shop=shop.name, count=told)]


def start_scheduled(turn: Turn) -> list[Reply]:
    """`vgo:<visit>`: start a scheduled visit (from the merchant's reminder or panel)."""
    visit = staff_visit(turn, a.V_GO.args(turn).visit)
    shop = locked_staff_shop(turn, visit.shop_id)
    live = live_visit(session=turn.session, shop_id=visit.shop_id)
    if live is not None:
        return [turn.reply("visit_already_live", _live_options(turn, live), shop=shop.name)]
    if visit.status != V.SCHEDULED:
        return [turn.reply("visit_is_over", turn.nav())]
    return go_live(turn, shop, visit)


def not_a_visit(turn: Turn) -> list[Reply]:
    """`vnot`: the link was not a visit; forget it."""
    turn.forget("vlink", "vplatform")
    return [turn.reply("visit_not_a_visit_ok", turn.nav())]


def ask_time(turn: Turn) -> list[Reply]:
    """`vplan:<shop>`: ask when the visit will be."""
    shop = locked_staff_shop(turn, a.V_PLAN.args(turn).shop)
    _pending_link(turn)
    turn.forget(*times.KEYS)
    turn.expect(SCHEDULING, vshop=shop.id)
    return [turn.reply("visit_ask_time", turn.nav())]


def schedule(turn: Turn) -> list[Reply]:
    """Typed day and time: schedule the visit and tell the followers."""
    shop_id = turn.data.get("vshop")
    if not isinstance(shop_id, int) or not is_staff_of(turn, shop_id):
        turn.expect(None)
        raise Stale("vplan")
    url, platform = _pending_link(turn)
    typed = times.understood(turn)
    if isinstance(typed, list):  # shown back, asked again or refused
        return typed
    if typed.right_now:  # "tout de suite": go live
        turn.expect(None)
        turn.forget("vshop")
        return _go_live_now(turn, shop_id)
    starts_at = typed.moment
    visit = Visit(
        shop_id=shop_id, url=url, platform=platform, starts_at=starts_at, created_by=turn.user_id
    )
    turn.session.add(visit)
    turn.session.flush()
    turn.expect(None)
    turn.forget("vlink", "vplatform", "vshop")
    told = announce_scheduled(turn.session, turn.now(), visit, starts_at, turn.tz)
    turn.outbox_now = True
    remind_staff(turn, visit, starts_at)
    options = [turn.option("visit_panel", a.V_PANEL.pack(persisted(visit.id))), *turn.nav()]
    when = day_at(turn.lang, starts_at, turn.tz)
    return [turn.reply("visit_scheduled_ok", options, when=when, count=told)]


def panel(turn: Turn) -> list[Reply]:
    """`vpanel:<visit>`: how many joined, who asked to be told, what was reserved."""
    return show_panel(turn, staff_visit(turn, a.V_PANEL.args(turn).visit))


def show_panel(turn: Turn, visit: Visit) -> list[Reply]:
    """The visit's dashboard for its shop's staff."""
    session, visit_id = turn.session, persisted(visit.id)
    if visit.status == V.SCHEDULED:
        interested = session.exec(
            select(VisitInterest.id).where(VisitInterest.visit_id == visit_id)
        ).all()
        options = [
            turn.option("visit_go", a.V_GO.pack(visit_id)),
            turn.option("visit_cancel", a.V_CANCEL.pack(visit_id)),
            *turn.nav(),
        ]
        when = day_at(turn.lang, visit.starts_at, turn.tz) if visit.starts_at else ""
        return [turn.reply("visit_panel_scheduled", options, when=when, count=len(interested))]
    joined = len(joined_users(session=session, visit_id=visit_id))
    told = len(audience(session=session, visit=visit))
    booked = reservations(session=session, visit_id=visit_id)
    lines = "\n".join(f"• {name} × {count}" for name, count in booked) or turn.t("visit_no_booking")
    key = "visit_panel_live" if visit.status == V.LIVE else "visit_panel_ended"
    options = _live_options(turn, visit) if visit.status == V.LIVE else turn.nav()
    return [turn.reply(key, options, joined=joined, told=told, reserved=lines)]


def end(turn: Turn) -> list[Reply]:
    """`vend:<visit>`: end the live visit; the followers who missed it get a recap."""
    visit = staff_visit(turn, a.V_END.args(turn).visit)
    if visit.status != V.LIVE:
        return [turn.reply("visit_is_over", turn.nav())]
    recaps = end_visit(turn.session, visit, turn.now())
    turn.outbox_now = True
    visit_id = persisted(visit.id)
    joined = len(joined_users(session=turn.session, visit_id=visit_id))
    options = [turn.option("visit_panel", a.V_PANEL.pack(visit_id)), *turn.nav()]
    return [turn.reply("visit_ended", options, joined=joined, recaps=recaps)]


def cancel(turn: Turn) -> list[Reply]:
    """`vcancel:<visit>`: call off a scheduled visit; those waiting for it are told."""
    visit = staff_visit(turn, a.V_CANCEL.args(turn).visit)
    if visit.status != V.SCHEDULED:
        return [turn.reply("visit_is_over", turn.nav())]
    visit.status = V.ENDED
    visit.ended_at = turn.now()
    drop_reminders(turn.session, visit)
    waiting = turn.session.exec(
        select(VisitInterest.user_id).where(VisitInterest.visit_id == visit.id)
    ).all()
    tell_called_off(turn, visit, waiting)
    return [turn.reply("visit_cancelled", turn.nav())]
