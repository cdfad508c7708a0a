"""Every mailing queuing point with the broker unreachable: no 500, a true message, and the work runs
exactly once after the broker is back (swept into the real Redis, then run as a worker would)."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.urls import reverse

from curator.editions.models import Issue
from curator.mailing import control
from curator.mailing.models import Delivery, SignUp, Subscriber
from curator.outbox import handover
from curator.outbox.models import OutboxMessage
from tests.factories import make_issue, make_subscribers

pytestmark = pytest.mark.django_db(transaction=True)

LATER = handover.QUEUED_LATER  # the admin message for work queued while the broker is down


def test_it_signs_up_and_confirms_once_the_broker_is_back(client, broker):
    broker.down()
    response = client.post(reverse("mailing:subscribe"), {"email": "ada@example.org", "name": "Ada"}, follow=True)
    assert response.status_code == 200
    assert "our mail queue is\nbriefly unavailable" in response.content.decode()
    # The request only recorded the sign-up; the worker decides about the address once it runs.
    assert SignUp.objects.get().email == "ada@example.org" and not Subscriber.objects.exists()
    assert OutboxMessage.objects.get().handed_over_at is None and mail.outbox == []
    broker.recover()
    assert [m.to for m in mail.outbox] == [["ada@example.org"]]
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING


def test_it_says_the_confirmation_is_sent_when_the_broker_took_it(client, broker):
    response = client.post(reverse("mailing:subscribe"), {"email": "ada@example.org"}, follow=True)
    assert "a message with a confirmation link is on its way" in response.content.decode()
    assert broker.queued() == 1 and OutboxMessage.objects.get().handed_over_at is not None


def test_it_resends_a_confirmation_once_when_a_pending_reader_signs_up_again(client, broker, settings):
    settings.MAILING_CONFIRM_RESEND_MINUTES = 0  # no flood window: the second sign-up asks for a new email
    client.post(reverse("mailing:subscribe"), {"email": "ada@example.org"})
    broker.run_queued()
    assert len(mail.outbox) == 1
    broker.down()
    response = client.post(reverse("mailing:subscribe"), {"email": "ada@example.org"}, follow=True)
    assert response.status_code == 200 and "briefly unavailable" in response.content.decode()
    broker.recover()
    assert [m.to for m in mail.outbox] == [["ada@example.org"], ["ada@example.org"]]
    assert Subscriber.objects.count() == 1


def test_it_imports_pending_readers_and_confirms_them_once_the_broker_is_back(admin_client, broker):
    broker.down()
    upload = io.BytesIO(b"email,name\nb@example.org,B\nc@example.org,C\n")
    upload.name = "readers.csv"
    response = admin_client.post(
        reverse("admin:mailing_subscriber_import"), {"file": upload, "status": "pending"}, follow=True
    )
    assert response.status_code == 200
    assert f"The import is saved. {LATER}" in response.content.decode()
    assert not Subscriber.objects.exists()
    broker.up()
    assert handover.sweep().waiting == 0
    broker.run_queued()  # the import: it stores the rows and queues their confirmations
    assert Subscriber.objects.filter(status=Subscriber.Status.PENDING).count() == 2
    broker.recover()
    assert sorted(m.to[0] for m in mail.outbox) == ["b@example.org", "c@example.org"]


def test_it_starts_a_send_and_delivers_once_the_broker_is_back(client, send_permissions, broker):
    _, publisher = send_permissions
    issue = make_issue()
    readers = make_subscribers(3)
    client.force_login(publisher)
    broker.down()
    response = client.post(reverse("admin:editions_issue_send", args=[issue.pk]), follow=True)
    assert response.status_code == 200
    assert f"to 3 subscribers. {LATER}" in response.content.decode()
    assert Issue.objects.get(pk=issue.pk).status == Issue.Status.SENDING
    assert Delivery.objects.filter(issue=issue, status="queued").count() == 3 and mail.outbox == []
    broker.recover()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.email for r in readers)
    assert Issue.objects.get(pk=issue.pk).status == Issue.Status.SENT


def test_it_resumes_a_paused_send_once_the_broker_is_back(client, send_permissions, broker):
    _, publisher = send_permissions
    issue = make_issue()
    readers = make_subscribers(2)
    control.open_send(issue)
    control.pause(issue)
    client.force_login(publisher)
    broker.down()
    response = client.post(reverse("admin:editions_issue_resume", args=[issue.pk]), follow=True)
    assert response.status_code == 200
    assert f"Sending resumed. {LATER}" in response.content.decode()
    assert not Issue.objects.get(pk=issue.pk).paused
    broker.recover()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.email for r in readers)


def test_it_pauses_with_the_broker_down(client, send_permissions, broker):
    _, publisher = send_permissions
    issue = make_issue()
    make_subscribers(2)
    control.open_send(issue)
    client.force_login(publisher)
    broker.down()
    response = client.post(reverse("admin:editions_issue_pause", args=[issue.pk]), follow=True)
    assert response.status_code == 200 and "Sending paused." in response.content.decode()
    assert Issue.objects.get(pk=issue.pk).paused
