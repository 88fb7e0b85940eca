"""Telegram Payments: the pre-checkout question answered in time, the successful payment.

`pre_checkout_query` must be answered within 10 seconds or Telegram fails the payment: the
check is one short transaction (no provider call), and a slow database answers "no" at
8 seconds rather than never. The order is confirmed only on `successful_payment`.
"""

import asyncio
import logging

from telegram import PreCheckoutQuery, SuccessfulPayment

from bot.app import App
from handlers import i18n
from handlers.i18n import DEFAULT, LANGUAGES
from handlers.notices import payments as pay_notices

log = logging.getLogger(__name__)
ANSWER_WITHIN = 8.0  # seconds, of the 10 Telegram allows


async def answer_pre_checkout(app: App, query: PreCheckoutQuery) -> None:
    lang = query.from_user.language_code or DEFAULT
    lang = lang[:2] if lang[:2] in LANGUAGES else DEFAULT

    def check() -> str:
        return app.db.run(
            lambda session: pay_notices.pre_checkout(
                session=session, ctx=app.ctx, payload=query.invoice_payload,
                amount_cents=query.total_amount, currency=query.currency, lang=lang,
            )
        )  # fmt: skip

    try:
        refusal = await asyncio.wait_for(asyncio.to_thread(check), ANSWER_WITHIN)
    except TimeoutError:
        log.error("pre-checkout %s not checked in time: refused", query.id)
        refusal = i18n.t(lang, "pay_not_possible")
    if refusal:
        await query.answer(ok=False, error_message=refusal)
    else:
        await query.answer(ok=True)


async def paid(app: App, payment: SuccessfulPayment) -> None:
    def settle() -> str:
        return app.db.run(
            lambda session: pay_notices.telegram_paid(
                session=session, ctx=app.ctx, payload=payment.invoice_payload,
                amount_cents=payment.total_amount,
                charge_id=payment.telegram_payment_charge_id,
                provider_charge_id=payment.provider_payment_charge_id,
            )
        )  # fmt: skip

    outcome = await asyncio.to_thread(settle)
    log.info("telegram payment %s: %s", payment.telegram_payment_charge_id, outcome)
    app.ctx.on_outbox()  # the confirmation and the shop's alert are due now
