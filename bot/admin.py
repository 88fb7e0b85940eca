"""The town hall's printing: `vitrine admin poster` and `vitrine admin invite --csv`.

For the dashboard: `import_shops(app, read_rows(csv_text))` creates the shops of a list and
one owner invite each (skipping shops whose owner has already joined), then
`invite_letters(app, imported.letters)` prints them; `shop_poster_pdf(app, slug)` and
`town_poster_pdf(app)` return a poster's PDF bytes (None when there is nothing to print).
"""

import argparse
import csv
import io
import sys
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, select

from bot import app as wiring
from bot.config import Config
from bot.posters import Letter, invite_letters, shop_poster, town_poster
from handlers import i18n
from store.models import Shop, ShopStaff, Town
from store.parsing.text import slugify
from store.public import online_shops, shop_named
from store.search import fold
from store.shops import create_invite, find_town, get_or_create_shop
from store.types import persisted

# The CSV's columns, as a town hall's spreadsheet may spell them.
COLUMNS = {
    "name": ("name", "nom", "shop", "boutique", "commerce"),
    "category": ("category", "categorie", "catégorie", "type"),
    "phone": ("phone", "telephone", "téléphone", "tel", "tél"),
    "email": ("e-mail", "email", "mail", "courriel"),
}


@dataclass(frozen=True)
class ShopRow:
    """One line of the town hall's list."""

    name: str
    category: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class Imported:
    letters: list[Letter]  # one per shop invited, in the list's order
    skipped: list[str]  # shops whose owner has already joined (no new invite)
    unknown_categories: list[tuple[str, str]]  # (shop, category as written): filed as other


def read_rows(text: str) -> list[ShopRow]:
    """The rows of a CSV with a header line; commas or semicolons (French spreadsheets)."""
    dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else ",", delimiters=",;\t")
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    headers = {fold((h or "").strip()): h for h in reader.fieldnames or []}
    column = {
        key: next((headers[fold(n)] for n in names if fold(n) in headers), None)
        for key, names in COLUMNS.items()
    }
    if column["name"] is None:
        raise ValueError(f"the CSV needs a 'name' column; it has: {', '.join(headers)}")
    rows = []
    for line in reader:
        values = {k: (line.get(c) or "").strip() if c else "" for k, c in column.items()}
        if values["name"]:
            rows.append(ShopRow(**values))
    return rows


def category_key(written: str) -> str | None:
    """Our category for what the list says ("Fromagerie", "cheese", "🧀 Fromagerie")."""
    wanted = fold(written.strip())
    for key, texts in i18n.catalogue().items():
        if not key.startswith("category_"):
            continue
        names = {key.removeprefix("category_"), *(t.split(" ", 1)[-1] for t in texts.values())}
        if wanted in {fold(n) for n in names}:
            return key.removeprefix("category_")
    return None


def _town(session: Session, app: wiring.App, name: str | None = None) -> Town:
    name = name or app.config.town.name
    town = find_town(session=session, name=name)
    if town is None:
        town = Town(slug=slugify(name), name=name, timezone=app.config.town.timezone)
        session.add(town)
        session.flush()
    return town


def import_shops(app: wiring.App, rows: list[ShopRow], town_name: str | None = None) -> Imported:
    """Create the shops (new ones wait, hidden, for their owner) and an owner invite each,
    in `town_name` (default: the config's town, created if the database has none)."""
    now = app.ctx.now()

    def work(session: Session) -> Imported:
        town = _town(session, app, town_name)
        letters, skipped, unknown = [], [], []
        for row in rows:
            shop, _ = get_or_create_shop(session=session, name=row.name, town=town)
            key = category_key(row.category) if row.category else None
            if row.category and key is None:
                unknown.append((shop.name, row.category))
            if key or shop.category == "other":
                shop.category = key or "other"
            shop.phone = row.phone[:30] or shop.phone
            shop.email = row.email[:200] or shop.email
            owner = select(ShopStaff.id).where(
                ShopStaff.shop_id == shop.id, ShopStaff.role == "owner"
            )
            if session.exec(owner).first() is not None:
                skipped.append(shop.name)
                continue
            shop_id = persisted(shop.id)
            invite = create_invite(session=session, shop_id=shop_id, role="owner", now=now)
            letters.append(Letter(shop.name, invite.code, invite.expires_at))
        return Imported(letters, skipped, unknown)

    return app.db.run(work)


