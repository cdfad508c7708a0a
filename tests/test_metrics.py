"""/metrics (Prometheus text format, token-protected) and the admin's operations page."""

from __future__ import annotations

import datetime as dt

import pytest
import redis
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from curator import metrics
from curator.celery import app as celery_app
from curator.feeds.models import IngestRun, Source
from curator.outbox import heartbeats
from curator.outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db
TOKEN = "scrape-me-please"


def samples(body: str) -> dict[tuple[str, tuple], float]:
    found = {}
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN
    return TOKEN


def test_it_is_off_while_no_token_is_set(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404


def test_it_refuses_a_scrape_without_the_token(client, token):
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401


def test_it_exports_the_operators_figures(client, token):
    now = timezone.now()
    source = Source.objects.create(name="Lab blog", url="https://lab.example.org/feed", consecutive_failures=2)
    IngestRun.objects.create(source=source, started_at=now - dt.timedelta(seconds=5), finished_at=now)
    OutboxMessage.objects.create(task="curator.outbox.tasks.sweep_outbox", created_at=now - dt.timedelta(minutes=3))
    heartbeats.beat("mailer@host", ["mail"])

    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    found = samples(response.content.decode())
    assert found[("curator_outbox_waiting", ())] == 1
    assert 170 < found[("curator_outbox_oldest_age_seconds", ())] < 400
    assert found[("curator_workers_alive", ())] == 1
    assert found[("curator_queue_consumed", (("queue", "mail"),))] == 1
    assert found[("curator_queue_consumed", (("queue", "ingest"),))] == 0
    assert found[("curator_source_last_ingest_timestamp_seconds", (("source", "Lab blog"),))] == pytest.approx(
        now.timestamp()
    )
    assert found[("curator_source_consecutive_failures", (("source", "Lab blog"),))] == 2
    assert found[("curator_deliveries", (("status", "failed"),))] == 0
    assert ("curator_scheduled_sends", ()) in found and ("curator_drafts_pending", ()) in found


def test_it_counts_the_messages_waiting_in_each_redis_queue(settings, django_capture_on_commit_callbacks):
    """Against the real broker: two messages published to the ingest queue and nobody consuming it."""
    url = settings.CELERY_BROKER_URL
    if not url.startswith("redis://"):
        pytest.fail("needs REDIS_URL pointing at a real Redis")
    client = redis.Redis.from_url(url)
    client.delete("ingest")
    old = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        from curator.feeds.tasks import ingest_source

        with django_capture_on_commit_callbacks(execute=True):  # published when the outbox rows commit
            ingest_source.apply_async((1,))
            ingest_source.apply_async((2,))
        assert metrics.queue_lengths()["ingest"] == 2
    finally:
        client.delete("ingest")
        celery_app.conf.task_always_eager = old


def test_a_scrape_while_the_broker_is_down_says_so_and_still_answers(client, token, broker, caplog):
    broker.down()
    heartbeats.beat("mailer@host", ["mail"])
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    found = samples(response.content.decode())
    assert found[("curator_broker_up", ())] == 0
    assert not [name for name, _ in found if name == "curator_queue_length"]  # unknown, not zero
    assert found[("curator_workers_alive", ())] == 1  # the database's figures are still there
    lines = [r for r in caplog.records if r.getMessage().startswith("metrics: broker unreachable: ")]
    assert len(lines) == 1 and lines[0].exc_info is None and "\n" not in lines[0].getMessage()
    broker.up()
    up = samples(client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode())
    assert up[("curator_broker_up", ())] == 1 and up[("curator_queue_length", (("queue", "mail"),))] == 0


def test_the_operations_page_is_for_superusers(django_user_model, editor_client):
    assert editor_client.get("/admin/outbox/workerheartbeat/").status_code == 403
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "root-password")
    heartbeats.beat("summarizer@gpu", ["summarize"])
    editor_client.force_login(admin)
    page = editor_client.get("/admin/outbox/workerheartbeat/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "summarizer@gpu" in text and "Queues nobody consumes: default, ingest, mail." in text
