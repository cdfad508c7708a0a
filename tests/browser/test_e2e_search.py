"""In a real browser: a reader searches the archive and opens the pick; an editor presses / on the desk.

Debian's Chromium driven by Playwright against pytest-django's live server.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from curator.editions.models import Issue, Pick
from curator.feeds.models import Entry, Source
from tests.support.browser import log_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def archive_with_a_pick(transactional_db, django_user_model):
    from django.core.management import call_command

    call_command("sync_roles", verbosity=0)
    editor = django_user_model.objects.create_user("chris", "chris@example.org", "chris-password", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editor"))
    source = Source.objects.create(name="arXiv cs.RO", url="https://export.arxiv.org/rss/cs.RO")
    old = Entry.objects.create(
        source=source,
        guid="old",
        url="https://arxiv.org/abs/2603.00001",
        title="Learning quadruped gaits on icy slopes",
        abstract="A legged robot learns to trot on low-friction terrain in simulation.",
        triage=Entry.Triage.PICKED,
    )
    issue = Issue.objects.create(title="Recommended Reading", month=datetime.date(2026, 3, 1))
    pick = Pick.objects.create(
        issue=issue,
        section=issue.sections.first(),
        entry=old,
        title=old.title,
        url=old.url,
        blurb="Quadruped robots that keep their footing on ice, trained entirely in simulation.",
        byline="Chris",
    )
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.SENT, sent_at=timezone.now())
    Entry.objects.create(
        source=source,
        guid="new",
        url="https://arxiv.org/abs/2612.00002",
        title="Quadruped parkour with a single camera",
        abstract="A new paper on legged robots.",
        published_at=timezone.now(),
    )
    return issue, pick


def test_a_reader_finds_a_pick_and_an_editor_searches_from_the_desk(archive_with_a_pick, live_server, page):
    issue, pick = archive_with_a_pick

    page.goto(f"{live_server.url}{reverse('editions:archive')}")
    page.fill("#search-q", "quadruped ice")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".search-issue h2")).to_have_text("March 2026")
    expect(page.locator(".search-hit mark").first).to_be_visible()
    with page.expect_navigation():
        page.locator(".search-hit h3 a").click()
    assert page.url.endswith(f"/issues/{issue.slug}/#pick-{pick.pk}")
    expect(page.locator(f"#pick-{pick.pk}")).to_contain_text("Learning quadruped gaits on icy slopes")

    log_in(page, live_server.url, "chris", "chris-password")
    page.goto(f"{live_server.url}{reverse('admin:feeds_entry_desk')}")
    expect(page.locator("#desk-current")).to_be_visible()
    page.keyboard.press("/")
    expect(page.locator("#header-search-q")).to_be_focused()
    page.keyboard.type("quadruped")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    marked = page.locator(".staff-hit", has_text="Learning quadruped gaits on icy slopes").first
    expect(marked.locator(".staff-hit-label")).to_have_text(re.compile("picked in March 2026 by Chris"))
