"""The outbox, read-only, so an operator can see what waits for the broker."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from curator.outbox.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["id", "task", "args", "created_at", "handed_over_at", "attempts", "last_error"]
    list_filter = [("handed_over_at", admin.EmptyFieldListFilter), "task"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # rows come from a task's .delay() with the state change that wants them

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
