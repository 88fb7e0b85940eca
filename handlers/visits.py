"""Live visits, the merchant's side: a video link starts one now or schedules it; panel; end.

A staff member's message holding a video link is read here first (`with_video_links`);
anyone else's link is just words to search for. The link waits in the conversation state
while the merchant chooses, so a button payload never carries it.
"""

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlmodel import col, select

from handlers import i18n, visit_times
from handlers.core import Option, Reply, Stale
from handlers.turn import Turn
from handlers.visit_news import (
    announce_live,
    announce_scheduled,
    drop_reminders,
    end_visit,
    release_expired_holds,
    remind_staff,
)
from store.models import Shop, ShopStaff
from store.parsing.links import BadLink, find_link, parse_link
from store.users import staff_shop_ids
from store.visits import (
    Visit,
    VisitInterest,
    audience,
    joined_users,
    live_visit,
    reservations,
)

Handler = Callable[[Turn], list[Reply]]
__all__ = ["release_expired_holds"]  # the job the scheduler runs lives beside

EARLY_START = timedelta(hours=1)  # how early a scheduled visit may be started


def int_arg(turn: Turn, index: int = 0) -> int:
    """The action's argument `index` as a number; a forged one is stale."""
    try:
        return int(turn.args[index])
    except (IndexError, ValueError) as exc:
        raise Stale(turn.args) from exc


def is_staff(turn: Turn, shop_id: int) -> bool:
    query = select(ShopStaff.id).where(
        ShopStaff.shop_id == shop_id, ShopStaff.user_id == turn.user.id
    )
    return turn.session.exec(query).first() is not None


def staff_visit(turn: Turn) -> Visit:
    """The visit named by the action, when this person works in its shop."""
    visit = turn.session.get(Visit, int_arg(turn))
    if visit is None or not is_staff(turn, visit.shop_id):
        raise Stale(turn.args)
    return visit


def staff_shop(turn: Turn) -> Shop:
    """The shop named by the action, locked, when this person works there."""
    shop_id = int_arg(turn)
    if not is_staff(turn, shop_id):
        raise Stale(turn.args)
    return lock_shop(turn, shop_id)


def lock_shop(turn: Turn, shop_id: int) -> Shop:
    """The shop row, locked: "one live visit per shop" holds when two staff tap at once.

    NO KEY UPDATE (key_share) so it never waits on orders that merely reference the shop.
    """
    query = select(Shop).where(Shop.id == shop_id).with_for_update(key_share=True)
    return turn.session.exec(query).one()


def with_video_links(fallback: Handler) -> Handler:
    """Typed words: a staff member's video link offers a visit; anything else to `fallback`."""

    def typed(turn: Turn) -> list[Reply]:
        raw = find_link(turn.text)
        shops = staff_shop_ids(session=turn.session, user_id=turn.user.id) if raw else []
        if not raw or not shops:
            return fallback(turn)
        current = turn.data.get("mshop")  # the shop the merchant runs now (merchants' menu)
        return offer_visit(turn, raw, current if current in shops else shops[0])

    typed.__doc__ = f"A staff member's video link offers a live visit, else {fallback.__name__}."
    return typed


