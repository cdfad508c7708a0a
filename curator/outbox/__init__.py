"""Transactional outbox: queued work is a database row first, a broker message second."""

from curator.outbox.queueing import NamedTask, OutboxTask

__all__ = ["NamedTask", "OutboxTask"]
