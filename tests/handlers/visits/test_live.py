"""Live visits on the console channel: a merchant goes live, followers join, reserve, recap."""

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from bot.app import App
from bot.config import Config
from bot.web import build_web
from bot.web.visits import visit_routes
from handlers.notices.visits import announce_live
from handlers.visits.news import sweep
from store.models import CartLine, Outbox, Visit
from store.visits import claim_holds
from tests.people import (
    make_staff,
    options,
    outbox,
    post_item,
    press,
    release_expired_holds,
    shop_id,
    stock,
    text,
    user_id,
)

PUBLIC_URL = "https://vitrine.example"
JITSI = "Visite de Noël ce matin : https://meet.jit.si/LingerieChristelle?utm_source=facebook"


@pytest.fixture
def town(chat, db, engine):
    """Christelle runs the lingerie shop; Alice, Bob and Chloé follow it."""
    engine.ctx.public_url = PUBLIC_URL  # Join links go through our redirect there
    christelle = chat("christelle")
    make_staff(db, christelle)
    fans = [chat(name) for name in ("alice", "bob", "chloe")]
    for fan in fans:
        fan.say("/start")
        assert "Vous suivez Lingerie Christelle" in press(fan, f"follow:{shop_id(db)}")
    return christelle, fans


def web(engine, db):
    app = App(config=Config(), db=db, media=engine.ctx.media, ctx=engine.ctx, engine=engine)
    return TestClient(build_web(app, visit_routes(app)))


def go_live(christelle) -> str:
    asked = christelle.say(JITSI)
    assert "📹 Jitsi Meet" in asked and "Commencer maintenant" in asked
    return christelle.say("1")


def the_visit(db) -> Visit:
    with db.session() as session:
        return session.exec(select(Visit)).one()


def test_jitsi_link_tells_each_follower_once_with_a_working_join_link(town, db, engine):
    christelle, fans = town
    screen = go_live(christelle)
    assert "Lingerie Christelle est en direct ! 3 personne(s) prévenue(s)" in screen
    # A second press on the same button, then the link sent again: nobody is told twice.
    assert "déjà en direct" in press(christelle, f"vnow:{shop_id(db)}")
    assert "déjà en direct" in christelle.say(JITSI)
    rows = outbox(db, "visit_live")
    assert sorted(r.user_id for r in rows) == sorted(user_id(db, f) for f in fans)
    assert all(not r.essential for r in rows)
    assert "🔴 Lingerie Christelle est en direct" in text(rows[0])
    joins = [url for row in rows for _, _, url in options(row) if url]
    assert len(set(joins)) == 3  # one link per person, to count who joined
    client = web(engine, db)
    opened = client.get(joins[0].removeprefix(engine.ctx.public_url), follow_redirects=False)
    assert opened.status_code == 302
    assert opened.headers["location"] == "https://meet.jit.si/LingerieChristelle"  # no utm_*
    client.get(joins[0].removeprefix(engine.ctx.public_url), follow_redirects=False)
    panel = press(christelle, f"vpanel:{the_visit(db).id}")
    assert "1 personne(s) ont rejoint sur 3" in panel
    forged = client.get(f"/v/{the_visit(db).id}/not-a-token", follow_redirects=False)
    assert forged.status_code == 404


def test_a_customer_sending_a_link_starts_nothing(town, db):
    _, (alice, _, _) = town
    screen = alice.say("https://meet.jit.si/PasUneBoutique")
    assert "Rien trouvé" in screen
    assert outbox(db, "visit_live") == []
    with db.session() as session:
        assert session.exec(select(Visit)).first() is None


def test_a_customer_cannot_end_or_watch_the_merchant_panel(town, db):
    christelle, (alice, _, _) = town
    go_live(christelle)
    visit = the_visit(db)
    assert "n'est plus à jour" in press(alice, f"vend:{visit.id}")
    assert "n'est plus à jour" in press(alice, f"vpanel:{visit.id}")
    assert "n'est plus à jour" in press(alice, f"vnow:{shop_id(db)}")
    assert the_visit(db).status == "live"


def test_an_unsafe_link_from_the_merchant_gets_a_kind_refusal(town, db):
    christelle, _ = town
    assert "https://" in christelle.say("javascript:alert(document.cookie)")
    assert "« @ »" in christelle.say("https://meet.google.com@evil.example/abc")
    with db.session() as session:
        assert session.exec(select(Visit)).first() is None


