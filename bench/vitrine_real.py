"""`vitrine run` for the end-to-end benchmark: the real stack, Telegram's 30 messages/s lifted.

The stand-in sets no flood limit, so the bot's own limiter would only measure Telegram's cap
(one bot, 30 messages a second) rather than what an update costs us; `--keep-limit` keeps it.
Everything else is `vitrine run` as shipped: `python -m bench.vitrine_real run --config X`.
"""

import sys
from typing import Any


def lift_flood_limit() -> None:
    """The channel's limiter without its overall 30/s (PTB 22 keeps it in `_base_limiter`)."""
    from bot.channels import telegram_limiter as channel

    class Unlimited(channel.PatientLimiter):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._base_limiter = None

    channel.PatientLimiter = Unlimited  # type: ignore[misc]  # limiter_for builds this one


def main() -> int:
    args = sys.argv[1:]
    if "--keep-limit" in args:
        args.remove("--keep-limit")
    else:
        lift_flood_limit()
    from bot.cli import main as vitrine

    return vitrine(args)


if __name__ == "__main__":
    sys.exit(main())
