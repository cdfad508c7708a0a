"""The feedback reports in a real browser: the profile report and an issue's click report draw their charts.

Debian's Chromium driven by Playwright against pytest-django's live server, as in
tests/editions/test_e2e_editorial.py (whose browser fixture this reuses).
"""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from curator.editions import workflow
from curator.editions.models import Issue, Pick
from curator.feeds.models import Entry, Source
from curator.mailing import clicks, control
from curator.mailing.models import ClickCount, Subscriber
from summarizer.models import Draft, DraftOutcome
from tests.support.browser import log_in, shot

pytestmark = pytest.mark.e2e


@pytest.fixture
def sent_issue(transactional_db, django_user_model, settings):
    """An issue of three drafted picks (one kept as drafted, one edited, one rewritten), sent to two readers."""
    settings.SITE_URL = "http://testserver"
    django_user_model.objects.create_superuser("ada", "ada@example.org", "ada-password")
    source = Source.objects.create(name="Research blog", url="https://research.example.org/feed")
    issue = Issue.objects.create(title="Recommended reading", month=timezone.localdate().replace(day=1))
    section = issue.sections.get(title="Recommended reading")
    blurbs = [
        ("Beam", "Experts are routed gently and every expert stays busy.", None),
        (
            "Beam",
            "A long context benchmark that checks retrieval honestly.",
            "A long-context benchmark that checks retrieval honestly, finally.",
        ),
        (
            "Sampling",
            "Label noise hurts less than expected.",
            "We think this result is overstated; read the appendix first.",
        ),
    ]
    for n, (profile, draft, final) in enumerate(blurbs):
        entry = Entry.objects.create(
            source=source, guid=f"g{n}", url=f"https://research.example.org/{n}", title=f"Paper {n}"
        )
        Draft.objects.create(
            entry=entry, text=draft, engine="model", profile_name=profile, model_id="tiny-t5", seconds=1.0 + n
        )
        Pick.objects.create(
            issue=issue,
            section=section,
            entry=entry,
            title=entry.title,
            url=entry.url,
            blurb=final or draft,
            position=n,
        )
    Subscriber.objects.bulk_create(Subscriber(email=f"r{i}@example.com", status="active") for i in range(2))
    workflow.transition(issue, Issue.Status.READY)
    control.send_issue(issue)
    return issue


def test_it_draws_the_profile_report_and_the_issue_click_report(sent_issue, live_server, page, settings):
    issue = Issue.objects.get(pk=sent_issue.pk)
    assert issue.status == Issue.Status.SENT
    assert DraftOutcome.objects.count() == 3

    # Readers open the email's links in the browser, behind a proxy on this machine that names each of them.
    # A reader opening a link twice in a day counts once. The papers themselves are out of reach here
    # (no DNS), so each navigation ends at the redirect to the pick's URL.
    settings.TRUSTED_PROXIES = ["127.0.0.1/32"]
    cache = {**settings.CACHES["default"], "KEY_PREFIX": f"e2e-{uuid.uuid4().hex}"}  # no seen-keys of earlier runs
    settings.CACHES = {"default": cache}
    first, second = issue.picks.order_by("position")[:2]
    for pick, readers in ((first, 3), (second, 1)):
        for reader in range(readers):
            page.set_extra_http_headers({"X-Forwarded-For": f"198.51.100.{reader + 1}"})
            for _ in range(2):
                with page.expect_request(pick.url), pytest.raises(PlaywrightError, match="ERR_NAME_NOT_RESOLVED"):
                    page.goto(live_server.url + reverse("mailing:click", args=[clicks.click_token(pick.pk)]))
    page.set_extra_http_headers({})
    assert sum(ClickCount.objects.values_list("count", flat=True)) == 4

    log_in(page, live_server.url, "ada", "ada-password")

    page.goto(f"{live_server.url}{reverse('admin:summarizer_decodingprofile_changelist')}")
    with page.expect_navigation():
        page.locator("#profile-report-link").click()
    chart = page.locator("svg#acceptance-chart")
    expect(chart).to_be_visible()
    expect(chart.locator("circle.point")).to_have_count(2)
    assert chart.bounding_box()["width"] > 300
    expect(page.locator("#profile-table tr[data-profile='Beam']")).to_contain_text("100%")
    shot(page, "feedback-01-profile-report")

    page.goto(f"{live_server.url}{reverse('admin:editions_issue_change', args=[issue.pk])}")
    with page.expect_navigation():
        page.locator("#issue-clicks").click()
    bars = page.locator("svg#pick-chart rect.bar")
    expect(bars).to_have_count(3)
    widths = [float(bars.nth(i).get_attribute("width")) for i in range(3)]
    assert widths[0] > widths[1] > widths[2] == 0
    expect(page.locator("svg#day-chart rect.bar")).to_have_count(14)
    expect(page.locator("#click-total")).to_contain_text("4 counted clicks")
    expect(page.locator("#source-table")).to_contain_text("Research blog")
    shot(page, "feedback-02-click-report")
