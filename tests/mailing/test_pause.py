import pytest

from curator.editions.models import Issue
from curator.mailing import control, deliveries, send
from curator.mailing.models import Delivery
from tests.factories import make_subscribers

pytestmark = pytest.mark.django_db


def test_it_sends_nothing_while_paused(issue, smtp_server):
    make_subscribers(4)
    control.send_issue(issue)
    assert control.pause(issue)
    outcome = send.run_sending(issue.pk)
    assert outcome.stopped and outcome.sent == 0
    assert smtp_server.handler.received == []
    assert set(Delivery.objects.filter(issue=issue).values_list("status", flat=True)) == {"queued"}


def test_it_releases_the_rest_of_a_batch_when_paused_mid_batch(issue, smtp_server, settings, monkeypatch):
    monkeypatch.setattr(send, "PAUSE_CHECK_EVERY", 2)
    make_subscribers(6)
    control.send_issue(issue)
    sent_before_pause = []

    real_mark_sent = deliveries.mark_sent

    def mark_sent_then_pause(delivery):
        real_mark_sent(delivery)
        sent_before_pause.append(delivery.pk)
        if len(sent_before_pause) == 2:
            control.pause(issue)  # an editor clicks Pause while the batch is going out

    monkeypatch.setattr(deliveries, "mark_sent", mark_sent_then_pause)
    result = send.send_batch(issue.pk)
    assert result.stopped and result.sent == 2
    counts = control.progress(issue)
    assert (counts["sent"], counts["pending"]) == (2, 4)
    assert not Delivery.objects.filter(issue=issue, status="sending").exists()
    assert set(Delivery.objects.filter(issue=issue, status="queued").values_list("attempts", flat=True)) == {0}


def test_it_resumes_and_finishes(issue, smtp_server, django_capture_on_commit_callbacks):
    readers = make_subscribers(3)
    control.send_issue(issue)
    control.pause(issue)
    assert send.run_sending(issue.pk).stopped
    with django_capture_on_commit_callbacks(execute=True):
        assert control.resume(issue)  # wakes a worker (eager here), which sends everything
    assert smtp_server.handler.per_recipient() == {r.email: 1 for r in readers}
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT


def test_it_ignores_pause_and_resume_when_not_sending(issue):
    assert not control.pause(issue)
    assert not control.resume(issue)
