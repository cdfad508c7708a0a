"""The dashboard and the busiest admin pages fit a laptop screen: no sideways scrolling, short rows.

Debian's Chromium driven by Playwright against the live server, at 1366x768 and 1600x900, with
the long titles, author lists and errors real feeds produce. Screenshots land in var/e2e/.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from curator.editions.models import Issue, Pick
from curator.feeds.models import Entry, IngestRun, Source
from curator.mailing.models import Subscriber
from curator.ranking.models import Relevance, Story, StoryMembership
from summarizer.models import Draft
from tests.support.browser import assert_fits, log_in

pytestmark = pytest.mark.e2e

SIZES = [(1366, 768), (1600, 900)]
LONG_TITLE = (
    "Scaling laws for sparse mixture-of-experts language models under heavy-tailed routing noise, "
    "with a careful look at load balancing losses, capacity factors and expert collapse at scale"
)
LONG_DRAFT = (
    "The authors study how routing noise changes the scaling behaviour of sparse expert models and find that "
    "a simple auxiliary loss recovers most of the lost quality while keeping the compute budget fixed."
)


@pytest.fixture
def busy_desk(django_user_model):
    admin_user = django_user_model.objects.create_superuser("sue", "sue@example.org", "sue-password")
    now = timezone.now()
    sources = [
        Source.objects.create(
            name="A research lab's engineering blog with a long name", url="https://lab.example.org/feed"
        ),
        Source.objects.create(
            name="arXiv cs.LG listing", url="https://rss.arxiv.org/rss/cs.LG", kind=Source.Kind.ARXIV
        ),
        Source.objects.create(
            name="Flaky conference blog",
            url="https://flaky.example.org/feed",
            last_status=Source.Status.ERROR,
            consecutive_failures=6,
            last_error="HTTP 503 from https://flaky.example.org/feed/with/a/very/long/path?and=query&string=parameters "
            "after 3 redirects: the server said it is temporarily unavailable, retry after 3600 seconds",
            last_fetched_at=now,
            next_fetch_after=now + datetime.timedelta(hours=8),
        ),
    ]
    for i in range(25):
        entry = Entry.objects.create(
            source=sources[i % 2],
            guid=f"g{i}",
            url=f"https://lab.example.org/{i}",
            title=f"{LONG_TITLE} ({i})",
            authors=["Ada Lovelace", "Alan Turing", "Grace Hopper", "Edsger W. Dijkstra"],
            categories=["cs.LG", "stat.ML"],
            tags=["mixture of experts", "scaling"],
            abstract=LONG_DRAFT * 3,
            kind=Entry.Kind.PAPER if i % 2 else Entry.Kind.POST,
            arxiv_id=f"2611.{10000 + i}" if i % 2 else "",
            published_at=now - datetime.timedelta(hours=i),
            fingerprint="f" * 64,
        )
        Draft.objects.create(entry=entry, text=LONG_DRAFT, engine=Draft.Engine.FALLBACK, fallback_reason="no model")
    ranked = list(Entry.objects.order_by("pk"))
    like = [[e.pk, e.title] for e in ranked[:3]]
    Relevance.objects.bulk_create(
        Relevance(entry=e, score=0.9 - i / 50, margin=0.3, like=like) for i, e in enumerate(ranked)
    )
    story = Story.objects.create()
    for member in ranked[:3]:
        StoryMembership.objects.create(entry=member, story=story, reason=StoryMembership.Reason.CITES)
    earlier = Issue.objects.create(
        title="October: a rather long issue title for the warning", month=datetime.date(2026, 10, 1)
    )
    Pick.objects.create(issue=earlier, section=earlier.sections.first(), entry=ranked[1], title=ranked[1].title)
    Issue.objects.filter(pk=earlier.pk).update(status=Issue.Status.SENT, sent_at=now)
    IngestRun.objects.create(source=sources[0], started_at=now - datetime.timedelta(hours=3), finished_at=now, new=12)
    issue = Issue.objects.create(title="Recommended reading", month=now.date().replace(day=1))
    entry = Entry.objects.first()
    Pick.objects.create(issue=issue, section=issue.sections.first(), entry=entry, title=entry.title, blurb="")
    Subscriber.objects.bulk_create(Subscriber(email=f"r{i}@example.org", status="active") for i in range(40))
    return admin_user


def test_it_fits_the_dashboard_and_the_busiest_lists_on_a_laptop_screen(busy_desk, live_server, page) -> None:
    log_in(page, live_server.url, "sue", "sue-password")
    entry = Entry.objects.order_by("pk").first()
    pages = {
        "dashboard": reverse("admin:index"),
        "entries": reverse("admin:feeds_entry_changelist"),
        "sources": reverse("admin:feeds_source_changelist"),
        "entry": reverse("admin:feeds_entry_change", args=[entry.pk]),
    }
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        for name, url in pages.items():
            page.goto(f"{live_server.url}{url}")
            assert_fits(page, f"dashboard-{name}-{width}")
            if name == "entries":
                # A title takes two lines at most: the row stays short.
                title = page.locator("#result_list tbody tr th.field-title a").first
                line = float(title.evaluate("el => parseFloat(getComputedStyle(el).lineHeight)"))
                assert title.bounding_box()["height"] <= 2 * line + 2
            if name == "dashboard":
                assert page.locator("#card-issue").is_visible() and page.locator("#card-sources").is_visible()
                assert "Django administration" not in page.content()
                # Form fields stay inside their card (the team's Suggest a link box once ran over its edge).
                spill = page.evaluate(
                    """() => [...document.querySelectorAll('.desk-card input, .desk-card button')]
                        .filter(el => el.getBoundingClientRect().right > el.closest('.desk-card')
                            .getBoundingClientRect().right + 0.5).map(el => el.name || el.textContent)"""
                )
                assert page.locator(".desk-card input[name=url]").count() == 1
                assert spill == []
            if name == "entry":
                # Drafts first, technical fields folded away at the bottom.
                drafts_y = page.locator("#drafts").bounding_box()["y"]
                assert drafts_y < page.locator(".field-abstract").bounding_box()["y"]
                assert not page.locator(".field-fingerprint").is_visible()
                assert page.locator(".field-authors textarea").input_value().splitlines()[:2] == [
                    "Ada Lovelace",
                    "Alan Turing",
                ]
