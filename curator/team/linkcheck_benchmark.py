"""`manage.py benchmark linkcheck`: checking an issue of 30 picks, against a naive sequential check.

The links point at local HTTP servers (one per simulated site, so the per-host limit applies as it
would on the internet) that answer each request after a fixed latency and serve a page of a
typical article's size. The naive check GETs each link in turn and reads the whole page; ours is
`check_issue` (HEAD, bounded concurrency, results stored). Both run in the same process, on the
same issue, inside a transaction that is rolled back at the end.
"""

from __future__ import annotations

import datetime
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from django.conf import settings
from django.db import transaction
from django.test.utils import override_settings

from curator.editions.models import Issue, Pick
from curator.feeds.fetch import Fetcher, FetchError, limiter
from curator.team import linkcheck


class Rollback(Exception):
    pass


def add_arguments(parser: Any) -> None:
    parser.add_argument("--picks", type=int, default=30)
    parser.add_argument("--sites", type=int, default=6, help="simulated hosts the links spread over")
    parser.add_argument("--latency", type=float, default=0.2, help="seconds each site takes to answer")
    parser.add_argument("--page-kb", type=int, default=150, help="size of each page")


def start_site(latency: float, body: bytes) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def _answer(self, with_body: bool) -> None:
            time.sleep(latency)
            if self.path.startswith("/gone"):
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if self.path.startswith("/old"):
                self.send_response(301)
                self.send_header("Location", self.path.replace("/old", "/new", 1))
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if with_body:
                self.wfile.write(body)

        def do_GET(self) -> None:
            self._answer(True)

        def do_HEAD(self) -> None:
            self._answer(False)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def naive_check(urls: list[str]) -> list[bool]:
    """One GET after the other, whole page read: what a first version would do."""
    found = []
    with Fetcher(deadline=settings.TEAM_LINKCHECK_TIMEOUT) as fetcher:
        for url in urls:
            try:
                fetcher.get(url)
                found.append(True)
            except FetchError:
                found.append(False)
    return found


def run(stdout: Any = None, **options: Any) -> dict:
    picks, sites, latency = options.get("picks", 30), options.get("sites", 6), options.get("latency", 0.2)
    body = b"<html><body>" + b"<p>An article paragraph of ordinary length.</p>" * (options.get("page_kb", 150) * 21)
    servers = [start_site(latency, body) for _ in range(sites)]
    figures: dict = {}
    try:
        with override_settings(FEEDS_ALLOWED_NETWORKS=["127.0.0.1/32"]), transaction.atomic():
            limiter.reset()
            issue = Issue.objects.create(title="Link check benchmark", month=datetime.date(2026, 1, 1))
            section = issue.sections.first() or issue.sections.create(title="Reading")
            urls = []
            for n in range(picks):
                port = servers[n % sites].server_address[1]
                kind = "gone" if n == 7 else "old" if n in (3, 18) else "page"
                urls.append(f"http://127.0.0.1:{port}/{kind}/{n}")
            Pick.objects.bulk_create(
                Pick(issue=issue, section=section, title=f"Pick {n}", url=url, position=n) for n, url in enumerate(urls)
            )
            started = time.perf_counter()
            naive = naive_check(urls)
            naive_s = time.perf_counter() - started
            started = time.perf_counter()
            results = linkcheck.check_issue(issue)
            ours_s = time.perf_counter() - started
            assert [r.ok for r in results] == naive, "both checks must agree"
            figures = {
                "picks": picks,
                "sites": sites,
                "latency_s": latency,
                "page_kb": options.get("page_kb", 150),
                "concurrency": settings.TEAM_LINKCHECK_CONCURRENCY,
                "per_host": settings.FEEDS_PER_HOST_CONCURRENCY,
                "dead": sum(1 for r in results if not r.ok),
                "redirected": sum(1 for r in results if r.redirected),
                "naive_sequential_s": round(naive_s, 3),
                "check_issue_s": round(ours_s, 3),
                "speedup": round(naive_s / ours_s, 1) if ours_s else 0.0,
            }
            raise Rollback
    except Rollback:
        pass
    finally:
        limiter.reset()
        for server in servers:
            server.shutdown()
            server.server_close()
    return figures
