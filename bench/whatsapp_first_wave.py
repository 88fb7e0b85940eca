"""The same two stories on the first wave's WhatsApp channel (numbered text only, 2026-11-25).

Run by `bench/whatsapp.py` with the current directory and `sys.path[0]` on a checkout of
`FIRST_WAVE` (extracted from git history): everything imported here is that checkout's code,
its own test harness and Twilio stand-in. It takes the fewest steps that wave allowed (no
"as soon as possible", the phone and the note asked each time, accept then ready) and prints
`{"pickup": [customer, shop], "delivery": [customer, shop]}` as JSON.
"""

import json
import sys
import tempfile
from pathlib import Path

from sqlmodel import select
from tests.notify_helpers import dispatcher
from tests.twilio_standin import TwilioStandIn
from tests.whatsapp_harness import ACCOUNT_SID, AUTH_TOKEN, Phone, WhatsAppServer, whatsapp_app

from handlers.context import Context
from handlers.engine import Engine
from store import migrate
from store.db import Database
from store.demo import load_demo
from store.media import MediaStore
from store.models import Shop, ShopStaff, User
from tests.conftest import Clock

CUSTOMER, SHOP = "+33612345678", "+33698765432"
PHONE = "06 12 34 56 78"
ADDRESS = "3 place Saint-Pol, 28400 Nogent-le-Rotrou"
TO_CART = [
    "Boutiques par catégorie",
    "Chocolaterie",
    "Chocolaterie du Perche",
    "Voir le catalogue",
    "Coffret chocolats",
    "Ajouter au panier",
    "Commander chez",
]
PICKUP = ["Retrait en boutique", "Aujourd'hui", "Entre 11:00", "11:00 –", f"={PHONE}", "=passer"]
DELIVERY = ["Livraison", f"={ADDRESS}", f"={PHONE}", "=passer"]
CONFIRM = ["Confirmer"]
SHOP_STEPS = {"pickup": ["Accepter", "Marquer prête"], "delivery": ["Accepter", "Partie", "Livrée"]}


def number_of(label: str, screen: str) -> str:
    for line in reversed(screen.splitlines()):
        number, dot, text = line.partition(". ")
        if dot and number.isdigit() and label in text:
            return number
    raise AssertionError(f"no option {label!r} in:\n{screen}")


def one_order(fulfilment: str, root: Path) -> tuple[int, int]:
    db = Database(f"sqlite:///{root / f'{fulfilment}.db'}")
    migrate.upgrade(db.engine)
    clock = Clock()
    ctx = Context(media=MediaStore(root / f"media-{fulfilment}"), clock=clock)
    db.run(lambda session: load_demo(session=session, media=ctx.media))
    standin = TwilioStandIn(ACCOUNT_SID, AUTH_TOKEN).start()
    server = WhatsAppServer(whatsapp_app(db, ctx, Engine(db, ctx), standin.url, templates={}))
    try:
        customer, shop = Phone(server, standin, CUSTOMER), Phone(server, standin, SHOP)
        shop.say("menu")
        with db.session() as session:
            user = session.exec(select(User).where(User.channel_ref == SHOP)).one()
            choco = session.exec(select(Shop).where(Shop.slug == "chocolaterie-du-perche")).one()
            session.add(ShopStaff(shop_id=choco.id, user_id=user.id, role="owner"))
        before = len(standin.sent)
        screen = customer.say("/start")
        steps = [*TO_CART, *(PICKUP if fulfilment == "pickup" else DELIVERY), *CONFIRM]
        for label in steps:
            typed = label[1:] if label.startswith("=") else number_of(label, screen)
            screen = customer.say(typed)
        assert "confirmée" in screen, screen
        drain = dispatcher(db, server.channel, clock)
        server.run(drain.drain())  # the new-order alert
        screen = standin.to(shop.address)[-1].body
        for label in SHOP_STEPS[fulfilment]:
            screen = shop.say(number_of(label, screen))
            server.run(drain.drain())
        sent = standin.sent[before:]
        to_customer = sum(m.to == customer.address for m in sent)
        return to_customer, len(sent) - to_customer
    finally:
        server.close()
        standin.stop()
        db.dispose()


if __name__ == "__main__":
    import store

    assert Path(store.__file__).resolve().is_relative_to(Path.cwd().resolve()), store.__file__
    with tempfile.TemporaryDirectory() as tmp:
        counts = {f: one_order(f, Path(tmp)) for f in ("pickup", "delivery")}
    json.dump(counts, sys.stdout)
