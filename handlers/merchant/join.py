"""Joining a shop with an invite code (link, QR or typed), and owners inviting their staff."""

from handlers.common import actions as a
from handlers.common.rights import require_shop, staff_shop
from handlers.core import Option, Reply
from handlers.merchant import menu as merchant_menu
from handlers.merchant import setup as merchant_setup
from handlers.turn import Turn
from store.parsing.caption import looks_like_code, normalise_code
from store.qr import qr_png
from store.shops import create_invite, redeem_invite
from store.types import persisted

JOIN_WORDS = ("join", "rejoindre", "code")


def link(turn: Turn) -> list[Reply]:
    """`/start join-<code>`: the invite link or QR code was opened."""
    return _join(turn, turn.args[0] if turn.args else "")


def join_words(turn: Turn) -> list[Reply] | None:
    """Typed "join <code>" (what a WhatsApp deep link types for the person), else not mine."""
    word, _, rest = turn.text.partition(" ")
    if word.lower() in JOIN_WORDS and rest.strip():
        return _join(turn, rest)
    return None


def typed_code(turn: Turn) -> list[Reply] | None:
    """A typed invite code on its own ("K7PM-3QXA"), else not mine."""
    return _join(turn, turn.text) if looks_like_code(turn.text) else None


def _join(turn: Turn, typed_code: str) -> list[Reply]:
    code = normalise_code(typed_code)
    if code is None:
        return [turn.reply("m_join_bad_code", turn.nav())]
    joined = redeem_invite(session=turn.session, code=code, user_id=turn.user_id, now=turn.now())
    shop = joined.shop
    if joined.already and shop is not None:
        return [turn.reply("m_join_already", shop=shop.name), *merchant_menu.menu(turn)]
    if joined.problem or shop is None:
        return [turn.reply(f"m_join_{joined.problem or 'unknown'}", turn.nav())]
    turn.remember(mshop=shop.id)
    turn.move_to(shop.town_id)  # staff see their shop's town, in its time zone
    if joined.role == "owner":
        welcome = turn.reply("m_join_owner", shop=shop.name)
        return [welcome, *merchant_setup.start_wizard(turn, shop)]
    return [turn.reply("m_join_staff", shop=shop.name), *merchant_menu.menu(turn)]


def invite_staff(turn: Turn) -> list[Reply]:
    """`minvite`: the owner gets a single-use link (and its QR) for a colleague."""
    shop = staff_shop(turn, persisted(require_shop(turn).id), owner=True)
    invite = create_invite(
        session=turn.session,
        shop_id=persisted(shop.id),
        role="staff",
        now=turn.now(),
        created_by=turn.user_id,
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
        Reply(turn.t("m_invite_next"), options=tuple(turn.nav(a.M_MENU.pack()))),
    ]
