"""Both sweeps run every 15 seconds, so a send scheduled for a minute starts within that minute and a
stalled send (a worker killed mid-batch) resumes soon after its lease runs out."""

from curator.beat_schedules import Every, Schedule

SCHEDULES = [
    Schedule(
        name="mailing: resume stalled sends",
        task="curator.mailing.tasks.resume_sending",
        when=Every(15, "seconds"),
        queue="mail",
    ),
    Schedule(
        name="mailing: start scheduled sends",
        task="curator.mailing.tasks.start_scheduled_sends",
        when=Every(15, "seconds"),
        queue="mail",
    ),
]
