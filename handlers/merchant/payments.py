"""How the shop's customers pay: at pickup (the default), online, or both, from "Ma boutique".

Online payment needs the shop's own Stripe account, where the money goes: the owner opens
Stripe's onboarding link from here (Stripe asks for the details, never this chat), or the
town's admin sets an existing account with `vitrine admin payments`.
"""

from handlers.common import actions as a
from handlers.common.rights import require_shop, staff_shop
from handlers.core import Option, Reply, Stale
from handlers.turn import Turn
from store.shops import PAYMENT_MODES
from store.types import persisted


def menu(turn: Turn, notice: str = "") -> list[Reply]:
    """`mpay`: the payment mode now, the choices, and the Stripe link for the owner."""
    turn.expect(None)
    shop = staff_shop(turn, persisted(require_shop(turn).id), owner=True)
    links = []
    provider = turn.ctx.payments
    if provider is not None and not shop.stripe_account:
        account, url = provider.connect(account=shop.stripe_account, reference=f"shop-{shop.id}")
        shop.stripe_account = account  # an account id, not a secret: the money's destination
        turn.session.add(shop)
        links.append(Option(turn.t("m_pay_connect"), url=url))
    options = [
        *links,
        *(turn.option(f"m_pay_mode_{mode}", a.M_PAY_MODE.pack(mode))
          for mode in PAYMENT_MODES
          if mode != shop.payment_mode and (mode == "counter" or shop.stripe_account)),
    ]  # fmt: skip
    text = turn.t("m_pay_menu", mode=turn.t(f"m_pay_mode_{shop.payment_mode}"))
    text += "\n" + turn.t("m_pay_account_no" if links else "m_pay_account_yes")
    if notice:
        text = f"{notice}\n\n{text}"
    return [Reply(text, options=(*options, *turn.nav(a.M_MENU.pack())))]


def set_mode(turn: Turn) -> list[Reply]:
    """`mpaymode:<counter|online|both>`: the owner changes how customers pay."""
    mode = a.M_PAY_MODE.args(turn).word
    if mode not in PAYMENT_MODES:
        raise Stale(mode)
    shop = staff_shop(turn, persisted(require_shop(turn).id), owner=True)
    if mode != "counter" and not shop.stripe_account:
        return menu(turn, notice=turn.t("m_pay_needs_account"))
    shop.payment_mode = mode
    turn.session.add(shop)
    return menu(turn, notice=turn.t("m_pay_saved"))
