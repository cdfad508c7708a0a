"""The one message after queueing: a success when the broker took the work, a warning when it waits."""

from __future__ import annotations

import pytest
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import transaction
from django.http import HttpRequest
from django.test import RequestFactory

from curator.mailing.models import Subscriber
from curator.mailing.tasks import send_confirmation
from curator.outbox import handover

pytestmark = pytest.mark.django_db(transaction=True)


def said(request: HttpRequest) -> list[tuple[int, str]]:
    return [(m.level, m.message) for m in messages.get_messages(request)]


def queue_and_tell(text: str) -> HttpRequest:
    request = RequestFactory().post("/admin/")
    request._messages = CookieStorage(request)
    with handover.watch() as queued, transaction.atomic():
        send_confirmation.delay(Subscriber.objects.create(email="ada@example.org").pk)
    queued.tell(request, text)
    return request


def test_it_says_plainly_queued_when_the_broker_took_the_work(broker):
    assert said(queue_and_tell("Sending resumed.")) == [(messages.SUCCESS, "Sending resumed.")]


def test_it_warns_that_the_work_waits_when_the_broker_is_down(broker):
    broker.down()
    assert said(queue_and_tell("Sending resumed.")) == [
        (messages.WARNING, "Sending resumed. Queued; workers will pick it up when the queue is back.")
    ]
