"""`manage.py load_demo`: the embedded demo data (see curator/demo.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from curator.beat_schedules import sync_schedules
from curator.demo import load_demo
from curator.lib.plural import counted


class Command(BaseCommand):
    help = "Load bundled demo feeds, drafts, issues and subscribers, and create the demo staff user."

    def handle(self, *args: Any, **options: Any) -> None:
        # The periodic tasks the dashboard and the admin show; a demo database may predate a schedules.py change.
        for change in sync_schedules():
            self.stdout.write(f"schedules: {change}")
        report = load_demo()
        self.stdout.write(
            f"Demo data: {counted(report.entries_new, 'new entry', 'new entries')}, "
            f"{counted(report.drafts, 'draft', 'drafts')} in all."
        )
        if report.password:
            self.stdout.write(
                self.style.SUCCESS(f"Log in at /admin/ as '{report.username}' with password '{report.password}'.")
            )
        else:
            self.stdout.write(
                f"Log in at /admin/ as '{report.username}' (its password was changed; "
                f"reset it with: manage.py changepassword {report.username})."
            )
