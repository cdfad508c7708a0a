from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import transaction
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html

from curator.feeds.models import Entry
from curator.ids import parse_id
from curator.lib.admin_permissions import permission_required
from curator.lib.plural import counted
from curator.outbox import handover
from summarizer import plain_reasons, report_views, tasks, views
from summarizer.forms import ProfileChoiceForm
from summarizer.models import DecodingProfile, Draft

if TYPE_CHECKING:
    _EntryAdminBase = admin.ModelAdmin[Entry]  # composed onto the entry admin in curator/admin.py
else:
    _EntryAdminBase = object


class EntryDraftsAdminMixin(_EntryAdminBase):
    """The summarizer's part of the entry admin: drafts side by side on the change page, and re-drafting.

    curator/admin.py composes it with the other apps' parts; it takes `drafts_change_form_template`
    as the entry page (extend that template to add to the page) and lists `draft_actions`.
    """

    drafts_change_form_template = "admin/summarizer/entry/change_form.html"
    draft_actions = ("draft_with_profile",)

    def get_urls(self) -> list[URLPattern]:
        extra = [
            path(
                "<int:entry_id>/draft/",
                self.admin_site.admin_view(views.draft_again),
                name="feeds_entry_draft_again",
            )
        ]
        return extra + super().get_urls()

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        entry_id = parse_id(object_id)  # junk ids fall through to the admin's own "no such entry"
        drafts = list(Draft.objects.filter(entry_id=entry_id).select_related("profile")) if entry_id else []
        drafts.sort(key=lambda d: bool(d.demoted_reason))  # demoted drafts last, newest first within each group
        for draft in drafts:
            draft.parameter_summary = (  # type: ignore[attr-defined]  # shown beside the draft, never saved
                f"extractive ({draft.parameters.get('fallback_method', 'lexical')})"
                if draft.engine == Draft.Engine.FALLBACK
                else summarize_parameters(draft.parameters)
            )
        reasons = sorted({d.fallback_reason for d in drafts if d.engine == Draft.Engine.FALLBACK and d.fallback_reason})
        # Plain words for editors, each with the operator's exact reason as its tooltip.
        plain: dict[str, list[str]] = {}
        for reason in reasons:
            plain.setdefault(plain_reasons.for_editors(reason), []).append(reason)
        context = {
            **(extra_context or {}),
            "drafts": drafts,
            "fallback_reasons": [(words, "; ".join(raw)) for words, raw in plain.items()],
            "draft_profile_form": ProfileChoiceForm(),
            "can_draft": request.user.has_perm("summarizer.add_draft"),
        }
        return super().change_view(request, object_id, form_url, context)

    @admin.action(description="Draft blurbs with profile…", permissions=["change"])
    def draft_with_profile(self, request: HttpRequest, queryset: QuerySet[Entry]) -> TemplateResponse | None:
        if "apply" in request.POST:
            form = ProfileChoiceForm(request.POST)
            if form.is_valid():
                profile = form.cleaned_data["profile"]
                ids = list(queryset.values_list("pk", flat=True))
                with handover.watch() as queued, transaction.atomic():
                    for entry_id in ids:
                        tasks.draft_blurb.delay(entry_id, profile.pk, True)
                queued.tell(request, f"Drafting {counted(len(ids), 'entry', 'entries')} with profile “{profile.name}”.")
                return None
        else:
            form = ProfileChoiceForm()
        context = {
            **self.admin_site.each_context(request),
            "title": "Draft blurbs with profile",
            "opts": self.model._meta,
            "entries": queryset,
            "form": form,
            "action_name": "draft_with_profile",
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/summarizer/draft_with_profile.html", context)


@admin.register(DecodingProfile)
class DecodingProfileAdmin(admin.ModelAdmin):
    list_display = ["name", "strategy", "knobs", "is_default", "draft_count"]
    list_filter = ["strategy", "is_default"]
    search_fields = ["name", "description"]
    fieldsets = [
        (None, {"fields": ["name", "description", "is_default", "strategy"]}),
        ("Beam search", {"fields": ["num_beams", "length_penalty", "early_stopping"]}),
        ("Sampling", {"fields": ["temperature", "top_k", "top_p", "typical_p", "seed"]}),
        ("Contrastive search", {"fields": ["penalty_alpha"]}),
        (
            "Length and repetition",
            {"fields": ["min_new_tokens", "max_new_tokens", "stop", "repetition_penalty", "no_repeat_ngram_size"]},
        ),
        ("Output", {"fields": ["num_return_sequences"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[DecodingProfile]:
        return super().get_queryset(request).annotate(n_drafts=Count("drafts"))

    @admin.display(description="drafts", ordering="n_drafts")
    def draft_count(self, obj: DecodingProfile) -> int:
        return obj.n_drafts  # type: ignore[attr-defined]  # annotated by get_queryset

    @admin.display(description="settings")
    def knobs(self, obj: DecodingProfile) -> str:
        return summarize_parameters(obj.parameters())

    def get_urls(self) -> list[URLPattern]:
        extra = [
            path(
                "playground/",
                self.admin_site.admin_view(self.playground_view),
                name="summarizer_decodingprofile_playground",
            ),
            path(
                "report/",
                self.admin_site.admin_view(self.report_view),
                name="summarizer_decodingprofile_report",
            ),
        ]
        return extra + super().get_urls()

    @permission_required("view")
    def report_view(self, request: HttpRequest) -> HttpResponse:
        return report_views.profile_report(request, self.admin_site)

    @permission_required("view")
    def playground_view(self, request: HttpRequest) -> HttpResponse:
        return views.playground(request, self.admin_site)

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        context = {
            **(extra_context or {}),
            "playground_url": reverse("admin:summarizer_decodingprofile_playground"),
            "report_url": reverse("admin:summarizer_decodingprofile_report"),
        }
        return super().changelist_view(request, context)


@admin.register(Draft)
class DraftAdmin(admin.ModelAdmin):
    list_display = ["entry", "profile_name", "engine_label", "model_id", "tokens_out", "seconds", "created_at"]
    list_filter = ["engine", "profile_name"]
    list_select_related = ["entry"]
    search_fields = ["text", "entry__title"]
    readonly_fields = [f.name for f in Draft._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # drafts come from the engine; editors edit the pick's blurb instead

    @admin.display(description="engine")
    def engine_label(self, obj: Draft) -> Any:
        if obj.engine == Draft.Engine.FALLBACK:
            # safe: no stored data, only a fixed colour.
            return format_html('<strong style="color:{}">fallback</strong>', "#b45309")
        return "model"


def summarize_parameters(params: dict[str, Any]) -> str:
    """The knobs that matter for this strategy, as one short line."""
    strategy = params.get("strategy")
    parts = []
    if strategy == "beam":
        parts.append(f"{params['num_beams']} beams, length penalty {params['length_penalty']}")
    if strategy in ("top_k", "top_p", "temperature"):
        parts.append(f"temperature {params['temperature']}")
    if params.get("top_k") is not None:
        parts.append(f"top-k {params['top_k']}")
    if params.get("top_p") is not None:
        parts.append(f"top-p {params['top_p']}")
    if params.get("typical_p") is not None:
        parts.append(f"typical-p {params['typical_p']}")
    if params.get("penalty_alpha") is not None:
        parts.append(f"alpha {params['penalty_alpha']}")
    if params.get("no_repeat_ngram_size"):
        parts.append(f"no repeated {params['no_repeat_ngram_size']}-grams")
    if params.get("repetition_penalty", 1.0) != 1.0:
        parts.append(f"repetition penalty {params['repetition_penalty']}")
    parts.append(f"{params.get('min_new_tokens') or 0}-{params.get('max_new_tokens')} tokens")
    if params.get("seed") is not None:
        parts.append(f"seed {params['seed']}")
    if params.get("num_return_sequences", 1) > 1:
        parts.append(f"{params['num_return_sequences']} drafts")
    return ", ".join(parts)


from summarizer import experiment_admin  # noqa: E402, F401 - registers PlaygroundRun's admin beside the others
