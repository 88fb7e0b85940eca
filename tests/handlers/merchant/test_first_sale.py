"""A new merchant's way from the invite link to a first item on sale, messages counted.

Before the first sale only the kind of shop is asked (the hours may come in the same
message); the rest waits in "Ma boutique" and in one gentle reminder, and nothing the
merchant answers later is lost.
"""

from sqlmodel import select

from handlers import jobs
from store.models import Item, Outbox, Shop
from tests.people import Person, invite, picture


class Counted(Person):
    """A merchant in the console whose every message or tap is counted."""

    steps = 0

    def say(self, line: str) -> str:
        self.steps += 1
        return super().say(line)


def _shop(db, slug: str = "bougies-de-lea") -> Shop:
    with db.session() as session:
        return session.exec(select(Shop).where(Shop.slug == slug)).one()


def _on_sale(db) -> list[str]:
    """The names customers can find in Léa's shop."""
    shop = _shop(db)
    with db.session() as session:
        items = session.exec(select(Item).where(Item.shop_id == shop.id, Item.hidden == False))  # noqa: E712
        return [i.name for i in items]


def _reminders(db) -> list[Outbox]:
    with db.session() as session:
        query = select(Outbox).where(Outbox.kind == "setup_reminder").order_by(Outbox.id)
        return list(session.exec(query))


def test_from_the_invite_to_a_first_item_on_sale_in_4_messages(chat, engine, db, tmp_path):
    code = invite(engine, db, "Bougies de Léa").code
    lea = Counted(chat("lea"))
    screen = lea.say(f"/start join-{code}")
    assert "Quel est le type de votre boutique" in screen and "horaires" in screen
    screen = lea.say("Déco et cadeaux, mar-sam 10h-12h30 14h-19h")
    assert "mardi → samedi : 10:00–12:30, 14:00–19:00" in screen and "C'est prêt" in screen
    photo = picture(tmp_path, "bougie")
    assert "tel que les clients le verront" in lea.say(f"/photo {photo} Bougie parfumée 12,90 €")
    published = lea.say("Publier")
    assert "en ligne" in published
    assert lea.steps == 4  # goal: at most 8 (13 before: 11 set-up questions, photo, Publier)
    assert _on_sale(db) == ["Bougie parfumée"]
    shop = _shop(db)
    assert shop.category == "gifts" and set(shop.hours) == {"tue", "wed", "thu", "fri", "sat"}
    # What customers would still like to know, offered rather than asked.
    assert (
        "une photo de la boutique, votre adresse" in published and "vos horaires" not in published
    )
    assert "Compléter ma boutique" in published


def test_a_photo_first_sells_at_once_and_the_kind_of_shop_is_asked_later(
    chat, engine, db, tmp_path
):
    code = invite(engine, db, "Bougies de Léa").code
    lea = Person(chat("lea"))
    lea.say(f"/start join-{code}")
    lea.say(f"/photo {picture(tmp_path, 'bougie')} Bougie parfumée 12,90 € stock 4")
    assert "en ligne" in lea.say("Publier")
    assert _on_sale(db) == ["Bougie parfumée"]
    menu = lea.say("ma boutique")
    assert "Les clients aimeraient aussi voir : vos horaires, une photo de la boutique" in menu
    # Completing the shop: the kind first (never answered), then the rest; answers kept.
    assert "Quel est le type de votre boutique" in lea.say("Compléter ma boutique")
    assert "Décrivez votre boutique" in lea.say("Déco et cadeaux")
    assert "adresse" in lea.say("Bougies coulées à la main dans le Perche")
    assert "téléphone" in lea.say("8 rue Saint-Laurent, 28400 Nogent-le-Rotrou")
    shop = _shop(db)
    assert shop.category == "gifts" and shop.address.startswith("8 rue Saint-Laurent")
    assert shop.description == "Bougies coulées à la main dans le Perche"


def test_a_captioned_photo_sent_for_the_shop_photo_becomes_an_item(chat, engine, db, tmp_path):
    code = invite(engine, db, "Bougies de Léa").code
    lea = Person(chat("lea"))
    lea.say(f"/start join-{code}")
    lea.say("Déco et cadeaux")
    with db.session() as session:
        shop = session.exec(select(Shop).where(Shop.slug == "bougies-de-lea")).one()
        shop.description, shop.address, shop.phone = "Bougies", "8 rue Saint-Laurent", "0237"
        shop.hours = {"tue": [["10:00", "19:00"]]}
        session.add(shop)
    lea.say("Compléter ma boutique")  # fermetures, retrait, ... each skipped
    screen = ""
    for _ in range(8):
        screen = lea.say("Passer")
        if "photo de votre boutique" in screen:
            break
    assert "photo de votre boutique" in screen
    screen = lea.say(f"/photo {picture(tmp_path, 'fondant')} Fondant vanille 4,50 €")
    assert "tel que les clients le verront" in screen
    lea.say("Publier")
    assert _on_sale(db) == ["Fondant vanille"] and _shop(db).photo is None


def test_one_gentle_reminder_a_day_after_joining_for_what_is_missing(chat, engine, db, clock):
    code = invite(engine, db, "Bougies de Léa").code
    lea = Person(chat("lea"))
    lea.say(f"/start join-{code}")
    lea.say("Déco et cadeaux")

    def tick() -> None:
        db.run(lambda s: jobs.tick(session=s, ctx=engine.ctx))

    tick()
    assert _reminders(db) == []  # the first day belongs to the merchant
    clock.advance(days=1, minutes=1)
    tick()
    tick()
    [reminder] = _reminders(db)
    text = reminder.payload["replies"][0]["text"]
    assert "vos horaires, une photo de la boutique, votre adresse" in text
    assert reminder.essential is False  # advice: /stop silences it
    lea.say("menu")
    lea.say("ma boutique")
    with db.session() as session:
        shop = session.exec(select(Shop).where(Shop.slug == "bougies-de-lea")).one()
        shop.hours = {"tue": [["10:00", "19:00"]]}
        session.add(shop)
    clock.advance(hours=2)
    tick()
    first, second = _reminders(db)
    assert "vos horaires" not in second.payload["replies"][0]["text"]
    clock.advance(days=14)
    tick()
    assert len(_reminders(db)) == 2  # two weeks on: left in peace
