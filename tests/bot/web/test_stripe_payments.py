"""Paying online through a Stripe Checkout link (console, as on WhatsApp): the real `stripe`
client talks to a local stand-in, and signed webhooks come back to `POST /stripe/webhook`."""

import threading

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from bot.config import StripeConfig
from bot.payments import StripeLinks
from bot.web import build_web
from bot.web.stripe import stripe_routes
from handlers import jobs
from handlers.core import Incoming
from store.models import Item, Order, Outbox, Payment, Shop, ShopStaff, User
from tests.fakes.stripe import KEY, WEBHOOK_SECRET, StripeStandIn
from tests.people import app_for, item, press, shop, shopper, update

RESULT = "Coffret chocolats assortis · 24,50 € · Chocolaterie du Perche"


@pytest.fixture
def stripe(clock):
    standin = StripeStandIn(clock)
    standin.start()
    yield standin
    standin.close()


@pytest.fixture
def webhook(engine, db, stripe):
    """Online payment on, the chocolaterie paid to its own account; Stripe's webhook poster."""
    config = StripeConfig(api_key=KEY, webhook_secret=WEBHOOK_SECRET, api_base_url=stripe.url)
    links = StripeLinks(config, "https://vitrine.test")
    engine.ctx.payments = links
    app = app_for(engine, db)
    app.config.stripe = config
    account = links.client.v1.accounts.create(params={"type": "express"}).id
    choco = shop(db, "chocolaterie-du-perche")
    update(db, Shop, choco.id, payment_mode="both", stripe_account=account)
    with db.session() as session:
        marie = User(channel="console", channel_ref="marie", name="Marie")
        session.add(marie)
        session.flush()
        session.add(ShopStaff(shop_id=choco.id, user_id=marie.id, role="owner"))
    client = TestClient(build_web(app, stripe_routes(app, links)))

    def post(event: dict, secret: str = WEBHOOK_SECRET) -> tuple[int, str]:
        body, signature = stripe.signed(event, secret)
        answer = client.post(
            "/stripe/webhook", content=body, headers={"Stripe-Signature": signature}
        )
        return answer.status_code, answer.text

    return post


def _to_summary(alice) -> str:
    alice.say("coffret")
    alice.say(RESULT)
    alice.say("commander")
    alice.say("retrait en boutique")
    screen = alice.say("1")  # as soon as possible
    if "téléphone" in screen:
        screen = alice.say("06 12 34 56 78")
    return screen


def _pay_online(alice) -> str:
    summary = _to_summary(alice)
    assert "1. 💳 Payer en ligne" in summary and "2. ✅ Confirmer, payer au retrait" in summary
    return alice.say("payer en ligne")


def _rows(db, kind: str) -> list[Outbox]:
    with db.session() as session:
        return list(session.exec(select(Outbox).where(Outbox.kind == kind)))


def _one(db, model):
    with db.session() as session:
        return session.exec(select(model)).one()


def test_paying_online_confirms_the_order_only_once_the_signed_webhook_says_paid(
    chat, db, stripe, webhook
):
    alice = shopper(chat)
    link = _pay_online(alice)
    assert "réservée jusqu'à 10:30" in link and "https://checkout.stripe.test/c/pay/cs_" in link
    order, payment = _one(db, Order), _one(db, Payment)
    assert order.status == "awaiting_payment" and item(db, "Coffret chocolats assortis").stock == 9
    assert (payment.status, payment.amount_cents, payment.provider) == ("open", 2450, "stripe")
    [session] = stripe.sessions.values()
    assert session["amount_total"] == 2450 and session["destination"].startswith("acct_")
    assert _rows(db, "order_new") == []  # the shop hears of it once paid
    alice.say("mes commandes")
    detail = alice.say("1")
    assert "Paiement en ligne : en attente" in detail and "Payer 24,50 €" in detail

    event = stripe.pay(session["id"])
    assert webhook(event) == (200, "confirmed")
    order, payment = _one(db, Order), _one(db, Payment)
    assert order.status == "pending" and order.paid_online
    assert payment.status == "paid" and payment.payment_intent.startswith("pi_")
    [paid] = _rows(db, "order_paid")
    assert "Paiement reçu" in paid.payload["replies"][0]["text"]
    assert paid.payload["replies"][0]["photo"]  # the pickup QR
    [alert] = _rows(db, "order_new")
    assert "Payée en ligne" in alert.payload["replies"][0]["text"]

    # Replayed, or the same payment told again under another event id: nothing changes.
    assert webhook(event) == (200, "replay")
    assert webhook({**event, "id": "evt_other"}) == (200, "replay")
    # Forged: refused before anything is read.
    assert webhook({**event, "id": "evt_forged"}, secret="whsec_wrong")[0] == 400
    assert len(_rows(db, "order_paid")) == 1 and len(_rows(db, "order_new")) == 1


