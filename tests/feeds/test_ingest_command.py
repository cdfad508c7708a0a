"""`manage.py ingest`: progress per source and a summary."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from curator.feeds.models import Entry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("allow_loopback")]


def run(*args: str) -> str:
    out = StringIO()
    call_command("ingest", *args, stdout=out)
    return out.getvalue()


def test_it_ingests_all_due_sources_with_progress(make_source):
    make_source("atom.xml", name="Sparse Thoughts")
    make_source("status/500", name="Broken Blog")
    make_source("rss10.rdf", name="Later", next_fetch_after=timezone.now() + timedelta(days=1))
    output = run("--all")
    assert "] Sparse Thoughts: 2 new, 0 updated, 0 unchanged" in output
    assert "] Broken Blog: FAILED: HTTP 500" in output
    assert "Later" not in output
    assert "2 sources in" in output and "2 new, 0 updated, 0 unchanged, 0 not modified, 1 failed" in output


def test_it_ingests_chosen_sources_even_when_inactive(make_source):
    source = make_source("rss091.xml", active=False, fetch_full_text=False)
    output = run("--source", str(source.pk))
    assert "[1/1]" in output and Entry.objects.filter(source=source).count() == 2


def test_it_refuses_unknown_source_ids():
    with pytest.raises(CommandError, match="no source with id 4242"):
        run("--source", "4242")


def test_it_says_when_nothing_is_due():
    assert "Nothing to fetch" in run("--all")
