"""A gentle reminder to a new shop's owner: what customers would notice missing.

A day after the owner joined, a shop still without hours, photo, address, phone or
description gets one message listing them, with "Compléter ma boutique". Each distinct
list is sent once (its dedupe key), so adding the hours later brings at most one more
reminder about the photo, and a shop joined more than two weeks ago is left in peace.
"""

from datetime import timedelta

from sqlmodel import Session, col, select

from handlers import i18n
from handlers.common import actions as a
from handlers.common.readiness import missing, missing_text
from handlers.context import Context
from handlers.core import Option, Reply, menu_of
from store import outbox, quiet
from store.models import Invite, Shop, User
from store.towns import zone_of

KINDS: dict[str, tuple[str, ...]] = {"setup_reminder": ("shop",)}
AFTER = timedelta(days=1)  # the first day belongs to the merchant
UNTIL = timedelta(days=14)


def remind_setups(*, session: Session, ctx: Context) -> int:
    """Owners of shops joined 1 to 14 days ago, told once what their shop still misses."""
    now = ctx.now()
    joined = session.exec(
        select(Invite, Shop, User)
        .join(Shop, col(Shop.id) == Invite.shop_id)
        .join(User, col(User.id) == Invite.used_by)
        .where(Invite.role == "owner", col(Shop.active))
        .where(col(Invite.used_at) <= now - AFTER, col(Invite.used_at) > now - UNTIL)
    ).all()
    written = 0
    for _invite, shop, owner in joined:
        gaps = missing(shop)
        if not gaps or shop.id is None or owner.id is None:
            continue
        text = i18n.t(owner.language, "m_setup_reminder", shop=shop.name,
                      missing=missing_text(owner.language, shop))  # fmt: skip
        options = (
            Option(i18n.t(owner.language, "m_complete"), a.M_COMPLETE.pack()),
            Option(i18n.t(owner.language, "m_shop_menu"), a.M_MENU.pack()),
        )
        replies = [Reply(text, options=options)]
        # The shop's town's night (Fort-de-France's is not Paris's).
        zone = zone_of(session=session, town_id=shop.town_id, default=ctx.timezone)
        row = outbox.enqueue(
            session=session,
            user_id=owner.id,
            kind="setup_reminder",
            replies=replies,
            menu=menu_of(replies),
            due_at=quiet.after_quiet(now, zone, ctx.reminders.quiet_hours),
            essential=False,  # advice, not about an order: /stop silences it
            variables={"shop": shop.name},
            dedupe_key=f"setup_reminder:{shop.id}:{'+'.join(gaps)}",
            quiet_hours=True,
        )
        written += row is not None
    return written