def test_reserved_item_is_held_then_released_when_not_ordered(town, db, clock):
    christelle, (alice, bob, chloe) = town
    go_live(christelle)
    visit = the_visit(db)
    assert "pas encore présenté" in press(alice, f"vitems:{visit.id}")
    clock.advance(minutes=5)
    body = post_item(db, clock, "Body en dentelle", 3900, 2, "lingerie-christelle")
    shown = press(alice, f"vitems:{visit.id}")
    assert "Body en dentelle · 39,00 €" in shown  # press() reads Babel's no-break space as a space
    reserved = alice.say("1")  # 🛍 Réserver
    assert "réservé pour vous chez Lingerie Christelle jusqu'à 10:35" in reserved
    assert stock(db, body) == 1
    assert "déjà réservé pour vous jusqu'à 10:35" in press(alice, f"vres:{visit.id}:{body}")
    assert stock(db, body) == 1
    press(bob, f"vres:{visit.id}:{body}")
    assert stock(db, body) == 0
    assert "épuisé" in press(chloe, f"vres:{visit.id}:{body}")
    with db.session() as session:
        cart = session.exec(select(CartLine).where(CartLine.item_id == body)).all()
        assert len(cart) == 2
    assert "Body en dentelle × 2" in press(christelle, f"vpanel:{visit.id}")
    # Not ordered in time: the scheduled job gives the stock back, once.
    clock.advance(minutes=29)
    assert release_expired_holds(db, clock()) == 0
    assert stock(db, body) == 0
    clock.advance(minutes=2)
    assert release_expired_holds(db, clock()) == 2
    assert release_expired_holds(db, clock()) == 0
    assert stock(db, body) == 2


def test_checkout_takes_held_stock_once(town, db, clock):
    christelle, (alice, _, _) = town
    go_live(christelle)
    visit = the_visit(db)
    clock.advance(minutes=1)
    body = post_item(db, clock, "Body en dentelle", 3900, 1, "lingerie-christelle")
    press(alice, f"vres:{visit.id}:{body}")
    assert stock(db, body) == 0
    # Checkout's first step gives the held unit back, for the order to take it as usual.
    claimed = db.run(
        lambda s: claim_holds(session=s, user_id=user_id(db, alice), item_ids=[body], now=clock())
    )
    assert len(claimed) == 1 and stock(db, body) == 1
    clock.advance(minutes=45)
    assert release_expired_holds(db, clock()) == 0
    assert stock(db, body) == 1


def test_ending_sends_a_recap_to_followers_who_did_not_join(town, db, engine, clock):
    christelle, (alice, bob, chloe) = town
    go_live(christelle)
    visit = the_visit(db)
    alice_link = [u for r in outbox(db, "visit_live", user_id(db, alice)) for *_, u in options(r)]
    web(engine, db).get(next(u for u in alice_link if u).removeprefix(engine.ctx.public_url))
    clock.advance(minutes=10)
    post_item(db, clock, "Nuisette rouge", 4900, 1, "lingerie-christelle")
    ended = press(christelle, f"vend:{visit.id}")
    assert "1 personne(s) l'ont rejointe. 2 abonné(s)" in ended
    recaps = outbox(db, "visit_recap")
    assert sorted(r.user_id for r in recaps) == sorted([user_id(db, bob), user_id(db, chloe)])
    assert "Nuisette rouge · 49,00\u00a0€" in text(recaps[0])
    assert "terminée" in press(christelle, f"vend:{visit.id}")
    assert len(outbox(db, "visit_recap")) == 2


def test_a_forgotten_visit_ends_itself_after_two_hours(town, db, clock):
    christelle, _ = town
    go_live(christelle)
    clock.advance(minutes=119)
    release_expired_holds(db, clock())
    assert the_visit(db).status == "live"
    clock.advance(minutes=2)
    release_expired_holds(db, clock())
    assert the_visit(db).status == "ended"
    # The shop can go live again.
    assert "est en direct" in go_live(christelle)


