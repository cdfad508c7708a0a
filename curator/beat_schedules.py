"""The project's periodic tasks, gathered from the `schedules.py` each app declares.

Each app knows which of its tasks run on a clock; this module only collects those entries and brings
django-celery-beat's PeriodicTask rows in line with them, the way curator/role_groups.py does for
the staff groups. The migrations that first created the schedules keep their frozen copies for
history; `manage.py sync_schedules` applies the current declarations to any database.

The project's rows carry MARKER in their description, so a declaration removed from a schedules.py
also removes its row, while a periodic task an operator added in the admin (no marker) is left alone.
Whether a declared schedule is enabled stays the operator's choice: the admin's disable action is
how a deployment pauses, say, the weekly ingest, and a sync must not undo it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps
from django.db import transaction
from django.utils.module_loading import module_has_submodule
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

MARKER = "[declared in schedules.py; manage.py sync_schedules]"


@dataclass(frozen=True)
class Every:
    """An interval: `Every(15, "seconds")`; period is one of IntervalSchedule's (seconds ... days)."""

    every: int
    period: str


@dataclass(frozen=True)
class Crontab:
    """A crontab in UTC; fields are strings as django-celery-beat stores them."""

    minute: str = "*"
    hour: str = "*"
    day_of_week: str = "*"
    day_of_month: str = "*"
    month_of_year: str = "*"


@dataclass(frozen=True)
class Schedule:
    """One periodic task: its unique name, the Celery task it runs, when, and on which queue.

    No queue leaves the choice to the task's own routing (Celery's default queue here).
    """

    name: str
    task: str
    when: Every | Crontab
    queue: str | None = None
    description: str = ""
    args: list = field(default_factory=list)


def declared_schedules() -> list[Schedule]:
    """Every installed app's SCHEDULES, in app order; a name declared twice is a mistake caught here."""
    schedules: list[Schedule] = []
    for app_config in apps.get_app_configs():
        if module_has_submodule(app_config.module, "schedules"):
            schedules.extend(import_module(f"{app_config.name}.schedules").SCHEDULES)
    names = [s.name for s in schedules]
    if len(names) != len(set(names)):
        raise ValueError(f"periodic task names must be unique: {sorted(names)}")
    return schedules


def _wanted(schedule: Schedule) -> dict[str, object]:
    fields: dict[str, object] = {
        "task": schedule.task,
        "queue": schedule.queue,
        "args": json.dumps(schedule.args),
        "description": f"{schedule.description} {MARKER}".strip(),
        "interval": None,
        "crontab": None,
        "solar": None,
        "clocked": None,
        "one_off": False,
    }
    if isinstance(schedule.when, Every):
        fields["interval"], _ = IntervalSchedule.objects.get_or_create(
            every=schedule.when.every, period=schedule.when.period
        )
    else:
        fields["crontab"], _ = CrontabSchedule.objects.get_or_create(timezone="UTC", **vars(schedule.when))
    return fields


def sync_schedules() -> list[str]:
    """Create missing schedules, put edited ones back, delete the project's retired ones.

    Returns one line per change, so the command can say what it repaired; a second run returns [].
    """
    changes = []
    with transaction.atomic():
        declared = declared_schedules()
        for schedule in declared:
            wanted = _wanted(schedule)
            task = PeriodicTask.objects.filter(name=schedule.name).first()
            if task is None:
                PeriodicTask.objects.create(name=schedule.name, **wanted)
                changes.append(f"created {schedule.name!r}")
                continue
            differs = [key for key, value in wanted.items() if getattr(task, key) != value]
            if differs:
                for key in differs:
                    setattr(task, key, wanted[key])
                task.save()  # save(), not update(): it tells a running beat to re-read its schedule
                changes.append(f"repaired {schedule.name!r} ({', '.join(differs)})")
        names = {schedule.name for schedule in declared}
        for task in PeriodicTask.objects.filter(description__contains=MARKER).exclude(name__in=names):
            task.delete()  # one by one for the same reason
            changes.append(f"removed {task.name!r} (no longer declared)")
    return changes
