"""The town hall's staff accounts (dashboard login) and the lock-out after failed logins.

Passwords are hashed with Argon2id (argon2-cffi) at OWASP's recommended cost (19 MiB,
2 passes, 1 lane): RFC 9106's 64 MiB x 4 lanes took half a second of a shared 2-core
machine per login, and as much memory for each login under way. The parameters travel in
the hash, so raising them later rehashes each password at its owner's next login.

Failed logins are counted in the database, per account and per address, so the lock-out
holds however many web processes serve the dashboard.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from store.models import LoginThrottle, StaffAccount

# After this many failures within WINDOW, the key is locked for LOCK_FOR.
ACCOUNT_FAILURES = 5
ADDRESS_FAILURES = 20
WINDOW = timedelta(minutes=15)
LOCK_FOR = timedelta(minutes=15)
MIN_PASSWORD = 10


# OWASP Password Storage Cheat Sheet, Argon2id: m=19 MiB, t=2, p=1.
TIME_COST, MEMORY_KIB, LANES = 2, 19 * 1024, 1


@cache
def hasher() -> PasswordHasher:
    return PasswordHasher(time_cost=TIME_COST, memory_cost=MEMORY_KIB, parallelism=LANES)


def hash_password(password: str) -> str:
    return hasher().hash(password)


def normal_email(email: str) -> str:
    return email.strip().lower()


def add_account(*, session: Session, email: str, password: str, town_id: int) -> StaffAccount:
    """A new staff account; ValueError (a sentence) for a taken e-mail or a short password."""
    email = normal_email(email)
    if "@" not in email or len(email) > 254:
        raise ValueError(f"{email!r} is not an e-mail address")
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"the password must have at least {MIN_PASSWORD} characters")
    if session.exec(select(StaffAccount.id).where(StaffAccount.email == email)).first():
        raise ValueError(f"an account for {email} already exists")
    account = StaffAccount(email=email, password_hash=hash_password(password), town_id=town_id)
    session.add(account)
    session.flush()
    return account


def account_key(email: str) -> str:
    return f"account:{normal_email(email)}"[:300]


def address_key(address: str) -> str:
    return f"ip:{address}"[:300]


def locked(*, session: Session, keys: list[str], now: datetime) -> bool:
    """Whether any of these keys is locked out now."""
    rows = session.exec(select(LoginThrottle).where(LoginThrottle.key.in_(keys))).all()  # type: ignore[attr-defined]
    return any(row.locked_until is not None and row.locked_until > now for row in rows)


def record_failure(*, session: Session, key: str, limit: int, now: datetime) -> None:
    """Count one failure for `key`; the `limit`-th within WINDOW locks it for LOCK_FOR."""
    dialect = postgresql if session.connection().dialect.name == "postgresql" else sqlite
    session.execute(
        dialect.insert(LoginThrottle)
        .values(key=key, failures=0, first_failure_at=now)
        .on_conflict_do_nothing()
    )
    row = session.exec(
        select(LoginThrottle).where(LoginThrottle.key == key).with_for_update()
    ).one()
    if now - row.first_failure_at > WINDOW:
        row.failures, row.first_failure_at = 0, now
    row.failures += 1
    if row.failures >= limit:
        row.locked_until = now + LOCK_FOR
        row.failures, row.first_failure_at = 0, now
    session.add(row)


def clear_failures(*, session: Session, key: str) -> None:
    row = session.get(LoginThrottle, key)
    if row is not None:
        session.delete(row)


@dataclass(frozen=True)
class Credentials:
    """What a login needs from the store before the (slow) password check."""

    account_id: int | None
    password_hash: str
    locked: bool


# Checked when the e-mail is unknown, so a wrong address costs the same time as a wrong password.
_DUMMY: list[str] = []


def dummy_hash() -> str:
    if not _DUMMY:
        _DUMMY.append(hash_password("not a password of anyone"))
    return _DUMMY[0]


def credentials(*, session: Session, email: str, address: str, now: datetime) -> Credentials:
    """The account's hash (a dummy for an unknown e-mail) and whether the login is locked."""
    account = session.exec(
        select(StaffAccount).where(StaffAccount.email == normal_email(email))
    ).first()
    is_locked = locked(session=session, keys=[account_key(email), address_key(address)], now=now)
    if account is None:
        return Credentials(None, dummy_hash(), is_locked)
    return Credentials(account.id, account.password_hash, is_locked)


def password_matches(password_hash: str, password: str) -> bool:
    """Argon2 verification, in constant time for a given hash."""
    try:
        return hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def login_failed(*, session: Session, email: str, address: str, now: datetime) -> None:
    record_failure(session=session, key=account_key(email), limit=ACCOUNT_FAILURES, now=now)
    record_failure(session=session, key=address_key(address), limit=ADDRESS_FAILURES, now=now)


def login_succeeded(
    *, session: Session, account_id: int, password: str, now: datetime
) -> StaffAccount:
    """Clear the account's failures, note the login, rehash if the cost was raised since."""
    account = session.get(StaffAccount, account_id)
    assert account is not None
    clear_failures(session=session, key=account_key(account.email))
    account.last_login_at = now
    if hasher().check_needs_rehash(account.password_hash):
        account.password_hash = hash_password(password)
    session.add(account)
    return account


def end_sessions(*, session: Session, account_id: int) -> None:
    """Log out: every cookie issued to this account so far stops working."""
    account = session.get(StaffAccount, account_id)
    if account is not None:
        account.session_version += 1
        session.add(account)
