"""The steps a test takes as a person would, and what it reads back: one set for every test.

People in the console (`Shopper`, `Person`, `press`), shops and their staff (`invite`,
`join_as_owner`, `make_staff`), items and orders as the features store them, outbox rows.
"""

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from PIL import Image
from sqlmodel import col, select

from bot.app import App
from bot.channels.console import ConsoleChannel, render
from bot.cli import PrintedInvite, admin_invite
from bot.config import Config, MediaConfig
from handlers.core import Incoming, Reply, menu_of
from handlers.engine import Engine
from handlers.visits.news import sweep_at
from store import outbox as store_outbox
from store.db import Database
from store.models import Item, Order, OrderLine, Outbox, Shop, ShopStaff, User
from store.users import get_or_create_user


# People in the console.
def plain(screen: str) -> str:
    """Money's no-break and narrow spaces (Babel writes "12,90\u00a0€") as plain spaces."""
    return screen.replace("\xa0", " ").replace("\u202f", " ")


class Shopper(ConsoleChannel):
    """A person in the console; money's narrow spaces read as plain spaces in assertions."""

    def say(self, line: str) -> str:
        return plain(super().say(line))


def shopper(chat, name: str = "alice", language: str = "fr") -> Shopper:
    """`chat(name)` from the fixture, reading money with plain spaces."""
    base = chat(name, language=language)
    return Shopper(base.engine, user=base.user, language=base.language)


class Person:
    """A console user whose screen reads with plain spaces."""

    def __init__(self, channel: ConsoleChannel) -> None:
        self.channel = channel

    def say(self, line: str) -> str:
        return plain(self.channel.say(line))


def press(person: ConsoleChannel, action: str) -> str:
    """A button press carrying `action` (what Telegram sends as callback data)."""
    incoming = Incoming("console", person.user, action=action, language=person.language)
    return plain(render(person.engine.handle(incoming)))


def person(db: Database, ref: str, *, channel: str = "console", **fields: Any) -> int:
    """A user's id (created on first call), with `fields` set."""

    def work(session: Any) -> int:
        user, _ = get_or_create_user(session=session, channel=channel, channel_ref=ref)
        for name, value in fields.items():
            setattr(user, name, value)
        return user.id  # type: ignore[return-value]

    return db.run(work)


def user(db: Database, user_id: int) -> User:
    return db.run(lambda s: s.get(User, user_id))


def user_id(db, person: ConsoleChannel) -> int:
    with db.session() as session:
        return session.exec(select(User.id).where(User.channel_ref == person.user)).one()


# Shops and their staff.
def shop(db, slug: str) -> Shop:
    with db.session() as session:
        return session.exec(select(Shop).where(Shop.slug == slug)).one()


def shop_id(db, slug: str = "lingerie-christelle") -> int:
    with db.session() as session:
        return session.exec(select(Shop.id).where(Shop.slug == slug)).one()


def make_staff(
    db, who: ConsoleChannel | str, shop: int | str = "lingerie-christelle", *, name: str = ""
) -> int:
    """`who` (a console person, or a user ref) works in the shop, as what an invite does."""
    if isinstance(who, ConsoleChannel):
        who.say("/start")
        ref = who.user
    else:
        ref = who
    the_shop = shop if isinstance(shop, int) else shop_id(db, shop)
    staff = person(db, ref, **({"name": name} if name else {}))
    db.run(lambda s: s.add(ShopStaff(shop_id=the_shop, user_id=staff, role="owner")))
    return staff


def app_for(engine: Engine, db: Database) -> App:
    """The CLI's view of the test database, media store and clock."""
    root = engine.ctx.media.root
    config = Config(media=MediaConfig(root=str(root)))
    return App(config=config, db=db, media=engine.ctx.media, ctx=engine.ctx, engine=engine)


def invite(engine: Engine, db: Database, shop: str, town: str | None = None) -> PrintedInvite:
    return admin_invite(app_for(engine, db), shop, town)


def join_as_owner(
    chat: Callable[..., ConsoleChannel], engine: Engine, db: Database, user: str, shop: str
) -> Person:
    """A shop owner who used the admin's invite and left the set-up for later."""
    owner = Person(chat(user))
    code = invite(engine, db, shop).code
    assert "Bienvenue" in owner.say(f"/start join-{code}")
    owner.say("menu")
    return owner


# Items.
def picture(folder: Path, name: str, colour: str = "red", size: tuple[int, int] = (64, 48)) -> Path:
    """A small PNG as a phone would send it."""
    path = folder / f"{name}.png"
    Image.new("RGB", size, colour).save(path)
    return path


def post_by_photo(person: Person, folder: Path, caption: str) -> int:
    """Publish an item by photo, as a merchant does; returns its id."""
    name = f"p{abs(hash(caption)) % 10**8}"
    person.say(f"/photo {picture(folder, name)} {caption}")
    assert "en ligne" in person.say("Publier")
    with person.channel.engine.db.session() as session:
        return session.exec(select(Item.id).order_by(col(Item.id).desc())).first()  # type: ignore[return-value]


