"""WhatsApp after 24 hours (approved templates), receipts, costs, and what Twilio refuses."""

import json

import pytest
from sqlmodel import select

from bot.cli_whatsapp import stats_lines
from notifications.base import DeliveryError, Recipient
from store.models import User, WhatsAppMessage
from tests.fakes.sender import dispatcher
from tests.fakes.twilio import (
    AUTH_TOKEN,
    BOT_NUMBER,
    PUBLIC_URL,
    Phone,
    WhatsAppServer,
    set_up_shapes,
    whatsapp_app,
)
from tests.people import queue, row

ALICE = "+33612345678"


@pytest.fixture
def whatsapp(db, ctx, engine, standin):
    server = WhatsAppServer(whatsapp_app(db, ctx, engine, standin.url, templates={}))
    standin.content.outcomes["vitrine_pickup_reminder_fr"] = "rejected"
    set_up_shapes(server)
    server.run(server.channel.content.status())  # the approvals, as WhatsApp has them
    server.channel.out.forget()
    yield server
    server.close()


@pytest.fixture
def alice(whatsapp, standin):
    return Phone(whatsapp, standin, ALICE)


def _user(db, number: str) -> User:
    with db.session() as session:
        return session.exec(select(User).where(User.channel_ref == number)).one()


def _recipient(db, number: str) -> Recipient:
    user = _user(db, number)
    return Recipient(user.id, "whatsapp", number, user.language, user.last_inbound_at)


def test_after_24_hours_the_approved_template_goes_with_its_variables(
    alice, whatsapp, standin, db, clock
):
    alice.say("bonjour")
    clock.advance(hours=30)
    user_id = _user(db, ALICE).id
    variables = {"number": "A12", "shop": "Chocolaterie du Perche", "until": "samedi à 19:00"}
    ready = queue(db, user_id, "Votre commande est prête", clock.now, variables=variables)
    whatsapp.run(dispatcher(db, whatsapp.channel, clock).drain())
    [sent] = standin.sent[-1:]
    assert sent.get("Body") is None and sent.fields["_kind"] == ["twilio/text"]
    assert json.loads(sent.get("ContentVariables")) == variables
    _, text, _ = standin.content.shown(sent.get("ContentSid"), sent.get("ContentVariables"))
    assert text.startswith("Votre commande n°A12 chez Chocolaterie du Perche est prête")
    assert row(db, ready).status == "sent"
    with db.session() as session:
        message = session.exec(select(WhatsAppMessage).where(WhatsAppMessage.sid == sent.sid)).one()
        assert message.category == "utility" and message.outbox_id == ready


def test_a_kind_whose_template_was_refused_is_not_sent_and_says_why(
    alice, whatsapp, standin, db, clock
):
    alice.say("bonjour")
    clock.advance(hours=30)
    before = standin.attempts
    with pytest.raises(DeliveryError) as caught:
        payload = {"replies": [], "variables": {"number": "A12"}}
        whatsapp.run(whatsapp.channel.deliver(_recipient(db, ALICE), "pickup_reminder", payload))
    assert caught.value.permanent
    assert "'pickup_reminder' template is not approved (rejected: INVALID_FORMAT)" in str(
        caught.value
    )
    assert standin.attempts == before  # nothing was tried: Twilio would refuse it (63016)


def test_a_template_missing_a_variable_is_not_sent(alice, whatsapp, standin, db, clock):
    alice.say("bonjour")
    clock.advance(hours=30)
    with pytest.raises(DeliveryError) as caught:
        payload = {"replies": [], "variables": {"number": "A12"}}  # no shop, no until
        whatsapp.run(whatsapp.channel.deliver(_recipient(db, ALICE), "order_ready", payload))
    assert "needs ['shop', 'until']" in str(caught.value)


