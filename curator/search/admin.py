"""The entry page's and the desk's "have we covered this?" part, composed into EntryAdmin by curator/admin.py."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_POST

from curator.editions.models import Pick
from curator.feeds.models import Entry
from curator.lib.admin_permissions import permission_required
from curator.search import topic_edit
from curator.search.covered import close_picks
from curator.search.models import Topic
from curator.search.topics import suggest, topics_of_picks

if TYPE_CHECKING:
    # Composed onto the entry admin (with the desk) in curator/admin.py.
    from curator.editions.admin_issue import IssueAdmin as _IssueAdminBase
    from curator.editions.desk_admin import DeskEntryAdminMixin as _EntryAdminBase
else:
    _EntryAdminBase = _IssueAdminBase = object


class CoveredEntryAdminMixin(_EntryAdminBase):
    """Adds `covered` (past picks close in meaning) to the entry page and to each desk panel."""

    covered_change_form_template = "admin/search/entry/change_form.html"

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        urls = [
            path("<int:entry_id>/topics/", wrap(require_POST(self.topics_view)), name="feeds_entry_topics"),
            path(
                "<int:entry_id>/topics/apply/",
                wrap(require_POST(self.apply_topics_view)),
                name="feeds_entry_apply_topics",
            ),
        ]
        return urls + super().get_urls()

    def can_edit_topics(self, request: HttpRequest) -> bool:
        """Whoever may change entries and topics (Editors, Publishers); never a Contributor or reader."""
        return self.has_change_permission(request) and request.user.has_perm("search.change_topic")

    def _topic_target(self, request: HttpRequest, entry_id: int) -> tuple[Entry, HttpResponseRedirect]:
        if not self.can_edit_topics(request):
            raise PermissionDenied
        entry = get_object_or_404(Entry, pk=entry_id)
        back = HttpResponseRedirect(reverse("admin:feeds_entry_change", args=[entry.pk]) + "#topics")
        return entry, back

    @permission_required("change", "search.change_topic")
    def topics_view(self, request: HttpRequest, entry_id: int) -> HttpResponse:
        """The topics field: the chosen existing topics plus, optionally, one typed name."""
        entry, back = self._topic_target(request, entry_id)
        ids = [int(v) for v in request.POST.getlist("topic") if v.isdigit()]
        typed = request.POST.get("new_topic", "")
        if typed and not request.user.has_perm("search.add_topic"):
            raise PermissionDenied
        try:
            chosen = topic_edit.set_entry_topics(entry, ids, typed)
        except topic_edit.TopicNameError as exc:
            self.message_user(request, f"Topics not changed: {exc}", messages.ERROR)
            return back
        names = ", ".join(t.name for t in chosen) or "none"
        self.message_user(request, f"Topics saved: {names}.", messages.SUCCESS)
        return back

    @permission_required("change", "search.change_topic")
    def apply_topics_view(self, request: HttpRequest, entry_id: int) -> HttpResponse:
        """One click: add the suggested topics (all, or the one named by `topic`) to the entry."""
        entry, back = self._topic_target(request, entry_id)
        suggested = suggest(entry.pk)
        wanted = request.POST.get("topic", "")
        if wanted:
            suggested = [t for t in suggested if str(t.pk) == wanted]
        if not suggested:
            self.message_user(request, "No suggested topic to apply.", messages.WARNING)
            return back
        added = topic_edit.add_entry_topics(entry, suggested)
        names = ", ".join(t.name for t in suggested)
        self.message_user(request, f"Applied suggested topics: {names} ({added} new).", messages.SUCCESS)
        return back

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        entry_id = int(object_id) if str(object_id).isdigit() else 0
        covered = close_picks([entry_id]).get(entry_id, []) if entry_id else []
        suggested = suggest(entry_id) if entry_id else []
        extra = {**(extra_context or {}), "covered": covered, "suggested_topics": suggested}
        if entry_id and self.can_edit_topics(request):
            extra["topic_choices"] = list(Topic.objects.all())
            extra["entry_topic_ids"] = set(
                Topic.entries.through.objects.filter(entry_id=entry_id).values_list("topic_id", flat=True)
            )
            extra["can_edit_topics"] = True
        return super().change_view(request, object_id, form_url, extra)

    def _detail_context(self, request: HttpRequest, entry_id: int) -> dict[str, Any]:
        context = super()._detail_context(request, entry_id)
        context["covered"] = close_picks([entry_id]).get(entry_id, [])
        return context


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    """Topics and what carries them; the entry page suggests topics from the nearest tagged picks."""

    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ("name",)}
    raw_id_fields = ["picks", "entries"]  # ids: thousands of picks and entries would not fit a list


class PickTopicsFormMixin(forms.ModelForm):
    """The topics field of a pick card: existing topics, and one new name typed in.

    The choices and each pick's current topics are read once per page (`for_issue`), not per card.
    """

    topic_choices: list[tuple[int, str]] = []
    topics_by_pick: dict[int, list[int]] = {}

    topics = forms.TypedMultipleChoiceField(coerce=int, required=False, widget=forms.SelectMultiple(attrs={"size": 4}))
    new_topic = forms.CharField(
        label="New topic", required=False, strip=False, max_length=200, help_text="Created, or reused by its name."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.TypedMultipleChoiceField, self.fields["topics"])
        field.choices = self.topic_choices
        if self.instance.pk:
            field.initial = self.topics_by_pick.get(self.instance.pk, [])

    @classmethod
    def for_issue(cls, base: type[forms.ModelForm], issue: Any) -> type[forms.ModelForm]:
        pick_ids = list(Pick.objects.filter(issue=issue).values_list("pk", flat=True)) if issue else []
        current = {pid: [t.pk for t in ts] for pid, ts in topics_of_picks(pick_ids).items()}
        choices = list(Topic.objects.values_list("pk", "name"))
        attrs = {"topic_choices": choices, "topics_by_pick": current}
        return type("PickTopicsForm", (cls, base), attrs)

    def clean_new_topic(self) -> str:
        typed: str = self.cleaned_data.get("new_topic", "")
        if typed:
            try:
                return topic_edit.clean_name(typed)
            except topic_edit.TopicNameError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return ""


class TopicsIssueAdminMixin(_IssueAdminBase):
    """Adds a topics field to each pick card for whoever may edit topics; saved with the picks."""

    def get_inline_instances(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        inlines = super().get_inline_instances(request, obj)
        if request.user.has_perm("search.change_topic") and request.user.has_perm("search.add_topic"):
            for inline in inlines:
                if inline.model is Pick:
                    inline.form = PickTopicsFormMixin.for_issue(inline.form, obj)
        return inlines

    def save_formset(self, request: HttpRequest, form: forms.ModelForm, formset: Any, change: bool) -> None:
        # The picks are saved first by the issue page's own path (locks and guards included).
        super().save_formset(request, form, formset, change)
        if formset.model is not Pick:
            return
        for pick_form in formset.forms:
            pick = pick_form.instance
            if "topics" not in pick_form.fields or not pick.pk or pick_form in formset.deleted_forms:
                continue
            if not {"topics", "new_topic"} & set(pick_form.changed_data):
                continue
            chosen = list(Topic.objects.filter(pk__in=pick_form.cleaned_data.get("topics") or []))
            if pick_form.cleaned_data.get("new_topic"):
                chosen.append(topic_edit.topic_named(pick_form.cleaned_data["new_topic"]))
            pick.topics.set(chosen)
