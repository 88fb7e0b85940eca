"""The `vitrine` command."""

import argparse
import logging
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlmodel import Session

from bot import app as wiring
from bot.config import Config, ConfigError, load

log = logging.getLogger("vitrine")


def cmd_run(config: Config, args: argparse.Namespace) -> int:
    """Everything configured; the console chat when no channel has credentials."""
    from bot.memory import limit_malloc_arenas

    limit_malloc_arenas()  # before any worker thread allocates
    role = getattr(args, "role", "all")
    if role != "all" and config.database.url.startswith("sqlite"):
        print(
            f"vitrine: --role {role} partage la base entre processus : il faut PostgreSQL "
            "([database] url). Avec SQLite, un seul processus : --role all.",
            file=sys.stderr,
        )
        return 2
    if getattr(args, "port", None):
        config.web.port = args.port  # several web processes on one host, one config
    app = wiring.build(config)
    wiring.prepare(app, demo=role != "worker")
    if not (config.telegram_enabled or config.whatsapp_enabled):
        print(
            "Aucun identifiant Telegram ou WhatsApp configuré : discussion en console.",
            file=sys.stderr,
        )
        return _chat(app, args.user, getattr(args, "lang", "fr"))
    from bot.runner import serve

    return serve(app, role)


def _chat(app: wiring.App, user: str, lang: str = "fr") -> int:
    from bot.channels.console import ConsoleChannel
    from bot.channels.console_sender import ConsoleSender
    from bot.notify import BackgroundNotifications

    # Reminders and other people's messages arrive in this terminal while you chat.
    notifications = BackgroundNotifications(app, [ConsoleSender(media=app.media)]).start()
    try:
        ConsoleChannel(app.engine, user=user, language=lang).repl()
    finally:
        notifications.stop()
    return 0


def cmd_chat(config: Config, args: argparse.Namespace) -> int:
    """The console channel on the configured database."""
    app = wiring.build(config)
    wiring.prepare(app)
    return _chat(app, args.user, args.lang)


def cmd_demo(config: Config, args: argparse.Namespace) -> int:
    """Load the demo town into an empty database."""
    app = wiring.build(config)
    wiring.prepare(app, demo=False)
    from store.demo import load_demo

    loaded = app.db.run(lambda session: load_demo(session=session, media=app.media))
    print(
        "Ville de démonstration chargée."
        if loaded
        else "La base n'est pas vide : ville de démonstration non chargée."
    )
    return 0


def cmd_db_upgrade(config: Config, args: argparse.Namespace) -> int:
    """Bring the database schema up to date."""
    app = wiring.build(config)
    wiring.prepare(app, demo=False)
    print(f"Schéma à jour ({app.db.dialect}).")
    return 0


@dataclass(frozen=True)
class PrintedInvite:
    """What `vitrine admin invite` prints: the code, both links and where the QR PNG is."""

    shop: str
    code: str
    expires_at: datetime
    telegram: str
    whatsapp: str | None
    qr_path: Path


def admin_invite(app: wiring.App, shop_name: str, town_name: str | None = None) -> PrintedInvite:
    """Create the shop when new, and a single-use owner invite with its QR code."""
    from store.qr import qr_png
    from store.shops import owner_invite

    name = town_name or app.config.town.name

    def work(session: Session) -> tuple[str, str, datetime]:
        shop, invite = owner_invite(
            session=session,
            shop_name=shop_name,
            town_name=name,
            timezone=app.config.town.timezone,
            now=app.ctx.now(),
        )
        return shop.name, invite.code, invite.expires_at

    shop, code, expires_at = app.db.run(work)
    telegram = f"https://t.me/{app.config.telegram.bot_username}?start=join-{code}"
    whatsapp = None
    if app.config.whatsapp.from_number:
        whatsapp = app.ctx.deep_link("whatsapp", f"join-{code}")
    folder = Path(app.config.media.root).parent / "invites"
    folder.mkdir(parents=True, exist_ok=True)
    qr_path = folder / f"{code}.png"
    qr_path.write_bytes(
        qr_png(telegram if app.config.telegram_enabled or not whatsapp else whatsapp)
    )
    return PrintedInvite(shop, code, expires_at, telegram, whatsapp, qr_path)


