"""Paying on Telegram with a native invoice: EUR through a provider (never Stars), the
pre-checkout question answered after checking the order again, confirmed on the payment."""

import pytest
from sqlmodel import select

from store.models import Order, Outbox, Payment, Shop, ShopStaff, User
from tests.fakes.telegram_steps import ALICE, text_of
from tests.people import shop, update

PROVIDER = "284685063:TEST:vitrine"


@pytest.fixture
def paying(start_bot, tg, engine, db):
    engine.ctx.telegram_invoices = True
    choco = shop(db, "chocolaterie-du-perche")
    update(db, Shop, choco.id, payment_mode="online", stripe_account="acct_test_choco")
    with db.session() as session:
        marie = User(channel="console", channel_ref="marie", name="Marie")
        session.add(marie)
        session.flush()
        session.add(ShopStaff(shop_id=choco.id, user_id=marie.id, role="owner"))
    start_bot(provider_token=PROVIDER)
    tg.send_text(ALICE, "/start")
    tg.send_text(ALICE, "coffret")
    tg.tap(ALICE, "Coffret chocolats assortis")
    tg.tap(ALICE, "Commander")
    tg.tap(ALICE, "Retrait en boutique")
    tg.tap(ALICE, "Dès que possible")
    tg.send_text(ALICE, "06 12 34 56 78")
    labels = [b["text"] for b in tg.last_buttons(ALICE)]
    assert "💳 Payer en ligne" in labels and not any("retrait" in x for x in labels[:1])
    sent = tg.tap(ALICE, "Payer en ligne")
    [invoice] = [m for m in sent if "invoice" in m]
    return invoice


def _one(db, model):
    with db.session() as session:
        return session.exec(select(model)).one()


def _rows(db, kind: str) -> list[Outbox]:
    with db.session() as session:
        return list(session.exec(select(Outbox).where(Outbox.kind == kind)))


def test_invoice_pre_checkout_and_payment_confirm_the_order_with_both_charge_ids(tg, db, paying):
    assert paying["invoice"]["currency"] == "EUR" and paying["invoice"]["total_amount"] == 2450
    [call] = tg.called("sendInvoice")
    assert call.params["provider_token"] == PROVIDER  # a provider: physical goods, not Stars
    assert _one(db, Order).status == "awaiting_payment" and _rows(db, "order_new") == []
    answer, _ = tg.pay_invoice(ALICE, paying)
    assert answer["ok"] is True
    order, payment = _one(db, Order), _one(db, Payment)
    assert order.status == "pending" and order.paid_online
    assert payment.telegram_charge_id.startswith("tg_charge_")
    assert payment.provider_charge_id.startswith("ch_provider_")
    [paid] = _rows(db, "order_paid")
    assert paid.payload["replies"][0]["photo"] and "Paiement reçu" in text_of(
        paid.payload["replies"][0]
    )
    assert len(_rows(db, "order_new")) == 1


def test_a_payment_after_the_hold_is_refused_at_pre_checkout(tg, db, clock, paying):
    clock.advance(minutes=31)
    answer, messages = tg.pay_invoice(ALICE, paying)
    assert answer["ok"] is False and "ne peut plus être payée" in answer["error"]
    assert messages == [] and _one(db, Payment).status == "open"
    assert _one(db, Order).status == "awaiting_payment"  # the scheduler's sweep cancels it


def test_a_paid_telegram_order_cancelled_is_marked_for_the_shop_to_refund(tg, db, paying):
    tg.pay_invoice(ALICE, paying)
    order = _one(db, Order)
    tg.send_text(ALICE, "mes commandes")
    tg.tap(ALICE, order.number)
    tg.tap(ALICE, "Annuler")
    tg.tap(ALICE, "Oui")
    assert _one(db, Payment).status == "to_refund"
    [to_shop] = _rows(db, "payment_to_refund")
    assert "remboursez-la" in to_shop.payload["replies"][0]["text"]
    [to_alice] = _rows(db, "payment_refunded")
    assert "La boutique vous rembourse" in to_alice.payload["replies"][0]["text"]
