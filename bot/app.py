"""Wiring: the config turned into a database, a media store, a context and the engine."""

import logging
from dataclasses import dataclass

from bot.config import Config
from bot.metrics import MeteredEngine
from handlers.context import Context
from handlers.engine import Engine
from store import migrate
from store.db import Database
from store.media import MediaStore

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
    ctx = Context.from_config(config, media=media)
    if config.stripe.api_key:
        from bot.payments import StripeLinks

        ctx.payments = StripeLinks(config.stripe, config.web.public_url)
    return App(config=config, db=db, media=media, ctx=ctx, engine=MeteredEngine(db, ctx))


def prepare(app: App, *, demo: bool = True) -> None:
    """Bring the schema up to date; load the demo town into an empty database."""
    migrate.upgrade(app.db.engine)
    if demo:
        from store.demo import load_demo

        if app.db.run(lambda session: load_demo(session=session, media=app.media)):
            log.info("loaded the demo town")
