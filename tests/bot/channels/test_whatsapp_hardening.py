"""What a hostile or clumsy WhatsApp side does, through real signed Twilio posts.

Control characters in what people type (PostgreSQL refuses NUL), forged parameter names,
media on other hosts. Every test runs on SQLite and PostgreSQL.
"""

import io

import pytest
from PIL import Image
from sqlmodel import select

from store.models import CartLine, Item, Order, SeenMessage, Shop, ShopStaff, User
from tests.fakes.twilio import Phone

ALICE = "+33612345678"
LEA = "+33698765432"


@pytest.fixture
def alice(whatsapp_server, standin):
    return Phone(whatsapp_server, standin, ALICE)


def png(width: int = 80, height: int = 60) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 60)).save(out, "PNG")
    return out.getvalue()


def number_of(words: str, screen: str) -> str:
    """The number to type for the option whose label holds `words`."""
    for line in screen.splitlines():
        number, dot, label = line.strip().partition(". ")
        if dot and number.isdigit() and words in label:
            return number
    raise AssertionError(f"no option {words!r} in:\n{screen}")


def user(db, number: str) -> User:
    with db.session() as session:
        return session.exec(select(User).where(User.channel_ref == number)).one()


def owner(db, phone: Phone, slug: str = "chocolaterie-du-perche") -> None:
    """Make the person behind `phone` the shop's owner (the admin's invite, shortened)."""
    phone.say("menu")
    with db.session() as session:
        person = session.exec(select(User).where(User.channel_ref == phone.number)).one()
        shop = session.exec(select(Shop).where(Shop.slug == slug)).one()
        session.add(ShopStaff(shop_id=shop.id, user_id=person.id, role="owner"))


# 5. Control characters.
def test_a_profile_name_with_nul_still_gets_answers_and_an_account(alice, db):
    assert "Bienvenue" in alice.say_with("/start", ProfileName="Ali\x00ce\x07")
    assert "Choisissez une option" in alice.say_with("aide", ProfileName="Ali\x00ce\x07")
    assert user(db, ALICE).name == "Alice"


def test_nul_in_a_delivery_address_and_a_note_still_confirms(alice, db):
    alice.say("/start")
    alice_id = user(db, ALICE).id
    with db.session() as session:
        coffret = session.exec(select(Item).where(Item.name == "Coffret chocolats assortis")).one()
        session.add(CartLine(user_id=alice_id, item_id=coffret.id, quantity=1))
    modes = alice.say(number_of("Commander chez", alice.say("panier")))
    address = alice.say(number_of("Livraison", modes))
    assert "adresse" in address
    summary = alice.say("3 place\x00 Saint-Pol, 28400\x1b Nogent-le-Rotrou")  # phone: WhatsApp's
    alice.say(number_of("Ajouter un mot", summary))
    summary = alice.say("Sonnez\x00 fort\u0000 svp")
    assert "confirmée" in alice.say(number_of("Confirmer", summary))
    with db.session() as session:
        order = session.exec(select(Order)).one()
    assert order.address == "3 place Saint-Pol, 28400 Nogent-le-Rotrou"
    assert order.note == "Sonnez fort svp"


def test_nul_in_a_caption_still_publishes(whatsapp_server, standin, db):
    lea = Phone(whatsapp_server, standin, LEA)
    owner(db, lea)
    url = standin.add_media(png(), "image/png")
    fields = {"NumMedia": "1", "MediaUrl0": url, "MediaContentType0": "image/png"}
    [preview] = lea.send("Bougie\x00 parfumée - 12,90 € - stock 4", **fields)
    assert "en vente" in lea.say(number_of("Publier", preview.body))
    with db.session() as session:
        assert session.exec(select(Item).where(Item.name == "Bougie parfumée")).one()


def test_nul_in_a_shop_setting_is_kept_clean(whatsapp_server, standin, db):
    lea = Phone(whatsapp_server, standin, LEA)
    owner(db, lea)
    mine = lea.say(number_of("Ma boutique", lea.say("menu")))
    settings = lea.say(number_of("Réglages de la boutique", mine))
    lea.say(number_of("Description", settings))
    lea.say("Chocolats\x00 faits main, depuis 1987\x0c")
    with db.session() as session:
        shop = session.exec(select(Shop).where(Shop.slug == "chocolaterie-du-perche")).one()
    assert shop.description == "Chocolats faits main, depuis 1987"


# 4. Strict parameters.
def shifted(params: dict[str, str]) -> list[dict[str, str]]:
    """Variants of a signed webhook with the same signature: MessageSid swallowing the next
    parameters (Twilio signs the names and values run together, in sorted order)."""
    names = sorted(params)
    at = names.index("MessageSid")
    variants = []
    for taken in range(1, 4):
        swallowed = names[at + 1 : at + 1 + taken]
        value = params["MessageSid"] + "".join(n + params[n] for n in swallowed)
        variant = {k: v for k, v in params.items() if k not in swallowed}
        variants.append({**variant, "MessageSid": value})
    # A name that keeps its place in the sorted order while taking the value's first letters.
    variants.append({**{k: v for k, v in params.items() if k != "Body"}, "BodyBon": "jour"})
    return variants


