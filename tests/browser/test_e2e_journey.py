"""A month's issue from the dashboard to subscribers' inboxes, in a real browser, at 1366x768.

One person who edits and publishes (both roles) starts at the dashboard, triages ten entries at the
desk with the keyboard alone, adds three to this month's issue, reorders the picks by drag and drop,
previews the email, marks the issue ready and schedules its send, which the demo's scheduler starts.
No step needs the stock admin's list and action forms. On the desk, the triage list, the sources list
and the issue page nothing scrolls sideways. Screenshots land in var/e2e/journey-*.png.
"""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from curator.editions import workflow
from curator.editions.models import Issue, Pick
from curator.feeds.models import Entry, Source
from curator.mailing import scheduler
from curator.mailing.models import Delivery, ScheduledSend, Subscriber
from summarizer.models import Draft
from tests.support.browser import assert_fits, drag, log_in, settled, shot, submit

pytestmark = pytest.mark.e2e

WIDTH, HEIGHT = 1366, 768


@pytest.fixture
def month(transactional_db, django_user_model, live_server, settings):
    settings.SITE_URL = live_server.url
    person = django_user_model.objects.create_user(
        "jo", "jo@example.org", "jo-password", is_staff=True, first_name="Jo", last_name="Editor"
    )
    call_command("sync_roles", stdout=io.StringIO())  # a transactional test may have flushed the groups
    person.groups.add(Group.objects.get(name="Editor"), Group.objects.get(name="Publisher"))
    papers = Source.objects.create(name="arXiv cs.LG", url="https://export.arxiv.org/rss/cs.LG")
    blog = Source.objects.create(name="Lab notes", url="https://lab.example.org/feed", kind=Source.Kind.RSS)
    now = timezone.now()
    entries = []
    for n in range(12):
        is_paper = n % 3 != 2
        entry = Entry.objects.create(
            source=papers if is_paper else blog,
            guid=f"j{n}",
            url=f"{live_server.url}/original/{n}",  # never the internet
            title=f"{'Paper' if is_paper else 'Post'} {n:02d} on calibrated retrieval for long contexts",
            kind=Entry.Kind.PAPER if is_paper else Entry.Kind.POST,
            authors=["Ada Lovelace", "Grace Hopper"],
            abstract=f"We measure effect {n} on twelve benchmarks and find it smaller than reported.",
            published_at=now - datetime.timedelta(hours=n),
        )
        Draft.objects.create(entry=entry, text=f"A careful study of effect {n}; worth your time.", engine="model")
        entries.append(entry)
    issue = Issue.objects.create(title="Recommended reading", month=now.date().replace(day=1))
    Subscriber.objects.bulk_create(
        Subscriber(email=f"reader{i}@example.org", status=Subscriber.Status.ACTIVE) for i in range(3)
    )
    return entries, issue