def cmd_admin_payments(config: Config, args: argparse.Namespace) -> int:
    """Set a shop's payment mode and Stripe account from the command line (never the chat)."""
    from store.shops import set_payments

    app = wiring.build(config)
    wiring.prepare(app, demo=False)

    def work(session: Session) -> tuple[str, str, str]:
        shop = set_payments(
            session=session, shop_name=args.shop, mode=args.mode, account=args.account
        )
        return shop.name, shop.payment_mode, shop.stripe_account

    try:
        name, mode, account = app.db.run(work)
    except ValueError as exc:
        print(f"vitrine: {exc}", file=sys.stderr)
        return 2
    print(f"{name} : paiement {mode}, compte Stripe {account or '—'}")
    return 0


def cmd_admin_invite(config: Config, args: argparse.Namespace) -> int:
    """Print a merchant invite: code, Telegram and WhatsApp links, QR code PNG."""
    if args.csv:
        from bot.admin import cmd_admin_invite_csv

        return cmd_admin_invite_csv(config, args)
    app = wiring.build(config)
    wiring.prepare(app, demo=False)
    invite = admin_invite(app, args.shop, args.town)
    print(f"Boutique : {invite.shop}")
    until = f"{invite.expires_at:%d/%m/%Y}"
    print(f"Code d'invitation : {invite.code} (usage unique, valable jusqu'au {until})")
    print(f"Telegram : {invite.telegram}")
    missing = "(pas de numéro WhatsApp configuré : [whatsapp] from_number)"
    print(f"WhatsApp : {invite.whatsapp or missing}")
    print(f"QR code : {invite.qr_path}")
    # The town hall hands this on: say what the shopkeeper does with it.
    print(
        "À transmettre au commerçant : il scanne le QR code ou ouvre le lien avec son téléphone"
        " (ou tape le code dans la discussion avec le bot), puis répond à quelques questions."
    )
    return 0


def cmd_admin_town_add(config: Config, args: argparse.Namespace) -> int:
    """Add a town (or update the one of that name): postcodes, time zone, position."""
    from store.towns import add_town, postcodes_of

    if (args.lat is None) != (args.lon is None):
        print("vitrine: --lat et --lon vont ensemble.", file=sys.stderr)
        return 2
    app = wiring.build(config)
    wiring.prepare(app, demo=False)

    def work(session: Session) -> tuple[str, str, list[str], bool]:
        town, created = add_town(
            session=session,
            name=args.name,
            postcodes=args.postcode,
            timezone=args.timezone or config.town.timezone,
            lat=args.lat,
            lon=args.lon,
        )
        return town.name, town.slug, postcodes_of(town), created

    try:
        name, slug, codes, created = app.db.run(work)
    except ValueError as exc:
        print(f"vitrine: {exc}", file=sys.stderr)
        return 2
    print(f"Ville {'ajoutée' if created else 'mise à jour'} : {name} ({', '.join(codes)})")
    print(f"Telegram : https://t.me/{config.telegram.bot_username}?start=town-{slug}")
    if config.whatsapp.from_number:
        print(f"WhatsApp : {app.ctx.deep_link('whatsapp', f'town-{slug}')}")
    return 0


