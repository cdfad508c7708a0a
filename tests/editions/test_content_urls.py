"""A pick's stored URL reaches href in the archive, the feeds and the email only if it is http(s)."""

from __future__ import annotations

import datetime

import pytest

from curator.editions.content import issue_content
from curator.editions.models import Issue, Pick

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("javascript:alert(document.cookie)", ""),
        (" JaVaScRiPt:alert(1)", ""),
        ("data:text/html;base64,PHNjcmlwdD4=", ""),
        ("vbscript:msgbox", ""),
        ("//evil.example/x", ""),
        ("https://ok.example/post?a=1&b=2", "https://ok.example/post?a=1&b=2"),
        ("http://ok.example/", "http://ok.example/"),
    ],
)
def test_it_keeps_only_http_links(stored, shown):
    issue = Issue.objects.create(title="Issue", month=datetime.date(2026, 1, 1))
    pick = Pick.objects.create(issue=issue, section=issue.sections.first(), title="Pick", url="https://x.example/")
    Pick.objects.filter(pk=pick.pk).update(url=stored)  # what a raw write could leave; forms refuse it
    [section] = issue_content(issue).sections
    assert section.picks[0].url == shown
