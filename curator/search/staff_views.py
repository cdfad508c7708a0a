"""Editors' search: every entry, pick and issue, each hit marked with what the team did with it."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse

from curator.lib.admin_permissions import permission_required
from curator.search import markers
from curator.search.query import MAX_QUERY_CHARS, Hit, normalize, search

STAFF_RESULTS = 50


def _link(hit: Hit) -> str:
    names = {
        "entry": "admin:feeds_entry_change",
        "pick": "admin:editions_issue_change",
        "issue": "admin:editions_issue_change",
    }
    target = hit.issue_id if hit.kind == "pick" else hit.id
    try:
        url = reverse(names[hit.kind], args=[target])
    except NoReverseMatch:
        return ""
    return f"{url}#pick-{hit.id}" if hit.kind == "pick" else url


@permission_required("feeds.view_entry")
def staff_search(request: HttpRequest) -> HttpResponse:
    query = normalize(request.GET.get("q", ""))
    hits = search(query, scope="staff", limit=STAFF_RESULTS) if query else []
    labels = markers.mark(hits)
    rows = [{"hit": h, "label": labels.get((h.kind, h.id), ""), "url": _link(h)} for h in hits]
    context = {
        **admin.site.each_context(request),
        "title": "Search",
        "query": query,
        "max_chars": MAX_QUERY_CHARS,
        "rows": rows,
    }
    return TemplateResponse(request, "admin/search/results.html", context)
