"""Typed visit times and video links on the console: what the bot understood is shown back.

The clock is Tuesday 8 December 2026, 10:00 in Paris (tests/conftest.py).
"""

import pytest
from sqlmodel import select

from store.models import PrivateVisitRequest, Visit
from tests.people import make_staff, press, shop_id

JITSI = "https://meet.jit.si/LingerieChristelle"


@pytest.fixture
def christelle(chat, db):
    """Christelle runs the lingerie shop and has sent a link to schedule a visit."""
    person = chat("christelle")
    make_staff(db, person)
    return person


def planning(person) -> None:
    assert "voulez-vous faire visiter" in person.say(JITSI)
    assert "Quel jour" in person.say("2")  # 🗓 Programmer


def visits(db) -> list[Visit]:
    with db.session() as session:
        return list(session.exec(select(Visit)))


def test_a_time_gone_by_is_kindly_refused_with_the_date_it_meant(christelle, db):
    planning(christelle)
    screen = christelle.say("hier 15h")
    assert "« hier 15h », c'est déjà passé (lundi 7 décembre à 15:00)" in screen
    assert "c'est déjà passé (mardi 8 décembre à 08:00)" in christelle.say("aujourd'hui 8h")
    assert visits(db) == []
    assert "programmé : samedi 12 décembre à 15:00" in christelle.say("sam 15h")


def test_a_guessed_hour_is_shown_back_and_scheduled_only_once_confirmed(christelle, db):
    planning(christelle)
    screen = christelle.say("ce soir")
    assert "J'ai compris : mardi 8 décembre à 20:00. C'est bien ça ?" in screen
    assert "Oui, c'est ça" in screen
    assert visits(db) == []
    assert "programmé : mardi 8 décembre à 20:00" in christelle.say("1")  # ✅ Oui
    [visit] = visits(db)
    assert visit.starts_at.isoformat().startswith("2026-12-08T19:00")


def test_another_time_can_be_typed_instead_of_confirming(christelle, db):
    planning(christelle)
    assert "mercredi 9 décembre à 09:00. C'est bien ça" in christelle.say("9h")  # 9h is gone
    assert "programmé : jeudi 10 décembre à 09:00" in christelle.say("jeudi 9h")
    assert len(visits(db)) == 1


def test_a_day_without_an_hour_asks_for_the_hour_and_the_hour_completes_it(christelle, db):
    planning(christelle)
    assert "Jeudi 10 décembre, à quelle heure ?" in christelle.say("après-demain")
    assert "programmé : jeudi 10 décembre à 18:30" in christelle.say("18h30")


def test_a_sure_reading_is_echoed_with_its_full_date(christelle, db):
    planning(christelle)
    assert "programmé : mardi 8 décembre à 12:00" in christelle.say("dans 2h")


def test_right_now_starts_the_visit(christelle, db):
    planning(christelle)
    assert "est en direct" in christelle.say("tout de suite")
    assert [v.status for v in visits(db)] == ["live"]


def test_a_lookalike_link_gets_did_you_mean_and_one_tap_takes_the_real_one(christelle, db):
    screen = christelle.say("Visio ce soir 👉 https://meet.google.con/abc-defg-hij 🎄")
    assert "Vouliez-vous dire https://meet.google.com/abc-defg-hij ?" in screen
    assert "voulez-vous faire visiter" not in screen
    asked = christelle.say("1")  # ✅ Oui, ce lien-là
    assert "🟢 Google Meet : voulez-vous faire visiter Lingerie Christelle" in asked
    assert "est en direct" in christelle.say("1")  # Commencer maintenant
    assert visits(db)[0].url == "https://meet.google.com/abc-defg-hij"


def test_a_mistyped_extension_and_a_shortener_are_refused(christelle, db):
    assert "Vouliez-vous dire https://boutique-christelle.fr/live ?" in christelle.say(
        "https://boutique-christelle.frr/live"
    )
    assert "lien raccourci" in christelle.say("https://bit.ly/3abcDEF")
    assert visits(db) == []


def test_in_english_the_guess_is_shown_back_in_english(chat, db):
    person = chat("christelle", language="en")
    make_staff(db, person)
    assert "Did you mean https://zoom.us/j/123456789?" in person.say("https://zoom.uss/j/123456789")
    person.say(JITSI)
    person.say("2")
    assert "I understood: Wednesday 9 December at 10:00. Is that right?" in person.say(
        "tomorrow morning"
    )


def test_a_customer_proposing_a_private_visit_sees_the_guess_and_the_past(chat, db):
    make_staff(db, chat("christelle"))
    alice = chat("alice")
    alice.say("/start")
    press(alice, f"vprivate:{shop_id(db)}")
    assert "c'est déjà passé" in alice.say("hier 15h")
    assert "J'ai compris : mercredi 9 décembre à 15:00" in alice.say("demain aprem")
    assert "Demande envoyée à Lingerie Christelle pour mercredi 9 décembre à 15:00" in alice.say(
        "1"
    )
    request = db.run(lambda s: s.exec(select(PrivateVisitRequest)).one())
    assert request.proposed_at.isoformat().startswith("2026-12-09T14:00")


def test_typing_oui_confirms_the_guess_like_the_button(christelle, db):
    planning(christelle)
    assert "C'est bien ça ?" in christelle.say("demain soir")
    assert "programmé : mercredi 9 décembre à 20:00" in christelle.say("Oui !")


def test_the_yes_button_after_leaving_the_question_is_out_of_date(christelle, db):
    planning(christelle)
    christelle.say("ce soir")
    christelle.say("/start")
    assert "n'est plus à jour" in press(christelle, "vwhen")
    assert visits(db) == []


def test_a_guess_confirmed_once_it_has_gone_by_is_refused(christelle, db, clock):
    planning(christelle)
    christelle.say("ce soir")  # 20:00, shown back
    clock.advance(hours=11)  # the merchant answers at 21:00
    assert "« ce soir », c'est déjà passé (mardi 8 décembre à 20:00)" in christelle.say("1")
    assert visits(db) == []
