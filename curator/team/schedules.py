"""Hourly, so a due date set today still gets its reminders today; the reminder rows keep it once a day."""

from curator.beat_schedules import Every, Schedule

SCHEDULES = [
    Schedule(name="team: send due reminders", task="curator.team.tasks.send_due_reminders", when=Every(1, "hours")),
]
