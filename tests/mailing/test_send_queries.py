"""The cost of a batch in queries: fixed overhead plus one write per message, whatever the content."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from curator.mailing import control, send
from tests.factories import make_issue, make_subscribers

pytestmark = pytest.mark.django_db


def batch_queries(size: int) -> int:
    issue = make_issue(title=f"Batch of {size}")
    make_subscribers(size, prefix=f"b{size}-")
    control.send_issue(issue)
    with CaptureQueriesContext(connection) as captured:
        result = send.send_batch(issue.pk, batch_size=size)
    assert result.sent == size
    return len(captured)


def test_it_keeps_batch_queries_constant_apart_from_one_write_per_message(smtp_server, monkeypatch):
    monkeypatch.setattr(send, "PAUSE_CHECK_EVERY", 1000)
    small, large = batch_queries(5), batch_queries(15)
    assert large - small == 10  # exactly the per-message "mark sent" UPDATE, nothing per subscriber
    assert small - 5 <= 12  # the fixed part: reclaim, issue, claim, rows, issue content


def test_it_renders_the_issue_once_per_send_not_per_batch(issue, smtp_server, monkeypatch, settings):
    settings.MAILING_BATCH_SIZE = 4
    make_subscribers(12)
    control.send_issue(issue)
    calls = []
    real = send.prepare_issue
    monkeypatch.setattr(send, "prepare_issue", lambda i: calls.append(i.pk) or real(i))
    assert send.run_sending(issue.pk).batches == 3
    assert calls == [issue.pk]