def offer_visit(turn: Turn, raw: str, shop_id: int) -> list[Reply]:
    """The link checked, then: start now, schedule, or it is not a visit."""
    try:
        link = parse_link(raw)
    except BadLink as refused:
        options = turn.nav()
        if refused.suggestion:  # "did you mean …?": one tap takes the address meant
            turn.remember(vmeant=refused.suggestion, vmshop=shop_id)
            options = [turn.option("visit_link_use_meant", "vmeant"), *options]
        return [link_refusal(turn, refused, options)]
    shop = turn.session.get(Shop, shop_id)
    assert shop is not None
    live = live_visit(session=turn.session, shop_id=shop_id)
    if live is not None:
        return [turn.reply("visit_already_live", _live_options(turn, live), shop=shop.name)]
    turn.remember(vlink=link.url, vplatform=link.platform)
    platform = f"{link.icon} {link.name}" if link.name else f"{link.icon} {turn.t('visit_link')}"
    options = [
        turn.option("visit_start_now", f"vnow:{shop.id}"),
        turn.option("visit_schedule", f"vplan:{shop.id}"),
        turn.option("visit_not_a_visit", "vnot"),
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
    if not meant or not isinstance(shop_id, int) or not is_staff(turn, shop_id):
        raise Stale("vmeant")
    turn.forget("vmeant", "vmshop")
    return offer_visit(turn, meant, shop_id)


def visit_options(turn: Turn, shop_id: int) -> list[Option]:
    """For the merchant's menu: the dashboard of the visit on now, or of the next planned."""
    query = select(Visit).where(
        Visit.shop_id == shop_id, col(Visit.status).in_(("live", "scheduled"))
    )
    visit = turn.session.exec(query.order_by(col(Visit.status), col(Visit.starts_at))).first()
    if visit is None:
        return []
    key = "visit_menu_live" if visit.status == "live" else "visit_menu_planned"
    return [turn.option(key, f"vpanel:{visit.id}")]


def _live_options(turn: Turn, visit: Visit) -> list[Option]:
    return [
        turn.option("visit_panel", f"vpanel:{visit.id}"),
        turn.option("visit_end", f"vend:{visit.id}"),
        *turn.nav(),
    ]


def _pending_link(turn: Turn) -> tuple[str, str]:
    url = turn.data.get("vlink")
    if not url:
        raise Stale("no link waiting")
    return url, turn.data.get("vplatform", "other")


def start_now(turn: Turn) -> list[Reply]:
    """`vnow:<shop>`: go live with the link just sent, and tell the followers once."""
    shop = staff_shop(turn)
    live = live_visit(session=turn.session, shop_id=shop.id)  # type: ignore[arg-type]
    if live is not None:  # a second tap, or a colleague was quicker
        return [turn.reply("visit_already_live", _live_options(turn, live), shop=shop.name)]
    url, platform = _pending_link(turn)
    # The link sent near a scheduled visit's time starts that visit (its audience waits).
    soon = select(Visit).where(
        Visit.shop_id == shop.id,
        Visit.status == "scheduled",
        col(Visit.starts_at) <= turn.now() + EARLY_START,
    )
    visit = turn.session.exec(soon.order_by(col(Visit.starts_at))).first()
    if visit is None:
        visit = Visit(shop_id=shop.id, created_by=turn.user.id)  # type: ignore[arg-type]
    visit.url, visit.platform = url, platform
    return go_live(turn, shop, visit)


def go_live(turn: Turn, shop: Shop, visit: Visit) -> list[Reply]:
    """The visit is live from now; followers and those who asked are told, once each."""
    visit.status = "live"
    visit.started_at = turn.now()
    turn.session.add(visit)
    turn.session.flush()
    turn.forget("vlink", "vplatform")
    told = announce_live(turn.session, turn.now(), turn.ctx.public_url, visit)
    turn.outbox_now = True  # wake the dispatcher: the news is due now
    return [turn.reply("visit_now_live", _live_options(turn, visit), shop=shop.name, count=told)]


def start_scheduled(turn: Turn) -> list[Reply]:
    """`vgo:<visit>`: start a scheduled visit (from the merchant's reminder or panel)."""
    visit = staff_visit(turn)
    shop = lock_shop(turn, visit.shop_id)
    live = live_visit(session=turn.session, shop_id=shop.id)  # type: ignore[arg-type]
    if live is not None:
        return [turn.reply("visit_already_live", _live_options(turn, live), shop=shop.name)]
    if visit.status != "scheduled":
        return [turn.reply("visit_is_over", turn.nav())]
    return go_live(turn, shop, visit)


def not_a_visit(turn: Turn) -> list[Reply]:
    """`vnot`: the link was not a visit; forget it."""
    turn.forget("vlink", "vplatform")
    return [turn.reply("visit_not_a_visit_ok", turn.nav())]


def ask_time(turn: Turn) -> list[Reply]:
    """`vplan:<shop>`: ask when the visit will be."""
    shop = staff_shop(turn)
    _pending_link(turn)
    turn.forget(*visit_times.KEYS)
    turn.expect("vplan", vshop=shop.id)
    return [turn.reply("visit_ask_time", turn.nav())]


def schedule(turn: Turn) -> list[Reply]:
    """Typed day and time: schedule the visit and tell the followers."""
    shop_id = turn.data.get("vshop")
    if not isinstance(shop_id, int) or not is_staff(turn, shop_id):
        turn.expect(None)
        raise Stale("vplan")
    url, platform = _pending_link(turn)
    typed = visit_times.understood(turn)
    if isinstance(typed, list):  # shown back, asked again or refused
        return typed
    if typed.right_now:  # "tout de suite": go live
        turn.expect(None)
        turn.forget("vshop")
        turn.args = [str(shop_id)]
        return start_now(turn)
    starts_at = typed.moment
    visit = Visit(
        shop_id=shop_id, url=url, platform=platform, starts_at=starts_at, created_by=turn.user.id
    )
    turn.session.add(visit)
    turn.session.flush()
    turn.expect(None)
    turn.forget("vlink", "vplatform", "vshop")
    told = announce_scheduled(turn.session, turn.now(), visit, turn.ctx.timezone)
    turn.outbox_now = True
    remind_staff(turn.session, turn.notify, visit)
    options = [turn.option("visit_panel", f"vpanel:{visit.id}"), *turn.nav()]
    return [turn.reply("visit_scheduled_ok", options, when=_when(turn, starts_at), count=told)]


def _when(turn: Turn, moment: datetime) -> str:
    return visit_times.spoken(turn, moment)


def panel(turn: Turn) -> list[Reply]:
    """`vpanel:<visit>`: how many joined, who asked to be told, what was reserved."""
    visit = staff_visit(turn)
    session = turn.session
    if visit.status == "scheduled":
        interested = session.exec(
            select(VisitInterest.id).where(VisitInterest.visit_id == visit.id)
        ).all()
        options = [
            turn.option("visit_go", f"vgo:{visit.id}"),
            turn.option("visit_cancel", f"vcancel:{visit.id}"),
            *turn.nav(),
        ]
        when = _when(turn, visit.starts_at) if visit.starts_at else ""
        return [turn.reply("visit_panel_scheduled", options, when=when, count=len(interested))]
    joined = len(joined_users(session=session, visit_id=visit.id))  # type: ignore[arg-type]
    told = len(audience(session=session, visit=visit))
    booked = reservations(session=session, visit_id=visit.id)  # type: ignore[arg-type]
    lines = "\n".join(f"• {name} × {count}" for name, count in booked) or turn.t("visit_no_booking")
    key = "visit_panel_live" if visit.status == "live" else "visit_panel_ended"
    options = _live_options(turn, visit) if visit.status == "live" else turn.nav()
    return [turn.reply(key, options, joined=joined, told=told, reserved=lines)]


def end(turn: Turn) -> list[Reply]:
    """`vend:<visit>`: end the live visit; the followers who missed it get a recap."""
    visit = staff_visit(turn)
    if visit.status != "live":
        return [turn.reply("visit_is_over", turn.nav())]
    recaps = end_visit(turn.session, visit, turn.now())
    turn.outbox_now = True
    joined = len(joined_users(session=turn.session, visit_id=visit.id))  # type: ignore[arg-type]
    options = [turn.option("visit_panel", f"vpanel:{visit.id}"), *turn.nav()]
    return [turn.reply("visit_ended", options, joined=joined, recaps=recaps)]


def cancel(turn: Turn) -> list[Reply]:
    """`vcancel:<visit>`: call off a scheduled visit; those waiting for it are told."""
    visit = staff_visit(turn)
    if visit.status != "scheduled":
        return [turn.reply("visit_is_over", turn.nav())]
    visit.status = "ended"
    visit.ended_at = turn.now()
    drop_reminders(turn.session, visit)
    shop = turn.session.get(Shop, visit.shop_id)
    assert shop is not None
    for user_id in turn.session.exec(
        select(VisitInterest.user_id).where(VisitInterest.visit_id == visit.id)
    ):
        turn.notify(
            user_id,
            "visit_scheduled",
            lambda lang: [Reply(i18n.t(lang, "visit_cancelled_notice", shop=shop.name))],
            essential=False,
            dedupe_key=f"vcancel:{visit.id}:{user_id}",
        )
    return [turn.reply("visit_cancelled", turn.nav())]
