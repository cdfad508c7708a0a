"""Third-party admin pages, with the permissions their actions left out.

django-celery-beat's periodic-task actions (enable, disable, toggle, run now) declare no
permission, so anyone who may only view the schedule could run or stop the weekly ingest; the
subclass re-declares each of them as needing change permission. django-axes' "clean up expired
attempts" deletes lockout records, so it needs delete permission. Everything else is the packages'.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.utils import timezone
from django_celery_beat.admin import PeriodicTaskAdmin
from django_celery_beat.models import PeriodicTask


def needing(permission: str, action: Callable[..., Any]) -> Callable[..., Any]:
    """A copy of a third-party action that declares `permission` (the original stays untouched)."""

    @functools.wraps(action)
    def guarded(model_admin: admin.ModelAdmin, request: Any, queryset: Any) -> Any:
        return action(model_admin, request, queryset)

    guarded.allowed_permissions = (permission,)  # type: ignore[attr-defined]
    return guarded


class ScheduleAdmin(PeriodicTaskAdmin):
    enable_tasks = needing("change", PeriodicTaskAdmin.enable_tasks)
    disable_tasks = needing("change", PeriodicTaskAdmin.disable_tasks)
    toggle_tasks = needing("change", PeriodicTaskAdmin.toggle_tasks)
    run_tasks = needing("change", PeriodicTaskAdmin.run_tasks)


admin.site.unregister(PeriodicTask)
admin.site.register(PeriodicTask, ScheduleAdmin)


def _cleanup_expired_attempts(model_admin: admin.ModelAdmin, request: Any, queryset: Any) -> Any:
    # axes measures "expired" from request.axes_attempt_time, which only its login handlers set;
    # from the admin it is missing and the stock action raises AttributeError (a 500).
    request.axes_attempt_time = timezone.now()
    return AccessAttemptAdmin.cleanup_expired_attempts(model_admin, request, queryset)


class LockoutAttemptAdmin(AccessAttemptAdmin):
    cleanup_expired_attempts = needing(
        "delete", functools.wraps(AccessAttemptAdmin.cleanup_expired_attempts)(_cleanup_expired_attempts)
    )


if admin.site.is_registered(AccessAttempt):  # AXES_ENABLE_ADMIN=False leaves it out
    admin.site.unregister(AccessAttempt)
    admin.site.register(AccessAttempt, LockoutAttemptAdmin)
