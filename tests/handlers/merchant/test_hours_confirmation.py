"""A merchant's hours and closures are read back before they count; what was not understood is
said back in the merchant's own words, never dropped silently."""

from sqlmodel import select

from store.models import Shop
from tests.people import join_as_owner


def _shop(db) -> Shop:
    with db.session() as session:
        return session.exec(select(Shop).where(Shop.slug == "bougies-de-lea")).one()


def test_hours_are_shown_as_a_week_with_the_unread_part_before_they_are_saved(chat, engine, db):
    lea = join_as_owner(chat, engine, db, "lea", "Bougies de Léa")
    lea.say("Ma boutique")
    lea.say("Réglages de la boutique")
    lea.say("Horaires")
    screen = lea.say(
        "Mardi au samedi : 9h-12h30 / 14h30-19h, journée continue le samedi. "
        "Lundi fermé. Le 2e dimanche du mois 10h-18h"
    )
    assert "J'ai compris" in screen
    assert "mardi → vendredi : 09:00–12:30, 14:30–19:00" in screen
    assert "samedi : 09:00–19:00" in screen
    assert "Fermé : lundi, dimanche" in screen
    assert "Je n'ai pas compris « 2e dimanche du mois 10h-18h »" in screen
    assert _shop(db).hours == {}  # nothing counts before the merchant says it is right
    screen = lea.say("C'est bon")
    assert "Horaires enregistrés" in screen
    hours = _shop(db).hours
    assert "mon" not in hours and "sun" not in hours
    assert hours["sat"] == [["09:00", "19:00"]]


def test_by_appointment_is_never_taken_for_opening_hours(chat, engine, db):
    lea = join_as_owner(chat, engine, db, "lea", "Bougies de Léa")
    lea.say("Ma boutique")
    lea.say("Réglages de la boutique")
    lea.say("Horaires")
    screen = lea.say("uniquement sur rendez-vous")
    assert "ce ne sont pas des horaires d'ouverture" in screen
    screen = lea.say("mar-sam 10h-19h, lundi sur rdv")
    assert "mardi → samedi : 10:00–19:00" in screen and "Fermé : lundi, dimanche" in screen
    assert "« Sur rendez-vous » n'est pas compté comme ouvert" in screen
    lea.say("C'est bon")
    assert "mon" not in _shop(db).hours


def test_closures_with_an_unread_part_wait_for_the_merchant(chat, engine, db):
    lea = join_as_owner(chat, engine, db, "lea", "Bougies de Léa")
    lea.say("Ma boutique")
    lea.say("Réglages de la boutique")
    lea.say("Fermetures exceptionnelles")
    screen = lea.say("fermé du lundi 28 décembre au samedi 2 janvier inclus et le 24 après-midi")
    assert "J'ai compris : fermé du lundi 28 décembre au samedi 2 janvier 2027" in screen
    assert "Je n'ai pas compris « 24 après-midi »" in screen
    assert _shop(db).closures == []
    screen = lea.say("C'est bon")
    assert "Fermetures exceptionnelles : du lundi 28 décembre au samedi 2 janvier 2027" in screen
    assert _shop(db).closures == [["2026-12-28", "2027-01-02"]]


def test_closures_read_surely_are_saved_and_said_back_in_words(chat, engine, db):
    lea = join_as_owner(chat, engine, db, "lea", "Bougies de Léa")
    lea.say("Ma boutique")
    lea.say("Réglages de la boutique")
    lea.say("Fermetures exceptionnelles")
    assert "Je n'ai pas compris ces dates" in lea.say("bientôt")
    screen = lea.say("les 24, 25 et 26 décembre, et le 31 selon l'affluence")
    assert "du jeudi 24 décembre au samedi 26 décembre" in screen
    assert "Je n'ai pas compris « affluence »" in screen  # said back, nothing saved yet
    assert "Fermetures : du jeudi 24 décembre" not in screen
    screen = lea.say("les 24, 25 et 26 décembre")
    assert "Fermetures exceptionnelles : du jeudi 24 décembre au samedi 26 décembre" in screen
    assert "Fermetures : du jeudi 24 décembre" in screen  # back in the settings
    assert _shop(db).closures == [["2026-12-24", "2026-12-26"]]


def test_a_weekday_that_does_not_fall_on_its_date_is_asked_about_before_saving(chat, engine, db):
    lea = join_as_owner(chat, engine, db, "lea", "Bougies de Léa")
    lea.say("Ma boutique")
    lea.say("Réglages de la boutique")
    lea.say("Fermetures exceptionnelles")
    screen = lea.say("fermeture pour inventaire le lundi 5/01")  # the 5th is a Tuesday
    assert "J'ai compris : fermé le mardi 5 janvier 2027" in screen
    assert "« lundi 5/01 » : ce jour de la semaine ne tombe pas à cette date" in screen
    assert _shop(db).closures == []
    screen = lea.say("le lundi 4/01")
    assert "Fermetures exceptionnelles : le lundi 4 janvier 2027" in screen
    assert _shop(db).closures == [["2027-01-04", "2027-01-04"]]


