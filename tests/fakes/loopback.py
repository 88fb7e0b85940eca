"""Plumbing shared by the platform stand-ins (Telegram, Twilio): the published spec they
check requests against, an HTTP server on a free loopback port in a thread, and a quiet
request handler that answers bytes or JSON."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

# Where the project's shared/ folder is kept on the developers' machines, when the checkout
# is not beside it (a clone made elsewhere to try the CI script).
SHARED_FALLBACK = Path("/work/shared")


def spec(name: str) -> Any:
    """shared/spec/<name>, from the first folder above this one that has it (CI puts shared/
    beside the clone), else the developers' shared folder."""
    here = Path(__file__).resolve()
    for folder in [*here.parents, SHARED_FALLBACK.parent]:
        path = folder / "shared" / "spec" / name
        if path.exists():
            return json.loads(path.read_text())
    raise FileNotFoundError(f"shared/spec/{name}")


class LoopbackServer:
    """A threading HTTP server on 127.0.0.1 and a port the system picked, served in a thread."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> None:
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler that logs nothing and answers in one call."""

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _answer(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (a long poll cancelled at shutdown)

    def _json(self, status: int, data: Any) -> None:
        self._answer(status, json.dumps(data).encode(), "application/json")
