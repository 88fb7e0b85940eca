"""Benchmark: WhatsApp messages sent per confirmed order, numbered text against real buttons.

The same two stories run twice in one process, against the Twilio stand-in on loopback
(our real web server and channel, a fresh SQLite database holding the demo town each time):
a customer finds the Chocolaterie du Perche by category, opens its box of chocolates, adds
it, checks out (pickup today at 11:00, or delivery to an address) and confirms; the shop is
alerted, accepts, marks it ready (pickup) or sends it out and delivers it (delivery); the
customer is told at each step. "numbered" types the option numbers read in the text (no
Content API shapes: today's fallback); "shapes" taps the buttons, rows and cards (`vitrine
whatsapp setup` done first). Every message the stand-in accepted for the customer or the shop
is counted.

"before" is the first wave's WhatsApp channel, numbered text only (commit `FIRST_WAVE`, the
code as it stood when the issue was filed): that checkout is extracted from git history into a
temporary directory and `bench/whatsapp_first_wave.py` plays the same stories there, with its
own harness and stand-in, in the same run. Goal: at least 30% fewer messages than before.
Today's numbered fallback is printed beside it: it shares every shortcut of today's journey
(one message per step), so shapes save there only what text cannot merge.

`python -m bench.whatsapp`
"""

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import checkout
from bot.config import Config
from handlers.context import Context
from handlers.engine import Engine
from store import migrate
from store.db import Database
from store.demo import load_demo
from store.media import MediaStore
from tests.conftest import Clock
from tests.fakes.sender import dispatcher
from tests.fakes.twilio import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    Phone,
    WhatsAppServer,
    set_up_shapes,
    whatsapp_app,
)
from tests.fakes.twilio_standin import TwilioStandIn

ROOT = Path(__file__).resolve().parents[1]
FIRST_WAVE = "2cf250c9d333d7c9e119935e3620903d425f661b"  # 2026-11-25, the first wave's last
CUSTOMER, SHOP = "+33612345678", "+33698765432"
PHONE = "06 12 34 56 78"
ADDRESS = "3 place Saint-Pol, 28400 Nogent-le-Rotrou"
TO_CART = [
    "Boutiques par catégo",
    "Chocolaterie (1)",
    "Chocolaterie du Perche",
    "Voir le catalog",
    "Coffret chocolats",
    "Commander",  # straight from the item's card: one unit, then how to receive it
]
# WhatsApp gives the customer's number, so no phone question; the note is offered on the
# summary, and "Dès que possible" is the first pickup time.
PICKUP = ["Retrait en boutique", "Dès que possible"]
DELIVERY = ["Livraison", f"={ADDRESS}"]
CONFIRM = ["Confirmer la commande"]
SHOP_STEPS = {
    "pickup": ["Déjà prête"],  # a box on the shelf: accepted and ready in one tap
    "delivery": ["Je pars livrer", "Livrée"],  # accepted and on its way in one tap
}


def number_of(label: str, screen: str) -> str:
    """The number of the option holding `label` in the numbered text of `screen`."""
    for line in reversed(screen.splitlines()):
        number, dot, text = line.partition(". ")
        if dot and number.isdigit() and label in text:
            return number
    raise AssertionError(f"no option {label!r} in:\n{screen}")


class Person:
    def __init__(self, phone: Phone, tapping: bool) -> None:
        self.phone = phone
        self.tapping = tapping
        self.screen = ""

    def say(self, text: str) -> None:
        self.screen = self.phone.say(text)

    def pick(self, label: str) -> None:
        if label.startswith("="):
            self.say(label[1:])
        elif self.tapping:
            self.screen = self.phone.tap(label)
        else:
            self.say(number_of(label, self.screen))

    def last(self) -> None:
        """What came in last, without writing (a notification)."""
        self.screen = self.phone.read(self.phone.standin.to(self.phone.address)[-1])