def test_a_link_nobody_pays_gives_the_units_back_and_a_late_payment_is_refunded(
    chat, db, clock, engine, stripe, webhook
):
    alice = shopper(chat)
    _pay_online(alice)
    [session] = stripe.sessions.values()
    event = stripe.pay(session["id"])  # paid at the last second, the webhook comes late
    clock.advance(minutes=31)
    db.run(lambda s: jobs.tick(session=s, ctx=engine.ctx))
    assert _one(db, Order).status == "cancelled" and _one(db, Payment).status == "expired"
    assert item(db, "Coffret chocolats assortis").stock == 10
    assert "a expiré" in _rows(db, "payment_expired")[0].payload["replies"][0]["text"]
    assert webhook(event) == (200, "refunded")
    assert "Paiement en ligne : remboursé" in alice.say("mes commandes") + alice.say("1")
    [refund] = stripe.refunds.values()
    assert refund["amount"] == 2450 and refund["payment_intent"] == session["payment_intent"]
    assert _one(db, Payment).status == "refunded" and _one(db, Order).status == "cancelled"
    assert "remboursés" in _rows(db, "payment_refunded")[0].payload["replies"][0]["text"]


def test_an_unpaid_link_expires_at_stripe_too(chat, db, clock, engine, stripe, webhook):
    alice = shopper(chat)
    _pay_online(alice)
    clock.advance(minutes=31)
    db.run(lambda s: jobs.tick(session=s, ctx=engine.ctx))
    [session] = stripe.sessions.values()
    assert session["status"] == "expired"
    with pytest.raises(Exception, match="no longer active"):
        stripe.pay(session["id"])


@pytest.mark.parametrize("who", ["customer", "shop"])
def test_cancelled_or_declined_paid_orders_are_refunded_once(chat, db, stripe, webhook, who):
    alice = shopper(chat)
    _pay_online(alice)
    [session] = stripe.sessions.values()
    webhook(stripe.pay(session["id"]))
    order = _one(db, Order)
    if who == "customer":
        assert "annulée" in press(alice, f"ocancel:{order.id}:yes")
    else:
        press(shopper(chat, "marie"), f"mdecr:{order.id}:0")  # declined, the first reason
    assert _one(db, Order).status in ("cancelled", "declined")
    [refund] = stripe.refunds.values()
    assert refund["amount"] == 2450
    assert _one(db, Payment).status == "refunded"
    assert len(_rows(db, "payment_refunded")) == 1


