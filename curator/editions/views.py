"""The public web archive: sent issues only, plain HTML, cacheable.

Sent issues are read-only, so an issue's `updated_at` (and for lists, the newest of them plus the
count) is a faithful validator: conditional requests get a 304 without rendering anything.
"""

from __future__ import annotations

import datetime
import zlib

from django.conf import settings
from django.db.models import Count, Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import condition

from curator.editions.content import issue_content, markdown_to_text
from curator.editions.models import Issue
from curator.lib.clip import clip

INTRO_TEASER_CHARS = 280
ARCHIVE_MAX_AGE = 300  # seconds browsers and proxies may reuse a page without asking


def sent_issues():
    return Issue.objects.filter(status=Issue.Status.SENT).order_by("-month", "-sent_at", "-id")


def archive_etag(request: HttpRequest, *args: object, **kwargs: object) -> str:
    stats = sent_issues().aggregate(n=Count("id"), newest=Max("updated_at"))
    newest = stats["newest"].timestamp() if stats["newest"] else 0
    # The description is part of the page: a new one must not be answered with a 304.
    description = zlib.crc32(settings.SITE_DESCRIPTION.encode())
    return f'"archive-{stats["n"]}-{newest:.6f}-{description:x}"'


def archive_last_modified(request: HttpRequest, *args: object, **kwargs: object) -> datetime.datetime | None:
    return sent_issues().aggregate(newest=Max("updated_at"))["newest"]


def issue_etag(request: HttpRequest, slug: str) -> str | None:
    updated = sent_issues().filter(slug=slug).values_list("updated_at", flat=True).first()
    return f'"issue-{slug}-{updated.timestamp():.6f}"' if updated else None


@cache_control(public=True, max_age=ARCHIVE_MAX_AGE)
@condition(etag_func=archive_etag, last_modified_func=archive_last_modified)
def archive(request: HttpRequest) -> HttpResponse:
    # Each issue with the opening of its intro, so a visitor sees what the newsletter is like
    # before signing up; plain text, as a teaser is no place for links or emphasis.
    issues = [(issue, clip(markdown_to_text(issue.intro).strip(), INTRO_TEASER_CHARS)) for issue in sent_issues()]
    context = {"issues": issues, "site_name": settings.SITE_NAME, "site_description": settings.SITE_DESCRIPTION}
    return render(request, "editions/archive.html", context)


@cache_control(public=True, max_age=ARCHIVE_MAX_AGE)
@condition(etag_func=issue_etag)
def issue_detail(request: HttpRequest, slug: str) -> HttpResponse:
    issue = sent_issues().filter(slug=slug).first()
    if issue is None:
        raise Http404("No sent issue with that address.")  # drafts are never public
    context = {"content": issue_content(issue), "issue": issue, "site_name": settings.SITE_NAME}
    return render(request, "editions/issue.html", context)
