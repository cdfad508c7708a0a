"""The Celery app: JSON only, late acks, one queue per kind of work."""

from __future__ import annotations

import os

from celery import Celery, signals
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "curator.settings")

# Every task's `.delay()` queues through the outbox (curator/outbox/queueing.py).
app = Celery("curator", task_cls="curator.outbox:OutboxTask")
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
    # Survives a lost broker connection instead of exiting (curator/worker_consumer.py).
    worker_consumer="curator.worker_consumer:Consumer",
    # broker_transport_options come from settings (CELERY_BROKER_TRANSPORT_OPTIONS): a short visibility
    # timeout that each worker renews for the messages it holds (curator/broker_leases.py).
)
app.autodiscover_tasks()
from curator import broker_leases  # noqa: E402,F401 - connects the worker's lease-renewal signals


@signals.worker_init.connect
def _share_cores(sender: object = None, **kwargs: object) -> None:
    """Tell the pool processes (they inherit the environment) how many of them share the cores."""
    concurrency = getattr(sender, "concurrency", None)
    if isinstance(concurrency, int) and concurrency > 0:
        os.environ[PROCESSES_ENV] = str(concurrency)
    elif concurrency == "auto":  # one process per core: one thread each
        os.environ[PROCESSES_ENV] = str(os.cpu_count() or 1)


PROCESSES_ENV = "CURATOR_WORKER_PROCESSES"  # read by summarizer.engine.worker_processes()


@signals.worker_process_init.connect
def _say_threads(**kwargs: object) -> None:
    """One line per pool process, so an operator sees what a model in it would run with."""
    import logging

    from summarizer import engine

    logging.getLogger("summarizer.engine").info(
        "pool process: %d torch threads (%d processes share the cores)",
        engine.torch_threads(),
        engine.worker_processes(),
    )
