"""The embedded demo that `make run` loads: every part of the workflow has something to show."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from curator.demo import month_start, split_for_issues
from curator.editions.models import Issue, Pick
from curator.feeds import fetch
from curator.feeds.demo import DEMO_DATA
from curator.feeds.models import Entry, Source
from curator.mailing import control
from curator.mailing.models import Delivery, Subscriber
from curator.ranking.demo import read_demo_rows
from summarizer.models import Draft
from tests.factories import FAST_HASHERS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _demo_var_dir(settings, tmp_path) -> None:
    settings.VAR_DIR = tmp_path
    settings.SUMMARIZER_MODEL = ""  # the demo drafts offline


@pytest.fixture(scope="class")
def loaded_demo(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Path]:
    """One `load_demo` for a class of checks that only read it or change it inside their own test.

    Loading takes seconds; each test still runs in its own savepoint inside this transaction, which
    is rolled back after the class, so the rest of the suite never sees the demo. Yields the
    directory holding the demo's login file.
    """
    var_dir = tmp_path_factory.mktemp("demo")
    with (
        django_db_blocker.unblock(),
        override_settings(VAR_DIR=var_dir, SUMMARIZER_MODEL="", PASSWORD_HASHERS=FAST_HASHERS),
        transaction.atomic(),
    ):
        call_command("load_demo", stdout=StringIO())
        yield var_dir
        transaction.set_rollback(True)


def test_it_loads_entries_drafts_issues_and_subscribers(capsys) -> None:
    call_command("load_demo")
    assert Entry.objects.count() >= 10
    assert Entry.objects.filter(kind=Entry.Kind.PAPER).exists()
    assert Entry.objects.filter(kind=Entry.Kind.POST).exists()
    assert not Entry.objects.filter(drafts__isnull=True).exists(), "every demo entry has a draft"
    assert set(Draft.objects.values_list("engine", flat=True)) == {Draft.Engine.FALLBACK}
    sent = Issue.objects.get(status=Issue.Status.SENT)
    assert sent.picks.count() == 6 + 6  # six from the bundled feeds, six past picks of the ranking demo
    assert sent.title == "Recommended reading" and sent.slug == f"{sent.month:%Y-%m}-recommended-reading"
    assert all(pick.blurb for pick in sent.picks.all())
    assert Issue.objects.filter(status=Issue.Status.DRAFT).get().picks.exists()
    assert Subscriber.objects.filter(status=Subscriber.Status.ACTIVE).count() == 3
    assert "Log in at /admin/ as 'demo' with password '" in capsys.readouterr().out


def test_it_prints_a_login_that_works(client, capsys, tmp_path) -> None:
    call_command("load_demo")
    password = (tmp_path / "demo-login.txt").read_text()
    assert f"password '{password}'" in capsys.readouterr().out
    assert client.login(username="demo", password=password)
    assert client.get("/admin/editions/issue/").status_code == 200
    assert client.get("/admin/feeds/entry/").status_code == 200


def counts() -> tuple[int, ...]:
    models = (Entry, Draft, Issue, Pick, Subscriber, Delivery, Source)
    return (*(model.objects.count() for model in models), Entry.objects.filter(triage=Entry.Triage.NEW).count())


def test_the_sent_issue_was_delivered_to_every_demo_subscriber() -> None:
    call_command("load_demo")
    sent = Issue.objects.get(status=Issue.Status.SENT)
    subscribers = set(Subscriber.objects.filter(status=Subscriber.Status.ACTIVE).values_list("pk", flat=True))
    assert set(sent.deliveries.values_list("subscriber_id", flat=True)) == subscribers
    progress = control.progress(sent)
    assert (progress["total"], progress["sent"], progress["failed"], progress["pending"]) == (3, 3, 0, 0)
    assert sorted(to for message in mail.outbox for to in message.to) == sorted(
        Subscriber.objects.values_list("email", flat=True)
    )
    assert sent.sent_at is not None and all(d.sent_at for d in sent.deliveries.all())


def test_last_months_issue_holds_nothing_published_this_month_in_the_site_time_zone(settings) -> None:
    """Just after midnight on December 1 in Berlin it is still November 30 in UTC: the boundary is local."""
    settings.TIME_ZONE = "Europe/Berlin"
    berlin = dt.timezone(dt.timedelta(hours=1))  # CET, no daylight saving in winter
    with time_machine.travel(dt.datetime(2026, 12, 1, 0, 30, tzinfo=berlin), tick=False):
        boundary = month_start(timezone.now())
        assert boundary == dt.datetime(2026, 11, 30, 23, 0, tzinfo=dt.UTC)
        source = Source.objects.create(name="Boundary", url="https://boundary.example/feed.xml")
        made = {}
        for name, when in [
            ("late november", dt.datetime(2026, 11, 30, 22, 30, tzinfo=dt.UTC)),  # 23:30 in Berlin
            ("first of december", dt.datetime(2026, 11, 30, 23, 15, tzinfo=dt.UTC)),  # 00:15 in Berlin
        ]:
            made[name] = Entry.objects.create(
                source=source, guid=name, url=f"https://b.example/{len(made)}", title=name, published_at=when
            )
        past, current, _ = split_for_issues(list(Entry.objects.order_by("-published_at")), boundary)
        assert past == [made["late november"]] and current == [made["first of december"]]

        call_command("load_demo")
        sent = Issue.objects.get(status=Issue.Status.SENT)
        assert sent.month == dt.date(2026, 11, 1)
        assert made["first of december"] not in [pick.entry for pick in sent.picks.all()]
        assert all(pick.entry.published_at < boundary for pick in sent.picks.select_related("entry"))


@pytest.mark.usefixtures("loaded_demo")
class TestTheLoadedDemo:
    """Checks of what one load leaves behind; each test's own changes are undone after it."""

    def test_it_changes_nothing_when_run_again(self, capsys) -> None:
        before, sent_mail = counts(), len(mail.outbox)
        call_command("load_demo")
        assert counts() == before
        assert len(mail.outbox) == sent_mail, "the sent issue is not sent twice"
        assert "0 new entries" in capsys.readouterr().out.splitlines()[-2]

    def test_it_leaves_a_week_of_new_entries_in_several_topics(self) -> None:
        week_ago = timezone.now() - dt.timedelta(days=7)
        waiting = Entry.objects.filter(
            triage=Entry.Triage.NEW, published_at__gte=week_ago, published_at__lte=timezone.now()
        )
        assert waiting.count() >= 40
        topic_of = {row["title"]: row["topic"] for row in read_demo_rows()}
        topics = Counter(topic_of.get(title) for title in waiting.values_list("title", flat=True))
        assert len([t for t, n in topics.items() if t and n >= 10]) >= 2, topics
        assert not Entry.objects.filter(triage=Entry.Triage.NEW, published_at__lt=week_ago).exists()

    def test_the_sent_issue_page_shows_the_true_counts(self, client, loaded_demo: Path) -> None:
        assert client.login(username="demo", password=(loaded_demo / "demo-login.txt").read_text())
        sent = Issue.objects.get(status=Issue.Status.SENT)
        html = client.get(reverse("admin:editions_issue_change", args=[sent.pk])).content.decode()
        fields = dict(re.findall(r'<span data-field="(\w+)">([^<]*)</span>', html))
        assert fields == {"status": "sent", "sent": "3", "failed": "0", "pending": "0", "total": "3"}

    def test_the_current_issue_has_picks_in_two_sections(self) -> None:
        current = Issue.objects.get(status=Issue.Status.DRAFT)
        assert current.month == timezone.localdate().replace(day=1)
        assert current.picks.values("section").distinct().count() >= 2
        assert current.due_at is not None and current.due_at > timezone.now()  # reminders have a date to work to

    def test_the_newsroom_has_three_bylines_two_suggestions_and_picks_in_several_states(self) -> None:
        from curator.team.marks import progress
        from curator.team.models import Assignment, Member, Suggestion

        assert Member.objects.exclude(display_name="").count() >= 3
        assert Suggestion.objects.exclude(note="").values("user").distinct().count() == 2
        states = set(Assignment.objects.values_list("state", flat=True))
        assert {"claimed", "written", "approved"} <= states
        current = Issue.objects.get(status=Issue.Status.DRAFT)
        lines = [row.line for row in progress(current)]
        assert "Chris: 0 of 1 written" in lines and "Keita: 1 of 1 written" in lines

    def test_offline_ingest_fetches_the_demo_sources_from_the_bundled_files(self, settings, monkeypatch) -> None:
        settings.FEEDS_LOCAL_DIR = str(DEMO_DATA)

        def no_dns(host: str, port: int) -> list[str]:
            raise AssertionError(f"the offline demo looked up {host}")

        monkeypatch.setattr(fetch, "system_resolver", no_dns)
        before = Entry.objects.count()
        out = StringIO()
        call_command("ingest", "--all", stdout=out)  # raises CommandError (exit status 1) if any source failed
        assert "0 failed" in out.getvalue()
        new = Entry.objects.filter(source__name="Attention Span (demo blog)")
        assert new.count() == 3 and Entry.objects.count() == before + 3
        assert set(Source.objects.filter(active=True).values_list("last_status", flat=True)) <= {
            Source.Status.OK,
            Source.Status.NOT_MODIFIED,
        }

    def test_without_local_feeds_the_demo_sources_fail_and_the_command_says_so(self, settings, monkeypatch) -> None:
        settings.FEEDS_LOCAL_DIR = ""
        monkeypatch.setattr(fetch, "system_resolver", lambda host, port: [])  # as with no network at all
        err = StringIO()
        with pytest.raises(CommandError, match="4 of 4 sources failed"):
            call_command("ingest", "--all", stdout=StringIO(), stderr=err)
        assert "Attention Span (demo blog) (id " in err.getvalue()

    def test_it_shows_the_sent_demo_issue_in_the_public_archive(self, client) -> None:
        sent = Issue.objects.get(status=Issue.Status.SENT)
        listing = client.get("/")
        assert listing.status_code == 200
        assert sent.short_name in listing.content.decode()

    def test_the_sent_issue_picks_carry_topics_with_public_pages(self, client) -> None:
        from curator.search.models import Topic

        call_command("load_demo")  # a second run adds nothing
        interpretability = Topic.objects.get(slug="interpretability")
        titles = set(interpretability.picks.values_list("entry__title", flat=True))
        assert "Sparse dictionaries recover features hidden in superposition" in titles
        assert interpretability.picks.count() == 3
        assert all(topic.picks.exists() for topic in Topic.objects.all())
        page = client.get("/topics/interpretability/")
        assert page.status_code == 200 and "Sparse dictionaries recover features" in page.content.decode()
