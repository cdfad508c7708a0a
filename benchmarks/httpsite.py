"""A local HTTP site in a background thread, for benchmarks that fetch pages (suggest, linkcheck).

The fetcher refuses private addresses unless FEEDS_ALLOWED_NETWORKS lists them, so callers run inside
`override_settings(FEEDS_ALLOWED_NETWORKS=["127.0.0.1/32"])`. The ingest benchmark serves its feeds
from a separate process instead (its parse work would otherwise share the GIL with the fetcher).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class QuietHandler(BaseHTTPRequestHandler):
    """A handler that keeps the benchmark's output free of one access-log line per request."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def reply(
        self, status: int, body: bytes = b"", headers: dict[str, str] | None = None, send_body: bool = True
    ) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body and body:
            self.wfile.write(body)


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler], sites: int = 1) -> Iterator[list[str]]:
    """Serve `handler` on `sites` ports of 127.0.0.1; yields their base URLs, shut down on exit."""
    with ExitStack() as stack:
        bases = []
        for _ in range(sites):
            server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True).start()
            stack.callback(server.server_close)
            stack.callback(server.shutdown)
            bases.append(f"http://127.0.0.1:{server.server_address[1]}")
        yield bases