def test_twenty_customers_race_to_pay_for_the_last_five_units(engine, db, stripe, webhook):
    coffret = item(db, "Coffret chocolats assortis")
    choco = shop(db, "chocolaterie-du-perche")
    update(db, Item, coffret.id, stock=5)
    update(db, Shop, choco.id, slot_capacity=100)
    people = [f"racer{n}" for n in range(20)]

    def say(ref: str, **what: str) -> str:
        replies = engine.handle(Incoming("console", ref, **what))
        urls = [o.url or "" for r in replies for o in r.options]
        return "\n".join([*(r.text for r in replies), *urls])

    for ref in people:
        say(ref, action=f"add:{coffret.id}")
        say(ref, action=f"co:{choco.id}")
        say(ref, action=f"co.pickup:{choco.id}")
        assert "téléphone" in say(ref, action=f"co.soon:{choco.id}:20261208:1400")
        assert "Récapitulatif" in say(ref, text="0612345678")
    barrier, screens = threading.Barrier(len(people)), {}

    def pay(ref: str) -> None:
        barrier.wait()
        screens[ref] = say(ref, action=f"co.pay:{choco.id}")

    threads = [threading.Thread(target=pay, args=(ref,)) for ref in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    links = [ref for ref, screen in screens.items() if "checkout.stripe.test" in screen]
    refused = [ref for ref, screen in screens.items() if "plus assez de stock" in screen]
    assert len(links) == 5 and len(refused) == 15, list(screens.values())[:3]
    for session in list(stripe.sessions.values()):
        assert webhook(stripe.pay(session["id"]))[1] == "confirmed"
    with db.session() as session:
        paid = session.exec(select(Order).where(Order.status == "pending")).all()
        assert len(paid) == 5 and all(o.paid_online for o in paid)
    assert item(db, "Coffret chocolats assortis").stock == 0


def test_the_owner_connects_stripe_from_ma_boutique_and_chooses_both(
    chat, engine, db, stripe, webhook
):
    from tests.people import Person, invite

    code = invite(engine, db, "Bougies de Léa").code
    lea = Person(chat("lea"))
    lea.say(f"/start join-{code}")
    lea.say("Déco et cadeaux")
    screen = lea.say("ma boutique")
    screen = lea.say("paiement des clients")
    assert "Payer au retrait" in screen and "https://connect.stripe.test/setup/acct_" in screen
    lea_shop = shop(db, "bougies-de-lea")
    assert lea_shop.stripe_account in stripe.accounts and lea_shop.payment_mode == "counter"
    assert "C'est noté" in lea.say("les deux (le client choisit)")
    assert shop(db, "bougies-de-lea").payment_mode == "both"


def test_the_admin_sets_an_account_id_never_a_secret_key(engine, db):
    from store.shops import set_payments

    def run(**values: str | None):
        return db.run(
            lambda s: set_payments(session=s, shop_name="Chocolaterie du Perche", **values)
        )

    with pytest.raises(ValueError, match="acct_"):
        run(mode="online", account="sk_live_51Hsecret")
    with pytest.raises(ValueError, match="needs the shop's Stripe account"):
        run(mode="online", account=None)
    assert run(mode="both", account="acct_1Nv0FGQ9RKHgCVdK").payment_mode == "both"
    assert shop(db, "chocolaterie-du-perche").stripe_account == "acct_1Nv0FGQ9RKHgCVdK"


def test_on_whatsapp_the_link_is_one_message_and_the_webhook_confirms(
    db, whatsapp_server, standin, stripe, webhook
):
    from tests.fakes.twilio import Phone

    def number_of(words: str, screen: str) -> str:
        return next(line.strip().split(".")[0] for line in screen.splitlines() if words in line)

    alice = Phone(whatsapp_server, standin, "+33612345678")
    results = alice.say("coffret")
    card = alice.say(number_of("Coffret chocolats assortis", results))
    modes = alice.say(number_of("Commander", card))
    days = alice.say(number_of("Retrait en boutique", modes))
    summary = alice.say(number_of("Dès que possible", days))  # WhatsApp gave the number
    sent = alice.send(number_of("Payer en ligne", summary))
    [link] = [m for m in sent if "checkout.stripe.test" in m.body]
    assert "réservée jusqu'à" in link.body and len(sent) == 1  # one message, the link in it
    [session] = stripe.sessions.values()
    assert webhook(stripe.pay(session["id"])) == (200, "confirmed")
    order = _one(db, Order)
    assert order.status == "pending" and order.paid_online
