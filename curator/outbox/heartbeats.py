"""Worker heartbeats: a dead worker shows within a minute, without asking the broker.

Each worker's main process writes one row (its name, its queues) every HEARTBEAT_SECONDS from a
daemon thread, and deletes it on a clean shutdown. A row not refreshed for ALIVE_FOR belongs to a
worker that was killed, froze or lost its database: it no longer counts. `celery inspect ping`
needs a broker round trip and a reply from each worker; this needs one query.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import DatabaseError, connection
from django.utils import timezone

from curator.lib.faults import one_line
from curator.outbox.models import WorkerHeartbeat

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 15
ALIVE_FOR = timedelta(seconds=4 * HEARTBEAT_SECONDS)  # three missed beats in a row: the worker is gone
# The queues some worker must consume for every kind of work to happen (curator/celery.py).
ALL_QUEUES = ("default", "ingest", "summarize", "mail")

_stop = threading.Event()
_threads: list[threading.Thread] = []


@dataclass(frozen=True)
class Workers:
    alive: list[WorkerHeartbeat]
    unconsumed: list[str]  # queues no live worker consumes: work sent there waits forever

    @property
    def any_alive(self) -> bool:
        return bool(self.alive)

    def as_dict(self, now: datetime) -> dict[str, Any]:
        return {
            "workers": [
                {
                    "name": w.name,
                    "queues": w.queues,
                    "seconds_since_heartbeat": round((now - w.last_seen).total_seconds()),
                }
                for w in self.alive
            ],
            "unconsumed_queues": self.unconsumed,
        }


def beat(name: str, queues: list[str], now: datetime | None = None) -> None:
    now = now or timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        name=name, defaults={"queues": sorted(queues), "pid": os.getpid(), "last_seen": now}
    )


def live_workers(now: datetime | None = None) -> Workers:
    now = now or timezone.now()
    alive = list(WorkerHeartbeat.objects.filter(last_seen__gte=now - ALIVE_FOR).order_by("name"))
    consumed = {queue for worker in alive for queue in worker.queues}
    return Workers(alive=alive, unconsumed=[q for q in ALL_QUEUES if q not in consumed])


def beat_forever(name: str, queues: list[str], stop: threading.Event) -> None:
    """The heartbeat thread: a database that is briefly down costs a warning, not the thread."""
    while True:
        try:
            beat(name, queues)
        except DatabaseError as exc:
            log.warning("worker heartbeat not written: %s", one_line(exc))
            connection.close()
        if stop.wait(HEARTBEAT_SECONDS):
            break
    try:
        WorkerHeartbeat.objects.filter(name=name).delete()  # a clean shutdown shows at once
    except DatabaseError:
        pass  # the row simply goes stale
    finally:
        connection.close()


def start_on_worker_ready(sender: Any = None, **kwargs: object) -> threading.Thread | None:
    """worker_ready receiver: `sender` is the worker's Consumer, which knows its name and queues."""
    if sender is None:
        return None
    queues = [queue.name for queue in sender.task_consumer.queues] if sender.task_consumer else []
    _stop.clear()
    thread = threading.Thread(
        target=beat_forever, args=(sender.hostname, queues, _stop), name="worker-heartbeat", daemon=True
    )
    thread.start()
    _threads.append(thread)
    return thread


def stop_on_worker_shutdown(**kwargs: object) -> None:
    """Wait (briefly) for the thread to remove the row: a daemon thread dies with the process."""
    _stop.set()
    while _threads:
        _threads.pop().join(timeout=5)
