"""Admin for Playground runs: listed and filterable, read-only, and *Save as profile* from any of them."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html

from curator.lib.admin_permissions import permission_required
from summarizer import experiments
from summarizer.forms import SaveAsForm
from summarizer.models import PlaygroundRun


@admin.register(PlaygroundRun)
class PlaygroundRunAdmin(admin.ModelAdmin):
    list_display = ["created_at", "title", "created_by", "engine", "model_id", "seconds", "first_output", "save_link"]
    list_filter = ["engine", "model_id", "created_by", "created_at"]
    search_fields = ["title", "input_hash", "outputs"]
    list_select_related = ["created_by"]
    readonly_fields = [f.name for f in PlaygroundRun._meta.fields]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # runs come from the Playground only

    def has_change_permission(self, request: HttpRequest, obj: PlaygroundRun | None = None) -> bool:
        return False  # a record of what happened; edit the profile saved from it instead

    @admin.display(description="first draft")
    def first_output(self, obj: PlaygroundRun) -> str:
        text = obj.outputs[0].get("text", "") if obj.outputs else ""
        return text[:120] + ("…" if len(text) > 120 else "")

    @admin.display(description="")
    def save_link(self, obj: PlaygroundRun) -> str:
        url = reverse("admin:summarizer_playgroundrun_save_as_profile", args=[obj.pk])
        # safe: format_html escapes the reversed URL; only the fixed markup is trusted.
        return format_html('<a class="save-as-profile" href="{}">Save as profile…</a>', url)

    def get_urls(self) -> list[URLPattern]:
        extra = [
            path(
                "<int:run_id>/save-as-profile/",
                self.admin_site.admin_view(self.save_as_profile_view),
                name="summarizer_playgroundrun_save_as_profile",
            )
        ]
        return extra + super().get_urls()

    @permission_required("summarizer.add_decodingprofile")
    def save_as_profile_view(self, request: HttpRequest, run_id: int) -> HttpResponse:
        run = get_object_or_404(PlaygroundRun, pk=run_id)
        form = SaveAsForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                profile = experiments.save_as_profile(run, form.cleaned_data["name"], form.cleaned_data["description"])
            except ValidationError as exc:  # knob errors are keyed by knob, which this form does not show
                form.add_error(None, [f"{field}: {m}" for field, msgs in exc.message_dict.items() for m in msgs])
            else:
                messages.success(request, f"Saved profile “{profile.name}” from run {run.pk}.")
                return HttpResponseRedirect(reverse("admin:summarizer_decodingprofile_change", args=[profile.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": PlaygroundRun._meta,
            "original": run,
            "title": f"Save run {run.pk} as a profile",
            "form": form,
            "run": run,
        }
        return TemplateResponse(request, "admin/summarizer/playgroundrun_save_as_profile.html", context)
