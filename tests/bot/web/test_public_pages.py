"""The town's public shop window on the web, as a visitor (or a link preview) sees it."""

import re
import string
from datetime import timedelta

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from bot.web import build_web
from handlers import i18n
from store.models import Item, Shop, Visit

PUBLIC_URL = "https://vitrine.example"


@pytest.fixture
def site(web_app):
    web_app.ctx.public_url = web_app.config.web.public_url = PUBLIC_URL
    return TestClient(build_web(web_app), base_url=PUBLIC_URL)


def read(site, path: str, **kwargs) -> str:
    """The page's HTML, its non-breaking spaces (in prices: "24,50 €") as plain ones."""
    response = site.get(path, **kwargs)
    assert response.status_code == 200, path
    return response.text.replace("\u00a0", " ").replace("\u202f", " ")


def meta(html: str, prop: str) -> str:
    found = re.search(rf'<meta property="{prop}" content="([^"]*)">', html)
    assert found, f"no {prop}"
    return found.group(1)


def shop(db, slug: str) -> Shop:
    with db.session() as session:
        return session.exec(select(Shop).where(Shop.slug == slug)).one()


def first_item(db, slug: str) -> Item:
    with db.session() as session:
        found = session.exec(select(Shop).where(Shop.slug == slug)).one()
        return session.exec(select(Item).where(Item.shop_id == found.id)).first()


def change(db, model, row_id: int, **values) -> None:
    def work(session):
        row = session.get(model, row_id)
        for key, value in values.items():
            setattr(row, key, value)

    db.run(work)


def test_town_page_shows_every_shop_by_category_with_a_search_form_and_sets_no_cookie(site, db):
    page = site.get("/")
    assert page.status_code == 200
    assert "set-cookie" not in page.headers
    assert page.headers["vary"] == "Accept-Language"
    html = page.text
    assert '<html lang="fr">' in html and "<main" in html and "<header>" in html
    assert "Les commerces de Nogent-le-Rotrou" in html
    with db.session() as session:
        shops = session.exec(select(Shop).where(Shop.active)).all()
    assert len(shops) >= 10
    for one in shops:
        assert f'href="/boutique/{one.slug}"' in html
        assert f'alt="La boutique {one.name}"' in html
    assert ">Fromagerie</h2>" in html and ">Chocolaterie</h2>" in html
    assert '<label for="q">Chercher un article</label>' in html
    assert '<form class="search" role="search" action="/recherche"' in html
    assert "ne dépose aucun cookie" in html
    assert "<script" not in html


def test_a_shared_shop_link_shows_a_card_with_absolute_open_graph_addresses(site, db):
    html = read(site, "/boutique/chocolaterie-du-perche")
    assert meta(html, "og:title") == "Chocolaterie du Perche · Nogent-le-Rotrou"
    assert meta(html, "og:description") == "Chocolats artisanaux fabriqués à Nogent."
    assert meta(html, "og:url") == f"{PUBLIC_URL}/boutique/chocolaterie-du-perche"
    image = meta(html, "og:image")
    assert image.startswith(f"{PUBLIC_URL}/media/")
    # The preview's crawler may fetch the picture without any signature.
    picture = site.get(image.removeprefix(PUBLIC_URL))
    assert picture.status_code == 200 and picture.headers["content-type"] == "image/jpeg"
    assert picture.headers["cache-control"] == "public, max-age=86400"


def test_shop_page_tells_today_hours_open_now_items_and_the_two_order_buttons(site, db):
    # The test clock: Tuesday 8 December 2026, 10:00 in Nogent.
    html = read(site, "/boutique/chocolaterie-du-perche")
    assert "3 place Saint-Pol, 28400 Nogent-le-Rotrou" in html
    assert "Aujourd&#39;hui : 09:30–12:30, 14:00–19:00" in html
    assert "Ouvert en ce moment, jusqu&#39;à 12:30" in html
    assert "Coffret chocolats assortis" in html and "24,50 €" in html
    assert (
        'href="https://t.me/VitrineNogentBot?start=shop-chocolaterie-du-perche"'
        ">Commander sur Telegram</a>"
    ) in html.replace(' rel="noopener"', "")
    assert 'href="https://wa.me/33700000000?text=shop%20chocolaterie-du-perche"' in html


def test_shop_closed_on_sunday_says_when_it_opens(site, clock):
    clock.advance(days=5)  # Sunday
    html = read(site, "/boutique/chocolaterie-du-perche")
    assert "Aujourd&#39;hui : fermé" in html
    assert "Fermé en ce moment · ouvre mardi 15 décembre à 09:30" in html


