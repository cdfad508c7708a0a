"""Staff views mounted through the admin: re-drafting one entry, and the decoding playground."""

from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from curator.feeds.models import Entry
from curator.lib.admin_permissions import permission_required, staff_user
from curator.outbox import handover
from summarizer import backends, decoding, experiments, prompts, tasks
from summarizer import comparison as comparison_run
from summarizer.forms import ColumnsForm, KnobsForm, PlaygroundSourceForm, ProfileChoiceForm, SaveAsForm
from summarizer.models import DecodingProfile
from summarizer.status import summarizer_status


@require_POST
@permission_required("summarizer.add_draft")
def draft_again(request: HttpRequest, entry_id: int) -> HttpResponse:
    """Queue a new draft of one entry with the chosen profile (runs in-process in the demo)."""
    entry = get_object_or_404(Entry, pk=entry_id)
    form = ProfileChoiceForm({"profile": request.POST.get("draft_profile")})
    change_url = reverse("admin:feeds_entry_change", args=[entry.pk])
    if not form.is_valid():
        messages.error(request, "Choose a decoding profile to draft with.")
        return HttpResponseRedirect(change_url)
    profile = form.cleaned_data["profile"]
    with handover.watch() as queued:
        tasks.draft_blurb.delay(entry.pk, profile.pk, True)
    queued.tell(request, f"Drafting “{entry.title[:80]}” with profile “{profile.name}”.")
    return HttpResponseRedirect(change_url + "#drafts")


def _initial_knobs(request: HttpRequest) -> tuple[DecodingProfile, dict[str, Any]]:
    base = DecodingProfile.chosen_or_default(request.GET.get("profile"))
    return base, decoding.parameters_of(base)


FormT = TypeVar("FormT", bound=forms.Form)


def _bound_or_typed(form_class: type[FormT], request: HttpRequest, *, bound: bool) -> FormT:
    if bound:
        return form_class(request.POST)
    return form_class(initial={name: request.POST.get(name, "") for name in form_class.base_fields})


@permission_required("summarizer.view_decodingprofile")
def playground(request: HttpRequest, site: AdminSite) -> HttpResponse:
    """Pick an entry or paste text, run several profiles side by side, keep a tweak as a profile."""
    base, initial = _initial_knobs(request)
    comparison: comparison_run.Comparison | None = None
    if request.method == "POST":
        # Each button judges only the forms it needs (Generate: text, columns and knobs; Save: knobs and
        # name); the other form shows what was typed, without errors that do not apply to that button.
        saving = "save" in request.POST
        source_form = _bound_or_typed(PlaygroundSourceForm, request, bound=not saving)
        columns_form = ColumnsForm(request.POST)
        knobs_form = KnobsForm(request.POST)
        save_form = _bound_or_typed(SaveAsForm, request, bound=saving)
        if saving:
            if not request.user.has_perm("summarizer.add_decodingprofile"):
                raise PermissionDenied
            if knobs_form.is_valid() and save_form.is_valid():
                saved = knobs_form.save(commit=False)
                saved.name = save_form.cleaned_data["name"]
                saved.description = save_form.cleaned_data["description"]
                saved.is_default = False
                saved.save()
                messages.success(request, f"Saved profile “{saved.name}”.")
                return HttpResponseRedirect(reverse("admin:summarizer_decodingprofile_change", args=[saved.pk]))
        elif source_form.is_valid() and columns_form.is_valid():
            profiles, wants_knobs = columns_form.chosen()
            wants_server = columns_form.wants_server()
            if not (wants_knobs or wants_server) or knobs_form.is_valid():
                comparison = _generate(
                    request,
                    source_form,
                    profiles,
                    knobs_form if wants_knobs else None,
                    knobs_form if wants_server else None,
                )
    else:
        source_form = PlaygroundSourceForm(initial={"entry": request.GET.get("entry")})
        columns_form = ColumnsForm(loaded=base if "profile" in request.GET else None)
        knobs_form = KnobsForm(initial=initial)
        save_form = SaveAsForm()
    context = {
        **site.each_context(request),
        "title": "Decoding playground",
        "opts": DecodingProfile._meta,
        "source_form": source_form,
        "columns_form": columns_form,
        "knobs_form": knobs_form,
        "save_form": save_form,
        "profiles": DecodingProfile.objects.all(),
        "base": base,
        "comparison": comparison,
        "can_view_runs": request.user.has_perm("summarizer.view_playgroundrun"),
        "pasted": bool((source_form["text"].value() or "").strip()),
        "knobs_idle": _knobs_idle(),
    }
    return render(request, "admin/summarizer/playground.html", context)


def _generate(
    request: HttpRequest,
    source_form: PlaygroundSourceForm,
    profiles: list[DecodingProfile],
    knobs_form: KnobsForm | None,
    server_knobs_form: KnobsForm | None = None,
) -> comparison_run.Comparison:
    """Run the chosen columns on the entry (or pasted text) and keep each column as a playground run."""
    entry = source_form.cleaned_data["entry"]
    if entry is not None:
        source = prompts.source_for(entry)
    else:
        source = prompts.Source(source_form.cleaned_data["title"], source_form.cleaned_data["text"])
    columns = comparison_run.columns_for(
        profiles,
        knobs_form.knobs() if knobs_form else None,
        server_knobs_form.knobs() if server_knobs_form else None,
    )
    outcome = comparison_run.run(source, columns, budget_seconds=settings.SUMMARIZER_PLAYGROUND_SECONDS)
    for result in outcome.shown:
        assert result.column.knobs is not None  # a column without knobs is never run
        experiments.record_run(staff_user(request), source, entry, result.column.knobs.as_dict(), result.drafts)
    return outcome


def _knobs_idle() -> str:
    """Why the knobs cannot change anything now (drafts come from the extract), or empty."""
    if backends.server_beside_worker():
        return ""  # the server's column drafts with them, whatever the worker's model
    status = summarizer_status()
    return status.reason if status.uses_fallback else ""
