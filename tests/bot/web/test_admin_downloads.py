"""Posters and invite letters from the dashboard: the PDFs, and every QR code in them."""

import re

from bot.cli import admin_invite
from tests.bot.test_posters import pages
from tests.fakes.admin import add_staff, client_for, dashboard_app, log_in


def test_the_town_poster_and_the_waiting_invites_letters_download(engine, tmp_path):
    app = dashboard_app(engine, tmp_path)
    add_staff(app)
    waiting = admin_invite(app, "Crêperie des Remparts")
    client = client_for(app)
    assert client.get("/admin/downloads/town-A4.pdf").status_code == 303  # logged out: nothing
    log_in(client)
    page = client.get("/admin/downloads").text
    assert "1 invitation(s) en attente" in page
    poster = client.get("/admin/downloads/town-A5.pdf")
    assert poster.headers["content-type"] == "application/pdf"
    [(codes, text, size)] = pages(poster.content)
    assert size == (148, 210) and "Chocolaterie du Perche" in text
    assert codes == ["https://t.me/VitrineNogentBot?start=town-nogent-le-rotrou"]
    letters = client.get("/admin/downloads/letters-A4.pdf")
    [(codes, text, _)] = pages(letters.content)
    assert codes == [f"https://t.me/VitrineNogentBot?start=join-{waiting.code}"]
    assert waiting.code in text and "Crêperie des Remparts" in text
    shop_link = re.search(r'href="(/admin/downloads/shop-\d+-A4\.pdf)"', page).group(1)
    [(codes, _, size)] = pages(client.get(shop_link).content)
    assert size == (210, 297) and codes[0].startswith("https://t.me/VitrineNogentBot?start=shop-")
    assert client.get("/admin/downloads/town-A3.pdf").status_code == 404