def test_inside_the_window_a_notice_is_a_service_message_with_buttons(
    alice, whatsapp, standin, db, clock
):
    alice.say("bonjour")
    from handlers.core import Option, Reply

    payload = {"replies": [Reply("Prête !", options=(Option("Voir", "orders"),)).to_dict()]}
    whatsapp.run(whatsapp.channel.deliver(_recipient(db, ALICE), "order_ready", payload))
    [sent] = standin.sent[-1:]
    assert sent.fields["_kind"] == ["twilio/quick-reply"]
    assert alice.read(sent) == "Prête !\n[Voir]"


def _notice(whatsapp, db, clock, standin):
    user_id = _user(db, ALICE).id
    outbox_id = queue(db, user_id, "Votre commande est prête", clock.now)
    whatsapp.run(dispatcher(db, whatsapp.channel, clock).drain())
    return outbox_id, standin.sent[-1]


def test_status_callbacks_are_recorded_on_the_outbox_row_in_order(
    alice, whatsapp, standin, db, clock
):
    alice.say("bonjour")
    outbox_id, sent = _notice(whatsapp, db, clock, standin)
    assert sent.get("StatusCallback") == f"{PUBLIC_URL}/whatsapp/status"
    for status in ("sent", "read", "delivered"):  # "delivered" late: it does not go back
        assert standin.post_status(sent, status).status_code == 204
    assert row(db, outbox_id).receipt == "read"


def test_63016_closes_the_window_and_a_dead_number_is_marked(alice, whatsapp, standin, db, clock):
    alice.say("bonjour")
    outbox_id, sent = _notice(whatsapp, db, clock, standin)
    assert standin.post_status(sent, "failed", error_code=63016).status_code == 204
    assert row(db, outbox_id).receipt == "failed" and "63016" in row(db, outbox_id).last_error
    assert _user(db, ALICE).last_inbound_at is None  # templates from now on
    alice.say("re-bonjour")
    _, again = _notice(whatsapp, db, clock, standin)
    assert standin.post_status(again, "undelivered", error_code=63024).status_code == 204
    assert _user(db, ALICE).unreachable


def test_status_callbacks_unsigned_or_strange_are_refused(alice, whatsapp, standin, db, clock):
    alice.say("bonjour")
    outbox_id, sent = _notice(whatsapp, db, clock, standin)
    assert standin.post_status(sent, "read", signature="forged").status_code == 403
    url = f"{whatsapp.base}/whatsapp/status"
    from twilio.request_validator import RequestValidator

    odd = {"AccountSid": standin.account_sid, "MessageSid": sent.sid, "MessageStatus": "read",
           "Surprise": "1"}  # fmt: skip
    signature = RequestValidator(AUTH_TOKEN).compute_signature(f"{PUBLIC_URL}/whatsapp/status", odd)
    answer = whatsapp.http.post(url, data=odd, headers={"X-Twilio-Signature": signature})
    assert answer.status_code == 400
    assert row(db, outbox_id).receipt == ""


def test_stats_count_messages_by_category_and_their_cost(alice, whatsapp, standin, db, clock):
    alice.say("bonjour")
    _notice(whatsapp, db, clock, standin)
    clock.advance(hours=30)
    variables = {"number": "A12", "shop": "Chocolaterie", "until": "samedi"}
    queue(db, _user(db, ALICE).id, "Prête", clock.now, variables=variables, kind="order_ready")
    whatsapp.run(dispatcher(db, whatsapp.channel, clock).drain())
    lines = stats_lines(whatsapp.app)
    replies = len(standin.to(f"whatsapp:{ALICE}")) - 1
    assert lines[0].startswith(f"WhatsApp messages sent: {replies + 1}")
    assert any(line.split()[:2] == ["utility", "1"] for line in lines)
    assert any(line.split()[:2] == ["service", str(replies)] for line in lines)
    # service 2.48 c + Twilio 0.46 c each (config defaults)
    assert f"{(replies + 1) * 294 / 10000:.2f} EUR" in lines[0]


