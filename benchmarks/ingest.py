"""`manage.py benchmark ingest`: the real ingest path against a naive sequential loop, same feeds, same run.

N feeds are served locally, each on its own loopback address (127.0.0.2, 127.0.0.3, ...) so the per-host
limit applies as it would to N real sites, and every response is delayed by the injected latency. The
naive baseline fetches and parses them one after the other. The real path is `ingest_many`, storing
into the database inside a transaction that is rolled back at the end. A second pass of the real path
then shows what an unchanged week costs: conditional GETs answered 304, nothing parsed, nothing written.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import threading
import time
from argparse import ArgumentParser
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from typing import Any

import feedparser
import httpx
from django.db import transaction
from django.test import override_settings

from curator.feeds.fetch import limiter
from curator.feeds.ingest import ingest_many
from curator.feeds.models import Source
from curator.feeds.parse import parse_feed

MAX_ADDRESSES = 250  # 127.0.0.2 .. 127.0.0.251


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--feeds", type=int, default=200, help="number of feeds served (default 200)")
    parser.add_argument("--latency-ms", type=int, default=200, help="delay added to every response (default 200)")
    parser.add_argument("--entries", type=int, default=10, help="items per feed (default 10)")
    parser.add_argument("--concurrency", type=int, default=32, help="FEEDS_CONCURRENCY for the run (default 32)")


# Long enough (> parse.TEASER_CHARS) to count as full content, as in most blog feeds: no article fetches.
_BODY = (
    "&lt;p&gt;Post {n} of feed {index} looks at why sparse attention patterns help long-context models, "
    'with &lt;a href="/notes/{n}"&gt;a link to the notes&lt;/a&gt; and a short list of results.&lt;/p&gt;'
    "&lt;p&gt;We compare sliding windows, dilated patterns and learned routing on three retrieval tasks, and find "
    "that the learned variant wins only when the context is longer than the training length. The rest of the "
    "post discusses memory use, kernels, and how the results change with model size and batch size.&lt;/p&gt;"
    "&lt;p&gt;Finally we list open questions: whether the patterns transfer across tasks, how they interact with "
    "positional encodings, and whether the gains survive instruction tuning. Comments are welcome.&lt;/p&gt;"
)


def make_feed(index: int, entries: int) -> bytes:
    items = "".join(
        f"""<item><title>Feed {index} post {n}: notes on sparse attention</title>
<link>https://blog-{index}.example/posts/{n}</link><guid isPermaLink="false">bench-{index}-{n}</guid>
<pubDate>Mon, 02 Nov 2026 09:{n % 60:02d}:00 GMT</pubDate><dc:creator>Author {n}</dc:creator>
<description>{_BODY.format(n=n, index=index)}</description></item>"""
        for n in range(entries)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<channel><title>Benchmark blog {index}</title><link>https://blog-{index}.example/</link>"
        f"<description>b</description>{items}</channel></rss>"
    ).encode()


def _handler(bodies: dict[str, bytes], latency: float) -> type[BaseHTTPRequestHandler]:
    etags = {path: '"' + hashlib.sha256(body).hexdigest()[:16] + '"' for path, body in bodies.items()}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            time.sleep(latency)
            body, etag = bodies.get(self.path), etags.get(self.path)
            if body is None or etag is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", etag)
            self.end_headers()
            self.wfile.write(body)

    return Handler


def _plan(feeds: int) -> list[dict[str, int]]:
    """Feed paths per loopback address: feed i lives on address i % MAX_ADDRESSES."""
    addresses = min(feeds, MAX_ADDRESSES)
    per_address: list[dict[str, int]] = [{} for _ in range(addresses)]
    for i in range(feeds):
        per_address[i % addresses][f"/feed/{i}.xml"] = i
    return per_address


def _serve_forever(feeds: int, entries: int, latency: float, reply: Connection) -> None:
    """The feed servers' process: start every server, report their ports, then serve until killed."""
    ports = []
    for a, paths in enumerate(_plan(feeds)):
        bodies = {path: make_feed(i, entries) for path, i in paths.items()}
        server = ThreadingHTTPServer((f"127.0.0.{a + 2}", 0), _handler(bodies, latency))
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        ports.append(server.server_address[1])
    reply.send(ports)
    threading.Event().wait()