def test_shifted_variants_of_a_signed_webhook_are_refused_and_store_nothing(
    whatsapp_server, standin, db
):
    from twilio.request_validator import RequestValidator

    from tests.fakes.twilio import AUTH_TOKEN, PUBLIC_URL, inbound

    captured = inbound(ALICE, "Bonjour")
    url = f"{PUBLIC_URL}/whatsapp/webhook"
    validator = RequestValidator(AUTH_TOKEN)
    signature = validator.compute_signature(url, captured)
    variants = shifted(captured)
    for variant in variants:  # what makes the attack: each still carries a valid signature
        assert validator.validate(url, variant, signature)
    statuses = [whatsapp_server.post(v, signature=signature).status_code for v in variants]
    assert statuses == [400] * len(variants)
    whatsapp_server.idle()
    assert standin.attempts == 0
    with db.session() as session:
        assert session.exec(select(SeenMessage)).all() == []
        assert session.exec(select(User)).all() == []
    assert whatsapp_server.post(captured, signature=signature).status_code == 200
    whatsapp_server.idle()
    assert len(standin.to(f"whatsapp:{ALICE}")) == 1  # the real one is answered, once


@pytest.mark.parametrize(
    "change",
    [
        {"MessageSid": "SM" + "0" * 31},  # too short
        {
            "MessageSid": "XX" + "0" * 32,
            "SmsMessageSid": "XX" + "0" * 32,
            "SmsSid": "XX" + "0" * 32,
        },
        {"SmsMessageSid": "SM" + "1" * 32},  # two sids for one message
        {"AccountSid": "AC" + "9" * 32},  # another account's
        {"Injected": "1"},
        {"NumMedia": "99"},
        {"MediaUrl3": "https://api.twilio.com/x"},  # beyond NumMedia
    ],
)
def test_a_signed_webhook_twilio_would_not_send_is_a_400(whatsapp_server, standin, db, change):
    from tests.fakes.twilio import inbound

    params = {**inbound(ALICE, "Bonjour"), **change}
    assert whatsapp_server.post(params).status_code == 400
    whatsapp_server.idle()
    assert standin.attempts == 0
    with db.session() as session:
        assert session.exec(select(SeenMessage)).all() == []


# 3. Media only from Twilio's hosts, credentials only to its API.
@pytest.fixture
def elsewhere():
    """Another web server on loopback: someone else's host (or Twilio's CDN, when allowed)."""
    from tests.fakes.twilio import ACCOUNT_SID, AUTH_TOKEN
    from tests.fakes.twilio_standin import TwilioStandIn

    server = TwilioStandIn(ACCOUNT_SID, AUTH_TOKEN).start()
    yield server
    server.stop()


def photo_fields(url: str) -> dict[str, str]:
    return {"NumMedia": "1", "MediaUrl0": url, "MediaContentType0": "image/png"}


@pytest.fixture
def lea(whatsapp_server, standin, db):
    """A merchant: the one whose photos are fetched (they become items)."""
    phone = Phone(whatsapp_server, standin, LEA)
    owner(db, phone)
    return phone


CAPTION = "Bougie parfumée - 12,90 € - stock 4"


def test_media_on_another_host_is_not_fetched(lea, elsewhere, db):
    url = elsewhere.add_media(png(), "image/png")  # a Twilio-looking URL, on another host
    answer = lea.say_with(CAPTION, **photo_fields(url))
    assert "Je n'ai pas pu récupérer votre photo" in answer
    assert elsewhere.fetches == []  # not asked at all, so the credentials never left


@pytest.mark.parametrize("target", ["elsewhere", "the bot itself"])
def test_a_redirect_off_twilio_is_not_followed(lea, standin, elsewhere, whatsapp_server, target):
    url = standin.add_media(png(), "image/png")
    standin.redirect_base = elsewhere.url if target == "elsewhere" else whatsapp_server.base
    answer = lea.say_with(CAPTION, **photo_fields(url))
    assert "Je n'ai pas pu récupérer votre photo" in answer
    assert len([f for f in standin.fetches if "/Media/" in f[0]]) == 1  # Twilio was asked
    assert elsewhere.fetches == []


def test_a_redirect_to_twilios_cdn_is_followed_without_the_credentials(
    db, ctx, engine, standin, elsewhere
):
    from tests.fakes.twilio import WhatsAppServer, whatsapp_app

    cdn = elsewhere
    app = whatsapp_app(db, ctx, engine, standin.url, {}, media_hosts=["localhost"])
    server = WhatsAppServer(app)
    try:
        merchant = Phone(server, standin, LEA)
        owner(db, merchant)
        url = standin.add_media(png(), "image/png")
        cdn.files.update(standin.files)
        standin.redirect_base = cdn.url.replace("127.0.0.1", "localhost")
        [preview] = merchant.send(CAPTION, **photo_fields(url))
    finally:
        server.close()
    assert "tel que les clients le verront" in preview.body and preview.media_urls
    [(_, api_auth)] = [f for f in standin.fetches if "/Media/" in f[0]]
    assert api_auth and api_auth.startswith("Basic ")  # Twilio's API gets the account's auth
    [(cdn_path, cdn_auth)] = cdn.fetches
    assert cdn_path.startswith("/files/ME") and cdn_auth is None  # the CDN never sees it


# 9. A merchant's PDF, on WhatsApp too.
def test_a_merchants_pdf_with_a_caption_asks_for_a_photo_and_keeps_the_caption(lea, standin):
    pdf = {"NumMedia": "1", "MediaContentType0": "application/pdf"}
    pdf["MediaUrl0"] = standin.add_media(b"%PDF-1.4 price list", "application/pdf")
    answer = lea.say_with("Bougie pdf - 12 € - stock 3", **pdf)
    assert "Rien trouvé" not in answer
    assert "Envoyez plutôt une photo (JPEG ou PNG)" in answer and "Bougie pdf" in answer
    [preview] = lea.send("", **photo_fields(standin.add_media(png(), "image/png")))
    assert "Bougie pdf" in preview.body and preview.media_urls
