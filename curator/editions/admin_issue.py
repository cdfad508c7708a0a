"""The issue page: sections and picks inline, moves, drafts, ordering and draft <-> ready.

Buttons stay thin: they check the permission, call an action or a workflow function, and turn a
WorkflowError into a message the editor can act on. Other apps extend IssueAdmin in curator/admin.py.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST

from curator.editions import ordering, workflow
from curator.editions.actions import issue_page, positions
from curator.editions.content import markdown_to_html
from curator.editions.drafts import ranked_drafts
from curator.editions.models import Issue, IssueLocked, Pick, Section
from curator.editions.naming import month_label
from curator.editions.pick_groups import PickBadge, group_picks
from curator.editions.story_warnings import StoryWarningIssueAdminMixin
from curator.ids import parse_id
from curator.lib.admin_permissions import permission_required, staff_user
from summarizer.models import Draft


def _json_body(request: HttpRequest) -> object:
    try:
        return json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return None


def _move_redirect(request: HttpRequest, value: str) -> HttpResponseRedirect:
    """Back to the moved item (#pick-12, #section-3), not to the top of a long page."""
    kind, _, rest = value.partition(":")
    pk = rest.partition(":")[0]
    anchor = f"#{kind}-{pk}" if kind in ("pick", "section") and parse_id(pk) else ""
    return HttpResponseRedirect(request.path + anchor)


if TYPE_CHECKING:
    _IssueInlineBase = admin.options.InlineModelAdmin[Any, Issue]  # composed onto the issue page's inlines
else:
    _IssueInlineBase = object


class LockedIssueInlineMixin(_IssueInlineBase):
    """Inlines follow their issue: nothing to add, change or delete once it is sending or sent."""

    def _parent_editable(self, obj: Issue | None) -> bool:
        return obj is None or not obj.is_locked

    def has_add_permission(self, request: HttpRequest, obj: Issue | None = None) -> bool:
        return self._parent_editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Issue | None = None) -> bool:
        return self._parent_editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Issue | None = None) -> bool:
        return self._parent_editable(obj) and super().has_delete_permission(request, obj)


class SectionInline(LockedIssueInlineMixin, admin.TabularInline):
    """Renaming, adding and deleting sections; they are ordered in the picks area with their picks."""

    model = Section
    fields = ("title",)
    extra = 0
    verbose_name_plural = "section titles"


class PickForm(forms.ModelForm):
    url = forms.URLField(label="URL", max_length=2000, required=False, assume_scheme="https")

    class Meta:
        model = Pick
        fields = ("section", "title", "url", "byline", "blurb")
        widgets = {"blurb": forms.Textarea(attrs={"rows": 7, "cols": 60, "class": "pick-blurb"})}


