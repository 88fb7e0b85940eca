"""An unsure caption is asked about: the merchant sees both readings as buttons and picks one."""

from sqlmodel import select

from handlers.core import Incoming
from store.models import Item
from tests.people import join_as_owner, picture, post_by_photo


def _price_of(db, name):
    with db.session() as session:
        return session.exec(select(Item.price_cents).where(Item.name == name)).one()


def test_two_prices_in_a_caption_are_offered_and_the_one_picked_goes_on_sale(
    chat, engine, db, tmp_path
):
    lea = join_as_owner(chat, engine, db, "lea", "Bougies de Léa")
    screen = lea.say(f"/photo {picture(tmp_path, 'bijou')} Bijou de sac 9€ / 15€ les deux")
    assert "J'ai lu plusieurs prix pour « Bijou de sac »" in screen
    assert "💶 9,00 €" in screen and "💶 15,00 €" in screen
    assert "Voici votre article" not in screen  # no card before the price is settled
    screen = lea.say("💶 9,00 €")
    assert "Bijou de sac\n15€ les deux\n💶 9,00 €" in screen  # the rest is the description
    lea.say("Publier")
    assert _price_of(db, "Bijou de sac") == 900


def test_a_worked_out_discount_is_confirmed_not_taken_silently(chat, engine, db, tmp_path):
    lea = join_as_owner(chat, engine, db, "lea", "Bougies de Léa")
    screen = lea.say(f"/photo {picture(tmp_path, 'sac')} Sac à dos 50 € -20 %")
    assert "Après la remise, « Sac à dos » coûte 40,00 € au lieu de 50,00 €" in screen
    lea.say("💶 40,00 €")
    lea.say("Publier")
    assert _price_of(db, "Sac à dos") == 4000


def test_a_price_far_above_the_shops_usual_one_offers_the_likely_typo(chat, engine, db, tmp_path):
    lea = join_as_owner(chat, engine, db, "lea", "Bougies de Léa")
    for caption in ("Bougie figue 12€", "Bougie ambre 14€", "Bougie cèdre 13,50€"):
        post_by_photo(lea, tmp_path, caption)
    screen = lea.say(f"/photo {picture(tmp_path, 'vanille')} Bougie vanille 1290")
    assert "plus de 10 fois le prix habituel de vos articles (13,50 €)" in screen
    assert "💶 1 290,00 €" in screen and "💶 12,90 €" in screen
    assert "Bougie vanille\n💶 12,90 €" in lea.say("💶 12,90 €")
    lea.say("Publier")
    assert _price_of(db, "Bougie vanille") == 1290


def test_a_number_that_may_be_a_size_can_be_answered_by_typing_the_price(
    chat, engine, db, tmp_path
):
    lea = join_as_owner(chat, engine, db, "lea", "Bougies de Léa")
    screen = lea.say(f"/photo {picture(tmp_path, 'robe')} Robe lin 38\nTaille unique")
    assert "38,00 € : est-ce bien le prix de « Robe lin », pas sa taille ?" in screen
    assert "Robe lin\nTaille unique\n💶 45,00 €" in lea.say("45 €")
    lea.say("Publier")
    assert _price_of(db, "Robe lin") == 4500


def test_an_old_choice_button_does_not_set_a_price_nobody_offered(chat, engine, db, tmp_path):
    lea = join_as_owner(chat, engine, db, "lea", "Bougies de Léa")
    lea.say(f"/photo {picture(tmp_path, 'bijou')} Bijou de sac 9€ / 15€ les deux")
    screen = "\n".join(r.text for r in engine.handle(Incoming("console", "lea", action="mdpc:1")))
    assert "1,00 €" not in screen and "plus à jour" in screen
    with db.session() as session:
        assert session.exec(select(Item).where(Item.name == "Bijou de sac")).all() == []


def test_a_typed_option_number_picks_that_reading_as_on_whatsapp(chat, engine, db, tmp_path):
    lea = join_as_owner(chat, engine, db, "lea", "Bougies de Léa")
    screen = lea.say(f"/photo {picture(tmp_path, 'poster')} Poster 30x40 cm 15 €, 50x70 cm 25 €")
    assert "1. 💶 15,00 €" in screen and "2. 💶 25,00 €" in screen
    assert "Poster 30x40 cm\n50x70 cm 25 €\n💶 25,00 €" in lea.say("2")  # not 2,00 €
    lea.say("Publier")
    assert _price_of(db, "Poster 30x40 cm") == 2500
