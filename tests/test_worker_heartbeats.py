"""Workers write heartbeats; /healthz/workers says who is alive and which queues nobody consumes."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from curator.outbox import heartbeats

URL = "/healthz/workers"


@pytest.mark.django_db
def test_it_answers_503_when_no_worker_ever_beat(client):
    response = client.get(URL)
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error" and body["down"] == ["workers"] and body["workers"] == []
    assert body["unconsumed_queues"] == ["default", "ingest", "summarize", "mail"]


@pytest.mark.django_db
def test_it_lists_live_workers_and_the_queues_nobody_consumes(client):
    heartbeats.beat("mailer@host", ["mail"])
    response = client.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["workers"] == [{"name": "mailer@host", "queues": ["mail"], "seconds_since_heartbeat": 0}]
    assert body["unconsumed_queues"] == ["default", "ingest", "summarize"]


@pytest.mark.django_db
def test_a_worker_that_stopped_beating_is_dead_within_a_minute_and_a_bit(client):
    heartbeats.beat("gone@host", ["default", "ingest", "summarize", "mail"])
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=45)):
        assert client.get(URL).status_code == 200  # two missed beats: still counted
    with time_machine.travel(timezone.now() + heartbeats.ALIVE_FOR + dt.timedelta(seconds=1)):
        assert client.get(URL).status_code == 503
