"""Reader clicks: signed redirect per pick, counted for people only, plain links when turned off."""

import datetime as dt
import os
import re

import pytest
import redis
import time_machine
from django.core import signing
from django.urls import reverse

from curator.editions.models import Issue, Pick
from curator.feeds.models import Entry, Source
from curator.mailing import clicks
from curator.mailing.click_report import click_report
from curator.mailing.models import ClickCount, Subscriber
from curator.mailing.render import render_issue
from curator.mailing.subscriptions import unsubscribe_token
from tests.factories import make_issue, make_subscribers

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
# What a browser sends when a reader opens the link from their mail.
NAVIGATION = {
    "HTTP_USER_AGENT": BROWSER,
    "HTTP_ACCEPT": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "HTTP_SEC_FETCH_MODE": "navigate",
    "HTTP_SEC_FETCH_DEST": "document",
}


def sent_issue() -> Issue:
    issue = make_issue()
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.SENT)
    issue.refresh_from_db()
    return issue


def click_path(pick: Pick) -> str:
    return reverse("mailing:click", args=[clicks.click_token(pick.pk)])


def counted(pick: Pick) -> int:
    return sum(ClickCount.objects.filter(pick=pick).values_list("count", flat=True))


@pytest.mark.django_db
def test_it_redirects_to_the_pick_and_counts_the_click(client):
    pick = sent_issue().picks.get(title="Sparse attention, revisited")
    response = client.get(click_path(pick), **NAVIGATION)
    assert response.status_code == 302
    assert response["Location"] == "https://arxiv.org/abs/2603.01234"
    assert response["Cache-Control"] == "private, no-store"
    assert counted(pick) == 1
    client.get(click_path(pick), **NAVIGATION, REMOTE_ADDR="198.51.100.20")
    assert counted(pick) == 2, "another reader's click counts"


@pytest.mark.django_db
def test_it_refuses_a_tampered_token(client):
    pick = sent_issue().picks.first()
    token = clicks.click_token(pick.pk)
    other = pick.pk + 1000
    response = client.get(reverse("mailing:click", args=[f"{other}:{token.split(':', 1)[1]}"]), **NAVIGATION)
    assert response.status_code == 400
    assert not ClickCount.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_token_signed_for_something_else(client):
    sent_issue()
    reader = make_subscribers(1)[0]
    foreign = [unsubscribe_token(reader), signing.Signer(salt="another.app").sign("1"), "1", "garbage"]
    for token in foreign:
        assert client.get(reverse("mailing:click", args=[token]), **NAVIGATION).status_code == 400
    assert not ClickCount.objects.exists()


@pytest.mark.django_db
def test_it_never_redirects_anywhere_but_the_stored_pick(client):
    issue = sent_issue()
    pick = issue.picks.first()
    response = client.get(click_path(pick) + "?next=https://evil.example/", **NAVIGATION)
    assert response["Location"] == pick.url
    Pick.objects.filter(pk=pick.pk).update(url="javascript:alert(1)")  # written past the form's validation
    assert client.get(click_path(pick), **NAVIGATION).status_code == 400


@pytest.mark.django_db
def test_it_answers_400_for_a_deleted_pick(client):
    issue = make_issue()
    pick = issue.picks.first()
    path = click_path(pick)
    pick.delete()
    assert client.get(path, **NAVIGATION).status_code == 400


@pytest.mark.django_db
def test_it_skips_head_requests_scanners_and_prefetches(client):
    pick = sent_issue().picks.first()
    path = click_path(pick)
    assert client.head(path, **NAVIGATION).status_code == 302
    assert client.get(path, HTTP_USER_AGENT="Mozilla/5.0 (compatible; Barracuda Sentinel)").status_code == 302
    assert client.get(path, HTTP_USER_AGENT="Proofpoint URL Defense").status_code == 302
    assert client.get(path).status_code == 302  # no User-Agent at all
    assert client.get(path, **NAVIGATION, HTTP_SEC_PURPOSE="prefetch").status_code == 302
    assert client.post(path, **NAVIGATION).status_code == 405
    assert counted(pick) == 0
    client.get(path, **NAVIGATION)
    assert counted(pick) == 1


