"""The admin's operations page (superusers): workers, queue depth, outbox backlog and the rest.

Registered on the worker heartbeat model so it has a place in the menu; its list is replaced by
one page showing `curator.metrics.snapshot()`, the same figures `/metrics` exports.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone

from curator import metrics
from curator.outbox import heartbeats
from curator.outbox.models import WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class OperationsAdmin(admin.ModelAdmin):
    """Read-only, superusers only: the figures name infrastructure, not editorial work."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> TemplateResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        now = timezone.now()
        context = {
            **self.admin_site.each_context(request),
            "title": "Operations",
            "opts": self.model._meta,
            "snap": metrics.snapshot(now),
            "workers": heartbeats.live_workers(now).alive,
            "now": now,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/operations.html", context)
