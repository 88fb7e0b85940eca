"""Shared steps of the live-visit tests: staff made in the store, taps, outbox reading."""

from sqlmodel import select

from bot.channels.console import ConsoleChannel, render
from bot.config import Config
from handlers.core import Incoming
from handlers.visits.news import sweep_at
from store.models import Item, Outbox, Shop, ShopStaff, User


def shop_id(db, slug: str = "lingerie-christelle") -> int:
    with db.session() as session:
        return session.exec(select(Shop.id).where(Shop.slug == slug)).one()


def make_staff(db, person: ConsoleChannel, slug: str = "lingerie-christelle") -> int:
    """The person works in the shop (what the merchants feature's invite does)."""
    person.say("/start")
    shop = shop_id(db, slug)
    with db.session() as session:
        user = session.exec(select(User).where(User.channel_ref == person.user)).one()
        session.add(ShopStaff(shop_id=shop, user_id=user.id, role="owner"))
        return user.id


def user_id(db, person: ConsoleChannel) -> int:
    with db.session() as session:
        return session.exec(select(User.id).where(User.channel_ref == person.user)).one()


def tap(person: ConsoleChannel, action: str) -> str:
    """A button press carrying `action` (what Telegram sends as callback data)."""
    replies = person.engine.handle(
        Incoming("console", person.user, action=action, language=person.language)
    )
    return render(replies)


def outbox(db, kind: str | None = None, user: int | None = None) -> list[Outbox]:
    with db.session() as session:
        query = select(Outbox).order_by(Outbox.id)
        if kind:
            query = query.where(Outbox.kind == kind)
        if user:
            query = query.where(Outbox.user_id == user)
        return list(session.exec(query))


def options(row: Outbox) -> list[tuple[str, str | None, str | None]]:
    """The buttons of an outbox message: (label, action, url)."""
    return [tuple(o) for reply in row.payload["replies"] for o in reply["options"]]


def text(row: Outbox) -> str:
    return "\n".join(reply["text"] for reply in row.payload["replies"])


def post_item(db, clock, name: str, price: int, stock: int | None, slug: str) -> int:
    """The merchant posts an item now (what the merchants feature's photo flow stores)."""
    shop = shop_id(db, slug)
    with db.session() as session:
        item = Item(
            shop_id=shop,
            name=name,
            price_cents=price,
            stock=stock,
            created_at=clock(),
            updated_at=clock(),
        )
        session.add(item)
        session.flush()
        return item.id


def stock(db, item_id: int) -> int | None:
    with db.session() as session:
        return session.get(Item, item_id).stock


def release_expired_holds(db, now) -> int:
    """The visits' sweep at `now` with the default maximum visit length; holds released."""
    limit = Config().visits.max_live_minutes
    return db.run(lambda s: sweep_at(s, now, max_live_minutes=limit).holds_released)
