"""The town hall's printed posters and invite letters: every QR code opens the right chat."""

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
import zxingcpp
from sqlmodel import select

from bot.admin import ShopRow, import_shops, read_rows
from bot.cli import main
from bot.posters import Letter, invite_letters, shop_poster, town_poster
from store.models import Invite, Shop, Town, User
from store.public import online_shops
from store.shops import redeem_invite

WA = "https://wa.me/33700000000?text="
TG = "https://t.me/VitrineNogentBot?start="


def pages(pdf: bytes) -> list[tuple[list[str], str, tuple[float, float]]]:
    """Each page's decoded QR codes (every picture on it must be one), text and size in mm."""
    document = pdfium.PdfDocument(pdf)
    out = []
    for page in document:
        pictures = list(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]))
        image = page.render(scale=150 / 72).to_pil()  # 150 dpi, as an office printer prints
        codes = [found.text for found in zxingcpp.read_barcodes(image)]
        assert len(codes) == len(pictures), f"{len(pictures)} QR codes, {len(codes)} decoded"
        text = page.get_textpage().get_text_range().replace("\r\n", " ").replace("\n", " ")
        size = tuple(round(v / 72 * 25.4) for v in page.get_size())
        out.append((sorted(codes), " ".join(text.split()), size))
    return out


def the_shop(db, slug: str) -> Shop:
    with db.session() as session:
        return session.exec(select(Shop).where(Shop.slug == slug)).one()


@pytest.mark.parametrize("paper, size", [("A4", (210, 297)), ("A5", (148, 210))])
def test_shop_window_poster_has_its_name_and_a_qr_code_per_chat(web_app, db, paper, size):
    shop = the_shop(db, "chocolaterie-du-perche")
    [(codes, text, measured)] = pages(shop_poster(web_app, shop, paper=paper))
    assert measured == size
    assert codes == sorted(
        [f"{TG}shop-chocolaterie-du-perche", f"{WA}shop%20chocolaterie-du-perche"]
    )
    assert "Commandez chez nous sur WhatsApp et Telegram" in text
    assert "Chocolaterie du Perche" in text
    assert "/boutique/chocolaterie-du-perche" in text


def test_a_poster_shows_only_the_channels_configured(web_app, db):
    web_app.config.whatsapp.account_sid = ""
    [(codes, text, _)] = pages(shop_poster(web_app, the_shop(db, "chocolaterie-du-perche")))
    assert codes == [f"{TG}shop-chocolaterie-du-perche"]
    assert "WhatsApp Telegram" not in text


@pytest.mark.parametrize("paper", ["A4", "A5"])
def test_town_poster_lists_every_shop_online_under_the_town_qr_code(web_app, db, paper):
    waiting = the_shop(db, "lingerie-christelle")

    def not_joined(session):
        session.get(Shop, waiting.id).active = False

    db.run(not_joined)
    with db.session() as session:
        town = session.exec(select(Town)).one()
        shops = online_shops(session=session, town_id=town.id)
    [(codes, text, _)] = pages(town_poster(web_app, town, shops, paper=paper))
    assert codes == sorted([f"{TG}town-nogent-le-rotrou", f"{WA}town%20nogent-le-rotrou"])
    assert len(shops) >= 10
    for shop in shops:
        assert shop.name in text
    assert "Lingerie Christelle" not in text
    assert "Fromagerie" in text and "Chocolaterie" in text  # the categories, in words


def test_invite_letters_one_page_per_shop_whose_qr_opens_its_invite(web_app, db, clock):
    rows = read_rows(
        "nom;catégorie;téléphone;e-mail\n"
        "La Cordonnerie;cordonnerie;02 37 52 00 01;cordo@example.fr\n"
        "L’Épicerie « Chez Léa »;Épicerie fine;;\n"
        "Le Fournil du Perche;Boulangerie;02 37 52 00 03;fournil@example.fr\n"
    )
    done = import_shops(web_app, rows)
    assert [letter.shop for letter in done.letters] == [
        "La Cordonnerie",
        "L’Épicerie « Chez Léa »",
        "Le Fournil du Perche",
    ]
    assert done.unknown_categories == [
        ("La Cordonnerie", "cordonnerie"),
        ("L’Épicerie « Chez Léa »", "Épicerie fine"),
    ]
    printed = pages(invite_letters(web_app, done.letters))
    assert len(printed) == 3
    for letter, (codes, text, _) in zip(done.letters, printed, strict=True):
        assert codes == sorted([f"{TG}join-{letter.code}", f"{WA}join%20{letter.code}"])
        assert f"Invitation : {letter.shop} sur Vitrine" in text
        assert f"Code d'invitation : {letter.code}" in text and "22/12/2026" in text
    with db.session() as session:
        bakery = session.exec(select(Shop).where(Shop.name == "Le Fournil du Perche")).one()
        assert (bakery.category, bakery.phone, bakery.email, bakery.active) == (
            "bakery",
            "02 37 52 00 03",
            "fournil@example.fr",
            False,  # hidden from customers until its owner joins
        )
        invite = session.exec(select(Invite).where(Invite.code == done.letters[2].code)).one()
        assert invite.shop_id == bakery.id and invite.role == "owner"


