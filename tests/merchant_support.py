"""Helpers for the merchant tests: the admin's invite, pictures, orders placed as checkout does."""

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from PIL import Image
from sqlmodel import col, select

from bot.app import App
from bot.channels.console import ConsoleChannel
from bot.cli import PrintedInvite, admin_invite
from bot.config import Config, MediaConfig
from handlers.engine import Engine
from store.db import Database
from store.models import Item, Order, OrderLine, Outbox, Shop, User


def app_for(engine: Engine, db: Database) -> App:
    """The CLI's view of the test database, media store and clock."""
    root = engine.ctx.media.root
    config = Config(media=MediaConfig(root=str(root)))
    return App(config=config, db=db, media=engine.ctx.media, ctx=engine.ctx, engine=engine)


def invite(engine: Engine, db: Database, shop: str, town: str | None = None) -> PrintedInvite:
    return admin_invite(app_for(engine, db), shop, town)


def picture(folder: Path, name: str, colour: str = "red", size: tuple[int, int] = (64, 48)) -> Path:
    """A small PNG as a phone would send it."""
    path = folder / f"{name}.png"
    Image.new("RGB", size, colour).save(path)
    return path


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


class Person:
    """A console user whose screen reads with plain spaces (Babel writes "12,90\u00a0€")."""

    def __init__(self, channel: ConsoleChannel) -> None:
        self.channel = channel

    def say(self, line: str) -> str:
        return self.channel.say(line).replace("\u00a0", " ").replace("\u202f", " ")


def join_as_owner(
    chat: Callable[..., ConsoleChannel], engine: Engine, db: Database, user: str, shop: str
) -> Person:
    """A shop owner who used the admin's invite and left the set-up for later."""
    person = Person(chat(user))
    code = invite(engine, db, shop).code
    assert "Bienvenue" in person.say(f"/start join-{code}")
    person.say("menu")
    return person


def post_item(person: Person, folder: Path, caption: str) -> int:
    """Publish an item by photo; returns its id."""
    name = f"p{abs(hash(caption)) % 10**8}"
    person.say(f"/photo {picture(folder, name)} {caption}")
    assert "en ligne" in person.say("Publier")
    with person.channel.engine.db.session() as session:
        return session.exec(select(Item.id).order_by(col(Item.id).desc())).first()  # type: ignore[return-value]