@pytest.mark.django_db
def test_it_counts_one_click_per_client_pick_and_day(client, settings):
    settings.TRUSTED_PROXIES = []
    issue = sent_issue()
    first, second = issue.picks.order_by("pk")[:2]
    start = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        for _ in range(300):  # one client hammering one link: still one reader
            assert client.get(click_path(first), **NAVIGATION).status_code == 302
        client.get(click_path(second), **NAVIGATION)
        # Forged forwarding headers from a client that is not a trusted proxy change nothing.
        client.get(click_path(first), **NAVIGATION, HTTP_X_FORWARDED_FOR="203.0.113.99")
        # IPv6 counts per /64: another address of the same block is the same client.
        client.get(click_path(first), **NAVIGATION, REMOTE_ADDR="2001:db8:1:2::1")
        client.get(click_path(first), **NAVIGATION, REMOTE_ADDR="2001:db8:1:2::2")
    assert (counted(first), counted(second)) == (2, 1)
    with time_machine.travel(start + dt.timedelta(days=1), tick=False):
        client.get(click_path(first), **NAVIGATION)
    assert counted(first) == 3, "the next day the same reader counts again"


@pytest.mark.django_db
def test_it_keeps_no_address_in_the_cache(client):
    pick = sent_issue().picks.first()
    client.get(click_path(pick), **NAVIGATION, REMOTE_ADDR="198.51.100.77")
    if not os.environ.get("REDIS_URL"):
        pytest.skip("needs the shared Redis cache")
    keys = redis.Redis.from_url(os.environ["REDIS_URL"]).keys("*click-seen*")
    assert keys, "the click left a seen-key in the shared cache"
    assert all(b"198.51.100.77" not in key for key in keys)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_USER_AGENT": "python-httpx/0.28.1", "HTTP_ACCEPT": "*/*"},
        {"HTTP_USER_AGENT": "okhttp/4.12.0"},
        {"HTTP_USER_AGENT": "Java/17.0.2", "HTTP_ACCEPT": "text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2"},
        {"HTTP_USER_AGENT": "axios/1.7.2", "HTTP_ACCEPT": "application/json, text/plain, */*"},
        {"HTTP_USER_AGENT": "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)", "HTTP_ACCEPT": "*/*"},
        {"HTTP_USER_AGENT": "node", "HTTP_ACCEPT": "*/*"},
        {"HTTP_USER_AGENT": "libwww-perl/6.77"},
        {"HTTP_USER_AGENT": BROWSER, "HTTP_ACCEPT": "*/*"},  # a script with a browser's name
        {**NAVIGATION, "HTTP_SEC_FETCH_MODE": "no-cors", "HTTP_SEC_FETCH_DEST": "image"},  # an <img> on a page
        {**NAVIGATION, "HTTP_SEC_FETCH_MODE": "cors", "HTTP_SEC_FETCH_DEST": "empty"},  # fetch() from a page
    ],
)
def test_it_counts_only_browser_navigations(client, headers):
    pick = sent_issue().picks.first()
    assert client.get(click_path(pick), **headers).status_code == 302
    assert counted(pick) == 0


@pytest.mark.django_db
def test_it_counts_a_browser_that_sends_no_fetch_metadata(client):
    pick = sent_issue().picks.first()
    older = {k: v for k, v in NAVIGATION.items() if not k.startswith("HTTP_SEC_FETCH")}
    client.get(click_path(pick), **older)
    assert counted(pick) == 1


