"""Admin: subscribers (filters, search, CSV import/export) and the sending side of the issue page."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from curator.editions.fingerprint import content_fingerprint
from curator.editions.models import Issue
from curator.lib.admin_permissions import permission_required, staff_user
from curator.lib.plural import counted
from curator.mailing import control
from curator.mailing.csvio import ImportFileError, export_subscribers
from curator.mailing.forms import SubscriberAdminForm, SubscriberImportForm
from curator.mailing.imports import accept_upload
from curator.mailing.models import Delivery, ProviderEvent, Subscriber, SubscriberImport
from curator.mailing.render import render_issue
from curator.mailing.testsend import preview_subscriber, send_test_message
from curator.outbox import handover

SEND_PERMISSION = "editions.send_issue"


def changed_since_ready(issue: Issue) -> bool:
    """True when a ready issue's content differs from what was approved when it was marked ready."""
    return (
        issue.status == Issue.Status.READY
        and bool(issue.ready_fingerprint)
        and issue.ready_fingerprint != content_fingerprint(issue)
    )


if TYPE_CHECKING:
    _IssueAdminBase = admin.ModelAdmin[Issue]  # composed onto the issue admin in curator/admin.py
else:
    _IssueAdminBase = object


class IssueSendingAdminMixin(_IssueAdminBase):
    """The mailing part of the issue admin: preview, test send, send, progress, pause and resume.

    curator/admin.py composes it (with ScheduleSendAdminMixin and ClickReportAdminMixin) onto the
    editions issue admin and takes `sending_change_form_template`, which extends the editions
    issue page and fills its blocks.
    """

    sending_change_form_template = "admin/mailing/issue_change_form.html"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        urls = [
            path("<int:object_id>/preview/", wrap(self.preview_view), name="editions_issue_preview"),
            path("<int:object_id>/send-test/", wrap(self.send_test_view), name="editions_issue_send_test"),
            path("<int:object_id>/send/", wrap(self.send_view), name="editions_issue_send"),
            path("<int:object_id>/progress/", wrap(self.progress_view), name="editions_issue_progress"),
            path("<int:object_id>/pause/", wrap(self.pause_view), name="editions_issue_pause"),
            path("<int:object_id>/resume/", wrap(self.resume_view), name="editions_issue_resume"),
        ]
        return urls + super().get_urls()

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context["mailing"] = {
                "progress": control.progress(obj),
                "can_send": request.user.has_perm(SEND_PERMISSION),
            }
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def get_issue(self, request: HttpRequest, object_id: int) -> Issue:
        issue = get_object_or_404(Issue, pk=object_id)
        if not self.has_view_or_change_permission(request, issue):
            raise PermissionDenied
        return issue

    def has_send_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(SEND_PERMISSION)

    def require_send_permission(self, request: HttpRequest) -> None:
        if not request.user.has_perm(SEND_PERMISSION):
            raise PermissionDenied("Only publishers may send, pause or resume an issue.")

    def change_url(self, issue: Issue) -> str:
        return reverse("admin:editions_issue_change", args=[issue.pk])

    @permission_required("view")
    def preview_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        issue = self.get_issue(request, object_id)
        subject, html, text = render_issue(issue, preview_subscriber(staff_user(request)))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": issue,
            "title": f"Preview: {issue}",
            "subject": subject,
            "html": html,
            "text": text,
            "to": staff_user(request).email,
            "can_send": request.user.has_perm(SEND_PERMISSION),
        }
        return TemplateResponse(request, "admin/mailing/issue_preview.html", context)

    @method_decorator(require_POST)
    @permission_required("view")
    def send_test_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        issue = self.get_issue(request, object_id)
        if not staff_user(request).email:
            messages.error(request, "Your staff account has no email address; add one to receive test sends.")
        else:
            try:
                send_test_message(issue, staff_user(request))
            except Exception as exc:  # shown to the editor as is: the SMTP reply is the useful part
                messages.error(request, f"The test email to {staff_user(request).email} failed: {exc}")
            else:
                messages.success(request, f"Test email sent to {staff_user(request).email}.")
        if request.POST.get("return_to") == "change":  # the button on the issue page, not the preview's
            return HttpResponseRedirect(self.change_url(issue))
        return HttpResponseRedirect(reverse("admin:editions_issue_preview", args=[issue.pk]))

    @permission_required("send")
    def send_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        issue = self.get_issue(request, object_id)
        self.require_send_permission(request)
        if request.method == "POST":
            if issue.status == Issue.Status.SENT:  # a second press, an old tab: say so, promise nothing
                sent = timezone.localtime(issue.sent_at) if issue.sent_at else None
                when = f" on {sent:%Y-%m-%d at %H:%M}" if sent else ""
                messages.info(request, f"“{issue}” was already sent{when}; nothing was sent again.")
                return HttpResponseRedirect(self.change_url(issue))
            was_sending = issue.status == Issue.Status.SENDING
            try:
                with handover.watch() as queued:
                    total = control.send_issue(issue, staff_user(request))
            except control.SendError as exc:
                messages.error(request, str(exc))
            else:
                audience = counted(total, "subscriber", "subscribers")
                if was_sending:
                    text = f"“{issue}” is already being sent to {audience}; nobody receives it twice."
                else:
                    text = f"Sending “{issue}” to {audience}."
                queued.tell(request, text)
            return HttpResponseRedirect(self.change_url(issue))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": issue,
            "title": f"Send “{issue}”",
            "already": issue.status if issue.is_locked else "",
            "sent_at": issue.sent_at,
            "audience": Delivery.objects.filter(issue_id=issue.pk).count() if issue.is_locked else 0,
            "changed_since_ready": changed_since_ready(issue),
            "recipients": Subscriber.objects.filter(status=Subscriber.Status.ACTIVE).count(),
            "subject": render_issue(issue, preview_subscriber(staff_user(request)))[0],
        }
        return TemplateResponse(request, "admin/mailing/issue_send_confirm.html", context)

    @permission_required("view")
    def progress_view(self, request: HttpRequest, object_id: int) -> JsonResponse:
        return JsonResponse(control.progress(self.get_issue(request, object_id)))

    @method_decorator(require_POST)
    @permission_required("send")
    def pause_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        issue = self.get_issue(request, object_id)
        self.require_send_permission(request)
        if control.pause(issue):
            messages.success(request, "Sending paused. Messages already handed to the mail server still go out.")
        else:
            messages.warning(request, "This issue is not sending, or is already paused.")
        return HttpResponseRedirect(self.change_url(issue))

    @method_decorator(require_POST)
    @permission_required("send")
    def resume_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        issue = self.get_issue(request, object_id)
        self.require_send_permission(request)
        with handover.watch() as queued:
            resumed = control.resume(issue)
        if resumed:
            queued.tell(request, "Sending resumed.")
        else:
            messages.warning(request, "This issue is not paused.")
        return HttpResponseRedirect(self.change_url(issue))


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    form = SubscriberAdminForm
    list_display = ["email", "name", "status", "confirmed_at", "hard_bounces", "created_at"]
    list_filter = ["status", ("confirmed_at", admin.EmptyFieldListFilter), "created_at"]
    search_fields = ["email", "name"]
    readonly_fields = ["confirmed_at", "unsubscribed_at", "hard_bounces", "created_at"]
    date_hierarchy = "created_at"
    change_list_template = "admin/mailing/subscriber_change_list.html"
    actions = ["export_selected"]
    show_full_result_count = False

    def get_urls(self):
        wrap = self.admin_site.admin_view
        urls = [
            path("import/", wrap(self.import_view), name="mailing_subscriber_import"),
            path("import/<int:import_id>/", wrap(self.import_status_view), name="mailing_subscriber_import_status"),
            path("export/", wrap(self.export_view), name="mailing_subscriber_export"),
        ]
        return urls + super().get_urls()

    def csv_response(self, subscribers) -> HttpResponse:
        buffer = io.StringIO()
        export_subscribers(subscribers, buffer)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="subscribers-{stamp}.csv"'
        return response

    @admin.action(description="Export selected subscribers as CSV", permissions=["view"])
    def export_selected(self, request: HttpRequest, queryset) -> HttpResponse:
        return self.csv_response(queryset.order_by("email"))

    @permission_required("view")
    def export_view(self, request: HttpRequest) -> HttpResponse:
        """Everything the changelist currently shows (filters and search applied), not just one page."""
        changelist = self.get_changelist_instance(request)
        return self.csv_response(changelist.get_queryset(request).order_by("email").iterator())

    @permission_required("add")
    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Accept the file and hand it to a worker; the status page follows its progress."""
        form = SubscriberImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                from curator.mailing.tasks import import_subscribers

                with handover.watch() as queued, transaction.atomic():
                    job = accept_upload(form.cleaned_data["file"], form.cleaned_data["status"], staff_user(request))
                    import_subscribers.delay(job.pk)
            except ImportFileError as exc:
                form.add_error("file", str(exc))
            else:
                if not queued.handed_over:
                    messages.warning(request, queued.note("The import is saved."))
                return HttpResponseRedirect(reverse("admin:mailing_subscriber_import_status", args=[job.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import subscribers from CSV",
            "form": form,
            "recent": SubscriberImport.objects.defer("data")[:10],
        }
        return TemplateResponse(request, "admin/mailing/subscriber_import.html", context)

    @permission_required("add")
    def import_status_view(self, request: HttpRequest, import_id: int) -> HttpResponse:
        job = get_object_or_404(SubscriberImport.objects.defer("data"), pk=import_id)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Import of {job.filename}",
            "job": job,
        }
        return TemplateResponse(request, "admin/mailing/subscriber_import_status.html", context)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["issue", "subscriber", "status", "attempts", "sent_at", "error"]
    list_filter = ["status", "issue"]
    search_fields = ["subscriber__email", "message_id"]
    list_select_related = ["issue", "subscriber"]
    readonly_fields = [f.name for f in Delivery._meta.fields]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # rows come from send_issue only; a hand-made row would bypass the audience snapshot

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(ProviderEvent)
class ProviderEventAdmin(admin.ModelAdmin):
    """Bounces and complaints reported by an email provider's webhooks, and what each did."""

    list_display = ["received_at", "esp", "event_type", "email", "action"]
    list_filter = ["esp", "event_type", "action"]
    search_fields = ["email", "event_key"]
    readonly_fields = [f.name for f in ProviderEvent._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # written by the webhook only

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
