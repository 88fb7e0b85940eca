"""From a search to a confirmed pickup order: every message typed and every tap counted.

A first-time customer types a phone number once; a repeat customer's number comes back
from the last order. The goals: at most 8 steps the first time, at most 6 after.
"""

from sqlmodel import select

from store.models import Order
from tests.fakes.telegram_steps import ALICE, text_of
from tests.people import Shopper, shopper

RESULT = "Coffret chocolats assortis · 24,50 € · Chocolaterie du Perche"


class Counted:
    """A console customer whose every message or tap (one `say`) is counted."""

    def __init__(self, person: Shopper) -> None:
        self.person, self.steps = person, 0

    def say(self, line: str) -> str:
        self.steps += 1
        return self.person.say(line)


def _order_from_search(alice: Counted, first_time: bool) -> str:
    results = alice.say("coffret")
    assert RESULT in results
    card = alice.say(RESULT)
    assert "1. ✅ Commander" in card  # the cart is empty: order it straight away
    modes = alice.say("commander")
    assert "Retrait en boutique" in modes
    days = alice.say("retrait en boutique")
    assert "1. ⚡ Dès que possible : aujourd'hui 11:00" in days
    screen = alice.say("1")
    if first_time:
        assert "téléphone" in screen
        screen = alice.say("06 12 34 56 78")
    assert "Retrait le mardi 8 décembre, entre 11:00 et 11:30" in screen
    assert "06 12 34 56 78" in screen and "Ajouter un mot pour la boutique" in screen
    return alice.say("confirmer la commande")


def test_a_first_order_takes_7_steps_and_the_next_one_6(chat, db):
    alice = Counted(shopper(chat))
    done = _order_from_search(alice, first_time=True)
    assert "confirmée" in done and "[photo:" in done
    assert alice.steps == 7  # goal: at most 8

    alice.steps = 0
    done = _order_from_search(alice, first_time=False)
    assert "confirmée" in done
    assert alice.steps == 6  # goal: at most 6
    with db.session() as session:
        orders = session.exec(select(Order).order_by(Order.id)).all()
    assert [o.phone for o in orders] == ["+33612345678", "+33612345678"]
    assert orders[1].slot_start != orders[0].slot_start or orders[1].fulfilment == "pickup"


def test_commander_on_a_card_is_offered_only_when_the_cart_holds_that_shop(chat):
    alice = shopper(chat)
    alice.say("nuisette")
    card = alice.say("Nuisette en soie · 59,00 € · Lingerie Christelle")
    assert "Commander" in card
    alice.say("ajouter au panier")  # a Lingerie item in the cart
    alice.say("coffret")
    other = alice.say(RESULT)
    assert "✅ Commander" not in other and "Ajouter au panier" in other  # two shops: the cart


def test_telegram_repeat_customer_orders_in_6_taps_or_messages(start_bot, tg):
    start_bot()
    tg.send_text(ALICE, "/start")

    def journey() -> tuple[int, list[dict]]:
        steps = 0

        def step(replies: list[dict]) -> list[dict]:
            nonlocal steps
            steps += 1
            return replies

        step(tg.send_text(ALICE, "coffret"))
        step(tg.tap(ALICE, "Coffret chocolats assortis"))
        step(tg.tap(ALICE, "Commander"))
        step(tg.tap(ALICE, "Retrait en boutique"))
        screen = step(tg.tap(ALICE, "Dès que possible"))
        if "téléphone" in text_of(screen[-1]):
            screen = step(tg.send_text(ALICE, "06 12 34 56 78"))
        assert "Récapitulatif" in text_of(screen[-1])
        confirmation = step(tg.tap(ALICE, "Confirmer la commande"))
        return steps, confirmation

    steps, confirmation = journey()
    assert "confirmée" in text_of(confirmation[-1]) and steps == 7
    steps, confirmation = journey()
    assert "confirmée" in text_of(confirmation[-1]) and steps == 6
