"""The dashboard's door: a wrong password, a missing CSRF token or a forged cookie get nothing."""

import base64
import json

import pytest
from itsdangerous import TimestampSigner
from sqlmodel import select

from bot.cli import main
from store.models import LoginThrottle, StaffAccount
from store.staff import ACCOUNT_FAILURES
from tests.fakes.admin import (
    EMAIL,
    PASSWORD,
    add_staff,
    client_for,
    csrf_of,
    dashboard_app,
    log_in,
)

FIGURES = "Boutiques inscrites"  # on the dashboard, never on the login page


@pytest.fixture
def admin(engine, tmp_path):
    app = dashboard_app(engine, tmp_path)
    add_staff(app)
    return app


def test_the_right_password_opens_the_dashboard_and_the_cookie_is_guarded(admin):
    client = client_for(admin)
    assert client.get("/admin").headers["location"].endswith("/admin/")
    assert client.get("/admin/").headers["location"] == "/admin/login"
    answer = log_in(client)
    assert answer.status_code == 303 and answer.headers["location"] == "/admin/"
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/admin" in cookie
    page = client.get("/admin/")
    assert page.status_code == 200 and FIGURES in page.text and "Nogent-le-Rotrou" in page.text
    assert "script-src" not in page.headers["content-security-policy"]  # no script at all


def test_a_wrong_password_gets_nothing(admin):
    client = client_for(admin)
    answer = log_in(client, password="not the password")
    assert answer.status_code == 401 and "incorrect" in answer.text
    assert "set-cookie" not in answer.headers or "account" not in answer.headers["set-cookie"]
    page = client.get("/admin/")
    assert page.status_code == 303 and FIGURES not in page.text


def test_an_unknown_email_reads_like_a_wrong_password(admin):
    answer = log_in(client_for(admin), email="nobody@nogent.example")
    assert answer.status_code == 401 and "Adresse e-mail ou mot de passe incorrect" in answer.text


def test_a_login_without_its_csrf_token_is_refused(admin):
    client = client_for(admin)
    client.get("/admin/login")
    answer = client.post("/admin/login", data={"email": EMAIL, "password": PASSWORD})
    assert answer.status_code == 403 and "expiré" in answer.text
    assert client.get("/admin/").status_code == 303  # not logged in


def test_a_form_without_its_csrf_token_changes_nothing(admin):
    client = client_for(admin)
    log_in(client)
    answer = client.post("/admin/campaigns", data={"text": "Marché de Noël samedi"})
    assert answer.status_code == 403
    forged = client.post("/admin/logout", data={"csrf": "guessed"})
    assert forged.status_code == 403
    assert client.get("/admin/").status_code == 200  # still logged in: the forged logout failed


def test_a_forged_cookie_gets_nothing(admin, engine):
    account_id = admin.db.run(lambda s: s.exec(select(StaffAccount.id)).one())
    data = base64.b64encode(json.dumps({"account": account_id, "version": 1}).encode())
    forged = TimestampSigner("a key we guessed").sign(data).decode()
    client = client_for(admin)
    client.cookies.set("vitrine_admin", forged, path="/admin")
    page = client.get("/admin/")
    assert page.status_code == 303 and FIGURES not in page.text
    # The same content signed with the real key does get in: the signature is what failed.
    signed = TimestampSigner(admin.config.web.session_secret).sign(data).decode()
    genuine = client_for(admin)
    genuine.cookies.set("vitrine_admin", signed, path="/admin")
    assert genuine.get("/admin/").status_code == 200


def test_logging_out_ends_even_a_copied_cookie(admin):
    client = client_for(admin)
    log_in(client)
    copied = client.cookies.get("vitrine_admin")
    page = client.get("/admin/")
    assert client.post("/admin/logout", data={"csrf": csrf_of(page.text)}).status_code == 303
    assert client.get("/admin/").status_code == 303
    thief = client_for(admin)
    thief.cookies.set("vitrine_admin", copied, path="/admin")
    assert thief.get("/admin/").status_code == 303


def test_repeated_failures_lock_the_account_even_with_the_right_password(admin, clock):
    client = client_for(admin)
    for _ in range(ACCOUNT_FAILURES):
        assert log_in(client, password="guess").status_code == 401
    answer = log_in(client)  # the right password, too late
    assert answer.status_code == 429 and "15 minutes" in answer.text
    assert client.get("/admin/").status_code == 303
    # Another browser (another process would do the same: the count is in the database).
    assert log_in(client_for(admin)).status_code == 429
    clock.advance(minutes=16)
    assert log_in(client_for(admin)).status_code == 303


def test_one_address_guessing_many_accounts_is_locked_out(admin):
    for n in range(4):
        add_staff(admin, email=f"agent{n}@nogent.example")
    client = client_for(admin)
    for n in range(20):  # 5 tries on each of 4 accounts, from one address
        log_in(client, email=f"agent{n % 4}@nogent.example", password="guess")
    keys = admin.db.run(lambda s: {row.key for row in s.exec(select(LoginThrottle))})
    assert "ip:testclient" in keys
    fresh = add_staff(admin, email="fresh@nogent.example")
    assert fresh and log_in(client, email="fresh@nogent.example").status_code == 429


def test_passwords_are_kept_as_argon2id_hashes(admin):
    stored = admin.db.run(lambda s: s.exec(select(StaffAccount.password_hash)).one())
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$") and PASSWORD not in stored


def test_a_hash_made_at_another_cost_is_redone_at_the_next_login(admin):
    from argon2 import PasswordHasher

    def older(session):
        account = session.exec(select(StaffAccount)).one()
        account.password_hash = PasswordHasher(time_cost=1, memory_cost=8192).hash(PASSWORD)
        session.add(account)

    admin.db.run(older)
    assert log_in(client_for(admin)).status_code == 303
    stored = admin.db.run(lambda s: s.exec(select(StaffAccount.password_hash)).one())
    assert "$m=19456,t=2,p=1$" in stored


def test_vitrine_admin_user_add_creates_a_login(tmp_path, capsys):
    db = tmp_path / "v.db"
    config = tmp_path / "c.toml"
    config.write_text(
        f'[database]\nurl = "sqlite:///{db}"\n[media]\nroot = "{tmp_path / "media"}"\n'
    )
    secret = tmp_path / "pw"
    secret.write_text("une phrase de passe longue\n")
    args = ["--config", str(config), "admin", "user", "add", "--email", "Agent@Mairie.fr"]
    assert main([*args, "--password-file", str(secret)]) == 0
    assert "agent@mairie.fr (Nogent-le-Rotrou)" in capsys.readouterr().out
    assert main([*args, "--password-file", str(secret)]) == 1
    assert "already exists" in capsys.readouterr().err
    secret.write_text("court\n")
    other = ["--config", str(config), "admin", "user", "add", "--email", "b@mairie.fr"]
    assert main([*other, "--password-file", str(secret)]) == 1
    assert "at least 10 characters" in capsys.readouterr().err


def test_a_short_session_secret_is_named_in_the_config_error():
    from bot.config import ConfigError, parse

    with pytest.raises(ConfigError, match=r"\[web\] session_secret"):
        parse({"web": {"session_secret": "too short"}})
    assert parse({"web": {"session_secret": "k" * 32}}).web.session_secret == "k" * 32
