"""In a browser (1366x768): Mark ready finds a dead link, the editor takes a redirect's new address,
marks ready with a note, and a second publisher approves."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from curator.editions.models import Issue, Pick
from tests.factories import make_issue
from tests.support.browser import log_in, shot, submit

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _link_check_settings(
    mail_settings: None, link_check_settings: None, without_entries_created_receivers: None
) -> None:
    """The team tests' settings: the fetcher allows exactly the test server's address, the check runs on ready."""


@pytest.fixture
def issue_with_links(transactional_db, link_server, make_member, settings):
    settings.TEAM_REQUIRE_APPROVAL = True
    editor = make_member("erin", "Erin", role="Editor")
    publisher = make_member("quinn", "Quinn", role="Publisher")
    issue = make_issue(status=Issue.Status.DRAFT)
    picks = Pick.objects.filter(issue=issue).order_by("pk")
    for pick, path in zip(picks, ["/live", "/missing", "/moved"], strict=True):
        Pick.objects.filter(pk=pick.pk).update(url=link_server.url(path))
    return issue, editor, publisher


def test_an_editor_marks_ready_past_a_dead_link_and_a_publisher_approves(
    issue_with_links,
    link_server,
    live_server,
    page,
) -> None:
    issue, _editor, _publisher = issue_with_links
    page.set_viewport_size({"width": 1366, "height": 768})
    issue_url = f"{live_server.url}{reverse('admin:editions_issue_change', args=[issue.pk])}"
    log_in(page, live_server.url, "erin", "erin-password")
    page.goto(issue_url)
    submit(page, "#mark-ready")
    expect(page.locator(".messagelist")).to_contain_text("1 link is dead: “Sparse attention, revisited” (HTTP 404)")
    expect(page.locator("#link-checks tr.link-dead")).to_contain_text("Sparse attention, revisited")
    expect(page.locator("#link-checks tr.link-redirect")).to_contain_text(link_server.url("/live"))
    shot(page, "team-link-check")

    submit(page, "#link-checks tr.link-redirect input[type=submit]")
    expect(page.locator(".messagelist")).to_contain_text(f"now links to {link_server.url('/live')}")
    assert Pick.objects.filter(issue=issue, url=link_server.url("/moved")).count() == 0

    page.fill("#override-note", "The lab's site is down for maintenance until Monday.")
    submit(page, "#ready-anyway input[type=submit]")
    expect(page.locator(".messagelist")).to_contain_text("is now ready. 3 links checked, 1 dead.")
    expect(page.locator("#link-override")).to_contain_text("down for maintenance")
    expect(page.locator("#approval")).to_contain_text("Waiting for approval by a publisher other than Erin")
    expect(page.locator("#approve-issue")).to_have_count(0)  # an editor may not approve

    page.context.clear_cookies()
    log_in(page, live_server.url, "quinn", "quinn-password")
    page.goto(issue_url)
    submit(page, "#approve-issue")
    expect(page.locator("#approval")).to_contain_text("Approved by Quinn")
    shot(page, "team-approved")
    issue.refresh_from_db()
    assert issue.status == Issue.Status.READY and issue.approved_by is not None
