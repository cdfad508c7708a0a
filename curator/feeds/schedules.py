"""The weekly ingest: Monday 06:00 UTC, fresh material at the start of the week the editors triage in."""

from curator.beat_schedules import Crontab, Schedule

SCHEDULES = [
    Schedule(
        name="Ingest all sources",
        task="curator.feeds.tasks.ingest_all",
        when=Crontab(minute="0", hour="6", day_of_week="1"),
        queue="ingest",
        description="Fetch every active source that is not backing off (one task per source).",
    ),
]
