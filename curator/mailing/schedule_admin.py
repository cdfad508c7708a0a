"""The issue page's part for scheduled sending: *Schedule send…* and *Cancel schedule* (publishers only).

A mixin composed into the issue admin in mailing/admin.py; the rules live in mailing/schedule.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from curator.editions.models import Issue
from curator.lib.admin_permissions import permission_required, staff_user
from curator.mailing import schedule, time_zones
from curator.mailing.admin import changed_since_ready


class ScheduleSendForm(forms.Form):
    send_at = forms.DateTimeField(
        label="Send at",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text="Date and time in the time zone below.",
    )
    time_zone = forms.ChoiceField(label="Time zone")

    def __init__(self, *args: Any, user: AbstractBaseUser | AnonymousUser | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["time_zone"])
        field.choices = [(name, name) for name in time_zones.choices()]  # no deprecated aliases
        field.initial = time_zones.initial_zone(user or AnonymousUser())
        if not field.initial or field.initial == settings.TIME_ZONE:
            # Nothing known about this editor yet: schedule_zone.js picks the browser's zone, if listed.
            field.widget.attrs["data-browser-zone"] = "1"

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data  # what Form.clean() returns, typed as a dict
        if data.get("send_at") and data.get("time_zone"):
            # The form parsed the wall-clock time in the server's zone; read it again in the editor's.
            data["send_at"] = schedule.aware(timezone.make_naive(data["send_at"]), data["time_zone"])
        return data


if TYPE_CHECKING:
    _IssueAdminBase = admin.ModelAdmin[Issue]  # composed onto the issue admin in curator/admin.py
else:
    _IssueAdminBase = object


class ScheduleSendAdminMixin(_IssueAdminBase):
    """URLs and views for scheduling an issue's send; composed before IssueAdmin."""

    def get_urls(self):
        wrap = self.admin_site.admin_view
        urls = [
            path("<int:object_id>/schedule/", wrap(self.schedule_view), name="editions_issue_schedule"),
            path("<int:object_id>/cancel-schedule/", wrap(self.cancel_schedule_view), name="editions_issue_unschedule"),
        ]
        return urls + super().get_urls()

    def _schedulable_issue(self, request: HttpRequest, object_id: int) -> Issue:
        issue = get_object_or_404(Issue, pk=object_id)
        if not request.user.has_perm(schedule.SEND_PERMISSION):
            raise PermissionDenied("Only publishers may schedule or cancel a send.")
        return issue

    @permission_required("send")
    def schedule_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        issue = self._schedulable_issue(request, object_id)
        form = ScheduleSendForm(request.POST or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            try:
                row = schedule.schedule_send(
                    issue, form.cleaned_data["send_at"], form.cleaned_data["time_zone"], staff_user(request)
                )
            except schedule.ScheduleError as exc:
                form.add_error(None, str(exc))
            else:
                local = timezone.localtime(row.send_at, schedule.zone_of(row))
                messages.success(request, f"“{issue}” will be sent on {local:%Y-%m-%d at %H:%M} ({row.time_zone}).")
                return HttpResponseRedirect(reverse("admin:editions_issue_change", args=[issue.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": Issue._meta,
            "original": issue,
            "title": f"Schedule sending “{issue}”",
            "form": form,
            "pending": schedule.pending_schedule(issue.pk),
            "changed_since_ready": changed_since_ready(issue),
        }
        return TemplateResponse(request, "admin/mailing/issue_schedule.html", context)

    @method_decorator(require_POST)
    @permission_required("send")
    def cancel_schedule_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        issue = self._schedulable_issue(request, object_id)
        if schedule.cancel_schedule(issue, staff_user(request)):
            messages.success(request, f"The scheduled send of “{issue}” is cancelled.")
        else:
            messages.warning(request, "There was no pending schedule to cancel (it may have started already).")
        return HttpResponseRedirect(reverse("admin:editions_issue_change", args=[issue.pk]))
