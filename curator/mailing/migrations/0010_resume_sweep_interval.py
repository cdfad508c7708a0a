"""Run the resume sweep every 15 seconds instead of every minute.

Claims now lapse within MAILING_CLAIM_TIMEOUT (30 s) of a worker's death; a once-a-minute sweep
would add up to another minute before the send carries on. Only the entry as migration 0003 made
it is changed: an interval someone chose in the admin stays theirs.
"""

from django.db import migrations
from django.utils import timezone

TASK_NAME = "mailing: resume stalled sends"


def move(apps, old: tuple[int, str], new: tuple[int, str]) -> None:
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _ = IntervalSchedule.objects.get_or_create(every=new[0], period=new[1])
    moved = PeriodicTask.objects.filter(name=TASK_NAME, interval__every=old[0], interval__period=old[1]).update(
        interval=schedule
    )
    if moved:  # a running beat re-reads its schedule when this timestamp changes
        apps.get_model("django_celery_beat", "PeriodicTasks").objects.update_or_create(
            ident=1, defaults={"last_update": timezone.now()}
        )


def forwards(apps, schema_editor):
    move(apps, (1, "minutes"), (15, "seconds"))


def backwards(apps, schema_editor):
    move(apps, (15, "seconds"), (1, "minutes"))


class Migration(migrations.Migration):
    dependencies = [
        ("mailing", "0009_scheduled_send_clicks"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
