"""Bodies nobody should send: refused at once, before they are read, on every endpoint."""

import socket
import time
from urllib.parse import urlsplit

import pytest

from tests.fakes.telegram import SECRET, sqlite_only

HALF_GIGABYTE = 500 * 1024 * 1024


def rss_mb() -> float:
    """This process's resident memory (the server runs in a thread of it)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def huge_post(
    base: str, path: str, headers: dict[str, str], *, chunked: bool = False
) -> tuple[int, float]:
    """POST a body that claims (or streams) 500 MB; the status and seconds until it came."""
    url = urlsplit(base)
    sock = socket.create_connection((url.hostname, url.port), timeout=10)
    lines = [f"POST {path} HTTP/1.1", f"Host: {url.netloc}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    lines.append("Transfer-Encoding: chunked" if chunked else f"Content-Length: {HALF_GIGABYTE}")
    began = time.monotonic()
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    chunk = b"a" * (64 * 1024)
    framed = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n" if chunked else chunk
    sock.settimeout(0.01)
    answer = b""
    sent = 0
    try:
        while b"\r\n" not in answer and time.monotonic() - began < 20:
            if sent < HALF_GIGABYTE:
                try:
                    sock.sendall(framed)
                    sent += len(chunk)
                except (BlockingIOError, TimeoutError):
                    pass
                except (BrokenPipeError, ConnectionResetError):
                    sent = HALF_GIGABYTE  # the server hung up: read its answer
            try:
                answer += sock.recv(4096)
            except (BlockingIOError, TimeoutError):
                pass
    finally:
        sock.close()
    status = int(answer.split(b" ", 2)[1]) if answer else 0
    return status, time.monotonic() - began


@pytest.fixture
def telegram_webhook(start_bot):
    return start_bot("webhook")


@sqlite_only
@pytest.mark.parametrize("chunked", [False, True])
def test_a_half_gigabyte_telegram_post_gets_413_at_once(telegram_webhook, chunked):
    before = rss_mb()
    headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET}
    status, seconds = huge_post(
        telegram_webhook.public_url, "/telegram/webhook", headers, chunked=chunked
    )
    assert status == 413
    assert seconds < 3
    assert rss_mb() - before < 30


@sqlite_only
@pytest.mark.parametrize("chunked", [False, True])
def test_a_half_gigabyte_twilio_post_gets_413_at_once(whatsapp_server, chunked):
    before = rss_mb()
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": "x"}
    status, seconds = huge_post(whatsapp_server.base, "/whatsapp/webhook", headers, chunked=chunked)
    assert status == 413
    assert seconds < 3
    assert rss_mb() - before < 30


@sqlite_only
def test_other_endpoints_have_a_limit_too(whatsapp_server):
    status, _ = huge_post(whatsapp_server.base, "/healthz", {})
    assert status == 413


def test_deeply_nested_json_on_the_telegram_webhook_is_a_400(telegram_webhook, tg):
    for nested in ("[" * 50_000 + "]" * 50_000, '{"update_id": 5, "message": ' + "[" * 20_000):
        assert _post_raw(tg, nested.encode()) == 400
    # Well-formed JSON, each message quoting the one before, 900 deep: PTB reads it recursively.
    head = '{"message_id": 1, "date": 0, "chat": {"id": 1001, "type": "private"}'
    deep = head + (', "reply_to_message": ' + head) * 900 + "}" * 901
    assert _post_raw(tg, ('{"update_id": 6, "message": ' + deep + "}").encode()) in (200, 400)
    assert tg.post_webhook({"update_id": 7}) == 200  # still serving


def _post_raw(tg, body: bytes) -> int:
    import urllib.error
    import urllib.request

    headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET}
    request = urllib.request.Request(tg.webhook["url"], body, headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as exc:
        return exc.code
