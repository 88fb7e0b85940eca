"""Wiring: the config turned into a database, a media store, a context and the engine."""

import logging
from dataclasses import dataclass
from datetime import timedelta

from bot.config import Config
from handlers.context import Context, ReminderSettings
from handlers.engine import Engine
from store import migrate
from store.db import Database
from store.media import MediaStore
from store.parsing.text import slugify

log = logging.getLogger(__name__)


@dataclass
class App:
    config: Config
    db: Database
    media: MediaStore
    ctx: Context
    engine: Engine


def build(config: Config) -> App:
    """Everything the channels share, from the config."""
    db = Database(config.database.url)
    media = MediaStore(config.media.root)
    ctx = Context(
        media=media,
        town_slug=slugify(config.town.name),
        timezone=config.town.timezone,
        currency=config.town.currency,
        telegram_username=config.telegram.bot_username,
        whatsapp_number=config.whatsapp.from_number,
        public_url=config.web.public_url.rstrip("/"),
        reminders=ReminderSettings(
            minutes_before=tuple(config.notifications.reminder_minutes_before),
            next_morning=config.notifications.reminder_next_morning,
            quiet_hours=config.notifications.quiet_hours,
            speedup=config.notifications.demo_speedup,
        ),
        visit_hold_minutes=config.visits.hold_minutes,
        visit_max_minutes=config.visits.max_live_minutes,
        reply_grace=timedelta(seconds=config.notifications.reply_grace_seconds),
    )
    return App(config=config, db=db, media=media, ctx=ctx, engine=Engine(db, ctx))


def prepare(app: App, *, demo: bool = True) -> None:
    """Bring the schema up to date; load the demo town into an empty database."""
    migrate.upgrade(app.db.engine)
    if demo:
        from store.demo import load_demo

        if app.db.run(lambda session: load_demo(session=session, media=app.media)):
            log.info("loaded the demo town")
