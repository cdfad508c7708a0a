"""A real HTTP server for feed tests: fixture files plus the misbehaviours the fetcher must survive."""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "feeds"
LAST_MODIFIED = "Mon, 02 Nov 2026 10:00:00 GMT"
TYPES = {
    ".json": "application/feed+json",
    ".xml": "application/xml",
    ".rdf": "application/rdf+xml",
    ".rss": "application/rss+xml",
    ".html": "text/html",
}


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    client: str


@dataclass
class State:
    requests: list[Seen] = field(default_factory=list)
    routes: dict[str, Callable[[BaseHTTPRequestHandler], None]] = field(default_factory=dict)
    # /api/query?start=N serves arxiv_pages[N] (an empty result page when missing)
    arxiv_pages: dict[int, str] = field(default_factory=dict)
    # path -> fixture file, to serve different content under a fixed URL (e.g. a feed that changes)
    aliases: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def paths(self) -> list[str]:
        with self.lock:
            return [r.path for r in self.requests]


class Handler(BaseHTTPRequestHandler):
    server_version = "FixtureServer/1.0"
    state: State

    def log_message(self, format: str, *args: object) -> None:
        pass

    def handle(self) -> None:
        # The fetcher hangs up on purpose (size cap, deadline); that is not a server error.
        with contextlib.suppress(ConnectionError, TimeoutError):
            super().handle()

    def do_GET(self) -> None:
        with self.state.lock:
            self.state.requests.append(
                Seen("GET", self.path, {k.lower(): v for k, v in self.headers.items()}, self.client_address[0])
            )
        parts = urlsplit(self.path)
        path = parts.path
        if path in self.state.routes:
            return self.state.routes[path](self)
        if path == "/api/query":
            start = int(parse_qs(parts.query).get("start", ["0"])[0])
            return self.send_file(self.state.arxiv_pages.get(start, "arxiv_empty.xml"))
        head, _, rest = path.lstrip("/").partition("/")
        special = getattr(self, f"route_{head.replace('-', '_')}", None)
        if special is not None:
            return special(rest, parse_qs(parts.query))
        return self.send_file(self.state.aliases.get(path, path.lstrip("/")))

    def send_file(self, name: str) -> None:
        file = (FIXTURES / name).resolve()
        if FIXTURES not in file.parents or not file.is_file():
            return self.send_body(404, b"not found", "text/plain")
        body = file.read_bytes()
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_body(200, body, TYPES.get(file.suffix, "application/octet-stream"), {"ETag": etag})

    def send_body(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", LAST_MODIFIED)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, status: int, location: str) -> None:
        self.send_response(status)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    # /redirect/N: N hops, the last one lands on rss20.xml
    def route_redirect(self, rest: str, query: dict) -> None:
        hops = int(rest or "1")
        self.redirect(302, f"/redirect/{hops - 1}" if hops > 1 else "/rss20.xml")

    # /moved/<file>: a permanent redirect
    def route_moved(self, rest: str, query: dict) -> None:
        self.redirect(301, f"/{rest}")

    # /redirect-to?url=...: wherever the test says
    def route_redirect_to(self, rest: str, query: dict) -> None:
        self.redirect(int(query.get("status", ["302"])[0]), query["url"][0])

    # /status/<code>; 429 and 503 carry Retry-After
    def route_status(self, rest: str, query: dict) -> None:
        code = int(rest)
        headers = {"Retry-After": query.get("retry", ["120"])[0]} if code in (429, 503) else {}
        self.send_body(code, f"status {code}".encode(), "text/plain", headers)

    # /huge?mb=N&declared=1: N MB of text, with or without a Content-Length
    def route_huge(self, rest: str, query: dict) -> None:
        megabytes = int(query.get("mb", ["20"])[0])
        self.send_response(200)
        self.send_header("Content-Type", "application/xml")
        if query.get("declared"):
            self.send_header("Content-Length", str(megabytes * 1024 * 1024))
        self.end_headers()
        chunk = b"<rss>" + b"a" * (1024 * 1024 - 5)
        for _ in range(megabytes):
            self.wfile.write(chunk)

    # /gzip-bomb?mb=N: a few dozen KB on the wire, N MB once decoded
    def route_gzip_bomb(self, rest: str, query: dict) -> None:
        megabytes = int(query.get("mb", ["200"])[0])
        body = _gzip_zeros(megabytes)
        self.send_body(200, body, "application/xml", {"Content-Encoding": "gzip"})

    # /gzipped/<file>: a fixture, honestly compressed
    def route_gzipped(self, rest: str, query: dict) -> None:
        body = gzip.compress((FIXTURES / rest).read_bytes())
        self.send_body(200, body, "application/xml", {"Content-Encoding": "gzip"})

    # /slow?interval=0.2: headers at once, then one byte per interval, forever
    def route_slow(self, rest: str, query: dict) -> None:
        interval = float(query.get("interval", ["0.2"])[0])
        self.send_response(200)
        self.send_header("Content-Type", "application/xml")
        self.end_headers()
        for _ in range(600):
            self.wfile.write(b" ")
            self.wfile.flush()
            time.sleep(interval)


_bombs: dict[int, bytes] = {}


def _gzip_zeros(megabytes: int) -> bytes:
    if megabytes not in _bombs:
        _bombs[megabytes] = gzip.compress(b"\0" * (megabytes * 1024 * 1024), compresslevel=9)
    return _bombs[megabytes]


class FixtureServer:
    def __init__(self, host: str = "127.0.0.1") -> None:
        self.state = State()
        handler = type("BoundHandler", (Handler,), {"state": self.state})
        self.httpd = ThreadingHTTPServer((host, 0), handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.host, self.port = self.httpd.server_address[:2]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}/{path.lstrip('/')}"

    @property
    def requests(self) -> list[Seen]:
        with self.state.lock:
            return list(self.state.requests)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
