"""The live-visit settings: documented in config.example.toml and handed to the handlers."""

import tomllib
from pathlib import Path

from bot import config
from bot.app import build


def test_example_config_documents_the_visit_settings_and_they_reach_the_handlers(tmp_path):
    data = tomllib.loads(Path("config.example.toml").read_text())
    assert data["visits"] == {"hold_minutes": 30, "max_live_minutes": 120}
    settings = {
        "visits": {"hold_minutes": 15, "max_live_minutes": 90},
        "database": {"url": f"sqlite:///{tmp_path / 'v.db'}"},
        "media": {"root": str(tmp_path / "media")},
    }
    app = build(config.parse(settings))
    assert (app.ctx.visit_hold_minutes, app.ctx.visit_max_minutes) == (15, 90)
    app.db.dispose()
