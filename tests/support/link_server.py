"""A local HTTP server whose pages the link check finds alive, missing, moved, slow or refusing HEAD."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class LinkServer:
    """Pages for the link check: /live, /missing (404), /moved (302 to /live), /slow, /no-head (405 on HEAD)."""

    slow_seconds: float = 1.2
    seen: list[tuple[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    def url(self, path: str) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def methods(self, path: str) -> list[str]:
        with self.lock:
            return [method for method, seen_path in self.seen if seen_path == path]


def handler_for(state: LinkServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def answer(self, method: str) -> None:
            with state.lock:
                state.seen.append((method, self.path))
            path = self.path.split("?")[0]
            if path == "/moved":
                return self.reply(302, location="/live")
            if path == "/missing":
                return self.reply(404)
            if path == "/slow":
                time.sleep(state.slow_seconds)
                return self.reply(200)
            if path == "/no-head" and method == "HEAD":
                return self.reply(405)
            if path.startswith("/page") or path in ("/live", "/no-head"):
                return self.reply(200)
            return self.reply(404)

        def reply(self, status: int, location: str = "") -> None:
            body = b"<html><title>A page</title><p>Hello.</p></html>" * 20
            self.send_response(status)
            if location:
                self.send_header("Location", location)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def do_GET(self) -> None:
            self.answer("GET")

        def do_HEAD(self) -> None:
            self.answer("HEAD")

    return Handler


@contextmanager
def running_link_server() -> Iterator[LinkServer]:
    state = LinkServer()
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(state))
    server.daemon_threads = True
    state.server = server
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
