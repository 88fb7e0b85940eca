"""Joining a shop with an invite code (link, QR or typed), and owners inviting their staff."""

import re

from handlers.common.rights import is_staff, require_shop, staff_shop
from handlers.core import Option, Reply
from handlers.customer import search
from handlers.merchant import handover as pickup
from handlers.merchant import menu as merchant_menu
from handlers.merchant import setup as merchant_setup
from handlers.turn import Turn
from store.parsing.caption import looks_like_code, normalise_code
from store.qr import qr_png
from store.shops import create_invite, order_by_code, redeem_invite, shops_of

JOIN_WORDS = ("join", "rejoindre", "code")
PICKUP_WORDS = ("pickup", "retrait")


def link(turn: Turn) -> list[Reply]:
    """`/start join-<code>`: the invite link or QR code was opened."""
    return _join(turn, turn.args[0] if turn.args else "")


def typed(turn: Turn) -> list[Reply]:
    """Typed words: an invite code or a WhatsApp deep link's words, else a search."""
    word, _, rest = turn.text.partition(" ")
    if word.lower() in JOIN_WORDS and rest.strip():
        return _join(turn, rest)
    if word.lower() in PICKUP_WORDS and rest.strip() and " " not in rest.strip():
        turn.args = [rest.strip()]
        return pickup.link(turn)
    if looks_like_code(turn.text):
        return _join(turn, turn.text)
    if _is_pickup_code(turn):
        # At the counter the customer reads out "8UNAP3": typed anywhere, it opens the order.
        return pickup.typed_code(turn)
    return search.results(turn)


def _is_pickup_code(turn: Turn) -> bool:
    """Staff typed one 6-character word: a code with a digit, or one of their orders' codes."""
    code = re.sub(r"[\s\-]", "", turn.text).upper()
    if not re.fullmatch(r"[A-Z0-9]{6}", code) or not is_staff(turn):
        return False
    if any(c.isdigit() for c in code):
        return True
    shops = shops_of(session=turn.session, user_id=turn.user.id)  # type: ignore[arg-type]
    ids = [shop.id for shop in shops]
    return order_by_code(session=turn.session, shop_ids=ids, code=code) is not None  # type: ignore[arg-type]


def _join(turn: Turn, typed_code: str) -> list[Reply]:
    code = normalise_code(typed_code)
    if code is None:
        return [turn.reply("m_join_bad_code", turn.nav())]
    joined = redeem_invite(session=turn.session, code=code, user_id=turn.user.id, now=turn.now())  # type: ignore[arg-type]
    if joined.already:
        return [turn.reply("m_join_already", shop=joined.shop.name), *merchant_menu.menu(turn)]  # type: ignore[union-attr]
    if joined.problem:
        return [turn.reply(f"m_join_{joined.problem}", turn.nav())]
    shop = joined.shop
    assert shop is not None
    turn.remember(mshop=shop.id)
    if joined.role == "owner":
        welcome = turn.reply("m_join_owner", shop=shop.name)
        return [welcome, *merchant_setup.start_wizard(turn, shop)]
    return [turn.reply("m_join_staff", shop=shop.name), *merchant_menu.menu(turn)]


def invite_staff(turn: Turn) -> list[Reply]:
    """`minvite`: the owner gets a single-use link (and its QR) for a colleague."""
    shop = staff_shop(turn, require_shop(turn).id, owner=True)
    invite = create_invite(
        session=turn.session,
        shop_id=shop.id,  # type: ignore[arg-type]
        role="staff",
        now=turn.now(),
        created_by=turn.user.id,
    )
    links = [
        Option(
            turn.t("m_invite_telegram"), url=turn.ctx.deep_link("telegram", f"join-{invite.code}")
        )
    ]
    if turn.ctx.whatsapp_number:
        url = turn.ctx.deep_link("whatsapp", f"join-{invite.code}")
        links.append(Option(turn.t("m_invite_whatsapp"), url=url))
    qr = turn.ctx.media.put(qr_png(links[0].url or ""), "png")
    text = turn.t("m_invite_staff", code=invite.code, shop=shop.name)
    return [
        Reply(text, photo=qr, options=tuple(links)),
        Reply(turn.t("m_invite_next"), options=tuple(turn.nav("mshop"))),
    ]