def one_order(fulfilment: str, tapping: bool, root: Path) -> tuple[int, int]:
    """Messages sent to the customer and to the shop for one confirmed order."""
    db = Database(f"sqlite:///{root / f'{fulfilment}-{tapping}.db'}")
    migrate.upgrade(db.engine)
    clock = Clock()
    ctx = Context.from_config(Config(), media=MediaStore(root / "media"), clock=clock)
    db.run(lambda session: load_demo(session=session, media=ctx.media))
    standin = TwilioStandIn(ACCOUNT_SID, AUTH_TOKEN).start()
    server = WhatsAppServer(whatsapp_app(db, ctx, Engine(db, ctx), standin.url, templates={}))
    try:
        if tapping:
            set_up_shapes(server)
        customer = Person(Phone(server, standin, CUSTOMER), tapping)
        shop = Person(Phone(server, standin, SHOP), tapping)
        shop.say("menu")
        _make_staff(db, SHOP)
        before = len(standin.sent)
        customer.say("/start")
        for label in [*TO_CART, *(PICKUP if fulfilment == "pickup" else DELIVERY), *CONFIRM]:
            customer.pick(label)
        assert "confirmée" in customer.screen, customer.screen
        drain = dispatcher(db, server.channel, clock)  # as the tests build it
        server.run(drain.drain())  # the new-order alert
        shop.last()
        for label in SHOP_STEPS[fulfilment]:
            shop.pick(label)
            server.run(drain.drain())  # what the customer is told
        sent = standin.sent[before:]
        to_customer = sum(m.to == customer.phone.address for m in sent)
        return to_customer, len(sent) - to_customer
    finally:
        server.close()
        standin.stop()
        db.dispose()


def _make_staff(db: Database, number: str) -> None:
    from sqlmodel import select

    from store.models import Shop, ShopStaff, User

    with db.session() as session:
        user = session.exec(select(User).where(User.channel_ref == number)).one()
        shop = session.exec(select(Shop).where(Shop.slug == "chocolaterie-du-perche")).one()
        session.add(ShopStaff(shop_id=shop.id, user_id=user.id, role="owner"))


def first_wave(root: Path) -> dict[str, tuple[int, int]] | None:
    """The stories on the first wave's code, from git history; None without the history."""
    tree = root / "first-wave"
    tree.mkdir()
    why_not = checkout(FIRST_WAVE, tree)
    if why_not:
        print(f"  (first wave not measured: {why_not})")
        return None
    shutil.copy(Path(__file__).with_name("whatsapp_first_wave.py"), tree / "first_wave.py")
    done = subprocess.run(
        [sys.executable, "first_wave.py"],
        cwd=tree,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tree), "HOME": str(root)},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        print(f"  (first wave failed: {done.stderr.strip()[-400:]})")
        return None
    return {k: (v[0], v[1]) for k, v in json.loads(done.stdout).items()}


def _counts(counts: tuple[int, int]) -> str:
    return f"{sum(counts):>3} ({counts[0]} + {counts[1]})"


def main() -> int:
    print("WhatsApp messages sent per confirmed order (customer + shop), same run")
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        before = first_wave(Path(tmp))
        for fulfilment in ("pickup", "delivery"):
            text = one_order(fulfilment, False, Path(tmp))
            rich = one_order(fulfilment, True, Path(tmp))
            line = f"  {fulfilment:<8}"
            if before is not None:
                fewer = 1 - sum(rich) / sum(before[fulfilment])
                ok = ok and fewer >= 0.30
                line += f" before: {_counts(before[fulfilment])}"
            line += f"   numbered today: {_counts(text)}   shapes: {_counts(rich)}"
            if before is not None:
                line += f"   {fewer:.0%} fewer than before (goal >= 30%)"
            line += f", {1 - sum(rich) / sum(text):.0%} fewer than numbered today"
            print(line)
    print(
        "  (customer + shop; before = the first wave's numbered text, git " + FIRST_WAVE[:7] + ")"
    )
    return 0 if ok and before is not None else 1


if __name__ == "__main__":
    sys.exit(main())
