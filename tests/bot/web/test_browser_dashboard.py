"""The town hall in a real headless Chromium, against `vitrine run` and the Telegram stand-in:
log in, read a scripted day of orders, export the CSV, send a campaign and see it arrive."""

import csv
import io
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from bot.web.admin import admin_mount
from store.models import User
from tests.fakes.admin import EMAIL, PASSWORD, Placed, add_staff, join, place
from tests.fakes.browser import DESKTOP
from tests.fakes.telegram_steps import ALICE, text_of

BOB = 2002
MESSAGE = "Marché de Noël samedi place Saint-Pol : 40 commerçants vous attendent de 10 h à 19 h !"


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, 8, hour, minute, tzinfo=UTC)  # the test clock's Tuesday


def scripted_day(app) -> None:
    """Two shops joined on Monday; five orders on Tuesday, one of them declined."""
    join(app, "chocolaterie-du-perche", "paul", at(7))
    join(app, "fleurs-de-sully", "sophie", at(7))
    place(
        app,
        [
            Placed("chocolaterie-du-perche", 2450, at(7, 5)),
            Placed("chocolaterie-du-perche", 1890, at(7, 40)),
            Placed("fleurs-de-sully", 3500, at(8, 10)),
            Placed("fleurs-de-sully", 2200, at(8, 30), status="collected"),
            Placed("fleurs-de-sully", 9900, at(8, 45), status="declined"),
        ],
    )


# The browser's part, on SQLite; the store's is tested on both databases.
@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_the_town_hall_reads_its_day_and_reaches_its_residents(
    run_vitrine, tg, open_page, screenshot, tmp_path
):
    vitrine = run_vitrine("polling")
    app = vitrine.app
    scripted_day(app)
    add_staff(app)
    # Alice asks for the town's news in the bot's settings; Bob never does.
    tg.send_text(ALICE, "/start")
    tg.send_text(ALICE, "/reglages")
    answer = tg.tap(ALICE, "Recevoir les nouvelles de la ville")
    assert any("vous recevrez les nouvelles de Nogent-le-Rotrou" in text_of(m) for m in answer)
    tg.send_text(BOB, "/start", name="Bob")

    page = open_page(locale="fr-FR", viewport=DESKTOP)
    page.goto(f"http://127.0.0.1:{vitrine.port}/admin/")
    assert page.url.endswith("/admin/login")
    page.get_by_label("Adresse e-mail").fill(EMAIL)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/admin/")
    page.get_by_role("link", name="Aujourd'hui").click()
    page.wait_for_url("**/admin/?days=1")
    assert page.locator("#total-orders").inner_text() == "4"
    revenue = page.locator("#total-revenue").inner_text()
    assert revenue.replace("\u202f", " ").replace("\xa0", " ") == "100,40 €"
    assert page.locator('rect[data-day="2026-12-08"]').get_attribute("data-count") == "4"
    assert "06 99 88 77 66" not in page.content()  # the customers' numbers stay out
    screenshot(page, "dashboard-day")

    with page.expect_download() as download:
        page.locator("#csv").click()
    saved = tmp_path / "shops.csv"
    download.value.save_as(saved)
    rows = {r["shop"]: r for r in csv.DictReader(io.StringIO(saved.read_text("utf-8-sig")))}
    flowers = rows["Fleurs de Sully"]
    assert (flowers["orders"], flowers["revenue"]) == ("2", "57.00")
    assert rows["Chocolaterie du Perche"]["revenue_cents"] == "4340"

    page.get_by_role("link", name="Campagnes").click()
    assert "1 habitant(s) ont choisi" in page.locator("#audience").inner_text()
    page.get_by_label("Texte du message").fill(MESSAGE)
    page.get_by_label("La page de la ville").check()
    page.get_by_role("button", name="Voir avant d'envoyer").click()
    page.wait_for_url("**/admin/campaigns/*")
    assert MESSAGE in page.locator("#preview").inner_text()
    screenshot(page, "campaign-preview")
    before = len(tg.chat_log(ALICE))
    with page.expect_navigation():  # the POST's redirect back to the campaign's page
        page.get_by_role("button", name="Envoyer à 1 habitant(s)").click()
    campaign_url = page.url

    # The dispatcher, woken by the send, delivers it on Telegram to Alice, and only to her.
    vitrine.wait_for(lambda: any(MESSAGE in text_of(m) for m in tg.chat_log(ALICE)[before:]))
    news = next(m for m in tg.chat_log(ALICE) if MESSAGE in text_of(m))
    assert text_of(news).startswith("🏛️ Message de la mairie de Nogent-le-Rotrou")
    labels = [b["text"] for row in news["reply_markup"]["inline_keyboard"] for b in row]
    assert labels == ["🏙️ Les boutiques de la ville", "🔕 Ne plus recevoir"]
    assert not any(MESSAGE in text_of(m) for m in tg.chat_log(BOB))

    def report_sent() -> bool:
        page.goto(campaign_url)  # a fresh load each time, never a reload racing a navigation
        return page.locator("#report").get_attribute("data-sent") == "1"

    vitrine.wait_for(report_sent)
    assert "1 reçu(s), 0 en échec" in page.locator("#report").inner_text()
    screenshot(page, "campaign-report")

    # One tap on the message stops the town's news for Alice.
    stopped = tg.tap(ALICE, "Ne plus recevoir")
    assert "plus de nouvelles de Nogent-le-Rotrou" in text_of(stopped[-1])
    with app.db.session() as session:
        alice = session.exec(select(User).where(User.channel_ref == str(ALICE))).one()
        assert not alice.town_news


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_the_dashboard_fits_a_phone(serve_web, web_app, open_page, screenshot):
    server = serve_web(web_app, [admin_mount(web_app)])
    scripted_day(web_app)
    add_staff(web_app)
    page = open_page()  # a phone, in French
    page.goto(f"{server.url}/admin/")
    page.get_by_label("Adresse e-mail").fill(EMAIL)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/admin/")
    # The wide table scrolls inside its own box; the page itself never scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert page.locator("#total-orders").is_visible()
    screenshot(page, "dashboard-phone")
