"""`vitrine admin user add`: a dashboard login for a member of the town hall's staff."""

import argparse
import getpass
import sys
from pathlib import Path

from sqlmodel import Session

from bot import app as wiring
from bot.config import Config
from store import staff
from store.models import Town
from store.parsing.text import slugify
from store.shops import find_town
from store.types import persisted


def read_password(args: argparse.Namespace) -> str | None:
    """From --password-file (its first line), else asked twice on the terminal."""
    if args.password_file:
        lines = Path(args.password_file).read_text(encoding="utf-8").splitlines()
        return lines[0] if lines else ""
    first = getpass.getpass("Mot de passe : ")
    if getpass.getpass("Encore une fois : ") != first:
        print("Les deux mots de passe diffèrent : rien n'a été créé.", file=sys.stderr)
        return None
    return first


def cmd_admin_user_add(config: Config, args: argparse.Namespace) -> int:
    """Create a staff account for the town's dashboard (/admin/)."""
    app = wiring.build(config)
    wiring.prepare(app, demo=False)
    password = read_password(args)
    if password is None:
        return 1
    name = args.town or config.town.name

    def work(session: Session) -> str:
        town = find_town(session=session, name=name)
        if town is None:
            town = Town(slug=slugify(name), name=name, timezone=config.town.timezone)
            session.add(town)
            session.flush()
        account = staff.add_account(
            session=session,
            email=args.email,
            password=password,
            town_id=persisted(town.id),
        )
        return f"{account.email} ({town.name})"

    try:
        made = app.db.run(work)
    except ValueError as exc:
        print(f"vitrine: {exc}", file=sys.stderr)
        return 1
    print(f"Compte créé : {made}. Connexion : {config.web.public_url.rstrip('/')}/admin/")
    return 0


def add_parser(admin_sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    user = admin_sub.add_parser("user", help="dashboard logins of the town hall's staff")
    user_sub = user.add_subparsers(dest="user_command", required=True)
    add = user_sub.add_parser("add", help="create a dashboard login")
    add.add_argument("--config", dest="config_sub")
    add.add_argument("--email", required=True, help="the login's e-mail address")
    add.add_argument("--town", help="the town's name (default: [town] name of the config)")
    add.add_argument(
        "--password-file", help="read the password from this file's first line (else prompted)"
    )
    add.set_defaults(func=cmd_admin_user_add)
