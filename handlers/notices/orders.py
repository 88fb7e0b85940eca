"""Messages about an order for the other side: alerts for the shop, news for the customer."""

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session

from handlers import i18n
from handlers.common import actions as a
from handlers.common.cards import order_text
from handlers.common.formats import show_phone, until
from handlers.context import Context
from handlers.core import Option, Reply, menu_of
from handlers.turn import Turn
from store import outbox
from store.models import Order, Outbox, Shop, User
from store.orders import Expired, order_lines
from store.shops import staff_ids
from store.towns import zone_of
from store.types import persisted

# kind -> the variables a WhatsApp template of that kind receives.
KINDS: dict[str, tuple[str, ...]] = {
    "order_new": ("number",),  # to the shop's staff
    "order_cancelled": ("number",),  # to the shop's staff: the customer cancelled
    "order_accepted": ("number", "shop"),
    "order_declined": ("number", "shop", "reason"),
    "order_ready": ("number", "shop", "until"),
    "order_out": ("number", "shop"),
    "order_delivered": ("number", "shop"),
    "order_expired": ("number",),  # to the customer and the staff
    "order_undelivered": ("number",),  # to the staff: the customer could not be reached
}
# The customer's news about an order: when it cannot be delivered, the shop is told.
CUSTOMER_KINDS = frozenset(
    {
        "order_accepted",
        "order_declined",
        "order_ready",
        "order_out",
        "order_delivered",
        "order_cancelled",
        "order_expired",
    }
)


def details(lang: str, session: Session, ctx: Context, order: Order, shop: Shop) -> str:
    """The customer's view of the order, in `lang`, its times in the shop's town's zone."""
    lines = order_lines(session=session, order_id=persisted(order.id))
    tz = zone_of(session=session, town_id=shop.town_id, default=ctx.timezone)
    return order_text(lang, order, lines, shop_name=shop.name, tz=tz, currency=ctx.currency)


def alert_options(lang: str, order: Order) -> tuple[Option, ...]:
    """The new-order alert's answers: accept; or, for a shop with the order on the shelf,
    ready to collect (or out for delivery) in one tap, so the customer gets one notice instead
    of two; or decline. Three at most: WhatsApp's quick replies."""
    order_id = persisted(order.id)
    if order.fulfilment == "pickup":
        now = Option(i18n.t(lang, "order_ready_now"), a.M_READY.pack(order_id))
    else:
        now = Option(i18n.t(lang, "order_out_now"), a.M_OUT.pack(order_id))
    return (
        Option(i18n.t(lang, "order_accept"), a.M_ACCEPT.pack(order_id)),
        now,
        Option(i18n.t(lang, "order_decline"), a.M_DECLINE.pack(order_id)),
    )


def alert_new(turn: Turn, shop: Shop, order: Order) -> None:
    """`order_new`: the new-order alert, in each staff member's language, with its answers."""
    order_id = persisted(order.id)

    def build(lang: str) -> list[Reply]:
        text = i18n.t(lang, "order_new_alert", number=order.number)
        text += "\n\n" + details(lang, turn.session, turn.ctx, order, shop)
        return [Reply(text, options=alert_options(lang, order))]

    turn.notify_staff(
        persisted(shop.id),
        "order_new",
        build,
        dedupe=f"order_new:{order_id}",
        variables={"number": order.number},  # for a WhatsApp template after 24 hours
    )


def alert_cancelled(turn: Turn, order: Order) -> None:
    """`order_cancelled`: the customer called the order off."""

    def build(lang: str) -> list[Reply]:
        return [Reply(i18n.t(lang, "order_cancelled_alert", number=order.number))]

    dedupe = f"order_cancelled:{order.id}"
    variables = {"number": order.number}
    turn.notify_staff(order.shop_id, "order_cancelled", build, dedupe=dedupe, variables=variables)


def _see_order(lang: str, order: Order) -> tuple[Option, ...]:
    return (Option(i18n.t(lang, "m_see_order"), a.ORDER.pack(persisted(order.id))),)


