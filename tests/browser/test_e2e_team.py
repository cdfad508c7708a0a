"""A Contributor's month in a real browser: suggest, claim on the desk, write on My picks; the editor sees it.

Debian's Chromium driven by Playwright at 1366x768 against pytest-django's live server, and a real
local HTTP server for the suggested page. Screenshots land in var/e2e/team-*.png.
"""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from curator.editions.models import Issue, Pick
from curator.feeds.models import Entry, Source
from curator.feeds.signals import entries_created
from curator.team.models import Assignment, Member, Suggestion
from tests.support.browser import log_in, shot, submit
from tests.support.http_server import FixtureServer

pytestmark = pytest.mark.e2e


@pytest.fixture
def newsroom(transactional_db, django_user_model, settings):
    call_command("sync_roles", stdout=io.StringIO())
    settings.FEEDS_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    chris = django_user_model.objects.create_user("chris", "chris@example.org", "chris-password", is_staff=True)
    chris.groups.add(Group.objects.get(name="Contributor"))
    Member.objects.create(user=chris, display_name="Chris R.", link="https://chris.example.org/")
    edna = django_user_model.objects.create_user("edna", "edna@example.org", "edna-password", is_staff=True)
    edna.groups.add(Group.objects.get(name="Editor"))
    source = Source.objects.create(name="Lab blog", url="https://lab.example.org/feed.xml")
    entry = Entry.objects.create(
        source=source,
        guid="p1",
        url="https://lab.example.org/posts/routing",
        title="Routing that degrades gracefully",
        abstract="Experts disagree; the router copes.",
        published_at=timezone.now(),
    )
    issue = Issue.objects.create(title="Recommended reading", month=timezone.localdate().replace(day=1))
    pick = Pick.objects.create(issue=issue, section=issue.sections.first(), entry=entry, title=entry.title)
    server = FixtureServer()
    # Drafting and ranking the suggested entry run in the request with eager tasks; they are theirs to test.
    with entries_created.lock:
        saved = list(entries_created.receivers)
        entries_created.receivers.clear()
        entries_created.sender_receivers_cache.clear()
    yield {"issue": issue, "pick": pick, "entry": entry, "server": server}
    with entries_created.lock:
        entries_created.receivers[:] = saved
        entries_created.sender_receivers_cache.clear()
    server.close()


def test_a_contributor_suggests_claims_writes_and_the_editor_sees_it(newsroom, live_server, page):
    issue, pick, server = newsroom["issue"], newsroom["pick"], newsroom["server"]
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, live_server.url, "chris", "chris-password")

    # Suggest from the dashboard box.
    page.fill("#team-suggest-url", server.url("article.html"))
    page.fill("#team-suggest-note", "Read the pruning part")
    submit(page, "#card-team button[type=submit]")
    expect(page.locator(".messagelist")).to_contain_text("Suggested: Scaling laws for data pruning")
    suggested = Suggestion.objects.get().entry
    shot(page, "team-01-suggested")

    # Claim the pick from the desk with `c`.
    page.goto(f"{live_server.url}{reverse('admin:feeds_entry_desk')}?entry={pick.entry_id}")
    expect(page.locator("#desk-current")).to_have_attribute("data-entry-id", str(pick.entry_id))
    page.keyboard.press("c")
    expect(page.locator("#desk-status")).to_contain_text("You write")
    expect(page.locator("#team-marks")).to_contain_text("Chris R. writes it (claimed)")
    shot(page, "team-02-claimed")

    # Write the blurb on My picks and mark it written.
    page.goto(f"{live_server.url}{reverse('admin:team_my_picks')}")
    page.fill(f"#blurb-{pick.pk}", "I've spent quite some time with it; the routing section is the one to read.")
    submit(page, f"#my-pick-{pick.pk} button[name=written]")
    expect(page.locator(f"#my-pick-{pick.pk} .team-state")).to_have_text("written")
    expect(page.locator(".team-progress")).to_have_text("1 of 1 written.")
    shot(page, "team-03-written")
    assert Assignment.objects.get(pick=pick).state == "written"

    # The editor: progress on the issue page, the suggestion first on the desk, the byline in the preview.
    page.context.clear_cookies()
    log_in(page, live_server.url, "edna", "edna-password")
    page.goto(f"{live_server.url}{reverse('admin:editions_issue_change', args=[issue.pk])}")
    expect(page.locator("#team-panel .team-progress")).to_contain_text("Chris R.: 1 of 1 written")
    shot(page, "team-04-progress")
    page.goto(f"{live_server.url}{reverse('admin:feeds_entry_desk')}")
    first = page.locator(".desk-item").first
    expect(first).to_have_attribute("data-entry-id", str(suggested.pk))
    expect(first.locator(".team-suggested")).to_have_text("suggested by Chris R.")
    expect(page.locator("#team-marks")).to_contain_text("Suggested by Chris R.: Read the pruning part")
    shot(page, "team-05-desk")
    page.goto(f"{live_server.url}{reverse('admin:editions_issue_preview', args=[issue.pk])}")
    email = page.frame_locator("iframe#preview-html")
    expect(email.locator("body")).to_contain_text("— Chris R.")
    assert "— Chris R." in page.locator("#preview-text").inner_text()
    shot(page, "team-06-preview")
