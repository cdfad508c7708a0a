"""Does every link in an issue still lead somewhere? Checked before *Mark ready* and on demand.

A dead link in a sent newsletter cannot be taken back, and a reader who clicks it blames the team,
not the site that moved. Each pick URL goes through the same guarded fetcher as feeds (so a pick
cannot be used to probe the private network), asking HEAD first because it costs the other site
nothing, and GET (headers only) when a server refuses HEAD, as many do. Links are checked side by
side, at most TEAM_LINKCHECK_CONCURRENCY at once and FEEDS_PER_HOST_CONCURRENCY per host, so an issue
of thirty picks takes about as long as its slowest link rather than the sum of all of them.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from curator.editions import workflow
from curator.editions.models import Issue, LinkCheck, Pick, WorkflowError
from curator.feeds.fetch import BlockedURL, Fetcher, FetchError, HTTPStatusError

__all__ = ["DeadLinks", "LinkResult", "check_issue", "check_urls", "failing_checks", "replace_with_final_url"]


@dataclass
class LinkResult:
    url: str
    ok: bool
    status: int | None = None
    final_url: str = ""
    error: str = ""
    elapsed: float = 0.0
    pick_id: int | None = None

    @property
    def redirected(self) -> bool:
        return bool(self.ok and self.final_url and self.final_url != self.url)

    @property
    def slow(self) -> bool:
        return self.elapsed >= settings.TEAM_LINKCHECK_SLOW_SECONDS


class DeadLinks(WorkflowError):
    """*Mark ready* while a link is dead, without an editor's note saying why that is fine."""


def check_one(fetcher: Fetcher, url: str) -> LinkResult:
    """HEAD, then GET when the server answers HEAD with an error; never raises."""
    started = time.monotonic()
    try:
        try:
            answer = fetcher.get(url, method="HEAD")
        except HTTPStatusError:
            answer = fetcher.get(url, read_body=False)
    except HTTPStatusError as exc:
        return LinkResult(url, False, exc.status, "", str(exc), time.monotonic() - started)
    except BlockedURL as exc:
        return LinkResult(url, False, None, "", f"refused: {exc}", time.monotonic() - started)
    except FetchError as exc:
        return LinkResult(url, False, None, "", str(exc) or type(exc).__name__, time.monotonic() - started)
    return LinkResult(url, True, answer.status, answer.final_url, "", time.monotonic() - started)


def check_urls(urls: Iterable[str], concurrency: int | None = None) -> list[LinkResult]:
    """One result per URL, in order; duplicates are checked once."""
    urls = list(urls)
    unique = list(dict.fromkeys(urls))
    workers = max(1, concurrency or settings.TEAM_LINKCHECK_CONCURRENCY)
    threads = min(workers, max(1, len(unique)))
    with (
        Fetcher(deadline=settings.TEAM_LINKCHECK_TIMEOUT) as fetcher,
        ThreadPoolExecutor(max_workers=threads, thread_name_prefix="linkcheck") as pool,
    ):
        found = dict(zip(unique, pool.map(lambda url: check_one(fetcher, url), unique), strict=True))
    return [LinkResult(**vars(found[url])) for url in urls]


def pick_url(pick: Pick) -> str:
    return pick.url or (pick.entry.url if pick.entry_id and pick.entry else "")


def check_issue(issue: Issue) -> list[LinkResult]:
    """Check every pick's link now and keep the outcome for the issue page (one row per pick)."""
    picks = [pick for pick in Pick.objects.filter(issue_id=issue.pk).select_related("entry") if pick_url(pick)]
    results = check_urls(pick_url(pick) for pick in picks)
    now = timezone.now()
    for pick, result in zip(picks, results, strict=True):
        result.pick_id = pick.pk
        LinkCheck.objects.update_or_create(
            pick=pick,
            defaults={
                "url": result.url[:2000],
                "ok": result.ok,
                "status": result.status,
                "final_url": result.final_url[:2000],
                "error": result.error[:500],
                "elapsed": result.elapsed,
                "checked_at": now,
            },
        )
    return results


def failing_checks(issue: Issue | int) -> list[LinkCheck]:
    """Last checks that failed, for links still in the issue unchanged (an edited URL is unknown again)."""
    issue_id = issue if isinstance(issue, int) else issue.pk
    rows = LinkCheck.objects.filter(pick__issue_id=issue_id, ok=False).select_related("pick")
    return [row for row in rows if row.url == row.pick.url]


def _why(result: LinkResult) -> str:
    return f"HTTP {result.status}" if result.status else result.error


def dead_links_message(results: list[LinkResult], titles: dict[int, str]) -> str:
    dead = [r for r in results if not r.ok]
    named = "; ".join(f"“{titles.get(r.pick_id or 0, r.url)}” ({_why(r)})" for r in dead[:5])
    more = f" and {len(dead) - 5} more" if len(dead) > 5 else ""
    noun = "link is" if len(dead) == 1 else "links are"
    return (
        f"{len(dead)} {noun} dead: {named}{more}. Fix or remove them, or mark ready with a note saying why they stay."
    )


def guard_ready(issue: Issue, override_note: str = "") -> list[LinkResult]:
    """Check the links; raise DeadLinks while one is dead, unless the editor gave a note."""
    if not settings.TEAM_LINKCHECK_BEFORE_READY:
        return []
    results = check_issue(issue)
    if any(not r.ok for r in results) and not override_note.strip():
        titles = dict(Pick.objects.filter(issue_id=issue.pk).values_list("pk", "title"))
        raise DeadLinks(dead_links_message(results, titles))
    return results


@transaction.atomic
def replace_with_final_url(pick: Pick, user: User | None = None) -> Pick:
    """A redirect's destination becomes the pick's link, so readers skip the hop (and it survives the old URL)."""
    workflow.lock_editable(pick.issue_id)
    check = LinkCheck.objects.filter(pick_id=pick.pk).first()
    if check is None or not check.ok or not check.final_url or check.final_url == pick.url:
        raise WorkflowError("This link has no newer address to use: check the links again.")
    if check.url != pick.url:
        raise WorkflowError("The link changed since it was checked: check the links again.")
    pick.url = check.final_url
    pick.save(update_fields=["url"])
    check.url = check.final_url
    check.save(update_fields=["url"])
    return pick