def tell_customer(turn: Turn, order: Order, shop: Shop, kind: str, **values: str) -> None:
    """`order_accepted` / `declined` / `out` / `delivered`: the customer's news."""

    key = f"m_tell_{kind}"
    if kind == "order_accepted" and order.fulfilment != "pickup":
        key += "_delivery"  # told when it leaves, not when it is ready

    def build(lang: str) -> list[Reply]:
        text = i18n.t(lang, key, number=order.number, shop=shop.name, **values)
        return [Reply(text, options=_see_order(lang, order))]

    variables = {"number": order.number, "shop": shop.name, **values}
    turn.notify(
        order.customer_id,
        kind,
        build,
        variables=variables,
        dedupe_key=f"{kind}:{order.id}",
        order_id=order.id,  # so the shop is told if the customer cannot be reached
    )


def tell_ready(turn: Turn, order: Order, shop: Shop, deadline: datetime) -> None:
    """`order_ready`: come and collect it, with the code and until when it is kept (a time
    of the shop's town, whichever town the merchant's account was last in)."""
    tz = zone_of(session=turn.session, town_id=shop.town_id, default=turn.ctx.timezone)

    def build(lang: str) -> list[Reply]:
        text = i18n.t(
            lang,
            "m_tell_order_ready",
            number=order.number,
            shop=shop.name,
            address=shop.address or shop.name,
            until=until(lang, deadline, tz),
            code=order.pickup_code,
        )
        return [Reply(text, options=_see_order(lang, order))]

    variables = {"number": order.number, "shop": shop.name, "until": until("fr", deadline, tz)}
    turn.notify(
        order.customer_id,
        "order_ready",
        build,
        variables=variables,
        dedupe_key=f"order_ready:{order.id}",
        order_id=order.id,
    )


def _send(
    session: Session, ctx: Context, user_id: int, kind: str, replies: Sequence[Reply], **row: str
) -> None:
    """One row of `kind` due now, about an order (`order_id`, `number`, `dedupe_key`)."""
    outbox.enqueue(
        session=session,
        user_id=user_id,
        kind=kind,
        replies=list(replies),
        menu=menu_of(replies),
        due_at=ctx.now(),
        essential=True,
        variables={"number": row["number"]},
        dedupe_key=row["dedupe_key"],
        order_id=int(row["order_id"]),
    )


def tell_expired(session: Session, ctx: Context, expired: Expired) -> None:
    """`order_expired`: the customer and the staff hear that the order went back on the shelf."""
    order, shop, deadline = expired.order, expired.shop, expired.deadline
    about = {"number": order.number, "order_id": str(order.id)}
    customer = session.get(User, order.customer_id)
    if customer is not None:
        lang = customer.language
        text = i18n.t(
            lang,
            "order_expired_customer",
            number=order.number,
            shop=shop.name,
            day=i18n.day(
                deadline, lang, zone_of(session=session, town_id=shop.town_id, default=ctx.timezone)
            ),  # fmt: skip
        )
        key = f"order_expired:{order.id}:customer"
        _send(
            session,
            ctx,
            persisted(customer.id),
            "order_expired",
            [Reply(text)],
            dedupe_key=key,
            **about,
        )
    for staff_id in staff_ids(session=session, shop_id=persisted(shop.id)):
        member = session.get(User, staff_id)
        if member is None:
            continue
        lang = member.language
        text = i18n.t(
            lang,
            "order_expired_merchant",
            number=order.number,
            total=i18n.money(order.total_cents, lang, ctx.currency),
            days=shop.hold_days,
        )
        key = f"order_expired:{order.id}:staff{staff_id}"
        _send(session, ctx, staff_id, "order_expired", [Reply(text)], dedupe_key=key, **about)


def tell_undelivered(*, session: Session, ctx: Context, outbox_id: int) -> None:
    """`order_undelivered`: news the customer never got (blocked, unreachable); call them."""
    row = session.get(Outbox, outbox_id)
    if row is None or row.order_id is None or row.kind not in CUSTOMER_KINDS:
        return
    order = session.get(Order, row.order_id)
    if order is None or order.customer_id != row.user_id:
        return
    about = {"number": order.number, "order_id": str(order.id)}
    for staff_id in staff_ids(session=session, shop_id=order.shop_id):
        member = session.get(User, staff_id)
        if member is None:
            continue
        text = i18n.t(
            member.language,
            "order_undelivered",
            number=order.number,
            phone=show_phone(order.phone) if order.phone else "—",
        )
        key = f"order_undelivered:{order.id}:{staff_id}"  # once an order is enough
        _send(session, ctx, staff_id, "order_undelivered", [Reply(text)], dedupe_key=key, **about)
