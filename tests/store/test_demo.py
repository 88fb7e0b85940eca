"""The demo town a newcomer meets: a dozen real-looking shops, photos, hours, and search."""

import time

from sqlmodel import select

from store.demo import load_demo
from store.media import MediaStore
from store.models import Item, Shop, Town


def test_demo_town_has_a_dozen_shops_with_photos_and_full_catalogues(engine, db, media):
    with db.session() as session:
        town = session.exec(select(Town)).one()
        shops = session.exec(select(Shop)).all()
        items = session.exec(select(Item)).all()
    assert (town.name, town.postcode) == ("Nogent-le-Rotrou", "28400")
    assert len(shops) >= 12
    assert len({shop.category for shop in shops}) >= 10
    for shop in shops:
        assert media.exists(shop.photo), shop.name
        assert "28400 Nogent-le-Rotrou" in shop.address
        assert shop.hours, shop.name
        its = [item for item in items if item.shop_id == shop.id]
        if shop.slug not in ("lingerie-christelle", "chocolaterie-du-perche"):
            assert 8 <= len(its) <= 15, shop.name
    # Every item has its own picture, and stock comes in every flavour.
    assert len({item.photos[0] for item in items}) == len(items)
    assert all(media.exists(item.photos[0]) for item in items)
    stocks = [item.stock for item in items]
    assert None in stocks and 0 in stocks and any(s in (1, 2, 3) for s in stocks)
    assert any(shop.closures for shop in shops)
    delivering = [shop for shop in shops if shop.delivery_enabled]
    assert len(delivering) >= 4
    assert any("61400" in shop.delivery_postcodes for shop in delivering)
    assert any(shop.hours.get("sun") for shop in shops)
    assert any(shop.hours.get("mon") for shop in shops)


def test_the_two_skeleton_shops_keep_their_items(engine, db):
    with db.session() as session:
        choc = session.exec(select(Shop).where(Shop.slug == "chocolaterie-du-perche")).one()
        lingerie = session.exec(select(Shop).where(Shop.slug == "lingerie-christelle")).one()
        items = {item.name: item for item in session.exec(select(Item)).all()}
    assert (choc.name, choc.delivery_enabled) == ("Chocolaterie du Perche", True)
    assert (choc.delivery_fee_cents, choc.free_delivery_cents) == (490, 5000)
    assert choc.delivery_postcodes == ["28400"]
    assert lingerie.name == "Lingerie Christelle"
    expected = {
        "Coffret chocolats assortis": (2450, 10, choc.id),
        "Crème de marrons": (690, None, choc.id),
        "Nuisette en soie": (5900, 3, lingerie.id),
        "Pyjama en coton bio": (4500, 6, lingerie.id),
    }
    for name, (price, stock, shop_id) in expected.items():
        assert (items[name].price_cents, items[name].stock, items[name].shop_id) == (
            price,
            stock,
            shop_id,
        )
    for shop in (choc, lingerie):
        assert shop.hours["tue"] == [["09:30", "12:30"], ["14:00", "19:00"]]
        assert "mon" not in shop.hours and "sun" not in shop.hours


def test_demo_loads_once_and_quickly(db, tmp_path):
    media = MediaStore(tmp_path / "fresh")
    started = time.perf_counter()
    assert db.run(lambda session: load_demo(session=session, media=media)) is True
    assert time.perf_counter() - started < 2.0
    assert db.run(lambda session: load_demo(session=session, media=media)) is False


def test_searching_the_demo_finds_what_shoppers_type(chat):
    alice = chat()
    creme = alice.say("creme")
    assert "Crème de marrons · 6,90\xa0€ · Chocolaterie du Perche" in creme
    assert "Crème fraîche épaisse · 5,90\xa0€ · Fromagerie du Marché" in creme
    bijou = alice.say("bijou")
    assert "Bijoux de sac en laiton · 29,00\xa0€ · Bijouterie Lemaire" in bijou
    pull = alice.say("pull rouge")
    assert "1. Pull en laine rouge · 69,00\xa0€ · Boutique Émilie" in pull
    assert "Pull marin" not in pull
    card = alice.say("1")
    assert "Laine mérinos, col rond" in card


def test_search_results_page_forward_and_back_by_typing(chat):
    alice = chat()
    first = alice.say("perche")
    assert "Résultats pour « perche » :" in first
    assert "9. ➡️ Suite" in first
    second = alice.say("Suite")
    assert "Résultats pour « perche », page 2 :" in second
    assert "⬅️ Précédents" in second
    labels = [
        {line.split(". ", 1)[1] for line in page.splitlines()[1:9]} for page in (first, second)
    ]
    assert len(labels[0]) == 8 and labels[0].isdisjoint(labels[1])
    assert alice.say("Précédents") == first


def test_search_marks_sold_out_items_and_offers_the_shops_when_nothing_matches(chat):
    alice = chat()
    assert "Pendentif trèfle nacre · épuisé · Bijouterie Lemaire" in alice.say("pendentif")
    screen = alice.say("trottinette")
    assert "Rien trouvé pour « trottinette »" in screen
    assert "1. 🏪 Boutiques par catégorie" in screen
