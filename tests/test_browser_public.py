"""A resident on a phone, in a real Chromium: the town page, a search, a shop, an item, and
"Commander sur Telegram" opening the bot on that item."""

import re

from sqlmodel import select

from store.models import Item

# What a screen reader and a phone need: a language, landmarks, no picture without words,
# no field without a label, nothing wider than the screen.
ACCESSIBLE = """() => ({
  lang: document.documentElement.lang,
  landmarks: ['header', 'main', 'footer'].filter(t => document.querySelector(t)).length,
  imagesWithoutAlt: [...document.images].filter(i => !i.alt).length,
  unlabelled: [...document.querySelectorAll('input:not([type=hidden])')]
    .filter(i => !(i.labels && i.labels.length)).length,
  overflow: document.documentElement.scrollWidth - window.innerWidth,
})"""


def check_accessible(page) -> None:
    found = page.evaluate(ACCESSIBLE)
    assert found == {
        "lang": "fr",
        "landmarks": 3,
        "imagesWithoutAlt": 0,
        "unlabelled": 0,
        "overflow": 0,
    }, page.url


def test_a_resident_finds_a_shop_and_an_item_and_opens_the_telegram_chat_on_it(
    web_server, browser_page, outside_links, screenshot, db
):
    page = browser_page
    page.goto(web_server.url + "/")
    assert page.get_by_role("heading", level=1).inner_text() == "Les commerces de Nogent-le-Rotrou"
    assert page.get_by_role("heading", name="Fromagerie", exact=True).is_visible()
    check_accessible(page)
    screenshot(page, "public-town-phone")

    page.get_by_label("Chercher un article").fill("chocolat")
    page.get_by_role("button", name="Chercher").click()
    page.wait_for_url(re.compile(r"/recherche\?q=chocolat"))
    assert "Résultats pour « chocolat »" in page.get_by_role("heading", level=1).inner_text()
    assert page.get_by_role("link", name=re.compile("Coffret chocolats assortis")).is_visible()
    check_accessible(page)
    screenshot(page, "public-search-phone")

    page.get_by_role("link", name=re.compile("^Vitrine")).click()
    page.get_by_role("link", name=re.compile("Chocolaterie du Perche")).first.click()
    page.wait_for_url(re.compile("/boutique/chocolaterie-du-perche$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Chocolaterie du Perche"
    assert page.get_by_text("Ouvert en ce moment, jusqu'à 12:30").is_visible()
    assert page.get_by_role("link", name="Commander sur WhatsApp").is_visible()
    check_accessible(page)
    screenshot(page, "public-shop-phone")

    page.get_by_role("link", name=re.compile("Crème de marrons")).click()
    page.wait_for_url(re.compile(r"/article/\d+$"))
    item_id = int(page.url.rsplit("/", 1)[1])
    with db.session() as session:
        assert session.get(Item, item_id).name == "Crème de marrons"
        assert session.exec(select(Item).where(Item.id == item_id)).one().hidden is False
    assert page.get_by_role("heading", level=1).inner_text() == "Crème de marrons"
    # The photo is really there: the browser decoded it.
    assert page.locator("img.photo").first.evaluate("img => img.naturalWidth") > 0
    check_accessible(page)
    screenshot(page, "public-item-phone")

    page.get_by_role("link", name="Commander sur Telegram").click()
    page.wait_for_url("https://t.me/**")
    assert outside_links == [f"https://t.me/VitrineNogentBot?start=item-{item_id}"]


def test_the_town_page_in_english_on_a_phone(web_server, open_page, screenshot):
    page = open_page(locale="en-GB")
    page.goto(web_server.url + "/")
    assert page.get_by_role("heading", level=1).inner_text() == "The shops of Nogent-le-Rotrou"
    page.get_by_role("link", name=re.compile("Chocolaterie du Perche")).first.click()
    assert page.get_by_role("link", name="Order on Telegram").is_visible()
    screenshot(page, "public-shop-phone-en")