def test_an_editor_takes_the_month_from_dashboard_to_inboxes(month, live_server, page):
    entries, issue = month
    ids = [entry.pk for entry in entries]
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    log_in(page, live_server.url, "jo", "jo-password")

    # The dashboard says what is waiting and where to go.
    expect(page.locator("#card-triage")).to_contain_text("12")
    expect(page.locator("#card-issue")).to_contain_text(f"Recommended Reading — {issue.month:%B %Y}")
    assert_fits(page, "journey-01-dashboard")
    submit(page, "#open-desk")

    # Ten decisions by keyboard: three adds, a slip undone, the rest shortlisted or rejected.
    expect(page.locator("#desk-remaining")).to_have_text("12")
    page.evaluate("window.__marker = 'one page'")
    for key in "axsaxxusasxs":  # one key per decision
        page.keyboard.press(key)
    settled(page)
    expect(page.locator("#desk-status")).not_to_have_class(re.compile("is-error|is-conflict"))
    expect(page.locator("#desk-remaining")).to_have_text("2")
    assert page.evaluate("window.__marker") == "one page", "the desk reloaded the page"
    assert_fits(page, "journey-02-desk")
    triage = dict(Entry.objects.values_list("pk", "triage"))
    assert [triage[pk] for pk in ids] == [
        "picked",  # a
        "rejected",  # x
        "shortlisted",  # s
        "picked",  # a
        "rejected",  # x
        "shortlisted",  # x, u took it back, s
        "picked",  # a
        "shortlisted",  # s
        "rejected",  # x
        "shortlisted",  # s
        "new",  # the two left
        "new",
    ]
    picks = Pick.objects.filter(issue=issue)
    assert sorted(picks.values_list("entry_id", flat=True)) == [ids[0], ids[3], ids[6]]
    assert len({pick.section_id for pick in picks}) == 1, "three papers go to the same section"

    # The lists an editor falls back to fit the screen as well.
    page.goto(f"{live_server.url}{reverse('admin:feeds_entry_changelist')}")
    assert_fits(page, "journey-03-triage-list")
    page.goto(f"{live_server.url}{reverse('admin:feeds_source_changelist')}")
    assert_fits(page, "journey-04-sources")

    # The issue page: picks under their sections, reordered by dragging, without a reload.
    page.goto(f"{live_server.url}{reverse('admin:editions_issue_change', args=[issue.pk])}")
    expect(page.locator(".issue-pick[draggable=true]")).to_have_count(3)
    page.evaluate("window.__marker = 'issue page'")
    section = picks.first().section
    before = list(section.picks.order_by("position").values_list("pk", flat=True))
    last = page.locator(f".issue-pick[data-pick-id='{before[-1]}']")
    drag(page, last.locator(".drag-handle"), page.locator(f".issue-pick[data-pick-id='{before[0]}'] .issue-pick-head"))
    expected = [before[-1], *before[:-1]]
    expect(page.locator("#order-status")).to_have_text(re.compile(r"^Moved"))
    assert page.evaluate("window.__marker") == "issue page", "reordering reloaded the page"
    assert list(section.picks.order_by("position").values_list("pk", flat=True)) == expected
    assert_fits(page, "journey-05-issue-page")

    # A full issue: folded cards keep ten picks on one screen, so the last drags straight to the top.
    more = []
    for n in range(7):
        entry = Entry.objects.create(
            source=entries[0].source,
            guid=f"more{n}",
            url=f"{live_server.url}/original/more{n}",
            title=f"Paper {n + 12:02d} on sparse attention at scale",
            kind=Entry.Kind.PAPER,
            abstract="A longer study.",
        )
        Draft.objects.create(entry=entry, text=f"Draft {n}: sparse attention, measured honestly.", engine="model")
        more.append(entry)
    workflow.add_entries_to_issue(more, issue, section, None)
    page.goto(f"{live_server.url}{reverse('admin:editions_issue_change', args=[issue.pk])}")
    order = list(section.picks.order_by("position").values_list("pk", flat=True))
    assert len(order) == 10
    first, last = (page.locator(f".issue-pick[data-pick-id='{pk}']") for pk in (order[0], order[-1]))
    page.locator(f"#section-{section.pk}").scroll_into_view_if_needed()
    top, bottom = first.bounding_box()["y"], last.bounding_box()["y"] + last.bounding_box()["height"]
    assert bottom - top < HEIGHT - 100, f"ten folded picks take {bottom - top:.0f}px: more than one screen"
    page.evaluate(f"document.getElementById('section-{section.pk}').scrollIntoView()")
    drag(page, last.locator(".drag-handle"), first.locator(".issue-pick-head"))
    expect(page.locator("#order-status")).to_have_text(re.compile(r"^Moved"))
    assert list(section.picks.order_by("position").values_list("pk", flat=True)) == [order[-1], *order[:-1]]
    assert_fits(page, "journey-05b-issue-page-folded")

    # Use this draft on a pick far down the page comes back to that pick, unfolded, with the new blurb.
    far = Pick.objects.get(entry=more[-2])
    card = page.locator(f".issue-pick[data-pick-id='{far.pk}']")
    card.locator(".issue-pick-summary").click()
    submit(page, f".issue-pick[data-pick-id='{far.pk}'] button.use-draft")
    assert page.url.endswith(f"#pick-{far.pk}")
    box = card.locator(".issue-pick-head").bounding_box()
    assert 0 <= box["y"] < HEIGHT, f"back at {box['y']:.0f}px: not where the editor was"
    expect(card.locator("textarea[name$='-blurb']")).to_have_value(re.compile("^Draft 5: sparse attention"))
    assert page.evaluate("window.scrollY") > 300, "the page went back to the top"
    assert_fits(page, "journey-05c-use-this-draft")

    # Preview, mark ready, send.
    submit(page, "#preview-email")
    shot(page, "journey-06-preview")
    for pick in Pick.objects.filter(issue=issue):
        expect(page.locator("body")).to_contain_text(pick.title)
    page.go_back()
    submit(page, "#mark-ready")
    assert Issue.objects.get(pk=issue.pk).status == Issue.Status.READY

    # Schedule the send. No scheduler has run yet, and the page says the send would not start; the
    # scheduler thread `make run` starts in the demo then starts it once its time has come.
    submit(page, "#schedule-issue")
    page.fill("#id_send_at", (timezone.now() + datetime.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"))
    page.select_option("#id_time_zone", "UTC")
    submit(page, "#schedule-submit")
    warning = page.locator(".scheduler-warning")
    expect(warning).to_contain_text("The scheduler is not running: this send will not start.")
    shot(page, "journey-07-scheduled")
    ScheduledSend.objects.filter(issue=issue).update(send_at=timezone.now())  # five minutes later
    stop = scheduler.start_thread(interval=0.2)
    try:
        for _ in range(150):
            if Issue.objects.get(pk=issue.pk).status == Issue.Status.SENT:
                break
            stop.wait(0.1)
    finally:
        stop.set()
    page.goto(f"{live_server.url}{reverse('admin:editions_issue_send', args=[issue.pk])}")
    expect(page.locator("#already-sent")).to_contain_text("was sent on")
    expect(page.locator("input[value='Yes, send it']")).to_have_count(0)
    shot(page, "journey-08-sent")

    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT
    assert Delivery.objects.filter(issue=issue, status=Delivery.Status.SENT).count() == 3
    readers = sorted(address for message in mail.outbox for address in message.to)
    assert readers == [f"reader{i}@example.org" for i in range(3)]
    first_pick = Pick.objects.filter(issue=issue).order_by("section__position", "position").first()
    assert first_pick.title in mail.outbox[0].body
