"""Create or repair the project's periodic tasks (django-celery-beat rows) from each app's schedules.py.

Safe to run on every start: a second run changes nothing, and periodic tasks an operator added in
the admin are left alone (curator/beat_schedules.py says how they are told apart).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from curator.beat_schedules import declared_schedules, sync_schedules


class Command(BaseCommand):
    help = "Create, repair or retire the project's periodic tasks (operators' own tasks are kept)."

    def handle(self, *args: object, **options: object) -> None:
        for change in sync_schedules():
            self.stdout.write(change)
        self.stdout.write(f"{len(declared_schedules())} periodic tasks are up to date.")