def test_a_shop_whose_owner_joined_gets_no_second_invite(web_app, db, clock):
    [letter] = import_shops(web_app, [ShopRow("Le Fournil du Perche", "Boulangerie")]).letters

    def join(session):
        owner = User(channel="telegram", channel_ref="42", name="Marc")
        session.add(owner)
        session.flush()
        joined = redeem_invite(session=session, code=letter.code, user_id=owner.id, now=clock.now)
        assert joined.problem is None

    db.run(join)
    again = import_shops(web_app, [ShopRow("le fournil du perche")])
    assert again.letters == [] and again.skipped == ["Le Fournil du Perche"]


def test_letters_print_for_the_dashboard_too(web_app, clock):
    letters = [Letter("Bijouterie Lemaire", "K7M2Q9XA", clock.now)]
    [(codes, text, _)] = pages(invite_letters(web_app, letters, paper="A5"))
    assert f"{TG}join-K7M2Q9XA" in codes and "K7M2Q9XA" in text


@pytest.fixture
def config_file(tmp_path, db):
    path = tmp_path / "config.toml"
    path.write_text(
        f'[database]\nurl = "{db.url}"\n[media]\nroot = "{tmp_path / "var" / "media"}"\n'
        '[telegram]\ntoken = "123456:poster-test"\n'
    )
    return path


def test_cli_prints_the_posters_and_the_letters_of_a_csv(engine, config_file, tmp_path, capsys):
    assert main(["--config", str(config_file), "admin", "poster", "--shop", "Fleurs de Sully"]) == 0
    poster = tmp_path / "var" / "posters" / "fleurs-de-sully-A4.pdf"
    assert str(poster) in capsys.readouterr().out
    [(codes, _, _)] = pages(poster.read_bytes())
    assert codes == [f"{TG}shop-fleurs-de-sully"]

    town = tmp_path / "ville.pdf"
    args = ["admin", "poster", "--town", "--format", "A5", "--out", str(town)]
    assert main(["--config", str(config_file), *args]) == 0
    [(codes, text, size)] = pages(town.read_bytes())
    assert codes == [f"{TG}town-nogent-le-rotrou"] and size == (148, 210)

    shops = tmp_path / "commerces.csv"
    shops.write_text("name,category,phone,e-mail\nLa Cordonnerie,,0237520001,c@example.fr\n")
    assert main(["--config", str(config_file), "admin", "invite", "--csv", str(shops)]) == 0
    out = capsys.readouterr().out
    letters = tmp_path / "var" / "invites" / "commerces.pdf"
    assert f"1 lettre(s) d'invitation : {letters}" in out
    [(codes, text, _)] = pages(letters.read_bytes())
    code = out.split("La Cordonnerie : code ")[1].split()[0]
    assert codes == [f"{TG}join-{code}"] and code in text


def test_cli_says_why_a_poster_cannot_be_printed(engine, config_file, capsys):
    assert main(["--config", str(config_file), "admin", "poster", "--shop", "Nulle Part"]) == 1
    assert "« Nulle Part » n'existe pas" in capsys.readouterr().err
    bad = config_file.parent / "bad.csv"
    bad.write_text("ville,code\nNogent,28400\n")
    assert main(["--config", str(config_file), "admin", "invite", "--csv", str(bad)]) == 2
    assert "the CSV needs a 'name' column" in capsys.readouterr().err


def test_the_dashboard_downloads_a_shop_or_town_poster(web_app, db):
    from bot.admin import shop_poster_pdf, town_poster_pdf

    [(codes, _, size)] = pages(shop_poster_pdf(web_app, "fleurs-de-sully", "A5"))
    assert f"{TG}shop-fleurs-de-sully" in codes and size == (148, 210)
    [(codes, _, _)] = pages(town_poster_pdf(web_app))
    assert f"{TG}town-nogent-le-rotrou" in codes
    assert shop_poster_pdf(web_app, "nulle-part") is None