def test_only_the_configured_channels_get_a_button(site, web_app):
    web_app.config.whatsapp.account_sid = ""
    html = read(site, "/boutique/chocolaterie-du-perche")
    assert "Commander sur Telegram" in html and "Commander sur WhatsApp" not in html
    web_app.config.telegram.token = ""
    html = read(site, "/boutique/chocolaterie-du-perche")
    assert "Commander sur" not in html
    assert "La commande par discussion ouvre bientôt" in html


def test_item_page_has_its_photo_price_and_opens_the_chat_on_that_item(site, db):
    item = first_item(db, "chocolaterie-du-perche")
    html = read(site, f"/article/{item.id}")
    assert f"<h1>{item.name}</h1>" in html and "24,50 €" in html
    assert f'alt="{item.name}"' in html
    assert f'href="https://t.me/VitrineNogentBot?start=item-{item.id}"' in html
    assert f'href="https://wa.me/33700000000?text=item%20{item.id}"' in html
    assert meta(html, "og:type") == "product"
    assert meta(html, "og:image") == f"{PUBLIC_URL}/media/{item.photos[0]}"


def test_hidden_deleted_items_and_shops_not_yet_joined_are_nowhere(site, db):
    hidden = first_item(db, "lingerie-christelle")
    deleted = first_item(db, "chocolaterie-du-perche")
    change(db, Item, hidden.id, hidden=True)
    change(db, Item, deleted.id, deleted=True)
    waiting = shop(db, "lingerie-christelle")
    for path in (f"/article/{hidden.id}", f"/article/{deleted.id}"):
        gone = site.get(path)
        assert gone.status_code == 404
        assert "l&#39;article a peut-être été vendu" in gone.text
        assert 'href="/"' in gone.text  # the way back to the shops
    assert hidden.name not in read(site, "/boutique/lingerie-christelle")
    assert deleted.name not in read(site, "/boutique/chocolaterie-du-perche")
    change(db, Shop, waiting.id, active=False)  # invited, the owner has not joined yet
    assert waiting.name not in read(site, "/")
    assert site.get("/boutique/lingerie-christelle").status_code == 404
    sitemap = read(site, "/sitemap.xml")
    assert "/boutique/lingerie-christelle<" not in sitemap
    assert f"/article/{hidden.id}<" not in sitemap and f"/article/{deleted.id}<" not in sitemap
    assert "/boutique/chocolaterie-du-perche<" in sitemap
    results = read(site, "/recherche", params={"q": deleted.name})
    assert f'href="/article/{deleted.id}"' not in results


def test_english_from_the_browser_language_or_the_link(site):
    english = read(site, "/", headers={"Accept-Language": "en-GB,en;q=0.9,fr;q=0.5"})
    assert '<html lang="en">' in english and "The shops of Nogent-le-Rotrou" in english
    assert ">Cheese</h2>" in english and "sets no cookie" in english
    linked = read(site, "/?lang=en")
    assert "The shops of Nogent-le-Rotrou" in linked
    # Links of a page opened with ?lang=en keep it; the switch goes back to French.
    assert 'href="/boutique/chocolaterie-du-perche?lang=en"' in linked
    assert '<input type="hidden" name="lang" value="en">' in linked
    assert 'href="/?lang=fr"' in linked and ">Français<" in linked
    shop_page = read(site, "/boutique/chocolaterie-du-perche?lang=en")
    assert "Order on Telegram" in shop_page and "€24.50" in shop_page
    assert "Today: 09:30–12:30, 14:00–19:00" in shop_page


def test_search_finds_the_town_items_and_says_kindly_when_nothing_matches(site):
    found = read(site, "/recherche", params={"q": "creme marrons"})
    assert "Crème de marrons" in found and "Chocolaterie du Perche" in found
    assert 'value="creme marrons"' in found
    assert 'href="/recherche?q=creme+marrons&amp;lang=en"' in found  # the same search in English
    nothing = read(site, "/recherche", params={"q": "tondeuse"})
    assert "Rien trouvé pour « tondeuse »" in nothing


