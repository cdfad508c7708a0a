"""The Content-Security-Policy in a real browser: every admin and public page works under it.

Debian's Chromium through Playwright against the live server. Each page is watched two ways:
the `securitypolicyviolation` DOM event (installed before any page script runs) and console
messages that mention the policy. One visit injects an inline script on purpose, to show the
watch sees a violation and the policy really blocks it.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from curator.editions.models import Issue, Pick
from curator.feeds.models import Entry, Source
from curator.mailing import signups
from curator.mailing.confirmation import confirm_url
from curator.mailing.models import Delivery, Subscriber
from curator.mailing.subscriptions import unsubscribe_url
from summarizer.models import Draft
from tests.support.browser import open_page

pytestmark = pytest.mark.e2e

WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${where}`);
});
"""


@pytest.fixture
def browser_page() -> Iterator:
    with open_page(timeout_ms=20_000, init_script=WATCH) as tab:
        yield tab


@pytest.fixture
def site(db, django_user_model) -> dict:
    django_user_model.objects.create_superuser("root", "root@example.org", "root-password")
    source = Source.objects.create(name="Blog", url="https://blog.example.org/feed")
    entry = Entry.objects.create(
        source=source,
        guid="g",
        title="An entry",
        url="https://blog.example.org/1",
        content_html='<p>Body with <a href="https://blog.example.org/x">a link</a></p>',
        published_at=timezone.now(),
    )
    Draft.objects.create(entry=entry, text="A drafted blurb.", engine=Draft.Engine.FALLBACK)
    issues = {}
    for month, status in ((1, "sent"), (2, "draft"), (3, "sending")):
        issue = Issue.objects.create(title=f"{status} issue", month=datetime.date(2026, month, 1), intro="Hi **all**")
        Pick.objects.create(issue=issue, section=issue.sections.first(), entry=entry, title="A pick", blurb="Blurb.")
        Issue.objects.filter(pk=issue.pk).update(status=status, sent_at=timezone.now() if status == "sent" else None)
        issues[status] = Issue.objects.get(pk=issue.pk)
    reader = Subscriber.objects.create(email="reader@example.org", status=Subscriber.Status.ACTIVE)
    Delivery.objects.create(issue=issues["sending"], subscriber=reader)
    crontab = CrontabSchedule.objects.create(minute="5", hour="6")
    task = PeriodicTask.objects.create(name="weekly", task="curator.feeds.tasks.ingest_all", crontab=crontab)
    return {"entry": entry, "issues": issues, "reader": reader, "task": task}


def admin_pages(site: dict) -> list[str]:
    entry, issues = site["entry"], site["issues"]
    return [
        reverse("admin:index"),
        reverse("admin:feeds_entry_changelist"),
        reverse("admin:feeds_entry_change", args=[entry.pk]),
        reverse("admin:feeds_source_changelist"),
        reverse("admin:feeds_source_add"),
        reverse("admin:editions_issue_changelist"),
        reverse("admin:editions_issue_change", args=[issues["draft"].pk]),
        reverse("admin:editions_issue_preview", args=[issues["draft"].pk]),
        reverse("admin:editions_issue_send", args=[issues["draft"].pk]),
        reverse("admin:editions_issue_schedule", args=[issues["draft"].pk]),  # mailing/schedule_zone.js
        reverse("admin:mailing_subscriber_changelist"),
        reverse("admin:mailing_subscriber_import"),
        reverse("admin:summarizer_decodingprofile_changelist"),
        reverse("admin:summarizer_decodingprofile_playground") + f"?entry={entry.pk}",
        reverse("admin:django_celery_beat_periodictask_change", args=[site["task"].pk]),
        reverse("admin:auth_user_change", args=[1]),
    ]


def public_pages(site: dict) -> list[str]:
    signup = signups.for_subscriber(Subscriber.objects.get_or_create(email="confirm-me@example.org")[0])
    return [
        reverse("editions:archive"),
        reverse("editions:issue", args=[site["issues"]["sent"].slug]),
        reverse("mailing:subscribe"),
        urlsplit(unsubscribe_url(site["reader"])).path,
        urlsplit(confirm_url(signups.new_token(signup))).path,
    ]


