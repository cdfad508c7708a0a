"""The outbox, read-only, so an operator can see what waits for the broker; and the periodic-task
admin's "Run selected tasks" routed through it."""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django_celery_beat.admin import PeriodicTaskAdmin
from django_celery_beat.models import PeriodicTask

from curator.outbox import handover
from curator.outbox.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["id", "task", "args", "created_at", "handed_over_at", "attempts", "last_error"]
    list_filter = [("handed_over_at", admin.EmptyFieldListFilter), "task"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # rows come from enqueue() with the state change that wants them

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


class OutboxPeriodicTaskAdmin(PeriodicTaskAdmin):
    """django-celery-beat's admin, with "Run selected tasks" queued through the outbox."""

    @admin.action(description="Run selected tasks")
    def run_tasks(self, request: HttpRequest, queryset: QuerySet[PeriodicTask]) -> None:
        periodic = list(queryset)
        try:
            with transaction.atomic(), handover.watch() as queued:
                for task in periodic:
                    handover.enqueue_call(task.task, json.loads(task.args), json.loads(task.kwargs), task.queue or "")
        except (ValueError, json.JSONDecodeError) as exc:
            self.message_user(request, f"Nothing was run: {exc}", messages.ERROR)
            return
        text = queued.note(f"{len(periodic)} task(s) queued.")
        self.message_user(request, text, messages.SUCCESS if queued.handed_over else messages.WARNING)


admin.site.unregister(PeriodicTask)
admin.site.register(PeriodicTask, OutboxPeriodicTaskAdmin)
