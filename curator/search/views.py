"""The public search page: archive scope, grouped by issue, paginated, no JavaScript."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from curator.editions.models import Issue, Pick
from curator.lib.client_ip import client_ip
from curator.search import limits
from curator.search.query import MAX_QUERY_CHARS, Hit, normalize, search

RESULTS = 100  # hits fetched for paging; beyond that readers refine the query


@dataclass
class IssueGroup:
    issue: Issue
    issue_hit: Hit | None = None
    picks: list[tuple[Hit, Pick]] = field(default_factory=list)


def group_by_issue(hits: list[Hit]) -> list[IssueGroup]:
    """Hits of one issue together, in the order of each issue's best hit (two queries)."""
    issues = Issue.objects.in_bulk({h.issue_id for h in hits if h.issue_id})
    picks = Pick.objects.in_bulk([h.id for h in hits if h.kind == "pick"])
    groups: dict[int, IssueGroup] = {}
    for hit in hits:
        issue = issues.get(hit.issue_id or 0)
        if issue is None:
            continue
        group = groups.setdefault(issue.pk, IssueGroup(issue))
        if hit.kind == "issue":
            group.issue_hit = hit
        elif hit.id in picks:
            group.picks.append((hit, picks[hit.id]))
    return list(groups.values())


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("q", "")
    query = normalize(raw)
    context: dict = {"query": query, "max_chars": MAX_QUERY_CHARS, "searched": bool(query)}
    if query:
        if not limits.take_search_slot(client_ip(request)):
            return render(request, "search/limited.html", context, status=429)
        hits = search(query, scope="archive", limit=RESULTS)
        page = Paginator(hits, settings.SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
        context.update(page=page, groups=group_by_issue(list(page.object_list)), total=len(hits))
    return render(request, "search/results.html", context)
