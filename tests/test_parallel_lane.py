"""The fast lane runs on several processes: each must get a Redis database of its own."""

from __future__ import annotations

import os

from django.conf import settings

from tests.support.parallel import GIVEN_REDIS_URL, worker_redis_url


def test_the_first_process_keeps_the_database_redis_url_names() -> None:
    assert worker_redis_url("redis://127.0.0.1:6379/6", "gw0") == "redis://127.0.0.1:6379/6"


def test_each_further_process_takes_the_next_database_and_wraps_at_sixteen() -> None:
    assert worker_redis_url("redis://127.0.0.1:6379/6", "gw1") == "redis://127.0.0.1:6379/7"
    assert worker_redis_url("redis://127.0.0.1:6379/15", "gw1") == "redis://127.0.0.1:6379/0"
    assert worker_redis_url("redis://:pw@cache.internal:6380", "gw2") == "redis://:pw@cache.internal:6380/2"


def test_this_process_reads_its_own_database_in_settings_cache_and_broker() -> None:
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    url = os.environ["REDIS_URL"]
    assert url == (worker_redis_url(GIVEN_REDIS_URL, worker) if worker else GIVEN_REDIS_URL)
    assert url == settings.REDIS_URL
    assert settings.CACHES["default"]["LOCATION"] == url
    assert url == settings.CELERY_BROKER_URL
