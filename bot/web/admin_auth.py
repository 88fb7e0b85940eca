"""The dashboard's door: signed session cookies, CSRF tokens, login with lock-out, logout.

Sessions are Starlette's `SessionMiddleware` (an itsdangerous-signed cookie, HttpOnly,
SameSite=Strict, Secure behind https, 8 hours). The cookie holds the account id, the
account's `session_version` (logging out bumps it, so a copied cookie dies with it) and the
CSRF token every form sends back.
"""

import hmac
import os
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request

from bot.app import App
from store import staff
from store.models import StaffAccount

COOKIE = "vitrine_admin"
SESSION_SECONDS = 8 * 3600
SECRET_FILE = ".session-secret"


def session_secret(app: App) -> str:
    """[web] session_secret, else a random key kept beside the media (shared by workers)."""
    if app.config.web.session_secret:
        return app.config.web.session_secret
    path = app.media.root.parent / SECRET_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    secret = secrets.token_urlsafe(48)
    with os.fdopen(fd, "w") as fh:
        fh.write(secret)
    return secret


def session_middleware(app: App) -> Middleware:
    https = urlsplit(app.config.web.public_url).scheme == "https"
    return Middleware(
        SessionMiddleware,
        secret_key=session_secret(app),
        session_cookie=COOKIE,
        max_age=SESSION_SECONDS,
        path="/admin",
        same_site="strict",
        https_only=https,
    )


def csrf_token(request: Request) -> str:
    """This session's CSRF token (made on first use); every form carries it."""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


async def csrf_ok(request: Request) -> bool:
    """The form's `csrf` field equals the session's token (compared in constant time)."""
    expected = request.session.get("csrf")
    form = await request.form()
    sent = form.get("csrf")
    if not isinstance(expected, str) or not isinstance(sent, str):
        return False
    return hmac.compare_digest(expected.encode(), sent.encode())


@dataclass(frozen=True)
class Staff:
    """The member of staff behind a request."""

    account_id: int
    email: str
    town_id: int


async def current_staff(app: App, request: Request) -> Staff | None:
    """The logged-in account, or None (no cookie, forged or old cookie, account gone)."""
    account_id = request.session.get("account")
    version = request.session.get("version")
    if not isinstance(account_id, int) or not isinstance(version, int):
        return None

    def work(session: object) -> Staff | None:
        account = session.get(StaffAccount, account_id)  # type: ignore[attr-defined]
        if account is None or account.session_version != version:
            return None
        return Staff(account.id, account.email, account.town_id)

    return await run_in_threadpool(app.db.run, work)


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def log_in(app: App, request: Request, email: str, password: str) -> str | None:
    """Check the password and open the session: None when it worked, else why not
    (`locked` or `wrong`). The password is checked outside any transaction."""
    now = app.ctx.now()
    address = client_address(request)
    found = await run_in_threadpool(
        app.db.run,
        lambda s: staff.credentials(session=s, email=email, address=address, now=now),
    )
    if found.locked:
        return "locked"
    matches = await run_in_threadpool(staff.password_matches, found.password_hash, password)
    if not matches or found.account_id is None:
        await run_in_threadpool(
            app.db.run,
            lambda s: staff.login_failed(session=s, email=email, address=address, now=now),
        )
        return "wrong"
    account_id = found.account_id

    def succeed(session: object) -> int:
        account = staff.login_succeeded(
            session=session,  # type: ignore[arg-type]
            account_id=account_id,
            password=password,
            now=now,
        )
        return account.session_version

    version = await run_in_threadpool(app.db.run, succeed)
    language = request.session.get("lang")
    request.session.clear()  # a fresh session: nothing from before the login carries over
    request.session.update({"account": account_id, "version": version})
    if isinstance(language, str):
        request.session["lang"] = language
    csrf_token(request)
    return None


async def log_out(app: App, request: Request, who: Staff) -> None:
    await run_in_threadpool(
        app.db.run, lambda s: staff.end_sessions(session=s, account_id=who.account_id)
    )
    request.session.clear()