def test_scheduled_visit_reminders_are_due_10_minutes_before_and_at_the_start(town, db, clock):
    christelle, (alice, bob, _) = town
    christelle.say(JITSI)
    assert "Quel jour" in christelle.say("2")  # 🗓 Programmer
    assert "Je n'ai pas compris" in christelle.say("bientôt")
    done = christelle.say("samedi 15h")
    assert "programmé : samedi 12 décembre à 15:00. 3 abonné(s)" in done
    announced = outbox(db, "visit_scheduled", user_id(db, alice))
    assert "samedi 12 décembre à 15:00" in text(announced[0])
    assert ("🔔 Me prévenir", f"vnotify:{the_visit(db).id}", None) in options(announced[0])
    screen = press(alice, f"vnotify:{the_visit(db).id}")  # 🔔 Me prévenir, under the news
    assert "je vous préviens 10 minutes avant" in screen
    press(alice, f"vnotify:{the_visit(db).id}")  # twice: still two reminders
    reminders = outbox(db, "visit_reminder", user_id(db, alice))
    due = sorted(r.due_at.isoformat() for r in reminders)
    assert due == ["2026-12-12T13:50:00+00:00", "2026-12-12T14:00:00+00:00"]
    assert "commence dans 10 minutes" in text(reminders[0])
    assert any(url for r in reminders for *_, url in options(r))
    staff = outbox(db, "visit_reminder", user_id(db, christelle))
    assert [r.due_at.isoformat() for r in staff] == ["2026-12-12T13:50:00+00:00"]
    assert outbox(db, "visit_reminder", user_id(db, bob)) == []
    # The dispatcher sends the 14:50 reminder; the merchant starts at 14:55, so the
    # "it starts now" reminder gives way to the live news.
    with db.session() as session:
        session.get(Outbox, reminders[0].id).status = "sent"
    clock.advance(days=4, hours=4, minutes=55)
    assert "est en direct" in press(christelle, f"vgo:{the_visit(db).id}")
    statuses = {r.due_at.minute: r.status for r in outbox(db, "visit_reminder", user_id(db, alice))}
    assert statuses == {50: "sent", 0: "dropped"}
    assert len(outbox(db, "visit_live")) == 3


def test_live_menu_lists_live_and_coming_visits(town, db, chat):
    christelle, (alice, _, _) = town
    assert "Aucune visite en direct" in alice.say("en direct")
    go_live(christelle)
    home = alice.say("menu")
    number = re.search(r"(\d+)\. 🔴 En direct", home).group(1)
    listed = alice.say(number)
    assert "🔴 Lingerie Christelle (en direct)" in listed
    page = alice.say("1")
    assert "Rejoindre" in page and "/v/" in page


def test_announcing_twice_still_tells_each_follower_once(town, db, clock, engine):
    christelle, _ = town
    go_live(christelle)
    visit = the_visit(db)
    # Say two workers announce the same visit (a retried transaction, a double press that
    # slipped past the shop lock): the outbox's dedupe keys keep one message per person.
    for _ in range(2):
        db.run(lambda s: announce_live(s, clock(), engine.ctx.public_url, s.get(Visit, visit.id)))
    assert len(outbox(db, "visit_live")) == 3


def test_an_english_follower_gets_the_news_in_english(town, db, chat):
    christelle, _ = town
    dave = chat("dave", language="en-GB")
    dave.say("/start")
    press(dave, f"follow:{shop_id(db)}")
    go_live(christelle)
    (row,) = outbox(db, "visit_live", user_id(db, dave))
    assert "🔴 Lingerie Christelle is live!" in text(row)
    assert [label for label, *_ in options(row)] == ["▶️ Join", "🛍 See the items shown"]


def test_not_a_visit_forgets_the_link(town, db):
    christelle, _ = town
    christelle.say(JITSI)
    assert "je ne fais rien de ce lien" in christelle.say("3")
    assert "n'est plus à jour" in press(christelle, f"vnow:{shop_id(db)}")
    assert outbox(db, "visit_live") == []


def test_cancelling_a_scheduled_visit_tells_those_waiting_and_drops_reminders(town, db, engine):
    christelle, (alice, _, _) = town
    christelle.say(JITSI)
    christelle.say("2")
    christelle.say("demain 18h")
    visit = the_visit(db)
    press(alice, f"vnotify:{visit.id}")
    panel = press(christelle, f"vpanel:{visit.id}")
    assert "mercredi 9 décembre à 18:00" in panel and "1 personne(s) demandent" in panel
    assert "n'est plus à jour" in press(alice, f"vcancel:{visit.id}")
    assert "annulée" in press(christelle, f"vcancel:{visit.id}")
    news = outbox(db, "visit_scheduled", user_id(db, alice))
    (notice,) = [r for r in news if "annulée" in text(r)]
    assert "Lingerie Christelle est annulée" in text(notice)
    assert {r.status for r in outbox(db, "visit_reminder")} == {"dropped"}
    # Its Join link opens nothing any more.
    (reminder, *_) = outbox(db, "visit_reminder", user_id(db, alice))
    url = next(u for *_, u in options(reminder) if u)
    gone = web(engine, db).get(url.removeprefix(engine.ctx.public_url), follow_redirects=False)
    assert gone.status_code == 410 and "terminée" in gone.text


