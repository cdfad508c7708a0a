"""`manage.py ingest`: progress per source, a summary, and exit status 1 when a source failed."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from curator.feeds.models import Entry, Source

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("allow_loopback")]


def run(*args: str, stderr: StringIO | None = None) -> str:
    out = StringIO()
    call_command("ingest", *args, stdout=out, stderr=stderr or StringIO())
    return out.getvalue()


def test_it_ingests_all_due_sources_with_progress(make_source):
    make_source("atom.xml", name="Sparse Thoughts")
    make_source("rss091.xml", name="Old Blog", fetch_full_text=False)
    make_source("rss10.rdf", name="Later", next_fetch_after=timezone.now() + timedelta(days=1))
    output = run("--all")
    assert "] Sparse Thoughts: 2 new, 0 updated, 0 unchanged" in output
    assert "] Old Blog: 2 new, 0 updated, 0 unchanged" in output
    assert "Later" not in output
    assert "2 sources in" in output and "4 new, 0 updated, 0 unchanged, 0 not modified, 0 failed" in output


def test_it_exits_non_zero_naming_failed_sources_after_storing_the_others(make_source, feed_server, closed_port):
    good = make_source("atom.xml", name="Sparse Thoughts")
    broken = make_source("status/500", name="Broken Blog")
    Source.objects.create(name="Dead Host", url=f"http://127.0.0.1:{closed_port}/feed.xml")
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="2 of 3 sources failed") as raised:
        call_command("ingest", "--all", stdout=out, stderr=err)
    assert raised.value.returncode == 1
    assert "] Broken Blog: FAILED: HTTP 500" in out.getvalue()
    assert "2 new, 0 updated, 0 unchanged, 0 not modified, 2 failed" in out.getvalue()
    lines = err.getvalue().splitlines()
    assert f"Broken Blog (id {broken.pk}): HTTP 500 from {feed_server.url('status/500')}" in lines
    assert any(line.startswith("Dead Host (id ") and "Connect" in line for line in lines), lines
    assert Entry.objects.filter(source=good).count() == 2, "the good source is stored all the same"


def test_it_ingests_chosen_sources_even_when_inactive(make_source):
    source = make_source("rss091.xml", active=False, fetch_full_text=False)
    output = run("--source", str(source.pk))
    assert "[1/1]" in output and Entry.objects.filter(source=source).count() == 2


def test_it_refuses_unknown_source_ids():
    with pytest.raises(CommandError, match="no source with id 4242"):
        run("--source", "4242")


def test_it_says_when_nothing_is_due():
    assert "Nothing to fetch" in run("--all")
