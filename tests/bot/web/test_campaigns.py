"""Campaigns: the town's message reaches only the residents who opted in; one tap stops it."""

import io
import json
import re

import pytest
from PIL import Image
from sqlmodel import select

from handlers.notices import town_news
from store.models import Campaign, Outbox, User
from tests.fakes.admin import add_staff, client_for, csrf_of, dashboard_app, log_in
from tests.fakes.sender import Recorder, dispatcher, drain
from tests.fakes.twilio import Phone, WhatsAppServer, whatsapp_app
from tests.people import person, press, user

MESSAGE = "Marché de Noël samedi place Saint-Pol : vos commerçants vous attendent !"


@pytest.fixture
def town_hall(engine, tmp_path):
    app = dashboard_app(engine, tmp_path)
    add_staff(app)
    client = client_for(app)
    assert log_in(client).status_code == 303
    return app, client


def opt_in(chat, name: str, language: str = "fr"):
    """A resident taps "Recevoir les nouvelles de la ville" in the bot's settings."""
    resident = chat(name, language=language)
    screen = resident.say("réglages" if language == "fr" else "settings")
    number = re.search(r"(\d+)\. 🏛️ (Recevoir les nouvelles|Receive the town)", screen).group(1)
    assert "nouvelles de la ville" in resident.say(number) or language == "en"
    return resident


def write(client, text=MESSAGE, **fields):
    page = client.get("/admin/campaigns").text
    files = fields.pop("files", None)
    data = {"csrf": csrf_of(page), "text": text, **fields}
    return client.post("/admin/campaigns", data=data, files=files)


def test_news_is_off_until_a_resident_asks_for_it(chat, db):
    alice = chat("alice")
    screen = alice.say("réglages")
    assert "Les nouvelles de la ville (messages de la mairie) ne vous sont pas envoyées" in screen
    assert not user(db, person(db, "alice")).town_news
    opt_in(chat, "alice")
    assert user(db, person(db, "alice")).town_news
    assert "Vous recevez les nouvelles de la ville" in alice.say("réglages")


def test_a_campaign_reaches_only_the_residents_who_opted_in(town_hall, chat, db, clock):
    app, client = town_hall
    opt_in(chat, "alice")
    opt_in(chat, "bob", language="en")
    chat("carol").say("bonjour")  # never asked for the town's news
    opt_in(chat, "dan").say("/stop")  # asked, then turned every news off
    page = client.get("/admin/campaigns").text
    assert "2 habitant(s) ont choisi" in page
    answer = write(client, button="town")
    assert answer.status_code == 303
    preview = client.get(answer.headers["location"]).text
    assert "Envoyer à 2 habitant(s)" in preview and "Ne plus recevoir" in preview
    assert MESSAGE.split(":")[0] in preview
    assert not db.run(lambda s: s.exec(select(Outbox)).all())  # nothing goes before "send"
    send = client.post(answer.headers["location"] + "/send", data={"csrf": csrf_of(preview)})
    assert send.status_code == 303
    waiting = client.get(answer.headers["location"]).text
    assert "2 en cours d&#39;envoi" in waiting and 'http-equiv="refresh"' in waiting
    sender = Recorder()
    drain(dispatcher(db, sender, clock))
    assert sorted(who for who, _ in sender.sent) == ["alice", "bob"]
    texts = dict(sender.sent)
    assert texts["alice"].startswith("🏛️ Message de la mairie de Nogent-le-Rotrou")
    assert texts["bob"].startswith("🏛️ A message from Nogent-le-Rotrou town hall")
    assert MESSAGE in texts["alice"] and MESSAGE in texts["bob"]
    report = client.get(answer.headers["location"]).text
    assert 'data-sent="2" data-failed="0"' in report
    assert 'http-equiv="refresh"' not in report  # all delivered: the page stops refreshing
    # Sending again (a double click, a second tab) sends nothing more.
    client.post(answer.headers["location"] + "/send", data={"csrf": csrf_of(report)})
    assert drain(dispatcher(db, sender, clock)) == 0 and len(sender.sent) == 2


def test_one_tap_on_the_message_stops_the_town_s_news(town_hall, chat, db, clock):
    app, client = town_hall
    alice = opt_in(chat, "alice")
    answer = write(client)
    preview = client.get(answer.headers["location"]).text
    client.post(answer.headers["location"] + "/send", data={"csrf": csrf_of(preview)})
    row = db.run(lambda s: s.exec(select(Outbox)).one())
    options = row.payload["replies"][0]["options"]
    assert options == [["🔕 Ne plus recevoir", town_news.STOP, None]]
    screen = press(alice, town_news.STOP)
    assert "plus de nouvelles de Nogent-le-Rotrou" in screen
    assert not user(db, person(db, "alice")).town_news
    assert "0 habitant(s) ont choisi" in client.get("/admin/campaigns").text