def test_live_visits_of_today_are_on_the_town_page(site, db, clock):
    chocolate = shop(db, "chocolaterie-du-perche")
    flowers, books = shop(db, "fleurs-de-sully"), shop(db, "librairie-le-paty")
    assert "Visites en direct aujourd&#39;hui" not in read(site, "/")

    def visits(session):
        url = "https://meet.jit.si/ChocolaterieDuPerche"
        session.add(
            Visit(
                shop_id=chocolate.id,
                url=url,
                status="live",
                started_at=clock.now - timedelta(minutes=5),
            )
        )
        # This afternoon at 15:00 in Nogent; tomorrow's visit is not today's.
        later = clock.now + timedelta(hours=5)
        session.add(Visit(shop_id=flowers.id, url=url, status="scheduled", starts_at=later))
        tomorrow = clock.now + timedelta(days=1)
        session.add(Visit(shop_id=books.id, url=url, status="scheduled", starts_at=tomorrow))

    db.run(visits)
    html = read(site, "/")
    assert "Visites en direct aujourd&#39;hui" in html
    assert "Chocolaterie du Perche fait visiter sa boutique en vidéo" in html
    assert "15:00</span>" in html and "Fleurs de Sully fera visiter sa boutique" in html
    assert "Librairie Le Paty fera visiter" not in html
    assert "meet.jit.si" not in html  # the video link goes to followers through the chat
    assert "fait visiter sa boutique" in read(site, "/boutique/chocolaterie-du-perche")


def test_sitemap_and_robots_point_at_the_public_address(site, db):
    sitemap = site.get("/sitemap.xml")
    assert sitemap.headers["content-type"].startswith("application/xml")
    item = first_item(db, "chocolaterie-du-perche")
    assert f"<loc>{PUBLIC_URL}/article/{item.id}</loc>" in sitemap.text
    assert f"<loc>{PUBLIC_URL}/</loc>" in sitemap.text
    robots = read(site, "/robots.txt")
    assert f"Sitemap: {PUBLIC_URL}/sitemap.xml" in robots and "Disallow: /admin/" in robots
    assert '<meta name="robots" content="noindex">' in read(site, "/recherche?q=pull")


def test_an_unknown_address_gets_the_kind_page_not_a_bare_error(site):
    page = site.get("/boutique/nulle-part", headers={"Accept-Language": "en"})
    assert page.status_code == 404 and "Page not found" in page.text
    assert site.get("/n-importe-quoi").status_code == 404
    assert "Page introuvable" in site.get("/n-importe-quoi").text
    assert site.get("/healthz").json() == {"ok": True}


def test_every_page_and_poster_text_is_in_french_and_english_with_the_same_blanks():
    texts = {
        k: v for k, v in i18n.catalogue().items() if k.startswith(("web_", "poster_", "letter_"))
    }
    assert len(texts) > 30
    for key, both in texts.items():
        blanks = [
            {f for _, f, _, _ in string.Formatter().parse(both[lang]) if f}
            for lang in "fr en".split()
        ]
        assert blanks[0] == blanks[1], key


def test_a_phone_loads_only_the_first_pictures_before_scrolling(site):
    from bench.pages import first_paint_bytes

    html = read(site, "/")
    size, files, lazy = first_paint_bytes(site, html)
    assert files == 1 + 4 and lazy >= 8  # the page and the first four shops' photos
    assert size < 200 * 1024
    assert '<link rel="stylesheet"' not in html  # its styles come with it, no extra request


def test_each_town_of_a_region_has_its_own_window_and_search(site, db):
    from store.towns import add_town

    def work(session) -> None:
        town, _ = add_town(session=session, name="Bellême", postcodes=["61130"])
        found = Shop(town_id=town.id, slug="fromagerie-de-belleme", name="La Fromagerie de Bellême")
        found.category, found.active = "cheese", True
        session.add(found)
        session.flush()
        session.add(Item(shop_id=found.id, name="Tomme de Bellême", price_cents=650))

    db.run(work)
    town = read(site, "/ville/belleme")
    assert "La Fromagerie de Bellême" in town and "Chocolaterie du Perche" not in town
    assert 'action="/ville/belleme/recherche"' in town
    assert "start=town-belleme" in town  # the chat opens in this town
    found = read(site, "/ville/belleme/recherche", params={"q": "tomme"})
    assert "Tomme de Bellême" in found
    assert "Tomme de Bellême" not in read(site, "/recherche", params={"q": "tomme"})
    assert "Coffret chocolats" not in read(
        site, "/ville/belleme/recherche", params={"q": "coffret"}
    )
    shop_page = read(site, "/boutique/fromagerie-de-belleme")
    assert 'href="/ville/belleme"' in shop_page  # back to its own town, not the default one
    # The default town stays at / (and at its own /ville/ address); an unknown town is a 404.
    assert "Chocolaterie du Perche" in read(site, "/")
    assert "Chocolaterie du Perche" in read(site, "/ville/nogent-le-rotrou")
    assert site.get("/ville/nulle-part").status_code == 404
    assert site.get("/ville/nulle-part/recherche", params={"q": "pain"}).status_code == 404
    assert f"{PUBLIC_URL}/ville/belleme</loc>" in read(site, "/sitemap.xml")
