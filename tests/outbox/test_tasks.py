"""The sweeper is scheduled by a migration, so a deployment sweeps without anyone setting it up."""

from __future__ import annotations

import pytest
from django_celery_beat.models import PeriodicTask

from curator.celery import app

pytestmark = pytest.mark.django_db


def test_it_schedules_the_sweep_every_minute():
    task = PeriodicTask.objects.get(name="outbox: hand over waiting tasks")
    assert task.enabled and task.task in app.tasks
    assert (task.interval.every, task.interval.period) == (1, "minutes")
