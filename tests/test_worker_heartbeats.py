"""Workers write heartbeats; /healthz/workers says who is alive and which queues nobody consumes."""

from __future__ import annotations

import datetime as dt
import logging
import threading

import pytest
import time_machine
from django.utils import timezone

from curator.outbox import heartbeats
from curator.outbox.models import WorkerHeartbeat
from tests.support.waiting import wait_until

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


def test_it_names_the_database_when_it_cannot_read_the_heartbeats_in_one_log_line(client, database_down, caplog):
    response = client.get(URL)
    assert response.status_code == 503 and response.json() == {"status": "error", "down": ["database"]}
    lines = [r for r in caplog.records if r.getMessage().startswith("healthz/workers: database unreachable: ")]
    assert len(lines) == 1 and lines[0].exc_info is None and "\n" not in lines[0].getMessage()


def test_the_heartbeat_thread_outlives_a_database_outage(database_down, monkeypatch, caplog):
    """A database that is briefly down costs a warning per beat, not the thread: the worker shows again after."""
    monkeypatch.setattr(heartbeats, "HEARTBEAT_SECONDS", 0.2)
    stop = threading.Event()
    thread = threading.Thread(target=heartbeats.beat_forever, args=("patient@host", ["mail"], stop), daemon=True)
    with caplog.at_level(logging.WARNING, logger="curator.outbox.heartbeats"):
        thread.start()
        assert wait_until(lambda: "worker heartbeat not written: OperationalError" in caplog.text, timeout=10)
        database_down.up()
        assert wait_until(lambda: WorkerHeartbeat.objects.filter(name="patient@host").exists(), timeout=10)
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()
    assert not WorkerHeartbeat.objects.filter(name="patient@host").exists()  # the clean stop removed its row
    assert all("\n" not in r.getMessage() for r in caplog.records if "heartbeat not written" in r.getMessage())