class PickInline(LockedIssueInlineMixin, admin.StackedInline):
    model = Pick
    form = PickForm
    fk_name = "issue"
    extra = 0
    fields = ("section", "title", "url", "byline", "blurb", "draft_panel", "entry_info")
    readonly_fields = ("draft_panel", "entry_info")
    template = "admin/editions/issue/picks.html"  # grouped under their sections, see pick_groups.py

    def get_queryset(self, request: HttpRequest) -> QuerySet[Pick]:
        drafts = Prefetch("entry__drafts", queryset=ranked_drafts())
        return (
            super().get_queryset(request).select_related("issue", "section", "entry__source").prefetch_related(drafts)
        )

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name != "section":
            return super().formfield_for_foreignkey(db_field, request, **kwargs)
        issue_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
        kwargs["queryset"] = Section.objects.filter(issue_id=issue_id)  # type: ignore[misc]  # None on the add page: no sections
        field = cast(forms.ModelChoiceField, super().formfield_for_foreignkey(db_field, request, **kwargs))
        # Evaluated once here and copied into every pick form: one query, not one per pick.
        field.choices = [("", "---------"), *((s.pk, s.title) for s in kwargs["queryset"])]
        return field

    def formfield_for_dbfield(self, db_field, request: HttpRequest, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "byline" and field is not None:
            field.initial = workflow.display_name(staff_user(request))
        if db_field.name == "section" and field is not None:
            for flag in ("can_add_related", "can_change_related", "can_delete_related", "can_view_related"):
                setattr(field.widget, flag, False)  # sections are edited in their own inline above
        return field

    @admin.display(description="drafts")
    def draft_panel(self, obj: Pick) -> str | SafeString:
        if not obj.pk or obj.issue.is_locked:
            return ""
        if not obj.entry_id or obj.entry is None:
            return "Hand-added link: no drafts."
        drafts = list(obj.entry.drafts.all())
        if not drafts:
            return "No drafts yet."
        # safe: format_html_join escapes every field, the draft text included; only the fixed markup is trusted.
        return format_html_join(
            "",
            '<div class="draft"><div class="draft-meta">{} · {} · {}</div><div class="draft-text">{}</div>'
            '<button type="submit" class="button use-draft" name="_use_draft" value="{}:{}">Use this draft</button>'
            "</div>",
            (
                (
                    draft.get_engine_display(),
                    draft.profile_name or "no profile",
                    timezone.localtime(draft.created_at).strftime("%Y-%m-%d %H:%M"),
                    draft.text,
                    obj.pk,
                    draft.pk,
                )
                for draft in drafts
            ),
        )

    @admin.display(description="entry")
    def entry_info(self, obj: Pick) -> str | SafeString:
        if not obj.pk or obj.entry is None:
            return "—"
        url = reverse("admin:feeds_entry_change", args=[obj.entry_id])
        # safe: the href is a reversed admin URL; the source name and kind are escaped by format_html.
        return format_html('<a href="{}">{}</a> ({})', url, obj.entry.source, obj.entry.get_kind_display())


class IssueForm(forms.ModelForm):
    month = forms.DateField(
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        help_text="The month this issue covers.",
    )
    due_at = forms.DateTimeField(
        label="Due date",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        help_text="When the blurbs must be written; writers with open picks get a reminder a few days before.",
    )

    class Meta:
        model = Issue
        fields = ("title", "month", "slug", "due_at", "intro", "sign_off")


class IssueAdmin(StoryWarningIssueAdminMixin, admin.ModelAdmin):
    """The editions part of the issue admin: assembly, ordering, status; curator/admin.py adds sending."""

    form = IssueForm
    list_display = ["name", "month_column", "status", "pick_count", "sent_at"]
    list_filter = ["status"]
    search_fields = ["title", "slug"]
    readonly_fields = ("status", "sent_at", "intro_preview")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "title",
                    "month",
                    "slug",
                    "due_at",
                    "status",
                    "sent_at",
                    ("intro", "intro_preview"),
                    "sign_off",
                )
            },
        ),
    )
    inlines = [PickInline, SectionInline]
    actions = ["mark_ready", "back_to_draft"]
    change_form_template = "admin/editions/issue/change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Issue]:
        return super().get_queryset(request).annotate(pick_total=Count("picks"))

    def view_on_site(self, obj: Issue) -> str | None:
        # Only sent issues have a public page; a link to a 404 would only confuse.
        return reverse("editions:issue", args=[obj.slug]) if obj.status == Issue.Status.SENT else None

    @admin.display(description="issue", ordering="month")
    def name(self, obj: Issue) -> str:
        # Two issues may both keep the default title; the month tells them apart.
        return obj.display_name

    @admin.display(description="month", ordering="month")
    def month_column(self, obj: Issue) -> str:
        return month_label(obj.month)  # "December 2026", not "Dec. 1, 2026"

    @admin.display(description="picks", ordering="pick_total")
    def pick_count(self, obj: Issue) -> int:
        return obj.pick_total  # type: ignore[attr-defined]  # annotated by get_queryset

    @admin.display(description="intro as readers see it")
    def intro_preview(self, obj: Issue) -> SafeString:
        # safe: markdown_to_html runs nh3 (small allowlist, http/https/mailto links) now, at render time.
        return SafeString(markdown_to_html(obj.intro)) if obj.pk else SafeString("")

    def get_fieldsets(self, request: HttpRequest, obj: Issue | None = None) -> list[Any] | tuple[Any, ...]:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not obj.is_locked:
            return fieldsets
        # A sent issue is shown read-only: its month reads "November 2026", not the stored first day.
        return [
            (name, {**opts, "fields": [("month_column" if f == "month" else f) for f in opts["fields"]]})
            for name, opts in fieldsets
        ]

    def get_inlines(self, request: HttpRequest, obj: Issue | None) -> list:
        # On the add page the default sections do not exist yet; the change page follows right after.
        return list(super().get_inlines(request, obj)) if obj is not None else []

    def pick_badges(self, request: HttpRequest, issue: Issue) -> dict[int, list[PickBadge]]:
        """Badges for the pick cards, by pick id: none here; a part composed onto the issue page
        (curator/admin.py) adds its own and calls super(), the way get_urls() composes."""
        return {}

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        for inline_formset in context.get("inline_admin_formsets", []):
            if inline_formset.formset.model is Pick and obj is not None:
                sections = list(obj.sections.order_by("position", "id"))
                context["pick_groups"] = group_picks(inline_formset, sections, self.pick_badges(request, obj))
                context["picks_orderable"] = not obj.is_locked and self.has_change_permission(request, obj)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict:
        today = timezone.localdate()
        initial = {"title": "Recommended reading", "month": today.replace(day=1)}
        return {**initial, **super().get_changeform_initial_data(request)}

    def has_change_permission(self, request: HttpRequest, obj: Issue | None = None) -> bool:
        return (obj is None or not obj.is_locked) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Issue | None = None) -> bool:
        return (obj is None or not obj.is_locked) and super().has_delete_permission(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Issue]) -> None:
        locked = queryset.filter(status__in=Issue.LOCKED_STATUSES)
        if locked.exists():
            raise PermissionDenied("Sent issues stay in the archive.")
        super().delete_queryset(request, queryset)

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context=None
    ):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except IssueLocked as exc:  # the send started while the editor's save was on its way: nothing was written
            self.message_user(request, f"{exc} Your changes were not saved.", messages.ERROR)
            return HttpResponseRedirect(request.path)

    def save_model(self, request: HttpRequest, obj: Issue, form: forms.ModelForm, change: bool) -> None:
        if not change:
            obj.created_by = staff_user(request)
            super().save_model(request, obj, form, change)
            return
        concrete = {f.name for f in Issue._meta.concrete_fields}
        issue_page.save_issue_fields(obj, [name for name in form.fields if name in concrete])

    def save_formset(self, request: HttpRequest, form: forms.ModelForm, formset, change: bool) -> None:
        if formset.model is Pick:
            self._save_picks(request, formset)
        elif formset.model is Section:
            self._save_sections(formset)
        else:
            super().save_formset(request, form, formset, change)

    def _save_picks(self, request: HttpRequest, formset) -> None:
        positions.save_picks(formset, workflow.display_name(staff_user(request)))

    def _save_sections(self, formset) -> None:
        positions.save_sections(formset)

    def response_add(self, request: HttpRequest, obj: Issue, post_url_continue: str | None = None) -> HttpResponse:
        """Picks are added on the issue page, so Save opens it instead of going back to the list."""
        if IS_POPUP_VAR in request.POST or "_addanother" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        sections = ", ".join(obj.sections.order_by("position", "id").values_list("title", flat=True))
        self.message_user(
            request,
            f"“{obj}” was added with the sections {sections or '(none)'}. Add picks at the Triage desk (key a), "
            "from Feeds → Entries (Add selected entries to issue…) or with Add another Pick below.",
            messages.SUCCESS,
        )
        url = reverse("admin:editions_issue_change", args=[obj.pk])
        return HttpResponseRedirect(
            add_preserved_filters({"preserved_filters": self.get_preserved_filters(request), "opts": self.opts}, url)
        )

    def response_change(self, request: HttpRequest, obj: Issue) -> HttpResponse:
        try:
            if "_move" in request.POST:
                self._move(request, obj, request.POST["_move"])
                return _move_redirect(request, request.POST["_move"])
            elif "_use_draft" in request.POST:
                pick = self._use_draft(request, obj, request.POST["_use_draft"])
                return HttpResponseRedirect(f"{request.path}#pick-{pick.pk}")  # back to the pick, like ▲▼
            else:
                return super().response_change(request, obj)
        except workflow.WorkflowError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        return HttpResponseRedirect(request.path)

    def _move(self, request: HttpRequest, issue: Issue, value: str) -> None:
        kind, pk, direction = [*value.split(":"), "", "", ""][:3]
        step = {"up": -1, "down": 1}.get(direction)
        if step is None or parse_id(pk) is None:
            raise workflow.WorkflowError("Unknown move.")
        if kind == "pick":
            workflow.move_pick(get_object_or_404(Pick, pk=pk, issue=issue), step)
        elif kind == "section":
            workflow.move_section(get_object_or_404(Section, pk=pk, issue=issue), step)
        else:
            raise workflow.WorkflowError("Unknown move.")

    def _use_draft(self, request: HttpRequest, issue: Issue, value: str) -> Pick:
        pick_id, _, draft_id = value.partition(":")
        if parse_id(pick_id) is None or parse_id(draft_id) is None:
            raise workflow.WorkflowError("Unknown draft.")
        pick = get_object_or_404(Pick, pk=pick_id, issue=issue)
        workflow.use_draft(pick, get_object_or_404(Draft, pk=draft_id), staff_user(request))
        self.message_user(request, f"Blurb of “{pick}” replaced by the draft; edit it as you like.", messages.SUCCESS)
        return pick

    # Status ----------------------------------------------------------------------------------

    def get_urls(self) -> list:
        urls = [
            path(
                "<path:object_id>/status/",
                self.admin_site.admin_view(require_POST(self.status_view)),
                name="editions_issue_status",
            ),
            path(
                "<int:object_id>/order/",
                self.admin_site.admin_view(require_POST(self.order_view)),
                name="editions_issue_order",
            ),
        ]
        return urls + super().get_urls()

    @permission_required("change")
    def order_view(self, request: HttpRequest, object_id: int) -> JsonResponse:
        """The whole order after a drag and drop or a ▲▼ click (issue_order.js); JSON in, JSON out."""
        issue = get_object_or_404(Issue, pk=object_id)
        try:
            order = ordering.set_order(issue.pk, ordering.parse_order(_json_body(request)))
        except (ordering.StaleOrder, workflow.IssueLocked) as exc:  # reloading the page shows why
            return JsonResponse({"error": str(exc)}, status=409)
        except workflow.WorkflowError as exc:
            return JsonResponse({"error": str(exc)}, status=400)
        return JsonResponse({"sections": order.sections, "picks": {str(k): v for k, v in order.picks.items()}})

    @permission_required("change")
    def status_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Draft <-> ready from the issue page; sending belongs to the send button of the mailing app."""
        issue = get_object_or_404(Issue, pk=parse_id(object_id))
        target = request.POST.get("target", "")
        if target not in Issue.EDITABLE_STATUSES or not self.has_change_permission(request, issue):
            raise PermissionDenied
        self._transition(request, issue, target)
        return HttpResponseRedirect(reverse("admin:editions_issue_change", args=[issue.pk]))

    def _transition(self, request: HttpRequest, issue: Issue, target: str) -> None:
        try:
            workflow.transition(issue, target, user=staff_user(request))
        except workflow.WorkflowError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            self.message_user(request, f"“{issue}” is now {target}.", messages.SUCCESS)

    @admin.action(description="Mark selected issues ready", permissions=["change"])
    def mark_ready(self, request: HttpRequest, queryset: QuerySet[Issue]) -> None:
        for issue in queryset:
            self._transition(request, issue, Issue.Status.READY)

    @admin.action(description="Move selected issues back to draft", permissions=["change"])
    def back_to_draft(self, request: HttpRequest, queryset: QuerySet[Issue]) -> None:
        for issue in queryset:
            self._transition(request, issue, Issue.Status.DRAFT)