def test_the_stand_in_refuses_what_twilio_refuses(alice, whatsapp, standin, db, clock):
    alice.say("bonjour")
    sids = whatsapp.run(whatsapp.channel.out.shape_sids())
    base = {"from_": f"whatsapp:{BOT_NUMBER}", "to": f"whatsapp:{ALICE}"}
    from twilio.base.exceptions import TwilioRestException

    def refused(**fields: str) -> int:
        with pytest.raises(TwilioRestException) as caught:
            whatsapp.run(whatsapp.channel.client.messages.create_async(**base, **fields))
        return caught.value.code

    assert refused(content_sid=sids["qr1"], content_variables=json.dumps({"1": "Oui ?"})) == 21656
    long_title = {"1": "Corps", "2": "Un titre bien trop long pour un bouton", "3": "home"}
    assert refused(content_sid=sids["qr1"], content_variables=json.dumps(long_title)) == 63021
    row_vars = {"1": "Corps", "2": "Choisir", "3": "x" * 25, "4": "home", "5": "d"}
    assert refused(content_sid=sids["list1"], content_variables=json.dumps(row_vars)) == 63021
    assert refused(content_sid="HX" + "0" * 32, content_variables="{}") == 21655
    actions = [{"title": f"B{n}", "id": f"b{n}"} for n in range(4)]
    four = standin.content.create(
        {"friendly_name": "four", "language": "fr",
         "types": {"twilio/quick-reply": {"body": "Quatre", "actions": actions}}}
    )  # fmt: skip
    assert refused(content_sid=four["sid"]) == 63021  # 3 buttons at most without approval
    clock.advance(hours=25)
    ok_row = {**row_vars, "3": "Accueil"}
    assert refused(content_sid=sids["list1"], content_variables=json.dumps(ok_row)) == 63016
    assert refused(body="Bonjour") == 63016  # no free text outside the window either


def test_the_commands_set_up_show_approvals_and_print_stats(tmp_path, standin, capsys):
    from bot.cli import main

    standin.content.outcomes["vitrine_visit_live_fr"] = "pending"
    config = tmp_path / "vitrine.toml"
    config.write_text(
        f'[database]\nurl = "sqlite:///{tmp_path / "v.db"}"\n'
        f'[media]\nroot = "{tmp_path / "media"}"\n'
        f'[whatsapp]\naccount_sid = "{standin.account_sid}"\nauth_token = "{AUTH_TOKEN}"\n'
        f'from_number = "whatsapp:{BOT_NUMBER}"\napi_base_url = "{standin.url}"\n'
        f'content_base_url = "{standin.url}"\n'
        f'[web]\npublic_url = "{PUBLIC_URL}"\n'
        "[whatsapp.pricing]\nmarketing = 1000\n"
    )
    assert main(["--config", str(config), "whatsapp", "setup"]) == 0
    setup = capsys.readouterr().out
    assert "\nqr3: created HX" in setup and "list10: created HX" in setup
    assert (
        "vitrine_order_ready_fr: created HX" in setup
        and "submitted for approval (utility)" in setup
    )
    assert main(["--config", str(config), "whatsapp", "status"]) == 0
    status = capsys.readouterr().out
    assert "vitrine_visit_live_fr [marketing]: pending" in status
    assert "vitrine_order_ready_en [utility]: approved" in status
    assert main(["--config", str(config), "whatsapp", "setup"]) == 0
    assert "created" not in capsys.readouterr().out  # nothing new the second time
    assert main(["--config", str(config), "stats"]) == 0
    assert "WhatsApp messages sent: 0, estimated cost 0.00 EUR" in capsys.readouterr().out


def test_every_template_fills_from_what_its_outbox_rows_carry():
    from bot.channels.whatsapp_templates import TEMPLATES, VARIABLE_NAMES
    from handlers.notices import digest, orders, reminders, visits

    registry = {**orders.KINDS, **visits.KINDS, **reminders.KINDS, **digest.KINDS}
    for kind, template in TEMPLATES.items():
        assert kind in registry, kind
        assert set(VARIABLE_NAMES[kind]) <= set(registry[kind]), kind
        assert set(template.samples) == set(VARIABLE_NAMES[kind]), kind
