import io
from importlib import import_module

import pytest
from django.apps import apps
from django.core.management import call_command
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask, PeriodicTasks

from curator.beat_schedules import MARKER, Every, Schedule, declared_schedules

pytestmark = pytest.mark.django_db


def sync() -> str:
    out = io.StringIO()
    call_command("sync_schedules", stdout=out)
    return out.getvalue()


def test_every_app_that_runs_on_a_clock_declares_its_schedules():
    tasks = {schedule.task for schedule in declared_schedules()}
    assert tasks == {
        "curator.feeds.tasks.ingest_all",
        "curator.mailing.tasks.resume_sending",
        "curator.mailing.tasks.start_scheduled_sends",
        "curator.team.tasks.send_due_reminders",
        "curator.outbox.tasks.sweep_outbox",
    }


def test_the_declarations_match_what_the_migrations_created():
    """Migrations made the rows first; the declarations must describe the same schedules."""
    PeriodicTask.objects.all().delete()
    for app_label, name in [
        ("feeds", "0003_weekly_ingest_schedule"),
        ("mailing", "0003_resume_sending_schedule"),
        ("mailing", "0009_scheduled_send_clicks"),
        ("editions", "0006_due_date_link_checks_approval"),
        ("outbox", "0002_sweep_schedule"),
    ]:
        import_module(f"curator.{app_label}.migrations.{name}").create_schedule(apps, None)
    import_module("curator.mailing.migrations.0010_resume_sweep_interval").forwards(apps, None)
    migrated = {task.name: task for task in PeriodicTask.objects.all()}
    assert set(migrated) == {schedule.name for schedule in declared_schedules()}
    for schedule in declared_schedules():
        task = migrated[schedule.name]
        assert task.task == schedule.task
        assert task.queue == schedule.queue
        if isinstance(schedule.when, Every):
            assert (task.interval.every, task.interval.period) == (schedule.when.every, schedule.when.period)
        else:
            assert task.crontab is not None
            assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_week) == (
                schedule.when.minute,
                schedule.when.hour,
                schedule.when.day_of_week,
            )


def test_a_second_run_changes_nothing():
    sync()
    before = {t.pk: (t.task, t.interval_id, t.crontab_id, t.queue, t.description) for t in PeriodicTask.objects.all()}
    changed_at = PeriodicTasks.last_change()
    out = sync()
    assert "repaired" not in out and "created" not in out and "removed" not in out
    assert "periodic tasks are up to date" in out
    after = {t.pk: (t.task, t.interval_id, t.crontab_id, t.queue, t.description) for t in PeriodicTask.objects.all()}
    assert after == before
    assert PeriodicTasks.last_change() == changed_at  # a running beat is not told to reload for nothing


def test_it_repairs_an_edited_schedule_and_recreates_a_deleted_one():
    sync()
    hourly, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.HOURS)
    resume = PeriodicTask.objects.get(name="mailing: resume stalled sends")
    resume.interval = hourly
    resume.task = "curator.mailing.tasks.something_else"
    resume.save()
    PeriodicTask.objects.get(name="Ingest all sources").delete()

    out = sync()

    assert "repaired 'mailing: resume stalled sends'" in out
    assert "created 'Ingest all sources'" in out
    resume.refresh_from_db()
    assert resume.task == "curator.mailing.tasks.resume_sending"
    assert (resume.interval.every, resume.interval.period) == (15, "seconds")
    ingest = PeriodicTask.objects.get(name="Ingest all sources")
    assert ingest.queue == "ingest"
    assert ingest.crontab is not None
    assert (ingest.crontab.minute, ingest.crontab.hour, ingest.crontab.day_of_week) == ("0", "6", "1")


def test_it_keeps_an_operator_disabling_a_schedule():
    sync()
    PeriodicTask.objects.filter(name="Ingest all sources").update(enabled=False)
    sync()
    assert not PeriodicTask.objects.get(name="Ingest all sources").enabled


def test_it_leaves_an_operators_own_periodic_task_alone_and_removes_a_retired_one_of_ours():
    sync()
    nightly, _ = CrontabSchedule.objects.get_or_create(minute="30", hour="2", timezone="UTC")
    own = PeriodicTask.objects.create(
        name="ops: second ingest on Thursdays",
        task="curator.feeds.tasks.ingest_all",
        crontab=nightly,
        description="added in the admin",
    )
    every_day, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.DAYS)
    PeriodicTask.objects.create(
        name="team: a retired sweep", task="curator.team.tasks.retired", interval=every_day, description=MARKER
    )

    out = sync()

    assert "removed 'team: a retired sweep'" in out
    assert not PeriodicTask.objects.filter(name="team: a retired sweep").exists()
    own.refresh_from_db()
    assert (own.task, own.crontab_id, own.description, own.enabled) == (
        "curator.feeds.tasks.ingest_all",
        nightly.pk,
        "added in the admin",
        True,
    )
    assert "ops: second ingest on Thursdays" not in out


def test_it_refuses_two_declarations_with_one_name(monkeypatch):
    from curator.feeds import schedules

    twice = [*schedules.SCHEDULES, Schedule(name="Ingest all sources", task="x.y", when=Every(1, "days"))]
    monkeypatch.setattr(schedules, "SCHEDULES", twice)
    with pytest.raises(ValueError, match="unique"):
        declared_schedules()
