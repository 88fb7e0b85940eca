"""Many towns in one deployment: each customer shops in their own town."""

import subprocess
import sys

import pytest
from sqlmodel import select

from bot.channels.console import ConsoleChannel
from handlers.core import Incoming
from store.models import Item, Shop, Town, User
from store.towns import add_town
from tests.people import press

# Two more towns beside the demo's Nogent-le-Rotrou (48.32, 0.82), each with a cheese shop.
TOWNS = [
    ("Bellême", ["61130"], 48.3753, 0.5617, "La Fromagerie de Bellême", "Tomme de Bellême"),
    ("Mortagne-au-Perche", ["61400", "61190"], 48.5206, 0.5469, "Fromages du Perche", "Brie"),
]


@pytest.fixture
def region(engine, db):
    """The demo town plus two towns with one shop and one item each (cheese everywhere)."""

    def work(session) -> None:
        for name, codes, lat, lon, shop_name, item_name in TOWNS:
            town, _ = add_town(session=session, name=name, postcodes=codes, lat=lat, lon=lon)
            shop = Shop(town_id=town.id, slug=shop_name.lower().replace(" ", "-"), name=shop_name)
            shop.category = "cheese"
            session.add(shop)
            session.flush()
            session.add(Item(shop_id=shop.id, name=item_name, price_cents=650))

    db.run(work)
    return engine


def town_of(db, user: str) -> str:
    with db.session() as session:
        person = session.exec(select(User).where(User.channel_ref == user)).one()
        town = session.get(Town, person.town_id) if person.town_id else None
        return town.name if town else ""


def test_customers_of_each_town_see_only_their_towns_shops_and_results(region, db):
    nogent = ConsoleChannel(region, user="nina")
    belleme = ConsoleChannel(region, user="bea")
    mortagne = ConsoleChannel(region, user="max")
    assert "boutiques de Nogent-le-Rotrou" in nogent.say("/start")
    assert "boutiques de Bellême ! 1 commerces" in belleme.say("/start town-belleme")
    assert "boutiques de Mortagne-au-Perche" in mortagne.say("/start town-mortagne-au-perche")

    # Everyone types "fromage"-ish words: each finds their own town's cheese only.
    assert "Tomme de Bellême" in belleme.say("tomme")
    assert "Tomme" not in nogent.say("tomme")
    assert "Tomme" not in mortagne.say("tomme")
    assert "Brie" in mortagne.say("brie")
    assert "Brie" not in belleme.say("brie")

    categories = belleme.say("boutiques")
    assert "(1)" in categories and "Nos 1 commerces" in categories or "1 commerce" in categories
    assert "Fromages du Perche" not in belleme.say("1")
    assert "Nos 13 commerces" in nogent.say("boutiques")
    assert town_of(db, "bea") == "Bellême"
    assert town_of(db, "nina") == ""  # never chose: the default town ([town] in the config)


def test_a_postcode_or_a_town_name_switches_town(region, db):
    alice = ConsoleChannel(region, user="alice")
    alice.say("/start")
    assert "boutiques de Mortagne-au-Perche" in alice.say("61190")  # its second postcode
    assert town_of(db, "alice") == "Mortagne-au-Perche"
    assert "Brie" in alice.say("brie")
    assert "boutiques de Bellême" in alice.say("belleme")  # a name, accents folded
    assert "Aucune ville servie n'a le code postal 75001" in alice.say("75001")
    assert town_of(db, "alice") == "Bellême"


def test_the_home_menu_switches_town_from_a_list(region, db):
    alice = ConsoleChannel(region, user="alice")
    home = alice.say("menu")
    assert "📍 Ville : Nogent-le-Rotrou" in home
    listing = press(alice, "towns:0")
    assert "Bellême (61130)" in listing and "Mortagne-au-Perche (61400)" in listing
    assert "boutiques de Bellême" in alice.say("Bellême (61130)")
    assert "📍 Ville : Bellême" in alice.say("menu")


def test_a_shop_link_and_an_item_link_land_in_their_town(region, db):
    alice = ConsoleChannel(region, user="alice")
    card = alice.say("/start shop-fromages-du-perche")
    assert "🏪 Fromages du Perche" in card
    assert town_of(db, "alice") == "Mortagne-au-Perche"
    with db.session() as session:
        tomme = session.exec(select(Item).where(Item.name == "Tomme de Bellême")).one()
    assert "Tomme de Bellême" in alice.say(f"/start item-{tomme.id}")
    assert town_of(db, "alice") == "Bellême"
    assert "Tomme de Bellême" in alice.say("tomme")  # and searches there now


def test_a_shared_location_picks_the_nearest_town(region, db):
    incoming = Incoming("console", "alice", location=(48.37, 0.57), language="fr")
    text = " ".join(r.text for r in region.handle(incoming))
    assert "La ville la plus proche de vous : Bellême." in text
    assert town_of(db, "alice") == "Bellême"


def test_the_admin_adds_a_town_from_the_command_line(tmp_path, db):
    url = str(db.engine.url.render_as_string(hide_password=False))
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "{url}"\n[telegram]\nbot_username = "VitrineBot"\n')
    command = [sys.executable, "-m", "bot.cli", "--config", str(config), "admin", "town", "add"]
    done = subprocess.run(
        [*command, "--name", "Bellême", "--postcode", "61130", "--lat", "48.37", "--lon", "0.56"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Ville ajoutée : Bellême (61130)" in done.stdout
    assert "https://t.me/VitrineBot?start=town-belleme" in done.stdout
    with db.session() as session:
        town = session.exec(select(Town).where(Town.slug == "belleme")).one()
        assert (town.lat, town.lon, town.timezone) == (48.37, 0.56, "Europe/Paris")


def test_a_town_added_while_the_bot_runs_is_found_by_its_name(engine, db, monkeypatch):
    """Typed town names are checked against the towns' slugs kept in the process: a town
    this process adds counts at once, one another process adds once SLUGS_TTL has passed."""
    from sqlalchemy import text

    from store import towns

    alice = ConsoleChannel(engine, user="alice")
    alice.say("/start")
    assert "boutiques de Bellême" not in alice.say("belleme")  # no such town yet: a search
    db.run(lambda s: add_town(session=s, name="Bellême", postcodes=["61130"]))
    assert "boutiques de Bellême" in alice.say("belleme")

    # Another process's town, written behind this one's back (no ORM event here).
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO town (slug, name, postcode, postcodes, timezone, locale, currency)"
                " VALUES ('mortagne-au-perche', 'Mortagne-au-Perche', '61400', '[\"61400\"]',"
                " 'Europe/Paris', 'fr_FR', 'EUR')"
            )
        )
    monkeypatch.setattr(towns, "SLUGS_TTL", 0.0)  # as if SLUGS_TTL seconds had passed
    assert "boutiques de Mortagne-au-Perche" in alice.say("mortagne au perche")
    assert town_of(db, "alice") == "Mortagne-au-Perche"
