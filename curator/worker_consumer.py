"""The worker's consumer: a lost broker connection is survived, never fatal.

On a lost connection Celery first collects the connection (which closes the transport and sets
its `client` to None, but keeps the default channel) and then closes it again. The second close
reaches the same channel, whose `close()` restores the held unacknowledged messages through a
transport without a client: `AttributeError: 'NoneType' object has no attribute 'hostname'` in
kombu's `_connparams`. That is not a connection error, so it escapes Celery's `ignore_errors`
and stops the whole worker ("Unrecoverable error") the first time Redis restarts while the worker
holds a task (one waiting for its countdown is enough). Dropping the collected channel lets the
second close release only what is left, and the consumer reconnects as designed.

The messages the worker held stay in Redis' unacknowledged set; the worker also stops renewing
their leases (curator/broker_leases.py), so after WORKER_LEASE_SECONDS any worker (this one once
reconnected) puts them back in their queue and runs them.
"""

from __future__ import annotations

import logging
from typing import Any

from celery.worker.consumer import Consumer as CeleryConsumer

from curator import broker_leases

log = logging.getLogger(__name__)


def drop_channel_after_collect(connection: Any) -> None:
    """Make this connection's `collect()` forget the default channel it has just closed."""
    collect = connection.collect

    def collect_and_forget(*args: Any, **kwargs: Any) -> Any:
        try:
            return collect(*args, **kwargs)
        finally:
            connection._default_channel = None

    connection.collect = collect_and_forget


class Consumer(CeleryConsumer):
    """Celery's consumer, with a connection loss that ends in a reconnect rather than an exit."""

    def on_connection_error_after_connected(self, exc: Exception) -> None:
        if self.connection is not None:
            drop_channel_after_collect(self.connection)
        # Delivery tags belong to the lost channel: this worker can no longer ack them, so their
        # leases must lapse for the messages to be run again.
        broker_leases.forget_all()
        log.warning("broker connection lost; held messages go back to their queues after the lease")
        super().on_connection_error_after_connected(exc)
