"""One row per piece of work some state change asked for, kept until the broker has taken it."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

TASK_ID_PREFIX = "outbox-"


class OutboxMessage(models.Model):
    """A task call recorded in the same transaction as the change that wants it.

    `handed_over_at` is set once the broker accepted the message; until then the sweeper retries.
    The Celery task id is derived from the primary key, so handing the same row over twice
    publishes the same task id and a task can tell a duplicate from new work (`done_at`).
    """

    task = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    queue = models.CharField(max_length=100, blank=True, help_text="Empty: the task's usual route.")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    handed_over_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0, help_text="Hand-over attempts, failed ones included.")
    last_error = models.CharField(max_length=200, blank=True)
    done_at = models.DateTimeField(
        null=True, blank=True, help_text="Set by tasks that must run once per hand-over (confirmation emails)."
    )

    class Meta:
        verbose_name = "outbox message"
        indexes = [
            models.Index(fields=["id"], condition=Q(handed_over_at__isnull=True), name="outbox_waiting_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)}"

    @property
    def task_id(self) -> str:
        return f"{TASK_ID_PREFIX}{self.pk}"


class WorkerHeartbeat(models.Model):
    """The last sign of life of one Celery worker: written by the worker, read by /healthz/workers.

    Kept in the database rather than asked of the broker so a health probe or the dashboard costs
    one query and still answers while Redis is down (curator/outbox/heartbeats.py).
    """

    name = models.CharField(max_length=200, unique=True, help_text="The worker's node name, e.g. celery@host.")
    queues = models.JSONField(default=list, blank=True)
    pid = models.PositiveIntegerField(null=True, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "operations"  # the admin shows workers, queues and backlog on its page
        verbose_name_plural = "operations"

    def __str__(self) -> str:
        return self.name