def test_two_staff_starting_at_once_make_one_live_visit(town, db, chat):
    christelle, _ = town
    colleague = chat("manon")
    make_staff(db, colleague)
    for person in (christelle, colleague):
        person.say(JITSI)
    with ThreadPoolExecutor(2) as pool:
        screens = list(pool.map(lambda p: press(p, f"vnow:{shop_id(db)}"), (christelle, colleague)))
    assert sum("3 personne(s) prévenue(s)" in s for s in screens) == 1
    assert sum("déjà en direct" in s for s in screens) == 1
    with db.session() as session:
        assert len(session.exec(select(Visit).where(Visit.status == "live")).all()) == 1
    assert len(outbox(db, "visit_live")) == 3


def test_viewers_racing_for_the_last_units_never_oversell(town, db, chat, clock):
    christelle, fans = town
    go_live(christelle)
    visit = the_visit(db)
    clock.advance(minutes=1)
    body = post_item(db, clock, "Body en dentelle", 3900, 2, "lingerie-christelle")
    viewers = [*fans, *(chat(f"viewer{i}") for i in range(5))]
    with ThreadPoolExecutor(8) as pool:
        screens = list(pool.map(lambda p: press(p, f"vres:{visit.id}:{body}"), viewers))
    assert sum("réservé pour vous" in s for s in screens) == 2
    assert sum("épuisé" in s for s in screens) == 6
    assert stock(db, body) == 0


def test_the_periodic_sweep_follows_the_configured_maximum(town, db, clock, engine):
    christelle, _ = town
    engine.ctx.visit_max_minutes = 30
    go_live(christelle)
    clock.advance(minutes=5)
    post_item(db, clock, "Body en dentelle", 3900, 2, "lingerie-christelle")
    clock.advance(minutes=20)
    assert db.run(lambda s: sweep(session=s, ctx=engine.ctx)) is False
    clock.advance(minutes=6)
    assert db.run(lambda s: sweep(session=s, ctx=engine.ctx)) is True  # recaps are due
    assert the_visit(db).status == "ended"
    assert len(outbox(db, "visit_recap")) == 3
    assert db.run(lambda s: sweep(session=s, ctx=engine.ctx)) is False


def test_the_link_sent_near_a_scheduled_time_starts_that_visit(town, db, clock, chat):
    christelle, _ = town
    christelle.say(JITSI)
    christelle.say("2")
    christelle.say("demain 10h")
    stranger = chat("zoe")
    stranger.say("/start")
    press(stranger, f"vnotify:{the_visit(db).id}")  # not a follower, asked to be told
    clock.advance(hours=23, minutes=50)  # Wednesday 09:50 in Paris
    christelle.say("https://meet.jit.si/LingerieChristelle")
    assert "4 personne(s) prévenue(s)" in christelle.say("1")
    visit = the_visit(db)  # still one visit: the scheduled one went live
    assert visit.status == "live" and visit.started_at == clock()
    assert outbox(db, "visit_live", user_id(db, stranger))


def test_two_sweeps_at_once_give_the_stock_back_once(town, db, clock):
    christelle, fans = town
    go_live(christelle)
    visit = the_visit(db)
    clock.advance(minutes=1)
    body = post_item(db, clock, "Body en dentelle", 3900, 3, "lingerie-christelle")
    for fan in fans:
        press(fan, f"vres:{visit.id}:{body}")
    assert stock(db, body) == 0
    clock.advance(minutes=31)
    with ThreadPoolExecutor(4) as pool:
        released = list(pool.map(lambda _: release_expired_holds(db, clock()), range(4)))
    assert sum(released) == 3
    assert stock(db, body) == 3


def test_on_a_local_address_the_join_link_is_the_platforms_own(chat, db, engine):
    engine.ctx.public_url = "http://localhost:8080"  # `vitrine chat`: no web server to count
    christelle = chat("christelle")
    make_staff(db, christelle)
    alice = chat("alice")
    alice.say("/start")
    press(alice, f"follow:{shop_id(db)}")
    go_live(christelle)
    (news,) = outbox(db, "visit_live")
    urls = [url for *_, url in options(news) if url]
    assert urls == ["https://meet.jit.si/LingerieChristelle"]
