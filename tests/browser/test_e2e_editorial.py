"""An editor's month in a real browser: triage, assemble, edit, reorder, preview.

Debian's Chromium driven by Playwright against pytest-django's live server. Screenshots of every
step land in var/e2e/ (kept by CI as artifacts).
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from curator.editions.models import Issue, Pick
from curator.feeds.models import Entry, Source
from summarizer.models import Draft
from tests.factories import create_member
from tests.support.browser import log_in, shot, submit

pytestmark = pytest.mark.e2e


@pytest.fixture
def month_of_entries(roles, django_user_model):
    editor = create_member(django_user_model, "erin", "Editor", "Erin", "Editor")
    source = Source.objects.create(name="Research blog", url="https://research.example.org/feed")
    now = timezone.now()
    titles = ["Mixture of experts, routed gently", "Evaluating long context honestly", "A note on label noise"]
    entries = []
    for hours, title in enumerate(titles):
        entry = Entry.objects.create(
            source=source,
            guid=title,
            url=f"https://research.example.org/{hours}",
            title=title,
            published_at=now - datetime.timedelta(hours=hours),
        )
        Draft.objects.create(entry=entry, text=f"Model draft: {title.lower()}.", engine=Draft.Engine.MODEL)
        entries.append(entry)
    issue = Issue.objects.create(title="Recommended reading", month=now.date().replace(day=1))
    return editor, entries, issue


def select_rows(page, titles: list[str]) -> None:
    for title in titles:
        page.locator("#result_list tbody tr", has_text=title).locator("input.action-select").check()


def run_action(page, label: str) -> None:
    page.select_option("select[name=action]", label=label)
    submit(page, "button[name=index]")


def pick_titles(page) -> list[str]:
    return page.locator("#picks-group .inline-related:not(.empty-form) input[name$='-title']").evaluate_all(
        "els => els.map(e => e.value)"
    )


def test_it_takes_an_editor_from_triage_to_preview(month_of_entries, live_server, page):
    _editor, entries, issue = month_of_entries
    first, second, third = (entry.title for entry in entries)

    log_in(page, live_server.url, "erin", "erin-password")

    # Triage: newest first, best draft visible; shortlist all three.
    page.goto(f"{live_server.url}{reverse('admin:feeds_entry_changelist')}")
    rows = page.locator("#result_list tbody tr th a, #result_list tbody tr td.field-title a")
    assert rows.first.inner_text() == first
    expect(page.locator("#result_list").get_by_text(f"Model draft: {second.lower()}.")).to_be_visible()
    select_rows(page, [first, second, third])
    run_action(page, "Shortlist selected entries")
    expect(page.locator(".messagelist").get_by_text("3 entries marked shortlisted.")).to_be_visible()
    shot(page, "01-shortlisted")
    assert set(Entry.objects.values_list("triage", flat=True)) == {"shortlisted"}

    # Add two of them to the issue, through the intermediate page.
    select_rows(page, [first, second])
    run_action(page, "Add selected entries to issue…")
    page.wait_for_selector("select[name=section]")
    section = issue.sections.get(title="Recommended reading")
    page.select_option("select[name=section]", value=str(section.pk))
    shot(page, "02-add-to-issue")
    submit(page, "input[name=add_to_issue]")
    expect(page.locator(".messagelist").get_by_text("2 entries added to “Recommended reading”")).to_be_visible()
    assert list(Pick.objects.order_by("position").values_list("title", flat=True)) == [first, second]

    # Edit a blurb on the issue page and save.
    page.goto(f"{live_server.url}{reverse('admin:editions_issue_change', args=[issue.pk])}")
    assert pick_titles(page) == [first, second]
    page.locator("#picks-0 .issue-pick-summary").click()  # picks start folded: open one to edit it
    assert page.locator("#picks-0 .draft-text").inner_text() == f"Model draft: {first.lower()}."
    page.fill("#id_picks-0-blurb", "Routing that **degrades gracefully** when experts disagree.")
    submit(page, "input[name=_continue] >> nth=-1")
    expect(page.locator(".messagelist .success")).to_be_visible()
    shot(page, "03-blurb-edited")
    assert Pick.objects.get(title=first).blurb == "Routing that **degrades gracefully** when experts disagree."
    assert Pick.objects.get(title=first).byline == "Erin Editor"

    # Reorder: move the first pick down, in place (no reload).
    page.locator("#picks-0 .pick-down").click()
    expect(page.locator("#order-status")).to_have_text(f"Moved “{first}” to place 2 of “Recommended reading”.")
    assert pick_titles(page) == [second, first]
    shot(page, "04-reordered")
    assert list(Pick.objects.order_by("position").values_list("title", flat=True)) == [second, first]

    # Preview: the exact email in a sandboxed frame, and its plain text.
    page.goto(f"{live_server.url}{reverse('admin:editions_issue_preview', args=[issue.pk])}")
    frame_element = page.locator("iframe#preview-html")
    assert frame_element.get_attribute("sandbox") == ""
    email = page.frame_locator("iframe#preview-html")
    body_text = email.locator("body").inner_text()
    assert body_text.index(second) < body_text.index(first)
    assert email.locator("strong", has_text="degrades gracefully").count() == 1
    plain = page.locator("#preview-text").inner_text()
    assert "Routing that degrades gracefully when experts disagree." in plain  # Markdown read out as text
    assert "**" not in plain
    shot(page, "05-preview")
