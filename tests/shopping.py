"""Small steps shared by the cart, checkout and orders tests (a person's actions, not our code)."""

from sqlmodel import select

from bot.channels.console import ConsoleChannel
from handlers.core import Incoming
from store.models import Item, Shop


class Shopper(ConsoleChannel):
    """A person in the console; money's narrow spaces read as plain spaces in assertions."""

    def say(self, line: str) -> str:
        return plain(super().say(line))


def shopper(chat, name: str = "alice", language: str = "fr") -> Shopper:
    """`chat(name)` from the fixture, reading money with plain spaces."""
    base = chat(name, language=language)
    return Shopper(base.engine, user=base.user, language=base.language)


def plain(screen: str) -> str:
    return screen.replace("\xa0", " ").replace("\u202f", " ")


def add(person: ConsoleChannel, words: str, name: str) -> str:
    """Search `words`, then press "add" on the result named `name` (the item card's button)."""
    replies = person.send(words)
    action = next(o.action for r in replies for o in r.options if o.label.startswith(name))
    item_id = action.split(":")[1]
    return press(person, f"add:{item_id}")


def press(person: ConsoleChannel, action: str) -> str:
    """A button press, as a channel adapter delivers it."""
    from bot.channels.console import render

    incoming = Incoming("console", person.user, action=action, language=person.language)
    return plain(render(person.engine.handle(incoming)))


def item(db, name: str) -> Item:
    with db.session() as session:
        return session.exec(select(Item).where(Item.name == name)).one()


def shop(db, slug: str) -> Shop:
    with db.session() as session:
        return session.exec(select(Shop).where(Shop.slug == slug)).one()


def update(db, model: type, row_id: int, **values: object) -> None:
    with db.session() as session:
        row = session.get(model, row_id)
        for key, value in values.items():
            setattr(row, key, value)
        session.add(row)


def pickup_to_summary(person: ConsoleChannel, phone: str = "06 12 34 56 78") -> str:
    """From the cart of one chocolaterie order to its summary: pickup today, first slot."""
    person.say("panier")
    person.say("1")  # Commander chez Chocolaterie du Perche
    person.say("1")  # Retrait en boutique
    person.say("2")  # today (1 is "as soon as possible")
    person.say("1")  # between 11:00 and 12:30
    screen = person.say("1")  # 11:00 - 11:30
    if "téléphone" in screen:  # a first order; later ones reuse the last order's number
        screen = person.say(phone)
    return screen
