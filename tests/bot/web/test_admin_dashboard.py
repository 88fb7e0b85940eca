"""The town hall's figures: per shop, per day, as CSV; the shops that sell nothing; invites."""

import csv
import io
import re
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from bot.cli import admin_invite
from store.models import Invite
from store.shops import redeem_invite
from store.users import get_or_create_user
from tests.fakes.admin import Placed, client_for, csrf_of, dashboard_app, join, log_in, place

TUESDAY = datetime(2026, 12, 8, tzinfo=UTC)


def at(hour: int, minute: int = 0, day: int = 8) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def town_hall(engine, tmp_path, clock):
    """A logged-in member of staff, three shops that joined, and a Tuesday of orders."""
    from tests.fakes.admin import add_staff

    app = dashboard_app(engine, tmp_path)
    add_staff(app)
    clock.now = at(18)  # Tuesday 19:00 in Nogent
    join(app, "chocolaterie-du-perche", "paul", at(8, day=1))
    join(app, "fleurs-de-sully", "sophie", at(8, day=1))
    join(app, "librairie-le-paty", "marc", at(8, day=1))
    # A shop invited today that joined but put nothing up: the crêperie of the story.
    invite = admin_invite(app, "Crêperie des Remparts")
    app.db.run(lambda s: _redeem(s, invite.code))
    place(
        app,
        [
            Placed("chocolaterie-du-perche", 2450, at(9, 15)),
            Placed("chocolaterie-du-perche", 1200, at(11, 40), status="collected"),
            Placed("fleurs-de-sully", 3500, at(16, 5)),
            Placed("fleurs-de-sully", 9900, at(16, 30), status="declined"),  # never counted
            # 00:30 on Tuesday in Nogent, still Monday in UTC: Tuesday's.
            Placed("chocolaterie-du-perche", 800, at(23, 30, day=7)),
            Placed("fleurs-de-sully", 4000, at(10, day=3)),  # last week
        ],
    )
    client = client_for(app)
    assert log_in(client).status_code == 303
    return app, client


def _redeem(session, code):
    user, _ = get_or_create_user(session=session, channel="console", channel_ref="yann")
    assert redeem_invite(session=session, code=code, user_id=user.id, now=at(17)).problem is None


def text_of(html: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}">([^<]*)<', html)
    assert found, element_id
    return found.group(1).replace("\u202f", " ").replace("\xa0", " ")


def test_the_day_s_figures_and_its_chart(town_hall):
    app, client = town_hall
    page = client.get("/admin/?days=1").text
    assert text_of(page, "total-orders") == "4"  # 3 on Tuesday in town time + the 00:30 one
    assert text_of(page, "total-revenue") == "79,50 €"  # 24,50 + 12 + 8 + 35; declined left out
    assert text_of(page, "total-joined") == "4" and text_of(page, "total-invited") == "4"
    assert 'data-day="2026-12-08" data-count="4"' in page
    week = client.get("/admin/?days=7").text
    assert 'data-day="2026-12-03" data-count="1"' in week
    assert 'data-day="2026-12-07" data-count="0"' in week  # the UTC Monday order is Tuesday's
    assert text_of(week, "total-orders") == "5"


def test_a_shop_that_joined_but_sells_nothing_is_flagged_with_what_is_missing(town_hall):
    _, client = town_hall
    page = client.get("/admin/?days=1").text
    idle = page[page.index('id="idle"') : page.index("</ul>", page.index('id="idle"'))]
    assert "Crêperie des Remparts" in idle
    assert "pas de photo" in idle and "pas d&#39;article en ligne" in idle and "horaires" in idle
    # The bookshop joined too and has everything, but sold nothing today.
    assert "Librairie Le Paty" in idle and "rien ne manque" in idle
    assert "Chocolaterie du Perche" not in idle and "Fleurs de Sully" not in idle


def test_the_csv_holds_the_same_figures_per_shop(town_hall):
    _, client = town_hall
    answer = client.get("/admin/shops.csv?days=1")
    assert answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    rows = {row["shop"]: row for row in csv.DictReader(io.StringIO(answer.text.lstrip("\ufeff")))}
    choc = rows["Chocolaterie du Perche"]
    assert (choc["orders"], choc["revenue_cents"], choc["revenue"]) == ("3", "4450", "44.50")
    assert choc["joined"] == "yes" and int(choc["items_online"]) > 0
    assert choc["last_activity"].startswith("2026-12-08T12:40")  # Paris time
    assert rows["Fleurs de Sully"]["orders"] == "1"  # the declined one is not counted
    assert rows["Crêperie des Remparts"]["missing"] == "photo items hours"
    assert rows["Bijouterie Lemaire"]["joined"] == "no"


def test_customers_phone_numbers_and_addresses_never_reach_the_town(town_hall):
    _, client = town_hall
    pages = [client.get(p).text for p in ("/admin/?days=7", "/admin/shops.csv?days=7")]
    for text in pages:
        assert "06 99 88 77 66" not in text and "rue Secrète" not in text and "claire" not in text
    assert "aucun nom, numéro de téléphone ou adresse de client" in pages[0]


def test_the_dashboard_speaks_english_when_asked(town_hall):
    _, client = town_hall
    page = client.get("/admin/?days=1&lang=en").text
    assert "Orders per day" in page and text_of(page, "total-revenue") == "€79.50"
    assert "Orders per day" in client.get("/admin/").text  # remembered


def test_resending_an_invite_revokes_the_old_code(town_hall):
    app, client = town_hall
    fresh = admin_invite(app, "Bijouterie Lemaire")
    page = client.get("/admin/invites").text
    assert f'data-code="{fresh.code}"' in page and "en attente" in page
    invite_id = app.db.run(
        lambda s: s.exec(select(Invite.id).where(Invite.code == fresh.code)).one()
    )
    answer = client.post(f"/admin/invites/{invite_id}/resend", data={"csrf": csrf_of(page)})
    assert answer.status_code == 303
    page = client.get("/admin/invites").text
    new_code = re.search(r"code ([A-Z0-9]{8}), valable", page).group(1)
    assert new_code != fresh.code and f"start=join-{new_code}" in page
    assert "remplacée" in page

    def use(session, code):
        user, _ = get_or_create_user(session=session, channel="console", channel_ref="lemaire")
        return redeem_invite(session=session, code=code, user_id=user.id, now=at(18, 5)).problem

    assert app.db.run(lambda s: use(s, fresh.code)) == "expired"
    assert app.db.run(lambda s: use(s, new_code)) is None


def test_a_used_invite_cannot_be_resent(town_hall):
    app, client = town_hall
    used = app.db.run(
        lambda s: s.exec(select(Invite.id).where(Invite.used_at.is_not(None))).first()
    )
    page = client.get("/admin/invites").text
    client.post(f"/admin/invites/{used}/resend", data={"csrf": csrf_of(page)})
    assert "a déjà servi" in client.get("/admin/invites").text
