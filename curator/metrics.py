"""What an operator watches, read once: queue depth, the outbox, workers, ingest, drafts, deliveries.

One function gathers a `Snapshot` from the database and the broker; the admin's operations page
shows it and `/metrics` renders it in the Prometheus text format with `prometheus_client`. Each
figure is an aggregate query (or one LLEN per queue), so scraping costs the same at any size.
"""

from __future__ import annotations

import datetime
import hmac
import logging
from dataclasses import dataclass

import redis
from django.conf import settings
from django.db.models import Count, Max, Min, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from prometheus_client import CollectorRegistry, Gauge, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from curator.celery import app as celery_app
from curator.feeds.models import Source
from curator.lib.faults import one_line
from curator.mailing.models import Delivery, ScheduledSend
from curator.outbox import heartbeats
from curator.outbox.models import OutboxMessage
from summarizer.drafting import pending_entries

log = logging.getLogger(__name__)
QUEUES = heartbeats.ALL_QUEUES
BROKER_TIMEOUT = 2  # seconds: a scrape must not hang on a black-holed broker


@dataclass(frozen=True)
class SourceIngest:
    name: str
    last_finished_at: datetime.datetime | None  # None: never fetched
    consecutive_failures: int


@dataclass(frozen=True)
class Snapshot:
    queue_lengths: dict[str, int] | None  # None: no broker (the demo) or the broker is down
    outbox_waiting: int
    outbox_oldest_age: float | None  # seconds the oldest waiting row has waited; None when none waits
    workers_alive: int
    unconsumed_queues: list[str]
    sources: list[SourceIngest]
    drafts_pending: int
    deliveries: dict[str, int]  # status -> rows
    scheduled_sends: int


def queue_lengths() -> dict[str, int] | None:
    """Messages waiting in each Redis queue (not those a worker holds); None when Redis cannot say."""
    url = str(celery_app.conf.broker_url)
    if celery_app.conf.task_always_eager or not url.startswith(("redis://", "rediss://", "unix://")):
        return None
    prefix = (celery_app.conf.broker_transport_options or {}).get("global_keyprefix", "")
    try:
        client = redis.Redis.from_url(url, socket_timeout=BROKER_TIMEOUT, socket_connect_timeout=BROKER_TIMEOUT)
        with client.pipeline(transaction=False) as pipe:
            for queue in QUEUES:
                pipe.llen(prefix + queue)
            return dict(zip(QUEUES, pipe.execute(), strict=True))
    except redis.RedisError as exc:
        log.warning("metrics: broker unreachable: %s", one_line(exc))
        return None


def snapshot(now: datetime.datetime | None = None) -> Snapshot:
    now = now or timezone.now()
    waiting = OutboxMessage.objects.filter(handed_over_at__isnull=True).aggregate(
        n=Count("pk"), oldest=Min("created_at")
    )
    workers = heartbeats.live_workers(now)
    sources = Source.objects.filter(active=True).annotate(last=Max("runs__finished_at")).order_by("name")
    by_status = dict(Delivery.objects.values_list("status").annotate(n=Count("pk")).order_by())
    return Snapshot(
        queue_lengths=queue_lengths(),
        outbox_waiting=waiting["n"],
        outbox_oldest_age=(now - waiting["oldest"]).total_seconds() if waiting["oldest"] else None,
        workers_alive=len(workers.alive),
        unconsumed_queues=workers.unconsumed,
        sources=[SourceIngest(s.name, s.last, s.consecutive_failures) for s in sources],
        drafts_pending=pending_entries().count(),
        deliveries={status: by_status.get(status, 0) for status in Delivery.Status.values},
        scheduled_sends=ScheduledSend.objects.filter(Q(status=ScheduledSend.Status.SCHEDULED)).count(),
    )


def registry_for(snap: Snapshot) -> CollectorRegistry:
    """The snapshot as Prometheus gauges (a fresh registry per scrape: nothing is kept between them)."""
    registry = CollectorRegistry()

    def gauge(name: str, doc: str, labels: tuple[str, ...] = ()) -> Gauge:
        return Gauge(name, doc, labels, registry=registry)

    if snap.queue_lengths is not None:
        queued = gauge("curator_queue_length", "Task messages waiting in the broker, per queue", ("queue",))
        for queue, length in snap.queue_lengths.items():
            queued.labels(queue).set(length)
    gauge("curator_broker_up", "1 when the broker answered this scrape").set(snap.queue_lengths is not None)
    gauge("curator_outbox_waiting", "Outbox rows not yet handed to the broker").set(snap.outbox_waiting)
    gauge("curator_outbox_oldest_age_seconds", "How long the oldest waiting outbox row has waited").set(
        snap.outbox_oldest_age or 0
    )
    gauge("curator_workers_alive", "Workers with a heartbeat in the last minute").set(snap.workers_alive)
    unconsumed = gauge("curator_queue_consumed", "1 when a live worker consumes the queue", ("queue",))
    for queue in QUEUES:
        unconsumed.labels(queue).set(queue not in snap.unconsumed_queues)
    last = gauge("curator_source_last_ingest_timestamp_seconds", "When the source's last fetch ended", ("source",))
    failures = gauge("curator_source_consecutive_failures", "Failed fetches in a row", ("source",))
    for source in snap.sources:
        if source.last_finished_at is not None:
            last.labels(source.name).set(source.last_finished_at.timestamp())
        failures.labels(source.name).set(source.consecutive_failures)
    gauge("curator_drafts_pending", "Entries without any draft").set(snap.drafts_pending)
    deliveries = gauge("curator_deliveries", "Delivery rows per status", ("status",))
    for status, rows in snap.deliveries.items():
        deliveries.labels(status).set(rows)
    gauge("curator_scheduled_sends", "Sends scheduled and not started yet").set(snap.scheduled_sends)
    return registry


def token_matches(request: HttpRequest, token: str) -> bool:
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return bool(given) and hmac.compare_digest(given.encode(), token.encode())


@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    """Prometheus scrape endpoint: 404 while METRICS_TOKEN is unset, 401 without the bearer token."""
    token = settings.METRICS_TOKEN
    if not token:
        raise Http404("metrics are off: set METRICS_TOKEN")
    if not token_matches(request, token):
        response = HttpResponse("a bearer token is required\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(generate_latest(registry_for(snapshot())), content_type=CONTENT_TYPE_LATEST)
