"""Following shops and private visits, as customers and merchants would use them."""

from sqlmodel import select

from store.models import PrivateVisitRequest
from tests.people import make_staff, options, outbox, press, shop_id, text, user_id


def test_follow_list_and_unfollow(chat, db):
    alice = chat("alice")
    alice.say("/start")
    assert "Vous ne suivez aucune boutique" in alice.say("mes boutiques")
    press(alice, f"follow:{shop_id(db)}")
    press(alice, f"follow:{shop_id(db)}")  # twice: still one follow
    press(alice, f"follow:{shop_id(db, 'chocolaterie-du-perche')}")
    listed = alice.say("mes boutiques")
    assert "1. Chocolaterie du Perche" in listed and "2. Lingerie Christelle" in listed
    assert "Vous ne suivez plus Lingerie Christelle" in press(alice, f"unfollow:{shop_id(db)}")
    listed = alice.say("mes boutiques")
    assert "Lingerie Christelle" not in listed
    assert "n'est plus à jour" in press(alice, "follow:999")
    assert "n'est plus à jour" in press(alice, "follow:abc")


def test_private_visit_accepted_with_a_link_and_a_reminder(chat, db):
    christelle = chat("christelle")
    make_staff(db, christelle)
    alice = chat("alice")
    alice.say("/start")
    assert "Quand aimeriez-vous visiter Lingerie Christelle" in press(
        alice, f"vprivate:{shop_id(db)}"
    )
    assert "Je n'ai pas compris" in alice.say("quand vous voulez")
    assert "Demande envoyée à Lingerie Christelle pour jeudi 10 décembre à 17:00" in alice.say(
        "jeudi 17h"
    )
    asked = outbox(db, "private_visit", user_id(db, christelle))
    assert len(asked) == 1 and "demande une visite privée" in text(asked[0])
    request = db.run(lambda s: s.exec(select(PrivateVisitRequest)).one())
    assert ("✅ Accepter", f"vpacc:{request.id}", None) in options(asked[0])
    # Only the shop's staff may answer.
    assert "n'est plus à jour" in press(alice, f"vpacc:{request.id}")
    assert "Envoyez le lien" in press(christelle, f"vpacc:{request.id}")
    assert "https://" in christelle.say("javascript:alert(1)")
    assert "C'est confirmé pour jeudi 10 décembre à 17:00" in christelle.say(
        "https://meet.jit.si/PriveAlice?fbclid=abc"
    )
    told = outbox(db, "private_visit", user_id(db, alice))
    assert "accepte votre visite privée jeudi 10 décembre à 17:00" in text(told[0])
    assert ("▶️ Rejoindre", None, "https://meet.jit.si/PriveAlice") in options(told[0])
    reminder = outbox(db, "visit_reminder", user_id(db, alice))
    assert [r.due_at.isoformat() for r in reminder] == ["2026-12-10T15:50:00+00:00"]
    assert "déjà reçu une réponse" in press(christelle, f"vpacc:{request.id}")


def test_private_visit_other_time_taken_then_link_sent(chat, db):
    christelle = chat("christelle")
    make_staff(db, christelle)
    alice = chat("alice")
    alice.say("/start")
    press(alice, f"vprivate:{shop_id(db)}")
    alice.say("demain 12h")
    request = db.run(lambda s: s.exec(select(PrivateVisitRequest)).one())
    assert "Quelle heure proposez-vous" in press(christelle, f"vpalt:{request.id}")
    assert "J'ai proposé mercredi 9 décembre à 15:00" in christelle.say("demain 15h")
    counter = outbox(db, "private_visit", user_id(db, alice))
    assert "propose mercredi 9 décembre à 15:00" in text(counter[0])
    assert "Parfait : mercredi 9 décembre à 15:00" in press(alice, f"vpok:{request.id}")
    agreed = outbox(db, "private_visit", user_id(db, christelle))[-1]
    assert "accepte votre proposition" in text(agreed)
    assert ("📹 Envoyer le lien", f"vpacc:{request.id}", None) in options(agreed)
    press(christelle, f"vpacc:{request.id}")
    christelle.say("https://call.whatsapp.com/video/AbCdEf")
    reminder = outbox(db, "visit_reminder", user_id(db, alice))
    assert [r.due_at.isoformat() for r in reminder] == ["2026-12-09T13:50:00+00:00"]


def test_private_visit_declined_by_the_shop(chat, db):
    christelle = chat("christelle")
    make_staff(db, christelle)
    alice = chat("alice")
    alice.say("/start")
    press(alice, f"vprivate:{shop_id(db)}")
    alice.say("samedi 11h")
    request = db.run(lambda s: s.exec(select(PrivateVisitRequest)).one())
    assert "l'autre personne est prévenue" in press(christelle, f"vpdec:{request.id}")
    declined = outbox(db, "private_visit", user_id(db, alice))
    assert "ne peut pas faire de visite privée samedi 12 décembre à 11:00" in text(declined[0])
    assert "déjà reçu une réponse" in press(christelle, f"vpdec:{request.id}")
    assert "C'est votre boutique" in press(christelle, f"vprivate:{shop_id(db)}")


def test_the_shop_card_offers_follow_live_now_and_a_private_visit(chat, db):
    christelle = chat("christelle")
    make_staff(db, christelle)
    alice = chat("alice")
    card = alice.say("/start shop-lingerie-christelle")
    assert "⭐ Suivre" in card and "📹 Demander une visite privée" in card
    assert "Vous suivez Lingerie Christelle" in alice.say("suivre")
    card = alice.say("/start shop-lingerie-christelle")
    assert "Ne plus suivre" in card and "⭐ Suivre" not in card
    christelle.say("https://meet.jit.si/LingerieChristelle")
    christelle.say("1")
    card = alice.say("/start shop-lingerie-christelle")
    assert "🔴 Lingerie Christelle (en direct)" in card
    assert "Rejoindre" in alice.say("Lingerie Christelle (en direct)")
    alice.say("/start shop-lingerie-christelle")
    assert "Quand aimeriez-vous visiter" in alice.say("Demander une visite privée")