def test_hours_typed_before_their_dates_are_never_saved_as_whole_days(chat, engine, db):
    lea = join_as_owner(chat, engine, db, "lea", "Bougies de Léa")
    lea.say("Ma boutique")
    lea.say("Réglages de la boutique")
    lea.say("Fermetures exceptionnelles")
    screen = lea.say("on ferme à 16h le 24 et le 31")
    assert "Je n'ai pas compris ces dates (« on ferme à 16h le 24 et le 31 »)" in screen
    assert _shop(db).closures == []


def test_school_holidays_and_half_days_are_said_back_never_guessed(chat, engine, db):
    lea = join_as_owner(chat, engine, db, "lea", "Bougies de Léa")
    lea.say("Ma boutique")
    lea.say("Réglages de la boutique")
    lea.say("Fermetures exceptionnelles")
    screen = lea.say("fermé pendant les vacances de la Toussaint")
    assert (
        "Je n'ai pas compris ces dates (« fermé pendant les vacances de la Toussaint »)" in screen
    )
    screen = lea.say("fermé le 29/12 toute la journée et le 30/12 apm")
    assert "J'ai compris : fermé le mardi 29 décembre" in screen
    assert "Je n'ai pas compris « 30/12 apm »" in screen
    assert _shop(db).closures == []
    screen = lea.say("C'est bon")
    assert _shop(db).closures == [["2026-12-29", "2026-12-29"]]


def test_a_closure_from_half_a_day_is_shown_back_before_it_counts(chat, engine, db):
    lea = join_as_owner(chat, engine, db, "lea", "Bougies de Léa")
    lea.say("Ma boutique")
    lea.say("Réglages de la boutique")
    lea.say("Fermetures exceptionnelles")
    screen = lea.say("Fermé le 31/12 à midi jusqu'au 2/01 inclus")
    assert "J'ai compris : fermé du vendredi 1 janvier 2027 au samedi 2 janvier 2027" in screen
    assert "Je n'ai pas compris « 31/12 à midi »" in screen
    assert _shop(db).closures == []
    screen = lea.say("fermé 3 jours la semaine prochaine")
    assert "Je n'ai pas compris ces dates" in screen


def test_a_closure_whose_start_was_not_typed_is_asked_about_before_anything_is_saved(
    chat, engine, db
):
    lea = join_as_owner(chat, engine, db, "lea", "Bougies de Léa")
    lea.say("Ma boutique")
    lea.say("Réglages de la boutique")
    lea.say("Fermetures exceptionnelles")
    screen = lea.say("réouverture le 7 janvier")  # from when? today is only a guess
    assert "J'ai compris : fermé du mardi 8 décembre au mercredi 6 janvier 2027" in screen
    assert "« réouverture le 7 janvier » : je compte fermé à partir d'aujourd'hui" in screen
    assert _shop(db).closures == []  # nothing counts before the merchant says it is right
    screen = lea.say("C'est bon")
    assert "Fermetures exceptionnelles : du mardi 8 décembre au mercredi 6 janvier 2027" in screen
    assert _shop(db).closures == [["2026-12-08", "2027-01-06"]]


def test_an_until_with_no_start_is_corrected_by_typing_again_and_never_saved_as_guessed(
    chat, engine, db
):
    lea = join_as_owner(chat, engine, db, "lea", "Bougies de Léa")
    lea.say("Ma boutique")
    lea.say("Réglages de la boutique")
    lea.say("Fermetures exceptionnelles")
    screen = lea.say("Fermé jusqu'au 4 janvier exclu")
    assert "J'ai compris : fermé du mardi 8 décembre au dimanche 3 janvier 2027" in screen
    assert "« jusqu'au 4 janvier » : je compte fermé à partir d'aujourd'hui" in screen
    assert _shop(db).closures == []
    screen = lea.say("du 24 décembre au 3 janvier")  # typing again corrects the guess
    assert "Fermetures exceptionnelles : du jeudi 24 décembre au dimanche 3 janvier 2027" in screen
    assert _shop(db).closures == [["2026-12-24", "2027-01-03"]]


def test_not_knowing_yet_is_asked_again_never_saved_as_no_closure(chat, engine, db):
    lea = join_as_owner(chat, engine, db, "lea", "Bougies de Léa")
    lea.say("Ma boutique")
    lea.say("Réglages de la boutique")
    lea.say("Fermetures exceptionnelles")
    screen = lea.say("je sais pas encore, je vous dirai")
    assert "Je n'ai pas compris ces dates" in screen
    assert "Fermetures exceptionnelles :" not in screen
    screen = lea.say(
        "Votre fleuriste sera ouvert le dimanche 20 décembre de 9h à 13h, et fermé le 28"
    )
    assert "J'ai compris : fermé le lundi 28 décembre" in screen
    assert "Je n'ai pas compris « dimanche 20 décembre de 9h à 13h »" in screen  # said back
    assert _shop(db).closures == []
