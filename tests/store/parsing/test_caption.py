"""What merchants type, read right: captions, prices, stock, opening hours, closures, codes."""

from datetime import date

import pytest

from store.parsing.caption import (
    looks_like_code,
    normalise_code,
    parse_caption,
    parse_minutes,
    parse_postcodes,
    parse_price,
    parse_stock,
)
from store.parsing.hours import parse_closures, parse_hours

TUE_SAT = ("tue", "wed", "thu", "fri", "sat")
MON_SAT = ("mon", *TUE_SAT)
ALL = ("mon", *TUE_SAT, "sun")


# One test per caption form of the issue.
def test_name_then_price_with_euro_sign():
    caption = parse_caption("Pull en laine rouge 35€")
    assert (caption.name, caption.price_cents, caption.stock) == ("Pull en laine rouge", 3500, None)
    assert caption.problems == ()


def test_dashes_french_decimal_comma_and_stock():
    caption = parse_caption("Bougie parfumée - 12,90 € - stock 4")
    assert (caption.name, caption.price_cents, caption.stock) == ("Bougie parfumée", 1290, 4)


def test_times_count_is_stock_and_bare_decimal_point_price():
    caption = parse_caption("Coffret chocolats x3 24.50")
    assert (caption.name, caption.price_cents, caption.stock) == ("Coffret chocolats", 2450, 3)


def test_second_line_is_the_description():
    caption = parse_caption("Écharpe 25 euros\nLaine mérinos, fabriquée dans le Perche")
    assert caption.name == "Écharpe"
    assert caption.price_cents == 2500
    assert caption.description == "Laine mérinos, fabriquée dans le Perche"


def test_caption_without_price_says_so():
    caption = parse_caption("Pull en laine")
    assert caption.name == "Pull en laine"
    assert caption.price_cents is None
    assert caption.problems == ("price_missing",)


CAPTIONS = [
    # caption, name, price (cents), stock, problems
    ("Pull en laine rouge 35€", "Pull en laine rouge", 3500, None, ()),
    ("Bougie parfumée - 12,90 € - stock 4", "Bougie parfumée", 1290, 4, ()),
    ("Coffret chocolats x3 24.50", "Coffret chocolats", 2450, 3, ()),
    ("EUR 8.5 Savon au lait d'ânesse", "Savon au lait d'ânesse", 850, None, ()),
    ("Mug 12€ (5 en stock)", "Mug", 1200, 5, ()),
    ("Tablette noire 70% 4,50€", "Tablette noire 70%", 450, None, ()),
    ("Chaussettes 2 paires 9,90€", "Chaussettes 2 paires", 990, None, ()),
    ("Confiture 350 g 5,20", "Confiture 350 g", 520, None, ()),
    ("Bague argent 925 - 89 €", "Bague argent 925", 8900, None, ()),
    ("Robe taille 38 - 49,90€", "Robe taille 38", 4990, None, ()),
    ("Livre de recettes 12€90", "Livre de recettes", 1290, None, ()),
    ("T-shirt bio 19.99 EUR x 10", "T-shirt bio", 1999, 10, ()),
    ("Coussin brodé 1 200,00 €", "Coussin brodé", 120000, None, ()),
    ("Pot de miel 6 euros 3 dispo", "Pot de miel", 600, 3, ()),
    ("Pyjama 45 € stock: 6", "Pyjama", 4500, 6, ()),
    ("Gâteau 4 personnes 18€", "Gâteau 4 personnes", 1800, None, ()),
    ("Coffret 24,50 € - stock illimité", "Coffret", 2450, None, ()),
    ("Savon : 5.50€ | qté 20", "Savon", 550, 20, ()),
    ("Bouquet de saison 25 €", "Bouquet de saison", 2500, None, ()),
    ("Vin rouge AOC 2019 14,50€", "Vin rouge AOC 2019", 1450, None, ()),
    ("35€ Pull rouge", "Pull rouge", 3500, None, ()),
    ("Pull rouge, 35 euros, 3 en stock", "Pull rouge", 3500, 3, ()),
    ("Prix: 12€ Bougie à la rose", "Bougie à la rose", 1200, None, ()),
    ("Savon au prix de 4 € pièce", "Savon", 400, None, ()),
    ("Bougie 12€ - Stock : 3 pièces", "Bougie", 1200, 3, ()),
    ("Pull taille 2 ans 15€", "Pull taille 2 ans", 1500, None, ()),
    ("Lot de 3 savons 12", "Lot de 3 savons", 1200, None, ()),
    ("Bougie -5€", "Bougie", -500, None, ("price_not_positive",)),
    ("Vase 0€", "Vase", 0, None, ("price_not_positive",)),
    ("Sac en cuir 150000€", "Sac en cuir", 15000000, None, ("price_too_high",)),
    ("Bougie stock abc 12€", "Bougie", 1200, None, ("stock_not_number",)),
    ("🎁🎁🎁 12€", "", 1200, None, ("name_missing",)),
    ("Pull", "Pull", None, None, ("price_missing",)),
]


