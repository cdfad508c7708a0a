"""Broker leases: a worker keeps re-scoring the messages it holds, and only those still unacknowledged."""

from __future__ import annotations

import logging
import os
import threading
import uuid

import pytest
import redis

from curator import broker_leases
from curator.celery import app as celery_app
from tests.support.ports import free_port
from tests.support.waiting import wait_until


@pytest.fixture
def broker() -> redis.Redis:
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.fail("broker lease tests need REDIS_URL pointing at a real Redis")
    return redis.Redis.from_url(url)


@pytest.fixture
def index_key(broker: redis.Redis):
    key = f"test:unacked_index:{uuid.uuid4().hex}"
    yield key
    broker.delete(key)


def test_it_renews_the_messages_still_waiting_for_their_ack(broker, index_key):
    broker.zadd(index_key, {"held": 100.0, "other-workers": 100.0})
    alive = broker_leases.renew(broker, index_key, ["held", "acked"], now=5000.0)
    assert alive == {"held"}
    assert broker.zscore(index_key, "held") == 5000.0
    assert broker.zscore(index_key, "other-workers") == 100.0  # not ours: left to lapse
    assert broker.zscore(index_key, "acked") is None, "an acknowledged message must not come back"


def test_it_renews_nothing_when_it_holds_nothing(broker, index_key):
    assert broker_leases.renew(broker, index_key, [], now=5000.0) == set()
    assert not broker.exists(index_key)


def test_it_forgets_acked_messages_but_not_ones_just_received():
    broker_leases.hold("just-now")
    broker_leases.forget_all_but(set())
    assert "just-now" in broker_leases.held()  # kombu may not have indexed it yet
    broker_leases.forget_all_but(set(), recent=0)
    assert "just-now" not in broker_leases.held()


def test_it_uses_the_configured_key_prefix(monkeypatch):
    options = {**celery_app.conf.broker_transport_options, "global_keyprefix": "curator:"}
    monkeypatch.setitem(celery_app.conf, "broker_transport_options", options)
    assert broker_leases.unacked_index_key(celery_app) == "curator:unacked_index"


def test_it_renews_six_times_per_lease():
    assert broker_leases.renewal_interval(30) == 5


def test_it_keeps_renewing_after_the_broker_was_unreachable(monkeypatch, caplog):
    port = free_port()  # a port nothing listens on: the broker is down
    monkeypatch.setitem(celery_app.conf, "broker_url", f"redis://127.0.0.1:{port}/0")
    broker_leases.hold("held-while-down")
    stop = threading.Event()
    thread = threading.Thread(target=broker_leases.renew_forever, args=(celery_app, 6, stop))
    with caplog.at_level(logging.WARNING, logger="curator.broker_leases"):
        thread.start()
        try:
            assert wait_until(lambda: caplog.text.count("could not renew broker leases") >= 2, timeout=10)
        finally:
            stop.set()
            thread.join(timeout=10)
            broker_leases.forget_all_but(set(), recent=0)
    assert not thread.is_alive(), "the heartbeat stops with its worker"


def test_a_lost_connection_stops_the_renewal_of_every_held_message():
    broker_leases.hold("from-the-lost-channel")
    broker_leases.forget_all()
    assert broker_leases.held() == []  # its lease lapses, so any worker can run the message again
