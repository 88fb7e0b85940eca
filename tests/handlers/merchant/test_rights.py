"""Only a shop's staff act for it: forged payloads from a customer or another shop are refused."""

import logging

import pytest
from sqlmodel import select

from handlers.core import Incoming
from store.audit import history
from store.models import AuditLog, Item, Order, Shop, User
from tests.people import Person, join_as_owner, outbox_for, place_order, post_by_photo

FORGED = [
    "macc:{order}",
    "mdec:{order}",
    "mdecr:{order}:0",
    "mrdy:{order}",
    "mout:{order}",
    "mdlv:{order}",
    "mhand:{order}",
    "mnrdy:{order}",
    "mord:{order}",
    "mitem:{item}",
    "mie:{item}:price",
    "mhide:{item}",
    "mdel:{item}",
    "mdelok:{item}",
    "mswitch:{shop}",
    "macc:99999999999999999999",
    "mitem:-1",
    "mdecr:{order}:7",
]
# What a merchant does to their own shop; a customer has none.
SHOP_ONLY = [
    "mshop",
    "msettings",
    "mcat:toys",
    "mitems:0",
    "mpending",
    "mtoday",
    "mremise",
    "minvite",
    "mset:hours",
    "mpickup:0",
]


def _snapshot(db):
    with db.session() as session:
        orders = [(o.id, o.status, o.collected_at) for o in session.exec(select(Order))]
        items = [
            (i.id, i.name, i.price_cents, i.stock, i.hidden, i.deleted)
            for i in session.exec(select(Item))
        ]
        shops = [(s.id, s.category, s.name) for s in session.exec(select(Shop))]
        audits = len(session.exec(select(AuditLog)).all())
    return orders, items, shops, audits


@pytest.fixture
def lea_shop(chat, engine, db, clock, tmp_path):
    lea = join_as_owner(chat, engine, db, "lea", "Bougies de Léa")
    item_id = post_by_photo(lea, tmp_path, "Bougie parfumée 12,90 € stock 4")
    Person(chat("bob")).say("/start")
    order_id, token = place_order(db, "bob", "Bougie parfumée", clock.now)
    with db.session() as session:
        shop_id = session.get(Item, item_id).shop_id
    return {"order": order_id, "item": item_id, "shop": shop_id, "token": token}


@pytest.mark.parametrize("who", ["bob", "marc"])
def test_forged_payloads_from_a_customer_or_another_shop_change_nothing(
    who, lea_shop, chat, engine, db, tmp_path, caplog
):
    if who == "marc":  # the owner of another shop
        marc = join_as_owner(chat, engine, db, "marc", "Fromagerie du Marché")
        post_by_photo(marc, tmp_path, "Comté 18 mois 6,50 €")
    before = _snapshot(db)
    caplog.set_level(logging.WARNING, logger="handlers.common.rights")
    for template in FORGED:
        action = template.format(**lea_shop)
        replies = engine.handle(Incoming("console", who, action=action))
        assert "n'est plus à jour" in replies[0].text, action
        assert "Bougie" not in " ".join(r.text for r in replies), action
    if who == "bob":
        for action in SHOP_ONLY:
            replies = engine.handle(Incoming("console", who, action=action))
            assert "n'est plus à jour" in replies[0].text, action
    assert _snapshot(db) == before
    assert outbox_for(db, "bob", "order_accepted") == []
    refused = [r for r in caplog.records if "refused merchant action" in r.getMessage()]
    assert len(refused) == len(FORGED) + (len(SHOP_ONLY) if who == "bob" else 0)


@pytest.mark.parametrize("who", ["bob", "marc"])
def test_someone_else_opening_the_pickup_link_learns_nothing(who, lea_shop, chat, engine, db):
    person = Person(chat(who))
    if who == "marc":
        person = join_as_owner(chat, engine, db, "marc", "Fromagerie du Marché")
    screen = person.say(f"/start pickup-{lea_shop['token']}")
    unknown = person.say("/start pickup-notarealtoken")
    assert "n'est pas valable" in screen
    assert screen == unknown
    assert "Bougie" not in screen and "06 12" not in screen
    with db.session() as session:
        assert session.get(Order, lea_shop["order"]).status == "pending"


def test_a_customer_never_sees_my_shop_and_their_photo_is_not_an_item(chat, tmp_path, db):
    from tests.people import picture

    bob = Person(chat("bob"))
    assert "Ma boutique" not in bob.say("/start")
    screen = bob.say(f"/photo {picture(tmp_path, 'selfie')} Pull 35€")
    assert "Seuls les commerçants publient des photos" in screen
    with db.session() as session:
        assert session.exec(select(Item).where(Item.name == "Pull")).first() is None


def test_staff_invited_by_the_owner_can_work_but_not_invite(chat, engine, db, lea_shop):
    lea = Person(chat("lea"))
    lea.say("Ma boutique")
    screen = lea.say("Inviter un vendeur")
    assert "invitation pour un vendeur" in screen
    link = next(line for line in screen.splitlines() if "Lien Telegram" in line)
    code = link.rsplit("join-", 1)[1]
    # The owner trying her own link by mistake does not use it up.
    assert "déjà partie de « Bougies de Léa »" in lea.say(f"/start join-{code}")
    sam = Person(chat("sam"))
    assert "Bienvenue dans l'équipe de « Bougies de Léa »" in sam.say(f"/start join-{code}")
    assert "Inviter un vendeur" not in sam.say("Ma boutique")
    replies = engine.handle(Incoming("console", "sam", action="minvite"))
    assert "n'est plus à jour" in replies[0].text
    assert "Ce code d'invitation a déjà servi" in Person(chat("zoe")).say(f"join {code}")
    # Staff can do the shop's work: accept the order.
    sam.say("Ma boutique")
    sam.say("Commandes en cours (1 à accepter)")
    sam.say("1")
    assert "le client est prévenu" in sam.say("Accepter")


def test_price_and_stock_changes_are_audited(chat, db, clock, lea_shop):
    lea = Person(chat("lea"))
    lea.say("/start")
    lea.say("Ma boutique")
    lea.say("Mes articles")
    assert "Bougie parfumée" in lea.say("1")
    assert "Quel est le prix" in lea.say("Changer le prix")
    screen = lea.say("14,50 €")
    assert "C'est enregistré" in screen and "14,50 €" in screen
    lea.say("Changer le stock")
    lea.say("10")
    with db.session() as session:
        changes = history(session=session, entity="item", entity_id=lea_shop["item"])
        lea_id = session.exec(select(User.id).where(User.channel_ref == "lea")).one()
        assert [(c.field, c.before, c.after) for c in changes] == [
            ("price", "1290", "1450"),
            ("stock", "3", "10"),
        ]
        assert all(c.at == clock.now and c.user_id == lea_id for c in changes)