def cmd_notify(config: Config, args: argparse.Namespace) -> int:
    """Deliver the console users' notifications here (demo: `--once --ahead 60`)."""
    import asyncio
    from datetime import timedelta

    from bot.channels.console_sender import ConsoleSender
    from bot.notify import drain_once, start_notifications
    from store.types import utcnow

    app = wiring.build(config)
    wiring.prepare(app)
    ahead = timedelta(minutes=args.ahead)
    app.ctx.clock = lambda: utcnow() + ahead  # pretend it is already later
    senders = [ConsoleSender(media=app.media)]
    if args.once:
        handled = asyncio.run(drain_once(app, senders))
        print(f"{handled} message(s) handled.", file=sys.stderr)
        return 0

    async def forever() -> None:
        await start_notifications(app, senders)
        await asyncio.Event().wait()

    try:
        asyncio.run(forever())
    except KeyboardInterrupt:
        pass
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="vitrine", description="Vitrine: the town's shops in chat.")
    p.add_argument("--config", help="TOML config file (default $VITRINE_CONFIG or config.toml)")
    p.add_argument("-v", "--verbose", action="store_true")
    p.add_argument(
        "--log-format", choices=("text", "json"), default="text", help="json: one object a line"
    )
    sub = p.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the configured channels, web server, notifications")
    run.add_argument("--config", dest="config_sub")
    run.add_argument("--user", default="console", help="console user when no channel is set")
    run.add_argument(
        "--role",
        choices=("all", "web", "worker"),
        default="all",
        help="web: webhooks, media, pages; worker: notifications and jobs; all: both (default)",
    )
    run.add_argument("--port", type=int, help="listen on this port (default: [web] port)")
    run.set_defaults(func=cmd_run)
    chat = sub.add_parser("chat", help="talk to the bot in this terminal (or through a pipe)")
    chat.add_argument("--config", dest="config_sub")
    chat.add_argument("--user", default="console")
    # What a phone would tell Telegram: a newcomer is answered in this language.
    chat.add_argument("--lang", default="fr", help="the phone's language, e.g. en (default fr)")
    chat.set_defaults(func=cmd_chat)
    demo = sub.add_parser("demo", help="load the demo town into an empty database")
    demo.add_argument("--config", dest="config_sub")
    demo.set_defaults(func=cmd_demo)
    db = sub.add_parser("db", help="database schema")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    upgrade = db_sub.add_parser("upgrade", help="apply the migrations")
    upgrade.add_argument("--config", dest="config_sub")
    upgrade.set_defaults(func=cmd_db_upgrade)
    admin = sub.add_parser("admin", help="the town hall's tasks")
    admin_sub = admin.add_subparsers(dest="admin_command", required=True)
    invite = admin_sub.add_parser("invite", help="invite a shop's owner (creates the shop if new)")
    invite.add_argument("--config", dest="config_sub")
    which = invite.add_mutually_exclusive_group(required=True)
    which.add_argument("--shop", help="the shop's name")
    which.add_argument(
        "--csv", help="a list of shops (name, category, phone, e-mail): invites and letters PDF"
    )
    invite.add_argument("--town", help="the town's name (default: [town] name of the config)")
    invite.add_argument("--format", choices=("A4", "A5"), default="A4", help="letters' paper")
    invite.add_argument("--out", help="the letters PDF (default var/invites/<csv name>.pdf)")
    invite.set_defaults(func=cmd_admin_invite)
    payments = admin_sub.add_parser("payments", help="how a shop's customers pay")
    payments.add_argument("--config", dest="config_sub")
    payments.add_argument("--shop", required=True, help="the shop's name")
    payments.add_argument("--mode", choices=["counter", "online", "both"])
    payments.add_argument("--account", help="the shop's Stripe account id (acct_...)")
    payments.set_defaults(func=cmd_admin_payments)
    town = admin_sub.add_parser("town", help="the towns this deployment serves")
    town_sub = town.add_subparsers(dest="town_command", required=True)
    add = town_sub.add_parser("add", help="add a town (or update the one of that name)")
    add.add_argument("--config", dest="config_sub")
    add.add_argument("--name", required=True, help="the town's name")
    add.add_argument(
        "--postcode", action="append", required=True, help="its postcode (repeat for several)"
    )
    add.add_argument("--timezone", help="default: [town] timezone of the config")
    add.add_argument("--lat", type=float, help="latitude (with --lon): for the nearest town")
    add.add_argument("--lon", type=float)
    add.set_defaults(func=cmd_admin_town_add)
    from bot.admin import add_poster_parser
    from bot.cli_staff import add_parser as add_user_parser

    add_poster_parser(admin_sub)
    add_user_parser(admin_sub)  # vitrine admin user add
    notify = sub.add_parser("notify", help="deliver due notifications to console users")
    notify.add_argument("--config", dest="config_sub")
    notify.add_argument("--once", action="store_true", help="deliver what is due, then exit")
    notify.add_argument(
        "--ahead", type=float, default=0, metavar="MINUTES", help="act as if it were later"
    )
    notify.set_defaults(func=cmd_notify)
    from bot.cli_whatsapp import add_parsers

    add_parsers(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    from bot.logs import configure

    configure(logging.INFO if args.verbose else logging.WARNING, args.log_format)
    try:
        config = load(getattr(args, "config_sub", None) or args.config)
        return int(args.func(config, args) or 0)
    except ConfigError as exc:
        print(f"vitrine: config: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
