"""A resident on a phone, in a real Chromium: the town page, a search, a shop, an item, and
"Commander sur Telegram" opening the bot on that item."""

import re

from playwright.sync_api import expect
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

# Every text against the colour behind it, as WCAG 2 measures contrast (4.5:1, large text 3:1).
LOW_CONTRAST = """() => {
  const rgb = s => s.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => {
    const c = [r, g, b].map(v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const behind = el => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length < 4 || c[3] > 0) return c;
    }
    return [255, 255, 255];
  };
  const low = [];
  for (const el of document.querySelectorAll('body *')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || !el.getClientRects().length) continue;
    const style = getComputedStyle(el);
    const [a, b] = [lum(rgb(style.color)), lum(behind(el))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
    const large = size >= 24 || (bold && size >= 18.66);
    if (ratio < (large ? 3 : 4.5)) {
      low.push(el.textContent.trim().slice(0, 40) + ' ' + ratio.toFixed(2));
    }
  }
  return low;
}"""


def check_accessible(page) -> None:
    assert page.evaluate(LOW_CONTRAST) == [], page.url
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
    expect(page.get_by_role("heading", level=1)).to_have_text("Les commerces de Nogent-le-Rotrou")
    expect(page.get_by_role("heading", name="Fromagerie", exact=True)).to_be_visible()
    check_accessible(page)
    screenshot(page, "public-town-phone")

    page.get_by_label("Chercher un article").fill("chocolat")
    page.get_by_role("button", name="Chercher").click()
    page.wait_for_url(re.compile(r"/recherche\?q=chocolat"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Résultats pour « chocolat »")
    expect(page.get_by_role("link", name=re.compile("Coffret chocolats assortis"))).to_be_visible()
    check_accessible(page)
    screenshot(page, "public-search-phone")

    page.get_by_role("link", name=re.compile("^Vitrine")).click()
    page.get_by_role("link", name=re.compile("Chocolaterie du Perche")).first.click()
    page.wait_for_url(re.compile("/boutique/chocolaterie-du-perche$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Chocolaterie du Perche")
    expect(page.get_by_text("Ouvert en ce moment, jusqu'à 12:30")).to_be_visible()
    expect(page.get_by_role("link", name="Commander sur WhatsApp")).to_be_visible()
    check_accessible(page)
    screenshot(page, "public-shop-phone")

    page.get_by_role("link", name=re.compile("Crème de marrons")).click()
    page.wait_for_url(re.compile(r"/article/\d+$"))
    item_id = int(page.url.rsplit("/", 1)[1])
    with db.session() as session:
        assert session.get(Item, item_id).name == "Crème de marrons"
        assert session.exec(select(Item).where(Item.id == item_id)).one().hidden is False
    expect(page.get_by_role("heading", level=1)).to_have_text("Crème de marrons")
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
    expect(page.get_by_role("heading", level=1)).to_have_text("The shops of Nogent-le-Rotrou")
    page.get_by_role("link", name=re.compile("Chocolaterie du Perche")).first.click()
    page.wait_for_url(re.compile("/boutique/chocolaterie-du-perche"))
    expect(page.get_by_role("link", name="Order on Telegram")).to_be_visible()
    screenshot(page, "public-shop-phone-en")
