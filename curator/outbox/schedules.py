"""Every minute: tasks whose hand-over to the broker failed wait at most that long for the next try."""

from curator.beat_schedules import Every, Schedule

SCHEDULES = [
    Schedule(
        name="outbox: hand over waiting tasks",
        task="curator.outbox.tasks.sweep_outbox",
        when=Every(1, "minutes"),
        queue="default",
    ),
]