@pytest.mark.parametrize(("caption", "name", "price", "stock", "problems"), CAPTIONS)
def test_real_world_captions(caption, name, price, stock, problems):
    parsed = parse_caption(caption)
    assert (parsed.name, parsed.price_cents, parsed.stock, parsed.problems) == (
        name,
        price,
        stock,
        problems,
    )


def test_a_two_thousand_character_caption_is_flagged_not_swallowed():
    parsed = parse_caption("Pull " * 400 + "35 €")
    assert "name_too_long" in parsed.problems
    assert parsed.price_cents == 3500


@pytest.mark.parametrize(
    ("typed", "cents"),
    [
        ("12,90", 1290),
        ("35 €", 3500),
        ("EUR 8.5", 850),
        ("8 euros", 800),
        ("-3", -300),
        ("abc", None),
    ],
)
def test_typed_prices(typed, cents):
    assert parse_price(typed) == cents


@pytest.mark.parametrize(
    ("typed", "stock"),
    [("4", 4), ("stock 12", 12), ("3 pièces", 3), ("quatre", None), ("-2", None)],
)
def test_typed_stock(typed, stock):
    assert parse_stock(typed) == stock


MORNING_AFTERNOON = [["10:00", "12:30"], ["14:00", "19:00"]]
HOURS = [
    ("lun-sam 10h-12h30 14h-19h, fermé dimanche", MON_SAT, MORNING_AFTERNOON),
    ("mardi au samedi 9h30-19h", TUE_SAT, [["09:30", "19:00"]]),
    ("du lundi au vendredi de 9h à 18h", MON_SAT[:5], [["09:00", "18:00"]]),
    ("tous les jours 8h-20h", ALL, [["08:00", "20:00"]]),
    ("7j/7 8h-20h", ALL, [["08:00", "20:00"]]),
    ("tlj 9h-19h sauf dimanche", MON_SAT, [["09:00", "19:00"]]),
    ("lun-ven 9-18", MON_SAT[:5], [["09:00", "18:00"]]),
    ("9h-12h / 14h-19h du mardi au samedi", TUE_SAT, [["09:00", "12:00"], ["14:00", "19:00"]]),
    (
        "Ouvert du mardi au samedi, 9h30-12h30 / 14h-19h",
        TUE_SAT,
        [["09:30", "12:30"], ["14:00", "19:00"]],
    ),
    (
        "du mardi au samedi de 9h30 à 12h30 et de 14h à 19h",
        TUE_SAT,
        [["09:30", "12:30"], ["14:00", "19:00"]],
    ),
    ("mar-sam 9:30-12:30 14:00-19:00", TUE_SAT, [["09:30", "12:30"], ["14:00", "19:00"]]),
    (
        "du lundi au samedi de 9h à midi et de 14h à 19h",
        MON_SAT,
        [["09:00", "12:00"], ["14:00", "19:00"]],
    ),
    ("tous les jours 9h-19h, fermé dimanche et lundi", TUE_SAT, [["09:00", "19:00"]]),
    ("fermé le lundi, mardi-samedi 9h-19h", TUE_SAT, [["09:00", "19:00"]]),
    ("samedi 9h-12h", ("sat",), [["09:00", "12:00"]]),
    ("vendredi 18h-minuit", ("fri",), [["18:00", "23:59"]]),
    ("Horaires d'ouverture : mardi-samedi 9h-19h", TUE_SAT, [["09:00", "19:00"]]),
    ("mardi au samedi 9h-12h 14h-19h", TUE_SAT, [["09:00", "12:00"], ["14:00", "19:00"]]),
    ("tous les jours sauf le lundi de 10h à 19h", (*TUE_SAT, "sun"), [["10:00", "19:00"]]),
    ("lundi au samedi 9 h - 19 h", MON_SAT, [["09:00", "19:00"]]),
    ("Lun. - Sam. 10h-19h", MON_SAT, [["10:00", "19:00"]]),
    ("Lundi : fermé\nMardi au samedi : 9h-19h", TUE_SAT, [["09:00", "19:00"]]),
    ("mardi - samedi 10h00 - 19h00 non stop", TUE_SAT, [["10:00", "19:00"]]),
]


