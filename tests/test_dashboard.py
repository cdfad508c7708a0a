"""The admin front page: each card's facts, who sees which card, the menus and the site's name."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
import time_machine
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from curator.dashboard import dashboard_for
from curator.editions.models import Issue, Pick
from curator.feeds.models import Entry, IngestRun, Source
from curator.mailing.models import Delivery, Subscriber
from curator.outbox.models import OutboxMessage
from summarizer import engine
from summarizer.models import Draft

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 18, 9, 30, tzinfo=datetime.UTC)  # a Wednesday


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("sue", "sue@example.org", "sue-password")


@pytest.fixture
def source() -> Source:
    return Source.objects.create(name="Research blog", url="https://research.example.org/feed")


@pytest.fixture
def make_entry(source: Source) -> Callable[..., Entry]:
    def make(title: str, **fields: object) -> Entry:
        return Entry.objects.create(
            source=source, guid=title, url=f"https://research.example.org/{title}", title=title, **fields
        )

    return make


@pytest.fixture(autouse=True)
def _no_model_in_memory():
    engine.reset()
    yield
    engine.reset()


def this_month(**fields: object) -> Issue:
    return Issue.objects.create(title="Recommended reading", month=timezone.localdate().replace(day=1), **fields)


def pick(issue: Issue, section_title: str, title: str, blurb: str = "A blurb.") -> Pick:
    section = issue.sections.get(title=section_title)
    return Pick.objects.create(
        issue=issue, section=section, title=title, url=f"https://example.org/{title}", blurb=blurb
    )


def index(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return response.content.decode()


# This month's issue ---------------------------------------------------------------------------


def test_it_counts_picks_per_section_and_lists_what_is_missing_before_mark_ready(superuser, settings) -> None:
    settings.EDITIONS_DEFAULT_SECTIONS = ["Papers", "Posts"]
    issue = this_month()
    pick(issue, "Papers", "one")
    pick(issue, "Papers", "two", blurb="")
    card = dashboard_for(superuser).issue
    assert card is not None and card.issue == issue
    assert [(s.title, s.picks, s.without_blurb) for s in card.sections] == [("Papers", 2, 1), ("Posts", 0, 0)]
    assert card.picks == 2
    assert card.missing == ["1 pick without a blurb", "empty section: Posts", "no intro"]


def test_it_says_an_issue_without_picks_cannot_be_marked_ready(superuser) -> None:
    this_month(intro="Hello")
    card = dashboard_for(superuser).issue
    assert card is not None
    assert card.missing == ["no picks yet: Mark ready is refused until there is one"]


def test_it_has_nothing_missing_once_the_issue_is_ready(superuser, settings) -> None:
    settings.EDITIONS_DEFAULT_SECTIONS = ["Papers"]
    issue = this_month(intro="Hello")
    pick(issue, "Papers", "one", blurb="")
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.READY)
    card = dashboard_for(superuser).issue
    assert card is not None and card.missing == []


def test_it_links_to_this_months_issue(client, editor) -> None:
    issue = this_month()
    body = index(client, editor)
    assert reverse("admin:editions_issue_change", args=[issue.pk]) in body
    assert 'id="start-issue"' not in body


def test_it_offers_to_start_this_months_issue_when_there_is_none(client, editor) -> None:
    Issue.objects.create(title="Last month", month=(timezone.localdate().replace(day=1) - datetime.timedelta(days=1)))
    body = index(client, editor)
    assert f'id="start-issue" href="{reverse("admin:editions_issue_add")}"' in body


# Triage, sources, drafts ----------------------------------------------------------------------


def test_it_counts_entries_new_this_week_and_all_waiting_for_triage(superuser, make_entry) -> None:
    make_entry("fresh", created_at=NOW - datetime.timedelta(days=2))
    make_entry("fresh but decided", created_at=NOW - datetime.timedelta(days=1), triage=Entry.Triage.REJECTED)
    make_entry("old", created_at=NOW - datetime.timedelta(days=20))
    card = dashboard_for(superuser, now=NOW).triage
    assert card is not None
    assert (card.new_this_week, card.untriaged) == (2, 2)


def test_it_links_the_triage_card_to_the_triage_list(client, editor) -> None:
    body = index(client, editor)
    assert f"{reverse('admin:feeds_entry_changelist')}?triage__exact=new" in body


def test_it_lists_failing_sources_worst_first_with_their_last_error(superuser, source) -> None:
    Source.objects.create(
        name="Flaky",
        url="https://flaky.example.org/feed",
        last_status="error",
        consecutive_failures=2,
        last_error="HTTP 503 from flaky.example.org",
    )
    Source.objects.create(
        name="Dead",
        url="https://dead.example.org/feed",
        last_status="error",
        consecutive_failures=9,
        last_error="connection refused",
    )
    card = dashboard_for(superuser).sources
    assert card is not None
    assert card.failing == 2
    assert [(s.name, s.last_error) for s in card.worst] == [
        ("Dead", "connection refused"),
        ("Flaky", "HTTP 503 from flaky.example.org"),
    ]


def test_it_escapes_a_hostile_source_error(client, superuser) -> None:
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    Source.objects.create(name=hostile, url="https://evil.example.org/feed", last_status="error", last_error=hostile)
    body = index(client, superuser)
    assert "<script>alert" not in body and "<img src=x" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body


def test_it_counts_entries_without_drafts_and_says_the_fallback_is_used_without_a_model(
    superuser, make_entry, settings
) -> None:
    settings.SUMMARIZER_MODEL = ""
    drafted = make_entry("drafted")
    make_entry("waiting")
    Draft.objects.create(entry=drafted, text="Blurb.", engine=Draft.Engine.MODEL, model_id="m")
    card = dashboard_for(superuser).drafts
    assert card is not None
    assert card.pending == 1
    assert (card.summarizer.engine, card.summarizer.reason) == ("fallback", "SUMMARIZER_MODEL is not set")


def test_it_reports_the_workers_fallback_reason_from_the_newest_draft_without_loading_the_model(
    superuser, make_entry, settings, monkeypatch
) -> None:
    settings.SUMMARIZER_MODEL = "sshleifer/distilbart-cnn-12-6"
    monkeypatch.setattr(engine, "_load", lambda model_id: pytest.fail("the dashboard loaded the model"))
    entry = make_entry("one")
    Draft.objects.create(
        entry=entry, text="Old.", engine=Draft.Engine.MODEL, created_at=NOW - datetime.timedelta(days=1)
    )
    Draft.objects.create(
        entry=entry,
        text="New.",
        engine=Draft.Engine.FALLBACK,
        fallback_reason="could not load model: OSError",
        created_at=NOW,
    )
    status = dashboard_for(superuser).drafts.summarizer
    assert (status.engine, status.reason, status.seen_at) == ("fallback", "could not load model: OSError", NOW)


def test_it_reports_the_model_when_the_newest_draft_came_from_it(superuser, make_entry, settings) -> None:
    settings.SUMMARIZER_MODEL = "sshleifer/distilbart-cnn-12-6"
    Draft.objects.create(
        entry=make_entry("one"), text="New.", engine=Draft.Engine.MODEL, model_id="sshleifer/distilbart-cnn-12-6"
    )
    status = dashboard_for(superuser).drafts.summarizer
    assert (status.engine, status.model_id) == ("model", "sshleifer/distilbart-cnn-12-6")


# Ingest and mailing ---------------------------------------------------------------------------


def test_it_shows_the_last_ingest_run_and_the_next_scheduled_ingest(superuser, source) -> None:
    IngestRun.objects.create(source=source, started_at=NOW - datetime.timedelta(days=3), new=4)
    latest = IngestRun.objects.create(source=source, started_at=NOW - datetime.timedelta(hours=2), new=7, failed=1)
    with time_machine.travel(NOW, tick=False):
        card = dashboard_for(superuser, now=NOW).ingest
    assert card is not None
    assert card.last_run == latest
    assert card.schedule is not None and card.schedule.task == "curator.feeds.tasks.ingest_all"
    assert card.next_at == datetime.datetime(2026, 11, 23, 6, 0, tzinfo=datetime.UTC)  # Monday 06:00 UTC


def test_it_says_when_the_weekly_ingest_is_disabled(client, superuser) -> None:
    PeriodicTask.objects.filter(task="curator.feeds.tasks.ingest_all").update(enabled=False)
    card = dashboard_for(superuser).ingest
    assert card is not None and card.next_at is None and card.schedule is not None
    assert "The weekly ingest is disabled." in index(client, superuser)


def test_it_counts_subscribers_and_reports_the_last_send(superuser, settings) -> None:
    settings.EDITIONS_DEFAULT_SECTIONS = ["Papers"]
    people = [Subscriber.objects.create(email=f"s{i}@example.org", status="active") for i in range(3)]
    Subscriber.objects.create(email="p@example.org", status="pending")
    Subscriber.objects.create(email="u@example.org", status="unsubscribed")
    older = Issue.objects.create(
        title="October", month=datetime.date(2026, 10, 1), status="sent", sent_at=NOW - datetime.timedelta(days=30)
    )
    latest = Issue.objects.create(title="November", month=datetime.date(2026, 11, 1), status="sent", sent_at=NOW)
    Delivery.objects.create(issue=older, subscriber=people[0], status="sent")
    for person, status in zip(people, ["sent", "sent", "failed"], strict=True):
        Delivery.objects.create(issue=latest, subscriber=person, status=status)
    card = dashboard_for(superuser).mailing
    assert card is not None
    assert (card.active, card.pending) == (3, 1)
    assert card.last_send is not None
    assert (card.last_send.issue, card.last_send.sent, card.last_send.failed, card.last_send.pending) == (
        latest,
        2,
        1,
        0,
    )


# Who sees what --------------------------------------------------------------------------------


CARDS = ["card-issue", "card-triage", "card-sources", "card-drafts", "card-ingest", "card-mailing"]


def cards_in(body: str) -> list[str]:
    return [card for card in CARDS if f'id="{card}"' in body]


def test_it_shows_an_editor_the_editorial_cards_only(client, editor) -> None:
    board = dashboard_for(editor)
    assert board.ingest is None and board.mailing is None
    assert cards_in(index(client, editor)) == ["card-issue", "card-triage", "card-sources", "card-drafts"]


def test_it_shows_a_publisher_the_subscribers_and_sends_too(client, publisher) -> None:
    body = index(client, publisher)
    assert cards_in(body) == ["card-issue", "card-triage", "card-sources", "card-drafts", "card-mailing"]
    assert reverse("admin:mailing_subscriber_changelist") in body


def test_it_shows_a_superuser_every_card(client, superuser) -> None:
    assert cards_in(index(client, superuser)) == CARDS


def test_it_shows_no_card_to_staff_without_permissions(client, django_user_model) -> None:
    nobody = django_user_model.objects.create_user("nobody", "nobody@example.org", "pw", is_staff=True)
    assert cards_in(index(client, nobody)) == []


def test_it_shows_only_the_schedule_to_a_user_who_may_view_only_the_schedule(django_user_model) -> None:
    viewer = django_user_model.objects.create_user("viewer", "viewer@example.org", "pw", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_periodictask"))
    card = dashboard_for(viewer).ingest
    assert card is not None and card.can_see_schedule and not card.can_see_runs and card.last_run is None


# Menus and the site's name --------------------------------------------------------------------


def app_list(user) -> list[dict]:
    request = RequestFactory().get("/admin/")
    request.user = user
    return admin.site.get_app_list(request)


INTERNAL = {"django_celery_beat", "axes", "outbox"}


def test_it_hides_beat_axes_and_the_outbox_from_staff_even_with_permissions(client, editor) -> None:
    editor.user_permissions.add(Permission.objects.get(codename="view_periodictask"))
    editor = type(editor).objects.get(pk=editor.pk)  # fresh permission cache
    assert not INTERNAL & {app["app_label"] for app in app_list(editor)}
    client.force_login(editor)
    assert client.get(reverse("admin:app_list", args=["django_celery_beat"])).status_code == 404
    # The model's own pages still answer to the permission it was given.
    assert client.get(reverse("admin:django_celery_beat_periodictask_changelist")).status_code == 200
    assert client.get(reverse("admin:django_celery_beat_crontabschedule_changelist")).status_code == 403


def test_it_shows_the_machinery_to_superusers_after_the_newsletter_apps(superuser) -> None:
    labels = [app["app_label"] for app in app_list(superuser)]
    assert labels[:4] == ["feeds", "editions", "summarizer", "mailing"]
    assert set(labels) >= INTERNAL
    assert set(labels[-3:]) == INTERNAL
    beat = next(app for app in app_list(superuser) if app["app_label"] == "django_celery_beat")
    assert {m["object_name"] for m in beat["models"]} >= {"PeriodicTask", "CrontabSchedule", "ClockedSchedule"}


def test_it_lists_feeds_in_workflow_order(superuser) -> None:
    feeds = next(app for app in app_list(superuser) if app["app_label"] == "feeds")
    names = [m["object_name"] for m in feeds["models"] if m["object_name"] != "Desk"]
    assert names[:2] == ["Source", "Entry"]
    assert [app["name"] for app in app_list(superuser)][:4] == ["Feeds", "Editions", "Summarizer", "Mailing"]


def test_it_names_the_site_after_the_newsletter(client, superuser, settings) -> None:
    settings.SITE_NAME = "The Lab Letter"
    body = index(client, superuser)
    assert '<a href="/admin/">The Lab Letter</a>' in body
    assert "<title>Dashboard | The Lab Letter</title>" in body
    changelist = client.get(reverse("admin:feeds_entry_changelist")).content.decode()
    assert '<a href="/admin/">The Lab Letter</a>' in changelist
    for page in (body, changelist, client.get(reverse("admin:login")).content.decode()):
        assert "Django administration" not in page and "Django site admin" not in page


def test_it_loads_the_one_admin_stylesheet(client, superuser) -> None:
    assert 'href="/static/curator/admin.css"' in index(client, superuser)


def test_it_keeps_the_scheduled_sends_on_the_dashboard(client, superuser) -> None:
    from curator.mailing.models import ScheduledSend

    issue = this_month(status=Issue.Status.READY)
    ScheduledSend.objects.create(issue=issue, send_at=timezone.now() + datetime.timedelta(hours=5), time_zone="UTC")
    body = index(client, superuser)
    assert 'id="scheduled-sends"' in body and "data-countdown" in body


# Cost -----------------------------------------------------------------------------------------


def grow(n: int, source: Source) -> None:
    start = Entry.objects.count()
    entries = Entry.objects.bulk_create(
        Entry(source=source, guid=f"g{i}", url=f"https://example.org/{i}", title=f"Entry {i}")
        for i in range(start, start + n)
    )
    Draft.objects.bulk_create(Draft(entry=e, text="B.", engine=Draft.Engine.FALLBACK) for e in entries[::2])
    Source.objects.bulk_create(
        Source(name=f"S{i}", url=f"https://s{i}.example.org/feed", last_status="error", last_error="boom")
        for i in range(start, start + n)
    )
    Subscriber.objects.bulk_create(
        Subscriber(email=f"r{i}@example.org", status="active") for i in range(start, start + n)
    )
    IngestRun.objects.bulk_create(IngestRun(source=source, new=i) for i in range(n))


def queries_for_index(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("admin:index")).status_code == 200
    return len(captured)


def test_it_costs_the_same_number_of_queries_with_ten_times_the_data(client, superuser, source, settings) -> None:
    settings.EDITIONS_DEFAULT_SECTIONS = ["Papers", "Posts"]
    issue = this_month()
    pick(issue, "Papers", "one")
    grow(3, source)
    client.force_login(superuser)
    few = queries_for_index(client)
    with CaptureQueriesContext(connection) as direct_few:
        dashboard_for(superuser)
    grow(30, source)
    pick(issue, "Posts", "two")
    assert queries_for_index(client) == few
    with CaptureQueriesContext(connection) as direct_many:
        dashboard_for(superuser)
    assert len(direct_many) == len(direct_few) <= 12


def test_it_links_the_desk_from_the_menu_and_the_triage_card(client, editor) -> None:
    desk = reverse("admin:feeds_entry_desk")
    body = index(client, editor)
    assert f'id="open-desk" href="{desk}"' in body and 'class="model-desk' in body
    feeds = next(app for app in app_list(editor) if app["app_label"] == "feeds")
    assert [m["object_name"] for m in feeds["models"]][:3] == ["Source", "Entry", "Desk"]
    assert feeds["models"][2]["admin_url"] == desk


def test_it_warns_when_queued_work_waits_for_the_broker(client, editor) -> None:
    now = timezone.now()
    OutboxMessage.objects.create(task="t.fresh", created_at=now)  # being handed over right now
    OutboxMessage.objects.create(task="t.done", created_at=now - datetime.timedelta(hours=1), handed_over_at=now)
    assert dashboard_for(editor).queue is None
    assert 'id="queue-warning"' not in index(client, editor)

    OutboxMessage.objects.create(task="t.refused", attempts=1, created_at=now - datetime.timedelta(seconds=5))
    OutboxMessage.objects.create(task="t.old", created_at=now - datetime.timedelta(minutes=5))
    facts = dashboard_for(editor).queue
    assert facts is not None and facts.waiting == 2
    body = index(client, editor)
    assert "2 queued tasks (oldest from" in body and "are waiting for the task queue" in body
