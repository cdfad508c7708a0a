"""The weekly "Ingest all sources" schedule, created once; editors change or pause it in the admin."""

from django.db import migrations

TASK_NAME = "Ingest all sources"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    # Monday 06:00 UTC: fresh material at the start of the week the editors triage in.
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="6", day_of_week="1", day_of_month="*", month_of_year="*", timezone="UTC"
    )
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": "curator.feeds.tasks.ingest_all",
            "crontab": crontab,
            "queue": "ingest",
            "description": "Fetch every active source that is not backing off (one task per source).",
        },
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("feeds", "0002_entry_arxiv_version"),
        ("django_celery_beat", "0018_improve_crontab_helptext"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
