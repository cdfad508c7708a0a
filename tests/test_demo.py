"""The embedded demo that `make run` loads: every part of the workflow has something to show."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from curator.editions.models import Issue
from curator.feeds.models import Entry
from curator.mailing.models import Subscriber
from summarizer.models import Draft

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _demo_var_dir(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.VAR_DIR = tmp_path
    settings.SUMMARIZER_MODEL = ""  # the demo drafts offline


def test_it_loads_entries_drafts_issues_and_subscribers(capsys) -> None:  # type: ignore[no-untyped-def]
    call_command("load_demo")
    assert Entry.objects.count() >= 10
    assert Entry.objects.filter(kind=Entry.Kind.PAPER).exists()
    assert Entry.objects.filter(kind=Entry.Kind.POST).exists()
    assert not Entry.objects.filter(drafts__isnull=True).exists(), "every demo entry has a draft"
    assert set(Draft.objects.values_list("engine", flat=True)) == {Draft.Engine.FALLBACK}
    sent = Issue.objects.get(status=Issue.Status.SENT)
    assert sent.picks.count() == 6 + 6  # six from the bundled feeds, six past picks of the ranking demo
    assert all(pick.blurb for pick in sent.picks.all())
    assert Issue.objects.filter(status=Issue.Status.DRAFT).get().picks.exists()
    assert Subscriber.objects.filter(status=Subscriber.Status.ACTIVE).count() == 3
    assert "Log in at /admin/ as 'demo' with password '" in capsys.readouterr().out


def test_it_prints_a_login_that_works(client, capsys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    call_command("load_demo")
    password = (tmp_path / "demo-login.txt").read_text()
    assert f"password '{password}'" in capsys.readouterr().out
    assert client.login(username="demo", password=password)
    assert client.get("/admin/editions/issue/").status_code == 200
    assert client.get("/admin/feeds/entry/").status_code == 200


def test_it_changes_nothing_when_run_again(capsys) -> None:  # type: ignore[no-untyped-def]
    call_command("load_demo")
    counts = (Entry.objects.count(), Draft.objects.count(), Issue.objects.count(), Subscriber.objects.count())
    call_command("load_demo")
    assert counts == (Entry.objects.count(), Draft.objects.count(), Issue.objects.count(), Subscriber.objects.count())
    assert "0 new entries" in capsys.readouterr().out.splitlines()[-2]


def test_it_shows_the_sent_demo_issue_in_the_public_archive(client) -> None:  # type: ignore[no-untyped-def]
    call_command("load_demo")
    sent = Issue.objects.get(status=Issue.Status.SENT)
    listing = client.get("/")
    assert listing.status_code == 200
    assert sent.short_name in listing.content.decode()
