"""Who paces Telegram's sends: the shared limits alone when the deployment shares them (PTB's
per-process bucket capped each worker at 30/s whatever the share: bench/workers.py found it),
else PTB's bucket at the configured rate."""

from pathlib import Path

from bot import app as wiring
from bot.channels.telegram_limiter import limiter_for
from bot.config import Config, DatabaseConfig, MediaConfig, NotificationsConfig


def _config(tmp_path: Path, **notifications: object) -> Config:
    return Config(
        database=DatabaseConfig(url=f"sqlite:///{tmp_path / 'v.db'}"),
        media=MediaConfig(root=str(tmp_path / "media")),
        notifications=NotificationsConfig(**notifications),  # type: ignore[arg-type]
    )


def test_shared_limits_pace_alone_without_a_per_process_cap(tmp_path):
    app = wiring.build(_config(tmp_path, shared_limits="redis", telegram_per_second=500.0,
                               redis_url="redis://127.0.0.1:6379/15"))  # fmt: skip
    try:
        limiter = limiter_for(app, backoff=0.1, flood_retries=1)
        assert limiter.shared is not None
        assert limiter._base_limiter is None  # PTB's 30/s bucket would cap this process
    finally:
        app.db.dispose()


def test_in_process_limits_pace_at_the_configured_rate(tmp_path):
    app = wiring.build(_config(tmp_path, shared_limits="none", telegram_per_second=12.0))
    try:
        limiter = limiter_for(app, backoff=0.1, flood_retries=1)
        assert limiter.shared is None
        assert limiter._base_limiter is not None
        assert limiter._base_limiter.max_rate == 12.0
    finally:
        app.db.dispose()