class Watcher:
    """Collects violations from the DOM event and from the console, per page."""

    def __init__(self, page) -> None:
        self.page = page
        self.console: list[str] = []
        page.on("console", self._console)

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.console.append(message.text)

    def visit(self, url: str) -> list[str]:
        self.console.clear()
        response = self.page.goto(url)
        assert response is not None and response.status == 200, (url, response and response.status)
        assert "script-src 'self'" in (response.headers.get("content-security-policy") or ""), url
        # Violation events are queued as tasks during loading; give the last ones a moment to arrive.
        self.page.wait_for_timeout(300)
        return self.violations()

    def violations(self) -> list[str]:
        return [*self.page.evaluate("window.__cspViolations || []"), *self.console]


def log_in(page, base: str) -> None:
    page.goto(f"{base}{reverse('admin:login')}")
    page.fill("#id_username", "root")
    page.fill("#id_password", "root-password")
    page.click("input[type=submit]")
    page.wait_for_url(f"{base}{reverse('admin:index')}")


def test_it_shows_admin_and_public_pages_without_a_policy_violation(site, live_server, browser_page):
    watcher = Watcher(browser_page)
    found = {}
    for path in public_pages(site):
        found[path] = watcher.visit(f"{live_server.url}{path}")
    log_in(browser_page, live_server.url)
    for path in admin_pages(site):
        found[path] = watcher.visit(f"{live_server.url}{path}")
    assert not {path: v for path, v in found.items() if v}, found
    assert len(found) == len(public_pages(site)) + len(admin_pages(site))


def test_it_runs_the_moved_scripts_from_static_files(site, live_server, browser_page):
    watcher = Watcher(browser_page)
    log_in(browser_page, live_server.url)
    sending = reverse("admin:editions_issue_change", args=[site["issues"]["sending"].pk])
    progress = reverse("admin:editions_issue_progress", args=[site["issues"]["sending"].pk])
    with browser_page.expect_request(lambda request: progress in request.url, timeout=15_000):
        browser_page.goto(f"{live_server.url}{sending}")  # mailing/progress.js polls the progress URL
    task = reverse("admin:django_celery_beat_periodictask_change", args=[site["task"].pk])
    assert watcher.visit(f"{live_server.url}{task}") == []
    words = browser_page.text_content(".crontab-translation")  # curator/periodic_task_form.js ran
    assert words and words.startswith("Translation:")
    assert watcher.violations() == []


def test_it_blocks_an_injected_inline_script_and_reports_it(site, live_server, browser_page, caplog, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "e2e-csp"}}
    caplog.set_level(logging.WARNING, "curator.csp")
    watcher = Watcher(browser_page)
    assert watcher.visit(f"{live_server.url}{reverse('editions:archive')}") == []
    reported = []
    browser_page.on("response", lambda r: reported.append(r.status) if r.url.endswith("/csp-report/") else None)
    browser_page.evaluate(
        """() => {
        const script = document.createElement("script");
        script.textContent = "window.__injectedRan = true";
        document.body.appendChild(script);
        const img = document.createElement("img");
        img.setAttribute("onerror", "window.__handlerRan = true");
        img.src = "data:,not-an-image";
        document.body.appendChild(img);
    }"""
    )
    browser_page.wait_for_function("window.__cspViolations.length >= 2")
    assert browser_page.evaluate("window.__injectedRan === undefined && window.__handlerRan === undefined")
    assert any("script-src" in violation for violation in watcher.violations())
    # The browser also posted both violations to the policy's report endpoint, which logged them.
    for _ in range(50):  # reports are sent in the background, after the violation events
        if len(reported) >= 2:
            break
        browser_page.wait_for_timeout(100)
    assert len(reported) >= 2 and set(reported) == {204}, reported
    lines = [r.getMessage() for r in caplog.records if r.name == "curator.csp"]
    assert any("script-src-elem blocked inline" in line for line in lines), lines
    assert any("script-src-attr blocked inline" in line for line in lines), lines
