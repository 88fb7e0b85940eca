"""A `vitrine run` process killed between committing an order and sending its confirmation.

The real program in its own process, polling the Telegram stand-in; SIGKILL lands while the
confirmation is on its way to Telegram. After a restart the customer still gets it.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from sqlmodel import select

from store.models import CartLine, Item, Order, User
from tests.fakes.telegram_standin import ApiError

ALICE = 1001


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def vitrine_run(config: Path, log: Path) -> subprocess.Popen:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "run", "--config", str(config)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def wait_for(condition, seconds: float = 30, what: str = "") -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.05)


def say(tg, text: str, expect: str) -> str:
    """Alice types `text`; the bot's answer holding `expect`, once it came."""
    before = len(tg.chat_log(ALICE))
    tg.send_text(ALICE, text)

    def answered() -> str | None:
        for m in tg.chat_log(ALICE)[before:]:
            rows = (m.get("reply_markup") or {}).get("inline_keyboard", [])
            buttons = " ".join(b["text"] for row in rows for b in row)  # menus are buttons here
            body = (m.get("text") or m.get("caption") or "") + " " + buttons
            if expect in body:
                return body
        return None

    wait_for(answered, what=f"{expect!r} after {text!r}")
    return answered() or ""


def test_a_crash_between_the_order_and_its_confirmation_loses_no_confirmation(
    tg, db, engine, tmp_path
):
    config = tmp_path / "config.toml"
    config.write_text(
        f'[database]\nurl = "{db.url}"\n\n[media]\nroot = "{engine.ctx.media.root}"\n\n'
        f'[telegram]\ntoken = "{tg.token}"\nmode = "polling"\n'
        f'api_base_url = "{tg.base_url}"\napi_file_url = "{tg.file_url}"\n\n'
        f"[web]\nport = {free_port()}\n\n"
        "[notifications]\npoll_seconds = 0.5\nreply_grace_seconds = 2\n"
    )
    log = tmp_path / "vitrine.log"
    bot = vitrine_run(config, log)
    killed: list[str] = []

    def crash_on_the_confirmation(method: str, params: dict[str, str]) -> float:
        body = params.get("text") or params.get("caption") or ""
        if "confirmée" in body and not killed:
            killed.append(body)
            os.kill(bot.pid, signal.SIGKILL)  # after the commit, before Telegram got it
            raise ApiError(500, "the bot died before this arrived")
        return 0

    try:
        wait_for(lambda: tg.commands.get("en"), what="vitrine run started")
        say(tg, "/start", "Bienvenue")
        with db.session() as session:
            alice = session.exec(select(User).where(User.channel_ref == str(ALICE))).one()
            name = "Coffret chocolats assortis"
            coffret = session.exec(select(Item).where(Item.name == name)).one()
            session.add(CartLine(user_id=alice.id, item_id=coffret.id, quantity=1))
        say(tg, "panier", "Commander chez")
        say(tg, "commander", "Livraison")
        say(tg, "livraison", "adresse")
        say(tg, "3 place Saint-Pol, 28400 Nogent-le-Rotrou", "téléphone")
        say(tg, "+33 6 12 34 56 78", "Total")
        tg.delay = crash_on_the_confirmation
        tg.send_text(ALICE, "confirmer la commande")
        wait_for(lambda: bot.poll() is not None, what="the kill")
        with db.session() as session:
            [order] = session.exec(select(Order)).all()  # committed before the kill
        assert killed and not any(
            "confirmée" in (m.get("caption") or m.get("text") or "") for m in tg.chat_log(ALICE)
        )
        bot = vitrine_run(config, log)  # the restart
        wait_for(
            lambda: any(
                "confirmée" in (m.get("caption") or m.get("text") or "") for m in tg.chat_log(ALICE)
            ),
            what="the confirmation after the restart",
        )
    finally:
        bot.terminate()
        bot.wait(15)
    [confirmation] = [
        m for m in tg.chat_log(ALICE) if "confirmée" in (m.get("caption") or m.get("text") or "")
    ]
    body = confirmation.get("caption") or confirmation.get("text")
    assert order.number in body and order.pickup_code in body
    assert confirmation.get("photo"), "the QR code comes with it"
