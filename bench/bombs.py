"""`python -m bench.bombs [--bombs 20] [--old]`: decompression bombs against `vitrine run`.

20 shop owners each send a 13,000 x 13,000 PNG "as a file" (about half a megabyte on the wire,
507 MB once decoded) at the same moment, through the Telegram webhook of a real `vitrine run`
process, while 20 customers write to the bot. Loopback only, bounded: one round of each,
60 s at most. Prints the bot's resident memory at rest (the baseline, same run), its peak after
a round of ordinary photos from the same owners, its peak after the bombs (goal: under 300 MB),
and whether every customer got their answer.
"""

import argparse
import io
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from pathlib import Path

from PIL import Image

from bench.e2e import free_port, rss_mb

GOAL_MB = 300
SIDE = 13_000
SECRET = "bench-bombs-secret"


def bomb_png(width: int = SIDE, height: int = SIDE) -> bytes:
    """A black RGB PNG of width x height, written a row at a time (never decoded here)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    squeeze = zlib.compressobj(9)
    row = b"\x00" * (1 + 3 * width)  # filter byte + pixels
    data = b"".join(squeeze.compress(row) for _ in range(height)) + squeeze.flush()
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def small_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (180, 40, 60)).save(out, "PNG")
    return out.getvalue()


def prepare(database: str, media: str, owners: list[int]) -> None:
    """The demo town, and the owners on the staff of its first shop."""
    from sqlmodel import col, select

    from bot import app as wiring
    from bot.config import Config, DatabaseConfig, MediaConfig
    from store.models import Shop, ShopStaff, User

    app = wiring.build(Config(database=DatabaseConfig(url=database), media=MediaConfig(root=media)))
    wiring.prepare(app)
    with app.db.session() as session:
        shop = session.exec(select(Shop).order_by(col(Shop.id))).first()
        assert shop is not None and shop.id is not None
        for chat in owners:
            user = User(channel="telegram", channel_ref=str(chat), name=f"Owner {chat}")
            session.add(user)
            session.flush()
            assert user.id is not None
            session.add(ShopStaff(shop_id=shop.id, user_id=user.id, role="owner"))
    app.db.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bombs", description=__doc__)
    parser.add_argument("--bombs", type=int, default=20)
    args = parser.parse_args()
    from tests.fakes.telegram_standin import TelegramStandIn

    owners = [5000 + n for n in range(args.bombs)]
    customers = [6000 + n for n in range(args.bombs)]
    work = Path(tempfile.mkdtemp(prefix="vitrine-bombs-"))
    database, media = f"sqlite:///{work / 'vitrine.db'}", str(work / "media")
    prepare(database, media, owners)
    tg = TelegramStandIn().start()
    port = free_port()
    config = work / "config.toml"
    config.write_text(
        f'[database]\nurl = "{database}"\n\n[media]\nroot = "{media}"\n\n'
        f'[telegram]\ntoken = "{tg.token}"\nmode = "webhook"\nwebhook_secret = "{SECRET}"\n'
        f'api_base_url = "{tg.base_url}"\napi_file_url = "{tg.file_url}"\n\n'
        f'[web]\nport = {port}\npublic_url = "http://127.0.0.1:{port}"\n'
    )
    log = (work / "bot.log").open("wb")
    bot = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run", "--config", str(config)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while not tg.webhook:
            assert bot.poll() is None and time.monotonic() < deadline, "vitrine run did not start"
            time.sleep(0.1)
        time.sleep(1)
        rest = rss_mb(bot.pid, "VmRSS")
        ordinary = round_of(tg, owners, customers, small_png())
        after_ordinary = rss_mb(bot.pid)
        print(f"bomb: {len(bomb := bomb_png()) / 1024:.0f} KB on the wire, {SIDE} x {SIDE} RGB")
        bombs = round_of(tg, owners, customers, bomb)
        after_bombs = rss_mb(bot.pid)
    finally:
        bot.terminate()
        bot.wait(15)
        tg.close()
    print(f"RSS at rest (baseline):            {rest:7.1f} MB")
    print(f"peak after {args.bombs} ordinary photos:     {after_ordinary:7.1f} MB  {ordinary}")
    print(f"peak after {args.bombs} bombs at once:       {after_bombs:7.1f} MB  {bombs}")
    met = after_bombs < GOAL_MB and bombs.startswith(f"{args.bombs}/{args.bombs}")
    print(f"goal: peak < {GOAL_MB} MB and every customer answered: {'met' if met else 'MISSED'}")
    print(f"bot log: {work / 'bot.log'}")
    return 0 if met else 1


def round_of(tg: object, owners: list[int], customers: list[int], picture: bytes) -> str:
    """Owners send `picture` as a file while customers type /start, all at once; who got answers."""
    from tests.fakes.telegram_standin import TelegramStandIn

    assert isinstance(tg, TelegramStandIn)
    start = threading.Barrier(len(owners) + len(customers))
    before = {chat: len(tg.chat_log(chat)) for chat in owners + customers}

    def owner(chat: int) -> None:
        number = next(tg._ids)
        file_id = f"BQAC{number:08d}"
        tg.files[file_id] = (f"documents/file_{number}.png", picture)
        document = {
            "file_id": file_id,
            "file_unique_id": f"u{number}",
            "mime_type": "image/png",
            "file_name": "vitrine.png",
            "file_size": len(picture),
        }
        message = tg._message(chat, "fr", "Owner", document=document, caption="Bougie - 12 €")
        start.wait()
        tg.post_webhook({"update_id": next(tg._ids), "message": message})

    def customer(chat: int) -> None:
        entities = [{"type": "bot_command", "offset": 0, "length": 6}]
        message = tg._message(chat, "fr", "Client", text="/start", entities=entities)
        start.wait()
        tg.post_webhook({"update_id": next(tg._ids), "message": message})

    tg.known_chats.update(owners + customers)
    began = time.monotonic()
    threads = [threading.Thread(target=owner, args=(c,)) for c in owners]
    threads += [threading.Thread(target=customer, args=(c,)) for c in customers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    def answered(chats: list[int]) -> list[int]:
        return [c for c in chats if len(tg.chat_log(c)) > before[c]]

    while time.monotonic() - began < 60 and len(answered(owners + customers)) < len(before):
        time.sleep(0.1)
    seconds = time.monotonic() - began
    return (
        f"{len(answered(customers))}/{len(customers)} customers and "
        f"{len(answered(owners))}/{len(owners)} owners answered in {seconds:.1f} s"
    )


if __name__ == "__main__":
    sys.exit(main())
