"""A failing source is logged once, with its name and the reason; a run records when its fetch began."""

from __future__ import annotations

import logging
import time

import pytest

from curator.feeds.ingest import ingest_source
from curator.feeds.models import IngestRun

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("allow_loopback")]


def test_a_failing_source_is_logged_once_with_its_name_and_reason(make_source, caplog):
    source = make_source("status/500")
    source.name = "Flaky lab blog"
    source.save()
    with caplog.at_level(logging.INFO, logger="curator.feeds"):
        ingest_source(source)
    lines = [r for r in caplog.records if "Flaky lab blog" in r.getMessage()]
    assert len(lines) == 1
    assert lines[0].levelno == logging.WARNING and lines[0].exc_info is None
    assert "HTTP 500" in lines[0].getMessage() and "1 in a row" in lines[0].getMessage()


def test_a_run_starts_when_its_fetch_starts(make_source, feed_server):
    source = make_source("late.xml")

    def late(handler) -> None:
        time.sleep(1.0)
        handler.send_file("atom.xml")

    feed_server.state.routes["/late.xml"] = late
    ingest_source(source)
    run = IngestRun.objects.get(source=source)
    assert (run.finished_at - run.started_at).total_seconds() >= 1.0
