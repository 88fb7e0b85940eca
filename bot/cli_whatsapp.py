"""`vitrine whatsapp setup|status` (Content API shapes and templates) and `vitrine stats`."""

import argparse
import asyncio
from typing import Any

from sqlmodel import select

from bot import app as wiring
from bot.config import Config
from store import whatsapp as records
from store.models import Town

CATEGORIES = ("service", "utility", "marketing")


def cmd_whatsapp(config: Config, args: argparse.Namespace) -> int:
    from bot.channels.whatsapp_content import ContentApi

    if not config.whatsapp_enabled:
        print("vitrine: [whatsapp] account_sid and auth_token are not set")
        return 2
    app = wiring.build(config)
    wiring.prepare(app)

    async def work() -> list[str]:
        api = ContentApi(app)
        try:
            return await (api.setup() if args.whatsapp_command == "setup" else api.status())
        finally:
            await api.close()

    lines = asyncio.run(work())
    for line in lines:
        print(line)
    if not lines:
        print("Nothing set up yet: run `vitrine whatsapp setup`.")
    return 1 if any("FAILED" in line for line in lines) else 0


def cost(count: int, category: str, pricing: dict[str, int]) -> int:
    """Estimated cost in hundredths of a cent: Meta's rate for the category plus Twilio's."""
    return count * (pricing.get(category, 0) + pricing.get("twilio", 0))


def stats_lines(app: wiring.App) -> list[str]:
    """What `vitrine stats` prints: WhatsApp messages by category, per order, and their cost."""
    pricing = app.config.whatsapp.pricing

    def read(
        session: Any,
    ) -> tuple[list[tuple[int | None, str, int]], tuple[int, int], dict[int, str]]:
        towns = {t.id: t.name for t in session.exec(select(Town))}
        return records.counts(session=session), records.order_counts(session=session), towns

    counts, (orders, linked), towns = app.db.run(read)
    total = sum(n for _, _, n in counts)
    money = sum(cost(n, c, pricing) for _, c, n in counts)
    currency = app.config.town.currency
    lines = [f"WhatsApp messages sent: {total}, estimated cost {money / 10000:.2f} {currency}"]
    for category in CATEGORIES:
        n = sum(m for _, c, m in counts if c == category)
        lines.append(
            f"  {category:<10} {n:>6}  {cost(n, category, pricing) / 10000:8.2f} {currency}"
        )
    per_order = f"{total / orders:.1f}" if orders else "-"
    lines.append(f"Orders by WhatsApp customers: {orders}; messages per order: {per_order}")
    lines.append(f"  of which notices about an order: {linked}")
    for town_id in sorted({t for t, _, _ in counts}, key=lambda t: (t is None, t or 0)):
        n = sum(m for t, _, m in counts if t == town_id)
        spent = sum(cost(m, c, pricing) for t, c, m in counts if t == town_id)
        name = towns.get(town_id, "(no town)") if town_id is not None else "(no town)"
        lines.append(f"Town {name}: {n} messages, {spent / 10000:.2f} {currency}")
    return lines


def cmd_stats(config: Config, args: argparse.Namespace) -> int:
    app = wiring.build(config)
    wiring.prepare(app)
    for line in stats_lines(app):
        print(line)
    return 0


def add_parsers(sub: Any) -> None:
    whatsapp = sub.add_parser("whatsapp", help="WhatsApp buttons, lists and templates (Twilio)")
    whatsapp_sub = whatsapp.add_subparsers(dest="whatsapp_command", required=True)
    setup = whatsapp_sub.add_parser("setup", help="create the shapes and templates, ask approval")
    setup.add_argument("--config", dest="config_sub")
    setup.set_defaults(func=cmd_whatsapp)
    status = whatsapp_sub.add_parser("status", help="the templates' approval, as WhatsApp has it")
    status.add_argument("--config", dest="config_sub")
    status.set_defaults(func=cmd_whatsapp)
    stats = sub.add_parser("stats", help="messages sent per order and their estimated cost")
    stats.add_argument("--config", dest="config_sub")
    stats.set_defaults(func=cmd_stats)
