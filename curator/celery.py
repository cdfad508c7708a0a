"""The Celery app: JSON only, late acks, one queue per kind of work."""

from __future__ import annotations

import os

from celery import Celery
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "curator.settings")

app = Celery("curator")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    # Tasks are idempotent, so a worker crash re-delivers rather than loses work.
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_default_queue="default",
    task_queues=[Queue("default"), Queue("ingest"), Queue("summarize"), Queue("mail")],
    task_routes={
        "curator.feeds.tasks.*": {"queue": "ingest"},
        "summarizer.tasks.*": {"queue": "summarize"},
        "curator.mailing.tasks.*": {"queue": "mail"},
    },
    broker_connection_retry_on_startup=True,
    # Visibility timeout above the longest task (a big send batch, a model load).
    broker_transport_options={"visibility_timeout": 3600},
)
app.autodiscover_tasks()
