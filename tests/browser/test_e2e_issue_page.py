"""The issue page in a real browser at 1366x768: picks under their sections, reordered in place.

Debian's Chromium driven by Playwright against the live server. A marker set on `window` must
survive every move (no reload), the scroll position must not change, and the database must hold
the order the page shows. Screenshots land in var/e2e/issue-*.png.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from curator.editions.models import Issue, Pick, Section
from curator.feeds.models import Entry, Source
from summarizer.models import Draft
from tests.factories import create_member, send
from tests.support.browser import SHOTS, drag, log_in, shot, submit

pytestmark = pytest.mark.e2e

LONG_TITLE = "Scaling laws for sparse mixture-of-experts language models under a fixed inference budget, revisited"


@pytest.fixture
def assembled_issue(roles, django_user_model):
    create_member(django_user_model, "erin", "Editor", "Erin", "Editor")
    source = Source.objects.create(name="Research blog", url="https://research.example.org/feed")
    issue = Issue.objects.create(title="Recommended reading", month=timezone.localdate().replace(day=1))
    layout = {"Feature": ["F1", LONG_TITLE], "Research updates": ["R1", "R2"], "Recommended reading": ["Q1"]}
    for section_title, titles in layout.items():
        section = issue.sections.get(title=section_title)
        for position, title in enumerate(titles):
            entry = Entry.objects.create(
                source=source,
                guid=title,
                url=f"https://research.example.org/{'a-very-long-path-segment/' * 6}{position}?utm_source=x",
                title=title,
                published_at=timezone.now() - datetime.timedelta(hours=position),
            )
            Draft.objects.create(entry=entry, text=f"Model draft of {title}. " * 4, engine=Draft.Engine.MODEL)
            Pick.objects.create(
                issue=issue,
                section=section,
                entry=entry,
                title=title,
                url=entry.url,
                blurb=f"Blurb of {title}.",
                position=position,
            )
    return issue


def view_shot(tab, name: str) -> None:
    """What the editor sees in the window, where a full-tab shot would be too small to read."""
    tab.screenshot(path=str(SHOTS / f"{name}.png"))


def stored(issue: Issue) -> list[tuple[str, str]]:
    rows = Pick.objects.filter(issue=issue).select_related("section").order_by("section__position", "position")
    return [(pick.section.title, pick.title) for pick in rows]


def shown(tab) -> list[tuple[str, str]]:
    return [
        tuple(row)
        for row in tab.locator(".issue-pick[data-pick-id]").evaluate_all(
            "els => els.map(e => [e.closest('.issue-section').querySelector('.issue-section-title').textContent.trim(),"
            " e.querySelector('.issue-pick-title').textContent.trim()])"
        )
    ]


def pick(tab, title: str):
    return tab.locator(f".issue-pick[data-pick-id='{Pick.objects.get(title=title).pk}']")


def moved(tab, what: str) -> None:
    expect(tab.locator("#order-status")).to_have_text(re.compile(rf"^Moved (section )?“{re.escape(what)}”"))


def no_horizontal_scroll(tab) -> bool:
    return tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_it_reorders_picks_and_sections_in_place(assembled_issue, live_server, page):
    issue = assembled_issue
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, live_server.url, "erin", "erin-password")
    page.goto(f"{live_server.url}{reverse('admin:editions_issue_change', args=[issue.pk])}")
    assert page.locator(".issue-pick[draggable=true]").count() == 5
    assert shown(page) == stored(issue)
    assert no_horizontal_scroll(page)
    shot(page, "issue-01-grouped")
    page.evaluate("window.__marker = 'still here'")
    pick(page, "R1").scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, 120)")
    y = page.evaluate("window.scrollY")
    assert y > 0

    # ▼ within a section, then ▲ past the top of a section into the one above.
    pick(page, "R1").locator(".pick-down").click()
    moved(page, "R1")
    assert stored(issue)[2:4] == [("Research updates", "R2"), ("Research updates", "R1")]
    assert pick(page, "R1").locator(".pick-down").evaluate("b => b === document.activeElement")
    pick(page, "R2").locator(".pick-up").click()
    moved(page, "R2")
    assert stored(issue)[2] == ("Feature", "R2")
    assert shown(page) == stored(issue)
    assert page.evaluate("window.scrollY") == y
    assert page.evaluate("window.__marker") == "still here"
    shot(page, "issue-02-buttons")
    view_shot(page, "issue-02-buttons-window")

    # Drag Q1 (last section) onto the top half of F1: first of Feature.
    drag(page, pick(page, "Q1").locator(".drag-handle"), pick(page, "F1").locator(".issue-pick-head"))
    moved(page, "Q1")
    assert stored(issue)[0] == ("Feature", "Q1")
    # Drag F1 into the section Q1 left empty.
    emptied = issue.sections.get(title="Recommended reading")
    drag(page, pick(page, "F1").locator(".drag-handle"), page.locator(f"#section-{emptied.pk}"), dy=20)
    moved(page, "F1")
    assert ("Recommended reading", "F1") in stored(issue)
    assert shown(page) == stored(issue)
    assert page.evaluate("window.__marker") == "still here"
    shot(page, "issue-03-dragged")

    # A section moves with its picks.
    feature = issue.sections.get(title="Feature")
    page.locator(f".issue-section[data-section-id='{feature.pk}'] .section-down").click()
    moved(page, "Feature")
    assert list(Section.objects.filter(issue=issue).values_list("title", flat=True))[:2] == [
        "Research updates",
        "Feature",
    ]
    assert shown(page) == stored(issue)
    assert page.evaluate("window.__marker") == "still here"
    table = page.locator("#sections-group tbody tr.has_original input[name$='-title']")
    assert table.evaluate_all("els => els.map(e => e.value)")[:2] == ["Research updates", "Feature"]

    # The form still saves, and keeps the order: a blurb edit after all those moves.
    pick(page, "R2").locator(".issue-pick-summary").click()  # cards start folded: open to edit
    pick(page, "R2").locator("textarea").fill("Edited after moving.")
    before = stored(issue)
    submit(page, "input[name=_continue] >> nth=-1")
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert stored(issue) == before and Pick.objects.get(title="R2").blurb == "Edited after moving."
    assert shown(page) == before


def test_it_puts_everything_back_when_the_server_refuses(assembled_issue, live_server, page):
    issue = assembled_issue
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, live_server.url, "erin", "erin-password")
    page.goto(f"{live_server.url}{reverse('admin:editions_issue_change', args=[issue.pk])}")
    page.evaluate("window.__marker = 1")
    before = shown(page)
    Pick.objects.filter(title="Q1").delete()  # another editor removed a pick: this page is stale
    pick(page, "F1").locator(".pick-down").click()
    status = page.locator("#order-status")
    expect(status).to_have_text(re.compile(r"^Not moved: The issue has changed"))
    assert "is-error" in (status.get_attribute("class") or "")
    assert shown(page) == before
    assert page.evaluate("window.__marker") == 1
    shot(page, "issue-04-refused")
    view_shot(page, "issue-04-refused-window")


@pytest.mark.parametrize("width", [1366, 1440, 1600])
def test_it_fits_the_window_without_horizontal_scrolling(assembled_issue, live_server, page, width):
    page.set_viewport_size({"width": width, "height": 768})
    log_in(page, live_server.url, "erin", "erin-password")
    page.goto(f"{live_server.url}{reverse('admin:editions_issue_change', args=[assembled_issue.pk])}")
    assert no_horizontal_scroll(page)
    title = page.locator("#id_title")
    assert title.evaluate("e => e.clientWidth") >= 400
    url = pick(page, LONG_TITLE).locator("input[name$='-url']")
    blurb = pick(page, LONG_TITLE).locator("textarea")
    fields_column = pick(page, LONG_TITLE).locator(".issue-pick-fields")
    assert url.evaluate("e => e.clientWidth") >= 300
    assert blurb.evaluate("e => e.offsetWidth") == fields_column.evaluate("e => e.clientWidth")
    shot(page, f"issue-05-width-{width}")
    view_shot(page, f"issue-05-width-{width}-window")


def test_it_shows_a_sent_issue_read_only(assembled_issue, live_server, page):
    send(assembled_issue)
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, live_server.url, "erin", "erin-password")
    page.goto(f"{live_server.url}{reverse('admin:editions_issue_change', args=[assembled_issue.pk])}")
    expect(page.locator(".issue-locked")).to_contain_text("it is read-only")
    assert page.locator(".issue-pick").count() == 5
    assert page.locator(".issue-pick[draggable], .pick-up, .section-up, #picks-group textarea").count() == 0
    expect(pick(page, "R1").locator(".readonly-blurb")).to_have_text("Blurb of R1.")
    assert no_horizontal_scroll(page)
    shot(page, "issue-06-sent")