@pytest.mark.parametrize(("typed", "days", "spans"), HOURS)
def test_opening_hours_in_plain_french(typed, days, spans):
    assert parse_hours(typed) == {day: spans for day in days}


def test_different_hours_on_different_days():
    assert parse_hours("le lundi de 14h à 19h et du mardi au samedi de 9h à 19h") == {
        "mon": [["14:00", "19:00"]],
        **{day: [["09:00", "19:00"]] for day in TUE_SAT},
    }
    hours = parse_hours("en semaine 9h-18h, le week-end 10h-13h")
    assert hours["fri"] == [["09:00", "18:00"]] and hours["sun"] == [["10:00", "13:00"]]
    hours = parse_hours("lundi et mardi fermés, mercredi-dimanche 10h-18h")
    assert list(hours) == ["wed", "thu", "fri", "sat", "sun"]


@pytest.mark.parametrize(
    "typed", ["ouvert tout le temps", "lun-sam 19h-10h", "n'importe quoi", "lundi 25h-26h", ""]
)
def test_unreadable_hours_are_refused_not_guessed(typed):
    assert parse_hours(typed) is None


TODAY = date(2026, 12, 8)
CLOSURES = [
    ("fermé du 24/12 au 26/12", [["2026-12-24", "2026-12-26"]]),
    ("fermé le 25/12", [["2026-12-25", "2026-12-25"]]),
    ("du 24 au 26 décembre", [["2026-12-24", "2026-12-26"]]),
    ("congés du 1er au 15 août", [["2027-08-01", "2027-08-15"]]),
    ("fermé le 1/1/2027", [["2027-01-01", "2027-01-01"]]),
    ("du 28/12 au 3/1", [["2026-12-28", "2027-01-03"]]),
    ("fermé du 2/12 au 4/12", [["2027-12-02", "2027-12-04"]]),  # already past: next year
    ("24/12-26/12, 31/12", [["2026-12-24", "2026-12-26"], ["2026-12-31", "2026-12-31"]]),
    (
        "fermé le 25 décembre et le 1er janvier",
        [["2026-12-25", "2026-12-25"], ["2027-01-01", "2027-01-01"]],
    ),
    ("du 24.12.2026 au 02.01.2027", [["2026-12-24", "2027-01-02"]]),
    ("aucune", []),
    ("fermé le 31/02", None),
    ("n'importe quoi", None),
]


@pytest.mark.parametrize(("typed", "closures"), CLOSURES)
def test_closures_with_the_year_guessed_from_today(typed, closures):
    assert parse_closures(typed, TODAY) == closures


def test_invite_codes_typed_with_spaces_or_lowercase():
    assert normalise_code("k7pm 3qxa") == "K7PM3QXA"
    assert normalise_code(" K7PM-3QXA ") == "K7PM3QXA"
    assert normalise_code("K7PM3QX") is None  # one character short
    assert normalise_code("K0PM3QXA") is None  # 0 is never in a code
    assert looks_like_code("k7pm 3qxa")
    assert not looks_like_code("chocolat")  # an 8-letter search word


def test_durations_and_postcodes():
    assert [parse_minutes(t) for t in ("30", "45 min", "1h", "1h30", "2 heures", "bientôt")] == [
        30,
        45,
        60,
        90,
        120,
        None,
    ]
    assert parse_postcodes("28400, 28330 et 61400") == ["28400", "28330", "61400"]
