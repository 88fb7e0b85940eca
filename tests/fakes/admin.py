"""The dashboard's test setting: the web app on the demo town, staff accounts, a day of orders."""

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlmodel import select
from starlette.testclient import TestClient

from bot.app import App
from bot.config import Config, MediaConfig, WebConfig
from bot.web import build_web
from bot.web.admin import admin_mount
from handlers.engine import Engine
from store import staff
from store.models import Order, Shop, Town
from store.orders import token_hash
from store.shops import create_invite, redeem_invite
from store.users import get_or_create_user

PASSWORD = "correct horse battery"
EMAIL = "mairie@nogent.example"


def dashboard_app(engine: Engine, tmp_path: Path, public_url: str = "http://testserver") -> App:
    config = Config(
        web=WebConfig(public_url=public_url, session_secret="test-secret-" + "x" * 32),
        media=MediaConfig(root=str(engine.ctx.media.root)),
    )
    engine.ctx.public_url = public_url
    return App(config=config, db=engine.db, media=engine.ctx.media, ctx=engine.ctx, engine=engine)


def client_for(app: App) -> TestClient:
    return TestClient(build_web(app, [admin_mount(app)]), follow_redirects=False)


def add_staff(app: App, email: str = EMAIL, password: str = PASSWORD, town: str = "") -> int:
    def work(session) -> int:
        query = select(Town).where(Town.name == town) if town else select(Town)
        found = session.exec(query).first()
        if found is None:
            found = Town(slug=town.lower(), name=town)
            session.add(found)
            session.flush()
        return staff.add_account(
            session=session, email=email, password=password, town_id=found.id
        ).id

    return app.db.run(work)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def log_in(client: TestClient, email: str = EMAIL, password: str = PASSWORD):
    page = client.get("/admin/login")
    return client.post(
        "/admin/login", data={"email": email, "password": password, "csrf": csrf_of(page.text)}
    )


def shop_id(session, slug: str) -> int:
    return session.exec(select(Shop.id).where(Shop.slug == slug)).one()


def join(app: App, slug: str, owner: str, now: datetime) -> str:
    """The shop's owner opens their invite: the shop has joined. Returns the code."""

    def work(session) -> str:
        user, _ = get_or_create_user(session=session, channel="console", channel_ref=owner)
        invite = create_invite(
            session=session, shop_id=shop_id(session, slug), role="owner", now=now
        )
        joined = redeem_invite(session=session, code=invite.code, user_id=user.id, now=now)
        assert joined.problem is None
        return invite.code

    return app.db.run(work)


@dataclass
class Placed:
    shop: str
    total_cents: int
    at: datetime
    status: str = "accepted"


def place(app: App, orders: list[Placed], customer: str = "claire") -> None:
    """Orders as the checkout leaves them (a customer's phone and address included)."""

    def work(session) -> None:
        user, _ = get_or_create_user(session=session, channel="console", channel_ref=customer)
        for placed in orders:
            session.add(
                Order(
                    number=secrets.token_hex(4),
                    shop_id=shop_id(session, placed.shop),
                    customer_id=user.id,
                    status=placed.status,
                    fulfilment="delivery",
                    address="12 rue Secrète, 28400 Nogent",
                    phone="06 99 88 77 66",
                    subtotal_cents=placed.total_cents,
                    total_cents=placed.total_cents,
                    pickup_code="123456",
                    pickup_token_hash=token_hash(secrets.token_hex(8)),
                    created_at=placed.at,
                    updated_at=placed.at,
                )
            )

    app.db.run(work)
