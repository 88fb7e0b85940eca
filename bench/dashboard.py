"""The town hall's side on SQLite: the dashboard over a month of orders (against /healthz in
the same run), the cost of a login's Argon2 check, and a campaign queued for many residents.
"""

import re
import secrets
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import insert
from sqlmodel import select

from bench import Figure, figure, ms, percentile, say
from bench.pages import Server, demo_app
from bot.app import App
from bot.web.admin import admin_mount
from handlers.notices import town_news
from store import staff
from store.models import Campaign, Order, Outbox, Shop, Town, User
from store.orders import token_hash

REQUESTS = 200
PASSWORD = "bench password 2026"


def seed(app: App, orders: int, residents: int) -> tuple[int, int]:
    """A month of orders spread over the shops, opted-in residents, a staff account."""
    now = datetime.now(UTC)

    def work(session) -> tuple[int, int]:  # type: ignore[no-untyped-def]
        town = session.exec(select(Town)).one()
        shops = list(session.exec(select(Shop.id)))
        session.execute(
            insert(User),
            [
                {"channel": "telegram", "channel_ref": str(10_000 + n), "language": "fr",
                 "town_id": town.id, "town_news": True, "created_at": now}
                for n in range(residents)
            ],
        )  # fmt: skip
        customer = session.exec(select(User.id)).first()
        session.execute(
            insert(Order),
            [
                {"number": f"B{n:07d}", "shop_id": shops[n % len(shops)], "customer_id": customer,
                 "status": "accepted", "fulfilment": "pickup", "total_cents": 1000 + n % 5000,
                 "subtotal_cents": 1000, "pickup_code": "000000",
                 "pickup_token_hash": token_hash(secrets.token_hex(8)),
                 "created_at": now - timedelta(minutes=n * 43200 // orders),
                 "updated_at": now}
                for n in range(orders)
            ],
        )  # fmt: skip
        account = staff.add_account(
            session=session, email="bench@mairie.example", password=PASSWORD, town_id=town.id
        )
        return town.id, account.id  # type: ignore[return-value]

    return app.db.run(work)


def timed(client: httpx.Client, path: str) -> list[float]:
    for _ in range(10):
        client.get(path).raise_for_status()
    out = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        client.get(path).raise_for_status()
        out.append(time.perf_counter() - started)
    return out


def log_in(client: httpx.Client) -> None:
    page = client.get("/admin/login").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    answer = client.post(
        "/admin/login", data={"email": "bench@mairie.example", "password": PASSWORD, "csrf": csrf}
    )
    assert answer.status_code == 303, answer.status_code


def main(full: bool, workdir: Path) -> list[Figure]:
    orders, residents = (100_000, 50_000) if full else (10_000, 10_000)
    say(f"\n== Town hall dashboard (SQLite, demo town, {orders:,} orders in 30 days) ==")
    app = demo_app(workdir)
    app.config.web.session_secret = "bench-" + "s" * 40
    app.config.web.public_url = "http://127.0.0.1"  # plain http here: no Secure cookie
    town_id, author = seed(app, orders, residents)
    hashed = staff.hash_password(PASSWORD)
    started = time.perf_counter()
    for _ in range(5):
        staff.password_matches(hashed, PASSWORD)
    verify = (time.perf_counter() - started) / 5
    server = Server(app, [admin_mount(app)])
    try:
        with httpx.Client(base_url=server.url, timeout=60) as client:
            log_in(client)
            board = timed(client, "/admin/?days=30")
            baseline = timed(client, "/healthz")
            csv_started = time.perf_counter()
            client.get("/admin/shops.csv?days=30").raise_for_status()
            csv_time = time.perf_counter() - csv_started
    finally:
        server.close()

    def queue(session) -> int:  # type: ignore[no-untyped-def]
        campaign = Campaign(town_id=town_id, author_id=author, text="Marché de Noël samedi")
        session.add(campaign)
        session.flush()
        sent = town_news.send(
            session=session, ctx=app.ctx, campaign_id=campaign.id, now=app.ctx.now()
        )
        return sent or 0

    started = time.perf_counter()
    queued = app.db.run(queue)
    fan_out = time.perf_counter() - started
    rows = app.db.run(lambda s: len(s.exec(select(Outbox.id)).all()))
    app.db.dispose()
    say(f"  {REQUESTS} requests each, one keep-alive client, logged in")
    return [
        figure("dashboard", "dashboard, 30 days, p50", ms(percentile(board, 50))),
        figure("dashboard", "dashboard, 30 days, p95", ms(percentile(board, 95))),
        figure("dashboard", "/healthz baseline p95 (same run)", ms(percentile(baseline, 95))),
        figure("dashboard", "CSV export, 30 days", ms(csv_time)),
        figure("dashboard", "Argon2id check of one login", ms(verify)),
        figure("dashboard", f"campaign queued for {queued:,} residents", ms(fan_out)),
        figure("dashboard", "outbox rows written (one per resident)", f"{rows:,}"),
    ]
