"""Reading test-client responses with their types; a real HTTP server that records what it receives."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from django.http import HttpResponseBase, StreamingHttpResponse

if TYPE_CHECKING:
    # What the test client returns: a response with `content`, `context` and `templates` added.
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

__all__ = ["Received", "Receiver", "TestResponse", "streamed_body"]


def streamed_body(response: HttpResponseBase) -> bytes:
    """The whole body of a streamed response (a file download or a CSV export)."""
    assert isinstance(response, StreamingHttpResponse), type(response)
    return response.getvalue()


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """A real HTTP server on loopback, in a thread, that records every POST it receives and answers
    with the next of `statuses` (then the last one again), after sleeping `delay` seconds."""

    statuses: list[int] = field(default_factory=lambda: [200])
    delay: float = 0.0
    received: list[Received] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None  # started
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/hook"

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                receiver.received.append(Received(self.path, dict(self.headers.items()), body))
                status = receiver.statuses[min(len(receiver.received), len(receiver.statuses)) - 1]
                time.sleep(receiver.delay)
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