@contextmanager
def serve(feeds: int, entries: int, latency: float) -> Iterator[tuple[list[str], dict[str, bytes]]]:
    """Serve the feeds spread over up to MAX_ADDRESSES loopback addresses; yields (urls, bodies by url).

    The servers run in a process of their own, as real sites would: in this process their threads
    would compete for the GIL with the fetching and storing being measured.
    """
    # fork: the child needs no Django setup, and nothing but this thread runs yet.
    context = multiprocessing.get_context("fork")
    receive, reply = context.Pipe(duplex=False)
    process = context.Process(target=_serve_forever, args=(feeds, entries, latency, reply), daemon=True)
    process.start()
    try:
        if not receive.poll(120):
            raise RuntimeError("the benchmark feed servers did not start")
        ports = receive.recv()
        urls, by_url = [], {}
        for a, (paths, port) in enumerate(zip(_plan(feeds), ports, strict=True)):
            for path, i in paths.items():
                url = f"http://127.0.0.{a + 2}:{port}{path}"
                urls.append(url)
                by_url[url] = make_feed(i, entries)
        yield urls, by_url
    finally:
        process.kill()
        process.join(10)


def naive_sequential(urls: list[str]) -> tuple[float, int]:
    """What a first version would do: one GET after another, parse each, no conditional requests."""
    started, parsed = time.monotonic(), 0
    with httpx.Client(trust_env=False) as client:
        for url in urls:
            response = client.get(url)
            parsed += len(feedparser.parse(response.content).entries)
    return time.monotonic() - started, parsed


class _Rollback(Exception):
    pass


@contextmanager
def fetch_settings(**values: Any) -> Iterator[None]:
    """Settings for the run; the fetch limiter reads its bounds once, so it re-reads them in and out."""
    try:
        with override_settings(**values):
            limiter.reset()
            yield
    finally:
        limiter.reset()


def run(stdout: Any = None, **options: Any) -> dict:
    feeds, latency_ms, entries = options["feeds"], options["latency_ms"], options["entries"]
    say = stdout.write if stdout is not None else (lambda _msg: None)
    figures: dict[str, Any] = {"feeds": feeds, "latency_ms": latency_ms, "entries_per_feed": entries}
    settings_for_run = {
        "FEEDS_ALLOWED_NETWORKS": ["127.0.0.0/8"],
        "FEEDS_CONCURRENCY": options["concurrency"],
    }
    with fetch_settings(**settings_for_run), serve(feeds, entries, latency_ms / 1000) as (urls, bodies):
        say(f"serving {feeds} feeds x {entries} items with {latency_ms} ms latency")
        started = time.monotonic()
        total_entries = sum(len(parse_feed(body, url).entries) for url, body in bodies.items())
        parse_s = time.monotonic() - started
        figures["parse_entries_per_s"] = round(total_entries / parse_s, 1)

        figures["sequential_s"], naive_entries = naive_sequential(urls)
        say(f"naive sequential: {figures['sequential_s']:.2f}s, {naive_entries} entries parsed")
        try:
            with transaction.atomic():
                sources = Source.objects.bulk_create(
                    [Source(name=f"benchmark feed {i}", url=url) for i, url in enumerate(urls)]
                )
                started = time.monotonic()
                first = ingest_many(sources, trigger="benchmark")
                figures["ours_s"] = time.monotonic() - started
                figures["ours_new_entries"] = sum(r.new for r in first)
                figures["ours_failed"] = sum(r.failed for r in first)
                say(f"real ingest path: {figures['ours_s']:.2f}s, {figures['ours_new_entries']} entries stored")

                sources = list(Source.objects.filter(pk__in=[s.pk for s in sources]))
                started = time.monotonic()
                second = ingest_many(sources, trigger="benchmark")
                figures["second_pass_s"] = time.monotonic() - started
                figures["second_pass_not_modified"] = sum(r.not_modified for r in second)
                figures["second_pass_parsed"] = sum(r.parsed for r in second)
                figures["second_pass_new_entries"] = sum(r.new for r in second)
                say(
                    f"second pass: {figures['second_pass_s']:.2f}s, "
                    f"{figures['second_pass_not_modified']} not modified, {figures['second_pass_parsed']} parsed"
                )
                raise _Rollback
        except _Rollback:
            pass
    figures["ratio"] = round(figures["sequential_s"] / figures["ours_s"], 1)
    for key in ("sequential_s", "ours_s", "second_pass_s"):
        figures[key] = round(figures[key], 3)
    return figures
