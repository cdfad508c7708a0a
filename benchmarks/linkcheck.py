"""`manage.py benchmark linkcheck`: checking an issue of 30 picks, against a naive sequential check.

The links point at local HTTP servers (one per simulated site, so the per-host limit applies as it
would on the internet) that answer each request after a fixed latency and serve a page of a
typical article's size. The naive check GETs each link in turn and reads the whole page; ours is
`check_issue` (HEAD, bounded concurrency, results stored). Both run in the same process, on the
same issue, inside a transaction that is rolled back at the end.
"""

from __future__ import annotations

import datetime
import time
from typing import Any

from django.conf import settings
from django.db import transaction
from django.test.utils import override_settings

from benchmarks.httpsite import QuietHandler, serving
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


def site_handler(latency: float, body: bytes) -> type[QuietHandler]:
    """Pages after `latency` seconds: /gone/* is a 404, /old/* redirects to /new/*, the rest is `body`."""

    class Handler(QuietHandler):
        def _answer(self, with_body: bool) -> None:
            time.sleep(latency)
            if self.path.startswith("/gone"):
                self.reply(404)
            elif self.path.startswith("/old"):
                self.reply(301, headers={"Location": self.path.replace("/old", "/new", 1)})
            else:
                self.reply(200, body, {"Content-Type": "text/html"}, send_body=with_body)

        def do_GET(self) -> None:
            self._answer(True)

        def do_HEAD(self) -> None:
            self._answer(False)

    return Handler


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
    figures: dict = {}
    with serving(site_handler(latency, body), sites) as bases:
        try:
            with override_settings(FEEDS_ALLOWED_NETWORKS=["127.0.0.1/32"]), transaction.atomic():
                limiter.reset()
                issue = Issue.objects.create(title="Link check benchmark", month=datetime.date(2026, 1, 1))
                section = issue.sections.first() or issue.sections.create(title="Reading")
                urls = []
                for n in range(picks):
                    base = bases[n % sites]
                    kind = "gone" if n == 7 else "old" if n in (3, 18) else "page"
                    urls.append(f"{base}/{kind}/{n}")
                Pick.objects.bulk_create(
                    Pick(issue=issue, section=section, title=f"Pick {n}", url=url, position=n)
                    for n, url in enumerate(urls)
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
    return figures
