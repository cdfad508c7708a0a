"""The editions part of the entry admin: triage columns and filters, bulk triage, *Add to issue*.

Actions stay thin: they check the permission, call an action or a workflow function, and turn a
WorkflowError into a message the editor can act on. curator/admin.py composes this mixin into the
registered entry admin with the other apps' parts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from curator.editions import workflow
from curator.editions.actions.triage import set_triage
from curator.editions.admin_filters import FeaturedFilter, HasDraftFilter, PublishedRangeFilter
from curator.editions.drafts import best_draft_text, first_line
from curator.editions.featured import featured_in_month, featured_in_title
from curator.editions.models import Issue, Pick, Section
from curator.editions.naming import month_label
from curator.editions.triage_messages import tell_triaged
from curator.feeds.models import Entry
from curator.lib.admin_permissions import staff_user
from curator.lib.plural import counted
from curator.ranking.stories import with_stories


class AddToIssueForm(forms.Form):
    """Issue and section in one grouped choice: a section already says which issue it is in."""

    section = forms.TypedChoiceField(coerce=int, label="Issue and section")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sections = Section.objects.filter(issue__status__in=Issue.EDITABLE_STATUSES).select_related("issue")
        groups: dict[Issue, list[tuple[int, str]]] = {}
        for section in sections.order_by("-issue__month", "-issue_id", "position", "id"):
            groups.setdefault(section.issue, []).append((section.pk, section.title))
        section_field = cast(forms.ChoiceField, self.fields["section"])
        section_field.choices = [(f"{issue} ({issue.status})", choices) for issue, choices in groups.items()]

    def clean_section(self) -> Section:
        section = Section.objects.select_related("issue").filter(pk=self.cleaned_data["section"]).first()
        if section is None or section.issue.status not in Issue.EDITABLE_STATUSES:
            raise forms.ValidationError("Choose a section of an issue that is still being edited.")
        return section


if TYPE_CHECKING:
    _EntryAdminBase = admin.ModelAdmin[Entry]  # composed onto the entry admin in curator/admin.py
else:
    _EntryAdminBase = object


class TriageEntryAdminMixin(_EntryAdminBase):
    """The editions part of the entry admin: triage columns and filters, bulk triage, add to issue.

    curator/admin.py composes it with the other apps' parts and lists `triage_list_display`,
    `triage_list_filter` and `triage_actions` in the registered admin.
    """

    triage_list_display = ("best_draft_line", "featured_warning")
    triage_list_filter = (PublishedRangeFilter, HasDraftFilter, FeaturedFilter)
    triage_actions = ("shortlist_entries", "reject_entries", "add_to_issue")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Entry]:
        return (
            super()
            .get_queryset(request)
            .select_related("source")
            .annotate(
                triage_best_draft=best_draft_text(),
                triage_featured_in=featured_in_title(),
                triage_featured_month=featured_in_month(),
            )
        )

    @admin.display(description="best draft")
    def best_draft_line(self, obj: Entry) -> str:
        line = first_line(getattr(obj, "triage_best_draft", ""))
        # safe: format_html escapes the draft's text; the span only lets the list clamp it to two lines.
        return format_html('<span class="clamp">{}</span>', line) if line else "—"

    @admin.display(description="featured before")
    def featured_warning(self, obj: Entry) -> str | SafeString:
        title = getattr(obj, "triage_featured_in", None)
        if not title:
            return ""
        month = getattr(obj, "triage_featured_month", None)
        when = f" ({month_label(month)})" if month else ""
        # safe: format_html escapes the stored title and the month; only the fixed markup is trusted.
        return format_html('<strong class="featured-warning">⚠ in “{}”{}</strong>', title, when)

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None):
        if request.method == "GET":
            picks = Pick.objects.filter(entry_id=object_id, issue__status__in=Issue.LOCKED_STATUSES)
            for issue in Issue.objects.filter(pk__in=picks.values("issue_id")):
                self.message_user(request, f"Already featured in “{issue}”.", messages.WARNING)
        return super().change_view(request, object_id, form_url, extra_context)

    # Actions ---------------------------------------------------------------------------------

    def has_add_to_issue_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perms(["feeds.change_entry", "editions.add_pick"])

    @admin.action(description="Shortlist selected entries", permissions=["change"])
    def shortlist_entries(self, request: HttpRequest, queryset: QuerySet[Entry]) -> None:
        tell_triaged(request, set_triage(queryset, Entry.Triage.SHORTLISTED), Entry.Triage.SHORTLISTED)

    @admin.action(description="Reject selected entries", permissions=["change"])
    def reject_entries(self, request: HttpRequest, queryset: QuerySet[Entry]) -> None:
        tell_triaged(request, set_triage(queryset, Entry.Triage.REJECTED), Entry.Triage.REJECTED)

    @admin.action(description="Add selected entries to issue…", permissions=["add_to_issue"])
    def add_to_issue(self, request: HttpRequest, queryset: QuerySet[Entry]) -> HttpResponse | None:
        form = AddToIssueForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            section = form.cleaned_data["section"]
            try:
                result = workflow.add_entries_to_issue(queryset, section.issue, section, staff_user(request))
            except workflow.WorkflowError as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return None
            self._tell_added(request, result, section)
            return None
        if not cast(forms.ChoiceField, form.fields["section"]).choices:
            self.message_user(request, "There is no issue being edited: create one first.", messages.ERROR)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Add entries to an issue",
            "opts": self.model._meta,
            "form": form,
            "entries": queryset,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "action_name": "add_to_issue",
        }
        return TemplateResponse(request, "admin/editions/entry/add_to_issue.html", context)

    def _tell_added(self, request: HttpRequest, result: workflow.AddResult, section: Section) -> None:
        url = reverse("admin:editions_issue_change", args=[section.issue_id])
        self.message_user(
            request,
            # safe: format_html escapes the count, section and issue titles; only the fixed markup is trusted.
            format_html(
                '{} added to “{}” in <a href="{}">{}</a>.',
                counted(len(result.added), "entry", "entries"),
                section,
                url,
                section.issue,
            ),
            messages.SUCCESS,
        )
        if result.already_in_issue:
            titles = ", ".join(f"“{entry}”" for entry in result.already_in_issue)
            self.message_user(request, f"Already in this issue, skipped: {titles}.", messages.WARNING)
        for entry in result.featured_before:
            self.message_user(request, f"“{entry}” was already featured in an earlier issue.", messages.WARNING)
        for entry in same_story(result):
            self.message_user(
                request, f"Same story as an entry you just added: “{entry}”. Add or reject it too?", messages.INFO
            )


def same_story(result: workflow.AddResult) -> QuerySet[Entry]:
    """Entries of the same stories as the ones just added that are not in an issue yet."""
    added = {pick.entry_id for pick in result.added if pick.entry_id is not None}
    chosen = Entry.objects.filter(pk__in=added)
    return with_stories(chosen).exclude(pk__in=added).exclude(triage=Entry.Triage.PICKED).order_by("pk")
