"""Ten entries triaged at the desk with the keyboard alone, in a real browser, without a page reload.

Debian's Chromium driven by Playwright at 1366x768 against pytest-django's live server; the
fixtures are the editorial journey's. Screenshots land in var/e2e/desk-*.png.
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
from summarizer.models import Draft
from tests.support.browser import log_in, settled, shot

pytestmark = pytest.mark.e2e


@pytest.fixture
def week_of_entries(roles, django_user_model, live_server):
    editor = django_user_model.objects.create_user(
        "dora", "dora@example.org", "dora-password", is_staff=True, first_name="Dora", last_name="Desk"
    )
    editor.groups.add(Group.objects.get(name="Editor"))
    source = Source.objects.create(name="arXiv cs.LG", url="https://export.arxiv.org/rss/cs.LG")
    now = timezone.now()
    entries = []
    for n in range(12):
        title = f"Paper {n:02d}: " + "a long title that keeps going to test the two line clamp " * (2 if n == 0 else 0)
        entry = Entry.objects.create(
            source=source,
            guid=f"p{n}",
            url=f"{live_server.url}/original/{n}",  # "o" opens it: the test's own server, never the internet
            title=title.strip(),
            kind=Entry.Kind.PAPER,
            authors=["Ada Lovelace", "Grace Hopper"],
            abstract=f"We study problem {n} carefully.",
            published_at=now - datetime.timedelta(hours=n),
        )
        Draft.objects.create(entry=entry, text=f"Draft for paper {n}.", engine=Draft.Engine.MODEL)
        entries.append(entry)
    issue = Issue.objects.create(title="Recommended reading", month=now.date().replace(day=1))
    issue.sections.filter(title="Research updates").update(title="Papers")
    return entries, issue


def current_id(browser_page) -> int:
    return int(browser_page.locator(".desk-item.is-current").get_attribute("data-entry-id"))


def test_it_triages_ten_entries_by_keyboard_without_reloading(week_of_entries, live_server, page):
    entries, issue = week_of_entries
    e = [entry.pk for entry in entries]
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, live_server.url, "dora", "dora-password")

    page.goto(f"{live_server.url}{reverse('admin:feeds_entry_desk')}")
    expect(page.locator("#desk-remaining")).to_have_text("12")
    assert current_id(page) == e[0]
    expect(page.locator("#desk-current")).to_have_attribute("data-entry-id", str(e[0]))
    expect(page.locator("#desk-current .desk-authors li")).to_have_count(2)
    page.evaluate("window.__marker = 'same page'")
    outline = page.locator(".desk-item.is-current").evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline == "solid"
    clamp = page.locator(".desk-item").first.locator(".desk-item-title")
    line = float(clamp.evaluate("el => parseFloat(getComputedStyle(el).lineHeight)"))
    assert clamp.bounding_box()["height"] <= 2 * line + 1, "long titles wrap at most two lines"
    shot(page, "desk-start")

    page.keyboard.press("?")
    expect(page.locator("#desk-help")).to_be_visible()
    shot(page, "desk-help")
    page.keyboard.press("Escape")
    expect(page.locator("#desk-help")).to_be_hidden()

    # Keys typed into a field are the field's, not the desk's.
    page.evaluate("document.getElementById('desk').prepend(Object.assign(document.createElement('input'), {id: 'f'}))")
    page.locator("#f").press("s")
    page.evaluate("document.getElementById('f').blur()")
    assert current_id(page) == e[0]
    expect(page.locator("#desk-remaining")).to_have_text("12")

    with page.context.expect_page() as opened:
        page.keyboard.press("o")
    assert opened.value.url == entries[0].url
    opened.value.close()

    keys = "s x a s u x j k s x s x a u a s u x"
    for key in keys.split():
        page.keyboard.press(key)
    settled(page)

    expect(page.locator("#desk-remaining")).to_have_text("2")
    expect(page.locator("#desk-status")).not_to_have_class(re.compile("is-error|is-conflict"))
    triage = dict(Entry.objects.values_list("pk", "triage"))
    assert [triage[pk] for pk in e] == [
        "shortlisted",  # s
        "rejected",  # x
        "picked",  # a
        "rejected",  # s, u, x
        "shortlisted",  # j k back to it, s
        "rejected",
        "shortlisted",
        "rejected",
        "picked",  # a, u, a
        "rejected",  # s, u, x
        "new",
        "new",
    ]
    picks = Pick.objects.filter(issue=issue).select_related("section")
    assert sorted((p.entry_id, p.section.title) for p in picks) == [(e[2], "Papers"), (e[8], "Papers")]
    assert current_id(page) == e[10]
    assert page.evaluate("window.__marker") == "same page", "the page was reloaded"
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    expect(page.locator(f'.desk-item[data-entry-id="{e[1]}"] .desk-item-state')).to_have_text("rejected")
    shot(page, "desk-done")

    page.set_viewport_size({"width": 1600, "height": 900})
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_it_tells_the_editor_when_someone_else_decided_first(week_of_entries, live_server, page):
    entries, issue = week_of_entries
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, live_server.url, "dora", "dora-password")
    page.goto(f"{live_server.url}{reverse('admin:feeds_entry_desk')}")
    expect(page.locator("#desk-remaining")).to_have_text("12")

    Entry.objects.filter(pk=entries[0].pk).update(triage=Entry.Triage.REJECTED)  # a colleague, meanwhile
    page.keyboard.press("s")
    settled(page)
    expect(page.locator("#desk-status")).to_have_class(re.compile("is-conflict"))
    expect(page.locator("#desk-status")).to_contain_text("changed by someone else")
    expect(page.locator(f'.desk-item[data-entry-id="{entries[0].pk}"] .desk-item-state')).to_have_text("rejected")
    expect(page.locator("#desk-remaining")).to_have_text("11")
    assert Entry.objects.get(pk=entries[0].pk).triage == Entry.Triage.REJECTED
    shot(page, "desk-conflict")

    # A refused decision is said out loud and leaves the entry undecided.
    issue.delete()
    page.keyboard.press("a")
    settled(page)
    expect(page.locator("#desk-status")).to_have_class(re.compile("is-error"))
    expect(page.locator("#desk-status")).to_contain_text("no issue being edited")
    assert Entry.objects.get(pk=entries[1].pk).triage == Entry.Triage.NEW
    expect(page.locator(f'.desk-item[data-entry-id="{entries[1].pk}"]')).to_have_class(re.compile("is-failed"))


def test_undo_brings_back_the_relevance_and_the_like_line_without_a_reload(week_of_entries, live_server, page):
    import numpy as np

    from curator.ranking import scoring, vectors
    from curator.ranking.models import Embedding

    entries, _ = week_of_entries
    past = entries[-1]
    Entry.objects.filter(pk=past.pk).update(triage=Entry.Triage.PICKED, title="A past pick on routing")
    for entry, direction in ((past, [1.0, 0.1]), (entries[0], [1.0, 0.2])):
        vector = vectors.normalize(np.array([direction + [0.0] * 382], dtype=np.float32))[0]
        Embedding.objects.create(entry=entry, vector=vectors.to_bytes(vector), model_id="test", text_hash="h")
    scoring.rescore()
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, live_server.url, "dora", "dora-password")
    page.goto(f"{live_server.url}{reverse('admin:feeds_entry_desk')}")
    assert current_id(page) == entries[0].pk
    expect(page.locator("#desk-current .desk-like")).to_contain_text("A past pick on routing")
    page.evaluate("window.__marker = 'same page'")

    page.keyboard.press("x")
    settled(page)
    scoring.rescore()  # the refit after a decision drops the decided entry's score
    page.keyboard.press("u")
    settled(page)

    expect(page.locator("#desk-current")).to_have_attribute("data-entry-id", str(entries[0].pk))
    expect(page.locator("#desk-current .desk-triage")).to_have_text("new")
    expect(page.locator("#desk-current .desk-meta")).to_contain_text("relevance")
    expect(page.locator("#desk-current .desk-like")).to_contain_text("A past pick on routing")
    assert page.evaluate("window.__marker") == "same page"
    shot(page, "desk-undo-relevance")