def test_a_campaign_with_a_photo_and_a_shop_button(town_hall, chat, db, clock):
    app, client = town_hall
    opt_in(chat, "alice")
    page = client.get("/admin/campaigns").text
    shop_id, name = re.search(r'<option value="(\d+)" >([^<]+)</option>', page).groups()
    picture = io.BytesIO()
    Image.new("RGB", (60, 40), (200, 30, 60)).save(picture, "JPEG")
    files = {"photo": ("marche.jpg", picture.getvalue(), "image/jpeg")}
    answer = write(client, button="shop", shop_id=shop_id, files=files)
    preview = client.get(answer.headers["location"]).text
    assert f"Voir {name}" in preview and '<img src="/media/' in preview
    photo = re.search(r'<img src="([^"]+)"', preview).group(1).replace("&amp;", "&")
    assert client.get(photo).headers["content-type"] == "image/jpeg"
    client.post(answer.headers["location"] + "/send", data={"csrf": csrf_of(preview)})
    reply = db.run(lambda s: s.exec(select(Outbox)).one()).payload["replies"][0]
    assert reply["photo"] and reply["options"][0][1] == f"shop:{shop_id}"
    assert f"{name}" in press(chat("alice"), reply["options"][0][1])


def test_a_mistake_in_the_form_keeps_what_was_typed(town_hall):
    _, client = town_hall
    answer = write(client, text="x" * 901)
    assert answer.status_code == 400 and "901 caractères" in answer.text
    answer = write(client, text="Braderie", button="shop", shop_id="")
    assert answer.status_code == 400 and "Choisissez la boutique" in answer.text
    assert ">Braderie</textarea>" in answer.text
    answer = write(client, files={"photo": ("x.jpg", b"not an image", "image/jpeg")})
    assert answer.status_code == 400 and "La photo n&#39;a pas pu être lue" in answer.text


def test_outside_whatsapp_s_24_hours_the_town_news_template_carries_the_message(
    db, ctx, engine, standin, clock
):
    template = "HX" + "b" * 32
    standin.content.add_approved(template, "Les nouvelles de {{town}} : {{text}}", name="town_news")
    app = whatsapp_app(db, ctx, engine, standin.url, templates={"town_news": template})
    server = WhatsAppServer(app)
    try:
        phone = Phone(server, standin, "+33611111111")
        phone.say("bonjour")
        settings = phone.say("réglages")
        number = re.search(r"(\d+)\. 🏛️ Recevoir les nouvelles", settings).group(1)
        screen = phone.say(number)
        assert "vous recevrez les nouvelles de Nogent-le-Rotrou" in screen
        clock.advance(hours=30)
        staff_id = add_staff(app)

        def make(session):
            town_id = session.exec(select(User.town_id).where(User.channel == "whatsapp")).one()
            campaign = Campaign(town_id=town_id, author_id=staff_id, text=MESSAGE)
            session.add(campaign)
            session.flush()
            return town_news.send(session=session, ctx=ctx, campaign_id=campaign.id, now=clock.now)

        assert app.db.run(make) == 1
        server.run(dispatcher(db, server.channel, clock).drain())
        sent = standin.sent[-1]
        assert sent.get("ContentSid") == template and sent.get("Body") is None
        variables = json.loads(sent.get("ContentVariables"))
        assert variables == {"town": "Nogent-le-Rotrou", "text": MESSAGE}
    finally:
        server.close()


def test_another_town_s_staff_sees_none_of_it(town_hall, chat, engine, tmp_path):
    app, client = town_hall
    opt_in(chat, "alice")
    location = write(client).headers["location"]
    add_staff(app, email="mairie@chartres.example", town="Chartres")
    other = client_for(app)
    assert log_in(other, email="mairie@chartres.example").status_code == 303
    assert other.get(location).status_code == 404
    page = other.get("/admin/campaigns").text
    assert "0 habitant(s) ont choisi" in page and MESSAGE[:20] not in page
    preview = other.get("/admin/campaigns").text
    sent = other.post(location + "/send", data={"csrf": csrf_of(preview)})
    assert sent.status_code == 303
    assert "Envoyer à 1 habitant(s)" in client.get(location).text  # still a draft
    board = other.get("/admin/?days=30").text
    assert "Chocolaterie du Perche" not in board and "Chartres" in board