def post_item(db, clock, name: str, price: int, stock: int | None, slug: str) -> int:
    """An item the shop posts now (what the photo flow stores)."""
    the_shop = shop_id(db, slug)
    with db.session() as session:
        row = Item(
            shop_id=the_shop,
            name=name,
            price_cents=price,
            stock=stock,
            created_at=clock(),
            updated_at=clock(),
        )
        session.add(row)
        session.flush()
        return row.id


def item(db, name: str) -> Item:
    with db.session() as session:
        return session.exec(select(Item).where(Item.name == name)).one()


def stock(db, item_id: int) -> int | None:
    with db.session() as session:
        return session.get(Item, item_id).stock


def update(db, model: type, row_id: int, **values: object) -> None:
    with db.session() as session:
        row = session.get(model, row_id)
        for key, value in values.items():
            setattr(row, key, value)
        session.add(row)


# Shopping.
def add(person: ConsoleChannel, words: str, name: str) -> str:
    """Search `words`, then press "add" on the result named `name` (the item card's button)."""
    replies = person.send(words)
    action = next(o.action for r in replies for o in r.options if o.label.startswith(name))
    item_id = action.split(":")[1]
    return press(person, f"add:{item_id}")


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


def place_order(
    db: Database,
    customer: str,
    item_name: str,
    now: datetime,
    *,
    quantity: int = 1,
    fulfilment: str = "pickup",
) -> tuple[int, str]:
    """An order as checkout writes it (stock taken, pickup token hashed); returns id and token."""
    token = secrets.token_urlsafe(16)
    with db.session() as session:
        item = session.exec(select(Item).where(Item.name == item_name)).one()
        user = session.exec(select(User).where(User.channel_ref == customer)).one()
        shop = session.get(Shop, item.shop_id)
        assert shop is not None and item.stock is not None and item.stock >= quantity
        item.stock -= quantity
        total = item.price_cents * quantity
        order = Order(
            number=secrets.token_hex(3).upper()[:5],
            shop_id=shop.id,
            customer_id=user.id,
            fulfilment=fulfilment,
            slot_start=now + timedelta(hours=3) if fulfilment == "pickup" else None,
            slot_end=now + timedelta(hours=3, minutes=30) if fulfilment == "pickup" else None,
            address="" if fulfilment == "pickup" else "5 rue Villette-Gâté",
            postcode="" if fulfilment == "pickup" else "28400",
            phone="06 12 34 56 78",
            subtotal_cents=total,
            total_cents=total,
            pickup_code=secrets.token_hex(3).upper(),
            pickup_token_hash=hashlib.sha256(token.encode()).hexdigest(),
        )
        session.add(order)
        session.flush()
        session.add(
            OrderLine(
                order_id=order.id,
                item_id=item.id,
                name=item.name,
                unit_price_cents=item.price_cents,
                quantity=quantity,
            )
        )
        return order.id, token  # type: ignore[return-value]


def release_expired_holds(db, now) -> int:
    """The visits' sweep at `now` with the default maximum visit length; holds released."""
    limit = Config().visits.max_live_minutes
    return db.run(lambda s: sweep_at(s, now, max_live_minutes=limit).holds_released)


# What the bot wrote for later (the outbox).
def queue(db: Database, user_id: int, text: str, due_at: datetime, **kw: Any) -> int:
    """An outbox row carrying `text`; returns its id."""

    def work(session: Any) -> int:
        kind = kw.pop("kind", "order_ready")
        replies = [Reply(text)]
        menu = kw.pop("menu", menu_of(replies))
        row = store_outbox.enqueue(
            session=session,
            user_id=user_id,
            kind=kind,
            replies=replies,
            menu=menu,
            due_at=due_at,
            **kw,
        )
        assert row is not None
        return row

    return db.run(work)


def outbox(db, kind: str | None = None, user: int | None = None) -> list[Outbox]:
    """The outbox rows, oldest first (of one kind, for one user id)."""
    with db.session() as session:
        query = select(Outbox).order_by(col(Outbox.id))
        if kind:
            query = query.where(Outbox.kind == kind)
        if user:
            query = query.where(Outbox.user_id == user)
        return list(session.exec(query))


def row(db: Database, row_id: int) -> Outbox:
    return db.run(lambda s: s.get(Outbox, row_id))


def outbox_replies(db: Database, user_ref: str, kind: str) -> list[dict]:
    """The messages queued for a person, of one kind (text and buttons)."""
    with db.session() as session:
        user = session.exec(select(User).where(User.channel_ref == user_ref)).one()
        rows = session.exec(
            select(Outbox).where(Outbox.user_id == user.id, Outbox.kind == kind)
        ).all()
        return [reply for row in rows for reply in row.payload["replies"]]


def outbox_for(db: Database, user_ref: str, kind: str) -> list[str]:
    """The texts queued for a person, of one kind."""
    return [reply["text"] for reply in outbox_replies(db, user_ref, kind)]


def options(row: Outbox) -> list[tuple[str, str | None, str | None]]:
    """The buttons of an outbox message: (label, action, url)."""
    return [tuple(o) for reply in row.payload["replies"] for o in reply["options"]]


def text(row: Outbox) -> str:
    return "\n".join(reply["text"] for reply in row.payload["replies"])