def cmd_admin_invite_csv(config: Config, args: argparse.Namespace) -> int:
    """Invite every shop of a CSV list and write the letters (one page each) as a PDF."""
    app = wiring.build(config)
    wiring.prepare(app, demo=False)
    path = Path(args.csv)
    try:
        rows = read_rows(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError, csv.Error) as exc:
        print(f"vitrine: {path}: {exc}", file=sys.stderr)
        return 2
    done = import_shops(app, rows, args.town)
    for shop, written in done.unknown_categories:
        print(f"{shop} : catégorie « {written} » inconnue, classée dans « Autres commerces ».")
    for shop in done.skipped:
        print(f"{shop} : déjà inscrite, pas de nouvelle invitation.")
    for letter in done.letters:
        print(f"{letter.shop} : code {letter.code}")
    if not done.letters:
        print("Aucune invitation à imprimer.")
        return 0
    out = Path(args.out or Path(config.media.root).parent / "invites" / f"{path.stem}.pdf")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(invite_letters(app, done.letters, paper=args.format))
    print(f"{len(done.letters)} lettre(s) d'invitation : {out}")
    return 0


def cmd_admin_poster(config: Config, args: argparse.Namespace) -> int:
    """A shop's window poster (--shop NAME) or the town's (--town), as a PDF."""
    app = wiring.build(config)
    wiring.prepare(app, demo=False)

    def work(session: Session) -> tuple[Town | None, Shop | None, list[Shop]]:
        town = find_town(session=session, name=config.town.name)
        if town is None:
            return None, None, []
        if args.shop:
            shop = shop_named(session=session, town_id=persisted(town.id), name=args.shop)
            return town, shop, []
        return town, None, online_shops(session=session, town_id=persisted(town.id))

    town, shop, shops = app.db.run(work)
    if town is None:
        print(f"vitrine: la ville « {config.town.name} » n'est pas dans la base.", file=sys.stderr)
        return 1
    if args.shop and (shop is None or not shop.active):
        reason = "n'existe pas" if shop is None else "n'a pas encore rejoint Vitrine"
        print(f"vitrine: la boutique « {args.shop} » {reason}.", file=sys.stderr)
        return 1
    if shop is not None:
        pdf, name = shop_poster(app, shop, paper=args.format), shop.slug
    else:
        pdf, name = town_poster(app, town, shops, paper=args.format), town.slug
    out = Path(args.out or Path(config.media.root).parent / "posters" / f"{name}-{args.format}.pdf")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(pdf)
    print(f"Affiche {args.format} : {out}")
    return 0


def add_poster_parser(admin_sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """`vitrine admin poster --shop NAME | --town [--format A4|A5] [--out FILE]`."""
    poster = admin_sub.add_parser("poster", help="print a shop's window poster or the town's")
    poster.add_argument("--config", dest="config_sub")
    which = poster.add_mutually_exclusive_group(required=True)
    which.add_argument("--shop", help="the shop's name (or its slug)")
    which.add_argument("--town", action="store_true", help="the town's poster, all its shops")
    poster.add_argument("--format", choices=("A4", "A5"), default="A4")
    poster.add_argument("--out", help="the PDF to write (default var/posters/<name>-<format>.pdf)")
    poster.set_defaults(func=cmd_admin_poster)


def shop_poster_pdf(app: wiring.App, name: str, paper: str = "A4") -> bytes | None:
    """The window poster of a shop online (by name or slug), for a download; else None."""

    def work(session: Session) -> Shop | None:
        town = find_town(session=session, name=app.config.town.name)
        return shop_named(session=session, town_id=persisted(town.id), name=name) if town else None

    shop = app.db.run(work)
    return shop_poster(app, shop, paper=paper) if shop is not None and shop.active else None


def town_poster_pdf(app: wiring.App, paper: str = "A4") -> bytes | None:
    """The town's poster with every shop online, for a download; None without a town."""

    def work(session: Session) -> tuple[Town | None, list[Shop]]:
        town = find_town(session=session, name=app.config.town.name)
        return town, online_shops(session=session, town_id=persisted(town.id)) if town else []

    town, shops = app.db.run(work)
    return town_poster(app, town, shops, paper=paper) if town is not None else None