@pytest.mark.django_db
def test_it_redirects_but_does_not_count_while_the_cache_is_down(client, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    pick = sent_issue().picks.first()
    assert client.get(click_path(pick), **NAVIGATION).status_code == 302
    assert counted(pick) == 0


@pytest.mark.django_db
def test_it_does_not_count_clicks_from_previews_of_an_unsent_issue(client):
    pick = make_issue().picks.first()
    assert client.get(click_path(pick), **NAVIGATION).status_code == 302
    assert counted(pick) == 0


@pytest.mark.django_db
def test_it_puts_the_same_pick_link_in_every_readers_email(settings):
    settings.MAILING_TRACK_CLICKS = True
    issue = make_issue()
    first, second = make_subscribers(2)
    links = []
    for reader in (first, second):
        _, html, text = render_issue(issue, reader)
        assert "https://arxiv.org/abs/2603.01234" not in html and "https://arxiv.org/abs/2603.01234" not in text
        links.append(sorted(set(re.findall(r"https://news\.example\.org/r/[^\"\s<]+", html))))
        assert set(re.findall(r"https://news\.example\.org/r/[^\"\s<]+", text)) == set(links[-1])
    assert links[0] == links[1] and len(links[0]) == 3
    for link in links[0]:  # the token names the pick, nothing about the reader
        pick_id = clicks.pick_id_from_token(link.rstrip("/").rsplit("/", 1)[1])
        assert Pick.objects.filter(pk=pick_id, issue=issue).exists()
        assert str(first.pk) not in link.split("/r/")[0]


@pytest.mark.django_db
def test_it_sends_plain_links_when_tracking_is_off(settings):
    settings.MAILING_TRACK_CLICKS = False
    issue = make_issue()
    _, html, text = render_issue(issue, Subscriber(pk=1, email="a@example.com"))
    assert "/r/" not in html and "/r/" not in text
    assert 'href="https://arxiv.org/abs/2603.01234"' in html


@pytest.mark.django_db
def test_it_keeps_plain_links_in_the_archive(client, settings):
    settings.MAILING_TRACK_CLICKS = True
    issue = sent_issue()
    html = client.get(reverse("editions:issue", args=[issue.slug])).content.decode()
    assert 'href="https://arxiv.org/abs/2603.01234"' in html
    assert "/r/" not in html


@pytest.mark.django_db
def test_it_reports_clicks_per_pick_day_and_source():
    issue = sent_issue()
    Issue.objects.filter(pk=issue.pk).update(sent_at=dt.datetime(2026, 4, 1, 9, tzinfo=dt.UTC))
    issue.refresh_from_db()
    source = Source.objects.create(name="Research lab", url="https://research.example.com/feed")
    entry = Entry.objects.create(source=source, guid="cal", url="https://research.example.com/calibration", title="C")
    calibration = issue.picks.get(title__startswith="Calibration")
    Pick.objects.filter(pk=calibration.pk).update(entry=entry)
    sparse = issue.picks.get(title__startswith="Sparse")
    day1, day2, day20 = dt.date(2026, 4, 1), dt.date(2026, 4, 2), dt.date(2026, 4, 20)
    for pick, day, n in [(calibration, day1, 5), (calibration, day2, 2), (sparse, day1, 1), (sparse, day20, 3)]:
        for _ in range(n):
            clicks.count_click(pick.pk, day)

    report = click_report(issue)

    assert report.total == 11
    assert [(r.title[:11], r.clicks) for r in report.picks] == [
        ("Calibration", 7),
        ("Sparse atte", 4),
        ("Pruning dat", 0),
    ]
    assert report.picks[0].share == 1.0
    assert report.start == day1
    assert [d.clicks for d in report.days[:3]] == [6, 2, 0]
    assert report.later == 3
    assert [(s.name, s.picks, s.clicks) for s in report.sources] == [
        ("Research lab", 1, 7),
        ("hand-added links", 2, 4),
    ]


@pytest.mark.django_db
def test_it_builds_the_click_report_in_a_fixed_number_of_queries(django_assert_num_queries):
    issue = make_issue()
    section = issue.sections.first()
    picks = [
        Pick.objects.create(issue=issue, section=section, title=f"P{n}", url=f"https://e.org/{n}", position=9 + n)
        for n in range(15)
    ]
    small = sent_issue()
    with django_assert_num_queries(3):
        click_report(small)
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.SENT)
    for pick in picks:
        clicks.count_click(pick.pk)
    with django_assert_num_queries(3):
        assert len(click_report(issue).picks) == 18


@pytest.mark.django_db
def test_it_shows_the_click_report_with_its_charts(client, send_permissions):
    editor, _ = send_permissions
    issue = sent_issue()
    clicks.count_click(issue.picks.first().pk)
    client.force_login(editor)
    page = client.get(reverse("admin:editions_issue_change", args=[issue.pk])).content.decode()
    assert reverse("admin:editions_issue_clicks", args=[issue.pk]) in page
    html = client.get(reverse("admin:editions_issue_clicks", args=[issue.pk])).content.decode()
    assert html.count('class="bar"') == 3 + 14
    assert '<svg id="pick-chart"' in html and '<svg id="day-chart"' in html


@pytest.mark.django_db
def test_it_escapes_pick_titles_in_the_chart(client, send_permissions):
    editor, _ = send_permissions
    issue = make_issue()
    Pick.objects.filter(pk=issue.picks.first().pk).update(title="<script>alert(1)</script>")
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.SENT)
    client.force_login(editor)
    html = client.get(reverse("admin:editions_issue_clicks", args=[issue.pk])).content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
